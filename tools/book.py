"""Maintainer tools for the book's notebooks: the one bootstrap cell, execution, listing.

    python tools/book.py execute chapters/ko/01_rnn.ipynb chapters/en/01_rnn.ipynb
    python tools/book.py bootstrap      # rewrite every notebook's first cell from _config.yml
                                        # and its metadata (kernel, Colab, toggle labels,
                                        # the exercise ids the grader expects)

``execute`` runs a notebook in place, in this Python environment, the way nbval
re-runs it in CI (kernel in the current environment, working directory = the
notebook's folder), and keeps only what nbval compares.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("ko", "en")
BOOTSTRAP_TITLE = "# @title Colab: install rnnbook (does nothing outside Colab)"


def repository_url() -> str:
    """The ``repository: url`` of _config.yml (read without a YAML dependency)."""
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    m = re.search(r"^repository:\s*\n(?:[ \t]+.*\n)*?[ \t]+url:\s*(\S+)", text, re.M)
    if not m:
        raise SystemExit("_config.yml has no repository: url")
    return m.group(1).rstrip("/")


def bootstrap_source() -> str:
    """Source of the first code cell of every chapter, identical in both languages."""
    url = repository_url()
    return "\n".join(
        [
            BOOTSTRAP_TITLE,
            "import sys",
            "",
            'if "google.colab" in sys.modules:',
            f'    !pip install -q "rnnbook @ git+{url}@main"',
            "    !apt-get -qq install -y fonts-nanum > /dev/null",
        ]
    )


def notebooks(lang: str | None = None) -> list[Path]:
    langs = LANGS if lang is None else (lang,)
    return sorted(p for l in langs for p in (ROOT / "chapters" / l).glob("*.ipynb"))


def code_cells(nb: dict) -> list[tuple[int, dict]]:
    return [(i, c) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]


def source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def set_bootstrap(nb: dict) -> None:
    """Make the first code cell the canonical bootstrap cell, hidden as a Colab form."""
    cells = code_cells(nb)
    text = bootstrap_source()
    if cells and source(cells[0][1]).startswith(BOOTSTRAP_TITLE.split(":")[0]):
        cell = cells[0][1]
        cell["source"] = text
    else:
        import nbformat

        cell = nbformat.v4.new_code_cell(text)
        first = cells[0][0] if cells else len(nb["cells"])
        nb["cells"].insert(first, cell)
    cell.setdefault("metadata", {})["cellView"] = "form"
    cell["metadata"].setdefault("tags", [])
    if "hide-input" not in cell["metadata"]["tags"]:
        cell["metadata"]["tags"].append("hide-input")


# Labels of myst-nb's show/hide toggles (hidden bootstrap and solution cells), per language.
CODE_PROMPTS = {
    "ko": {"code_prompt_show": "코드 보기", "code_prompt_hide": "코드 숨기기"},
    "en": {"code_prompt_show": "Show code", "code_prompt_hide": "Hide code"},
}


def set_book_metadata(nb, lang: str) -> None:
    """Notebook metadata the book, Colab and the grader read.

    Kernel, Colab options, toggle labels, and ``rnnbook.exercises``: the ids of the
    notebook's graded checks, so that ``python -m rnnbook.grade`` reports an exercise whose
    check cell a learner deleted as "not run".
    """
    from rnnbook.grade import exercise_ids

    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata.setdefault("language_info", {"name": "python"})
    nb.metadata["colab"] = {"provenance": [], "toc_visible": True}
    nb.metadata["mystnb"] = dict(CODE_PROMPTS[lang])
    nb.metadata["rnnbook"] = {"exercises": exercise_ids(nb)}


def _clean(nb) -> None:
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.metadata.pop("collapsed", None)
            cell.metadata.pop("scrolled", None)
    nb.metadata.pop("widgets", None)


def execute(path: Path, timeout: int = 600) -> float:
    """Execute ``path`` in place; return the wall time in seconds."""
    import time

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    set_bootstrap(nb)
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    client.execute()
    elapsed = time.perf_counter() - start
    _clean(nb)
    set_book_metadata(nb, path.parent.name)
    for i, cell in code_cells(nb):
        for out in cell.get("outputs", []):
            if out.get("name") == "stderr":
                raise SystemExit(f"{path} cell {i}: wrote to stderr:\n{out.get('text')}")
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"execute", "bootstrap"}:
        print(__doc__)
        return 2
    if argv[0] == "bootstrap":
        import nbformat

        for path in notebooks():
            nb = nbformat.read(path, as_version=4)
            set_bootstrap(nb)
            set_book_metadata(nb, path.parent.name)
            nbformat.write(nb, path)
        return 0
    paths = [Path(p).resolve() for p in argv[1:]] or notebooks()
    for path in paths:
        seconds = execute(path)
        print(f"{path.relative_to(ROOT)}: executed in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
