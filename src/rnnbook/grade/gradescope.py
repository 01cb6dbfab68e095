"""A Gradescope autograder folder for one master notebook.

``python -m rnnbook.grade autograder MASTER.ipynb --out DIR`` writes::

    DIR/setup.sh          installs Python, bubblewrap, CPU-only torch and rnnbook
    DIR/run_autograder    grades the one .ipynb in the submission folder
    DIR/master.ipynb      the instructor's copy (it never reaches the students)

Zip the folder's contents and upload them as the assignment's autograder. Gradescope runs
``setup.sh`` once when it builds the image and ``run_autograder`` for every submission;
the script writes ``results/results.json`` (:func:`rnnbook.grade.report.gradescope_results`).
The folders default to Gradescope's (``/autograder/submission``, ``/autograder/results``,
``/autograder/source``); the environment variables ``SUBMISSION_DIR``, ``RESULTS_DIR``,
``SOURCE_DIR`` and ``PYTHON`` override them, so the script can be run anywhere.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

PIP_SPEC = "rnnbook @ git+https://github.com/rnnbook/rnn-lstm-gru@main"

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once while it builds the autograder image.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3 python3-pip python3-venv bubblewrap git
python3 -m venv /opt/rnnbook
/opt/rnnbook/bin/pip install -q torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
/opt/rnnbook/bin/pip install -q "{pip_spec}"
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission; it always writes results/results.json.
set -u
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
SUBMISSION="${{SUBMISSION_DIR:-$ROOT/submission}}"
RESULTS="${{RESULTS_DIR:-$ROOT/results}}"
SOURCE="${{SOURCE_DIR:-$ROOT/source}}"
PYTHON="${{PYTHON:-/opt/rnnbook/bin/python}}"
mkdir -p "$RESULTS"
shopt -s nullglob
notebooks=("$SUBMISSION"/*.ipynb)
fail() {{
  "$PYTHON" -c 'import json, sys; json.dump({{"score": 0, "output": sys.argv[2], "visibility": "visible", "stdout_visibility": "hidden", "tests": []}}, open(sys.argv[1], "w"))' "$RESULTS/results.json" "$1"
  exit 0
}}
if [ ${{#notebooks[@]}} -ne 1 ]; then
  fail "Submit exactly one .ipynb notebook; found ${{#notebooks[@]}}."
fi
rm -f "$RESULTS/results.json"
"$PYTHON" -m rnnbook.grade --master "$SOURCE/master.ipynb" "${{notebooks[0]}}" -j 1 \\
    --timeout {timeout:g} --lang {lang} --gradescope "$RESULTS"
[ -f "$RESULTS/results.json" ] || fail "The grader stopped without a result; please tell your instructor."
exit 0
"""


def write_autograder(master: str, out: str, timeout: float = 60.0, lang: str = "en",
                     pip_spec: str = PIP_SPEC) -> list:
    """Write ``setup.sh``, ``run_autograder`` and ``master.ipynb`` into ``out``; return paths."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    files = {"setup.sh": SETUP.format(pip_spec=pip_spec),
             "run_autograder": RUN.format(timeout=timeout, lang=lang)}
    written = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        os.chmod(path, 0o755)
        written.append(str(path))
    shutil.copyfile(master, folder / "master.ipynb")
    return written + [str(folder / "master.ipynb")]
