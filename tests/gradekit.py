"""Shared fixtures of the grading tests: a small master notebook and submissions made from it.

The master has three exercises (``gru_step`` worth 2 points, ``rnn_param_count`` worth 1,
``rnn_shapes`` optional) laid out like the book's chapters: stub, check, solution (a Colab
form cell), check. A submission is the master with the learner's code in the stub cells
(the book's solutions left in, as when a class gets the full chapter) plus any extra cells.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

IMPORTS = "import numpy as np\nfrom rnnbook import numpy_ref\nfrom rnnbook.exercises import check"
SOLUTIONS = {
    "gru_step": ("def gru_step(x, h, params):\n"
                 "    H = h.shape[1]\n"
                 "    a = x @ params['weight_ih'].T + params['bias_ih']\n"
                 "    b = h @ params['weight_hh'].T + params['bias_hh']\n"
                 "    r = 1 / (1 + np.exp(-(a[:, :H] + b[:, :H])))\n"
                 "    z = 1 / (1 + np.exp(-(a[:, H:2 * H] + b[:, H:2 * H])))\n"
                 "    n = np.tanh(a[:, 2 * H:] + r * b[:, 2 * H:])\n"
                 "    return (1 - z) * n + z * h"),
    "rnn_param_count": ("def rnn_param_count(input_size, hidden_size):\n"
                        "    return hidden_size * (input_size + hidden_size + 2)"),
    "rnn_shapes": ("def rnn_shapes(T, B, I, H):\n"
                   "    return {'weight_ih': (H, I), 'weight_hh': (H, H), 'bias_ih': (H,),\n"
                   "            'bias_hh': (H,), 'output': (T, B, H), 'h_n': (1, B, H)}"),
}
ARGS = {"gru_step": "x, h, params", "rnn_param_count": "input_size, hidden_size",
        "rnn_shapes": "T, B, I, H"}
# Right answers written differently from the solutions (so they are the learner's own).
RIGHT = {
    "gru_step": ("def gru_step(x, h, params):\n"
                 "    sig = lambda v: 1 / (1 + np.exp(-v))\n"
                 "    gx = x @ params['weight_ih'].T + params['bias_ih']\n"
                 "    gh = h @ params['weight_hh'].T + params['bias_hh']\n"
                 "    xr, xz, xn = np.split(gx, 3, axis=1)\n"
                 "    hr, hz, hn = np.split(gh, 3, axis=1)\n"
                 "    r, z = sig(xr + hr), sig(xz + hz)\n"
                 "    return (1 - z) * np.tanh(xn + r * hn) + z * h"),
    "rnn_param_count": "def rnn_param_count(input_size, hidden_size):\n"
                       "    return hidden_size * input_size + hidden_size ** 2 + 2 * hidden_size",
    "rnn_shapes": SOLUTIONS["rnn_shapes"].replace("return {", "shapes = {").replace(
        "(1, B, H)}", "(1, B, H)}\n    return shapes"),
}
WRONG_GRU = ("def gru_step(x, h, params):\n"       # z and 1 - z swapped
             "    sig = lambda v: 1 / (1 + np.exp(-v))\n"
             "    gx = x @ params['weight_ih'].T + params['bias_ih']\n"
             "    gh = h @ params['weight_hh'].T + params['bias_hh']\n"
             "    xr, xz, xn = np.split(gx, 3, axis=1)\n"
             "    hr, hz, hn = np.split(gh, 3, axis=1)\n"
             "    r, z = sig(xr + hr), sig(xz + hz)\n"
             "    return z * np.tanh(xn + r * hn) + (1 - z) * h")
WRONG_COUNT = "def rnn_param_count(input_size, hidden_size):\n    return hidden_size * (input_size + hidden_size + 1)"


def stub(fn: str) -> str:
    return f"def {fn}({ARGS[fn]}):\n    raise NotImplementedError  # your code"


def solution_cell(fn: str):
    cell = new_code_cell(f"# @title Solution (click to show)\n{SOLUTIONS[fn]}")
    cell.metadata.update({"cellView": "form", "tags": ["hide-input"]})
    return cell


def master_notebook():
    cells = [new_markdown_cell("# A small chapter"), new_code_cell(IMPORTS)]
    for k, fn in enumerate(("gru_step", "rnn_param_count", "rnn_shapes")):
        cells += [new_markdown_cell(f"### Exercise 1.{k + 1} `{fn}`"), new_code_cell(stub(fn)),
                  new_code_cell(f"check({fn!r}, {fn})"), solution_cell(fn),
                  new_code_cell(f"check({fn!r}, {fn})")]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["rnnbook"] = {"exercises": ["gru_step", "rnn_param_count", "rnn_shapes"],
                              "points": {"gru_step": 2}, "optional": ["rnn_shapes"]}
    return nb


def write_master(directory: Path) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "master.ipynb"
    nbformat.write(master_notebook(), str(path))
    return str(path)


def submission(directory: Path, name: str, answers: dict | None = None, extra: list = (),
               edit=None) -> str:
    """The master with ``answers`` (function -> code) in the stub cells and ``extra`` code
    cells appended (str or cell); ``edit(nb)`` may change anything else."""
    nb = master_notebook()
    for cell in nb.cells:
        for fn, code in (answers or {}).items():
            if cell.cell_type == "code" and cell.source == stub(fn):
                cell.source = code
    nb.cells += [new_code_cell(c) if isinstance(c, str) else c for c in extra]
    if edit is not None:
        edit(nb)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    return str(path)


def grade(*args) -> tuple:
    """Run the grader in this process with --json; return (exit status, report dict)."""
    from rnnbook.grade import main
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["--json", "--seed", "11", "--timeout", "30", *args])
    return status, json.loads(out.getvalue())


def grade_cli(*args, env=None) -> subprocess.CompletedProcess:
    """Run ``python -m rnnbook.grade`` in a new process."""
    return subprocess.run([sys.executable, "-m", "rnnbook.grade", *args], capture_output=True,
                          text=True, env=dict(os.environ, **(env or {})), timeout=600)


def statuses(report: dict, student: str | None = None) -> dict:
    nb = next(n for n in report["notebooks"] if student is None or n["student"] == student)
    return {e["exercise_id"]: e["status"] for e in nb["exercises"]}


def require_bwrap() -> None:
    """Skip (or, under RNNBOOK_REQUIRE_ALL=1, fail) where bubblewrap does not work."""
    from rnnbook.grade.sandbox import isolation
    if isolation() != "bwrap":
        message = ("bubblewrap (bwrap) is not installed or does not work here, so the "
                   "sandbox cannot hide other files: install the Debian package bubblewrap")
        if os.environ.get("RNNBOOK_REQUIRE_ALL") == "1":
            pytest.fail(message)
        pytest.skip(message)
