"""Colab, simulated: a fresh virtualenv holding only what Colab has, no checkout on the path.

The notebook's own bootstrap cell must install rnnbook from the repository URL
(redirected here to a git copy of this checkout, since CI has no internet) and
the chapter must run to the end. This proves no notebook depends on relative
paths or on files outside the package.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import book
from conftest import require_or_skip

pytestmark = [pytest.mark.colab, pytest.mark.slow]
# What a Colab runtime already has that matters here (Colab pins its own versions).
COLAB_PACKAGES = ["torch==2.13.0", "numpy", "matplotlib", "ipykernel"]
NOTEBOOK = os.environ.get("RNNBOOK_COLAB_NOTEBOOK", "")


def _run(cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if result.returncode:
        raise AssertionError(f"{' '.join(map(str, cmd))} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def _snapshot_repo(dest: Path) -> None:
    """A git repository on branch main holding this working tree as it is now."""
    files = _run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=book.ROOT).stdout.split("\0")
    for rel in filter(None, files):
        src = book.ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).write_bytes(src.read_bytes())
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    _run(["git", "init", "-q", "-b", "main"], cwd=dest)
    _run(["git", "add", "-A"], cwd=dest)
    _run(["git", "commit", "-q", "-m", "snapshot"], cwd=dest, env=env)


def _chapter() -> Path:
    if NOTEBOOK:
        return book.ROOT / NOTEBOOK
    notebooks = book.notebooks("ko")
    return notebooks[min(1, len(notebooks) - 1)]


def test_chapter_runs_in_a_colab_like_runtime(tmp_path):
    if subprocess.run(["git", "--version"], capture_output=True).returncode:
        require_or_skip("git is not installed")
    import nbformat
    from nbclient import NotebookClient

    repo = tmp_path / "repo"
    repo.mkdir()
    _snapshot_repo(repo)

    venv = tmp_path / "colab-venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    py = venv / "bin" / "python"
    _run([py, "-m", "pip", "install", "-q", "--disable-pip-version-check", *COLAB_PACKAGES], timeout=900)
    before = _run([py, "-m", "pip", "freeze"]).stdout
    _run([py, "-m", "ipykernel", "install", "--prefix", str(venv), "--name", "colab-sim"])

    fake = tmp_path / "fake"
    (fake / "google" / "colab").mkdir(parents=True)
    (fake / "google" / "__init__.py").write_text("")
    (fake / "google" / "colab" / "__init__.py").write_text('"""Stand-in for Colab\'s google.colab."""\n')
    startup = tmp_path / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-colab.py").write_text(f"import sys\nsys.path.append({str(fake)!r})\nimport google.colab\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "apt-get").write_text(f"#!/bin/sh\necho \"$@\" >> {tmp_path / 'apt.log'}\n")
    (bin_dir / "apt-get").chmod(0o755)
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text(f'[url "file://{repo}"]\n\tinsteadOf = {book.repository_url()}\n')

    work = tmp_path / "content"  # Colab's /content: nothing of the book's checkout in it
    work.mkdir()
    env_keep = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env = {
        **env_keep,
        "PATH": f"{bin_dir}:{venv / 'bin'}:{env_keep.get('PATH', '')}",
        "IPYTHONDIR": str(tmp_path / "ipython"),
        "GIT_CONFIG_GLOBAL": str(gitconfig),
        "JUPYTER_PATH": str(venv / "share" / "jupyter"),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    chapter = _chapter()
    nb = nbformat.read(chapter, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import rnnbook, sys\nprint(rnnbook.__file__)\nprint('google.colab' in sys.modules)"))
    old_env = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        client = NotebookClient(nb, timeout=600, kernel_name="colab-sim", resources={"metadata": {"path": str(work)}})
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(old_env)

    last = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    location, in_colab = last.split()
    assert in_colab == "True"
    assert str(venv) in location, f"rnnbook was imported from {location}, not installed into the runtime"
    assert str(book.ROOT) not in location
    after = _run([py, "-m", "pip", "freeze"]).stdout
    torch_lines = lambda s: sorted(l for l in s.splitlines() if l.lower().startswith("torch"))
    assert torch_lines(before) == torch_lines(after), "installing rnnbook changed the runtime's torch"
    assert "fonts-nanum" in (tmp_path / "apt.log").read_text(), "the bootstrap did not install the Hangul font"
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
