"""Maintainer tools for the book's notebooks: the one bootstrap cell, execution, listing.

    python tools/book.py execute chapters/ko/01_rnn.ipynb chapters/en/01_rnn.ipynb
    python tools/book.py bootstrap      # rewrite every notebook's first cell from _config.yml
                                        # and its metadata (kernel, Colab, toggle labels,
                                        # the exercise ids the grader expects)
    python tools/book.py snapshot-text  # rewrite src/rnnbook/data/book_text_{ko,en}.txt from
                                        # the prose of chapters 00-05 and the glossary

``execute`` runs a notebook in place, in this Python environment, the way nbval
re-runs it in CI (kernel in the current environment, working directory = the
notebook's folder), and keeps only what nbval compares.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("ko", "en")
# The bootstrap cell's Colab form title, in the notebook's language (the rest of the cell is
# the same code in both twins).
BOOTSTRAP_TITLE = {
    "en": "# @title Colab: install rnnbook (does nothing outside Colab)",
    "ko": "# @title Colab: rnnbook 설치 (Colab 밖에서는 아무 일도 하지 않는다)",
}
BOOTSTRAP_PREFIX = "# @title Colab"


def repository_url() -> str:
    """The ``repository: url`` of _config.yml (read without a YAML dependency)."""
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    m = re.search(r"^repository:\s*\n(?:[ \t]+.*\n)*?[ \t]+url:\s*(\S+)", text, re.M)
    if not m:
        raise SystemExit("_config.yml has no repository: url")
    return m.group(1).rstrip("/")


def bootstrap_source(lang: str = "en") -> str:
    """Source of the first code cell of every chapter: the same code in both languages,
    under a form title in ``lang``."""
    url = repository_url()
    return "\n".join(
        [
            BOOTSTRAP_TITLE[lang],
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


def set_bootstrap(nb: dict, lang: str = "en") -> None:
    """Make the first code cell the canonical bootstrap cell (title in ``lang``), hidden as a
    Colab form."""
    cells = code_cells(nb)
    text = bootstrap_source(lang)
    if cells and source(cells[0][1]).startswith(BOOTSTRAP_PREFIX):
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


# nbval compares stored outputs digit for digit, and a float's last digits depend on the
# SIMD code path that MKL (torch's matmuls), PyTorch's own kernels, oneDNN and OpenBLAS
# (NumPy's) pick for the CPU at hand: the same notebook trained to different losses on an
# AVX-512 machine and on the AVX2 machine that stored the outputs. Every execution the
# tests compare (tools/book.py execute, nbval through tests/conftest.py) therefore runs the
# AVX2 code paths, which every x86-64 CPU from Intel since 2013 and AMD since 2015 has.
# Measured on one LSTM run: no slower than the native path (AVX-512); the portable SSE
# paths (MKL_CBWR=COMPATIBLE, ATEN_CPU_CAPABILITY=default) were 1.6x slower.
REPRODUCIBLE_ENV = {
    "MKL_CBWR": "AVX2",
    "ATEN_CPU_CAPABILITY": "avx2",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "OPENBLAS_CORETYPE": "Haswell",
}


# Checks a kernel makes while the tests run a chapter: every figure reports text that would
# show under 10 px in the book's column (rnnbook.plots.small_text) on stderr, which fails
# nbval and ``execute``.
KERNEL_CHECKS = {"RNNBOOK_CHECK_FIGURES": "1"}


def pin_numerics(environ=os.environ) -> None:
    """Set :data:`REPRODUCIBLE_ENV` and :data:`KERNEL_CHECKS` in ``environ`` (the kernels
    started later inherit them)."""
    environ.update(REPRODUCIBLE_ENV)
    environ.update(KERNEL_CHECKS)


def execute(path: Path, timeout: int = 600) -> float:
    """Execute ``path`` in place; return the wall time in seconds."""
    import time

    import nbformat
    from nbclient import NotebookClient

    pin_numerics()
    nb = nbformat.read(path, as_version=4)
    set_bootstrap(nb, path.parent.name)
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


# The text chapter 07's language model reads: the prose of these pages, frozen in a snapshot
# that is rewritten only by ``snapshot-text`` (run deliberately), so that editing a chapter
# does not change chapter 07's stored outputs.
SNAPSHOT_PAGES = ("00_how_to_use.ipynb", "01_rnn.ipynb", "02_bptt_and_gradients.ipynb",
                  "03_lstm.ipynb", "04_gru.ipynb", "05_comparison.ipynb", "glossary.md")
SNAPSHOT_FILE = "book_text_{lang}.txt"
SNAPSHOT_MARK = "=== {page} ==="


def _protect_code(text: str) -> list[tuple[bool, str]]:
    """Split a line into (is_inline_code, piece) so that code spans escape the other rules."""
    pieces, pos = [], 0
    for m in re.finditer(r"(`+)(.+?)\1", text):
        pieces.append((False, text[pos:m.start()]))
        pieces.append((True, m.group(2).strip()))
        pos = m.end()
    pieces.append((False, text[pos:]))
    return pieces


def _plain(text: str) -> str:
    """Inline rules on prose outside code spans (see :func:`markdown_paragraphs`)."""
    text = re.sub(r"(?<!\\)\$[^$]+?(?<!\\)\$", "$", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])", r"\1", text)
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!$|])", r"\1", text)


def markdown_paragraphs(markdown: str) -> list[str]:
    """The prose of one Markdown text as paragraphs of plain text, one line each.

    Deterministic rules, in this order:

    - dropped: fenced blocks (```` ``` ```` or ``~~~``, code and MyST directives alike),
      display maths ``$$ … $$``, HTML tags and comments, images, table separator rows;
    - each inline formula ``$ … $`` becomes the single character ``$``;
    - kept without their mark-up: the text of links, the content of inline code, emphasis
      (``**bold**``, ``__bold__``, ``*italic*``),
      headings (without ``#``), list items (without the bullet or number), block quotes;
    - a table row becomes its cells joined by `` | ``;
    - a paragraph (lines up to a blank line), a heading, a list item and a table row each
      become one line, with runs of whitespace collapsed to one space.
    """
    text = re.sub(r"^[ \t]*(```|~~~).*?^[ \t]*\1[^\n]*$", "", markdown, flags=re.S | re.M)
    text = re.sub(r"\$\$.*?\$\$", "\n\n", text, flags=re.S)
    paragraphs, current = [], []

    def flush():
        if current:
            paragraphs.append(" ".join(current))
            current.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        line = re.sub(r"^(>\s?)+", "", line)
        heading = re.match(r"^#{1,6}\s+(.*)$", line)
        item = re.match(r"^([-*+]|\d+[.)])\s+(.*)$", line)
        if line.startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue
            current.append(" | ".join(c for c in cells))
            flush()
        elif heading or item:
            flush()
            current.append(heading.group(1) if heading else item.group(2))
            if heading:
                flush()
        else:
            current.append(line)
    flush()
    out = []
    for para in paragraphs:
        # Links first: their text may hold a code span ([`01_rnn.ipynb`](01_rnn.ipynb)).
        para = re.sub(r"<!--.*?-->", "", para)
        para = re.sub(r"</?[A-Za-z][^>]*>", "", para)
        para = re.sub(r"!\[([^\]]*)\]\([^)]*\)", "", para)
        para = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", para)
        para = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", para)  # bold may span code
        para = "".join(piece if code else _plain(piece) for code, piece in _protect_code(para))
        para = re.sub(r"\s+", " ", para).strip()
        if para:
            out.append(para)
    return out


def page_markdown(path: Path) -> str:
    """The Markdown of a page: a ``.md`` file as it is, a notebook's markdown cells in order."""
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")


def snapshot_text(root: Path, lang: str) -> str:
    """The text snapshot of one language: for each page of SNAPSHOT_PAGES, a line
    ``=== <page> ===`` and then its paragraphs (:func:`markdown_paragraphs`), one per line."""
    lines = []
    for page in SNAPSHOT_PAGES:
        path = root / "chapters" / lang / page
        if not path.exists():
            raise SystemExit(f"snapshot-text: {path} does not exist")
        lines.append(SNAPSHOT_MARK.format(page=page))
        lines.extend(markdown_paragraphs(page_markdown(path)))
    return "\n".join(lines) + "\n"


def write_snapshots(root: Path = ROOT, out: Path | None = None) -> list[Path]:
    """Write ``book_text_<lang>.txt`` for both languages into ``out`` (the package's data)."""
    out = out or ROOT / "src" / "rnnbook" / "data"
    written = []
    for lang in LANGS:
        path = out / SNAPSHOT_FILE.format(lang=lang)
        path.write_text(snapshot_text(root, lang), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"execute", "bootstrap", "snapshot-text"}:
        print(__doc__)
        return 2
    if argv[0] == "snapshot-text":
        for path in write_snapshots():
            text = path.read_text(encoding="utf-8")
            print(f"{path.relative_to(ROOT)}: {len(text):,d} characters")
        return 0
    if argv[0] == "bootstrap":
        import nbformat

        for path in notebooks():
            nb = nbformat.read(path, as_version=4)
            set_bootstrap(nb, path.parent.name)
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
