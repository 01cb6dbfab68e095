"""Grade learners' notebooks: run each in a fresh kernel and report every exercise check.

    python -m rnnbook.grade NOTEBOOK... [--timeout SECONDS] [--json] [--lang ko|en]
                                        [--keep-solutions]

Each notebook runs in its own process (``python -m rnnbook.grade --child …``), which
starts its own Jupyter kernel through nbclient. The whole notebook, kernel start-up
included, gets ``--timeout`` seconds; a notebook that loops forever or kills its kernel
is reported as such, and the grader kills the process and the kernel if they do not stop.
Cells run with ``allow_errors``: a cell that raises is reported and the cells after it
still run, so every exercise gets graded.

How the results are collected: the grader sets the environment variable
``RNNBOOK_GRADE_LOG`` (:data:`rnnbook.exercises.GRADE_LOG_ENV`) for the kernel, and every
``rnnbook.exercises.check`` call appends one JSON line to that file. The last check of
each exercise id is its grade.

Solution cells are emptied before the run, so that the book's hidden solution does not
grade itself in place of the learner's answer. A code cell is a solution cell when it is
tagged ``solution``, or when it is a Colab form cell (``"cellView": "form"``) whose
``# @title`` line says solution, 풀이, 정답 or 해답, or when it lies between
sphinx-exercise's ``solution-start`` and ``solution-end`` directives.
``--keep-solutions`` runs them too (for checking the book's own notebooks).

Which exercises a notebook should check is read from its metadata
(``metadata.rnnbook.exercises``, written into the book's chapters by ``tools/book.py
bootstrap`` from their ``check("<id>", …)`` calls, see :func:`exercise_ids`). An expected
exercise whose check never ran (its cell deleted, or the notebook stopped before it) is
reported as "not run".

Exit status: 0 when every notebook ran to the end without an error and every exercise
passed; 1 otherwise (a failed, unattempted or not-run exercise, an errored, crashed or
timed-out notebook, or a notebook in which no exercise was checked); 2 for bad arguments.

References: nbclient (https://nbclient.readthedocs.io) for executing notebooks;
jupyter_client's kernel provisioner for the kernel's process.
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

from .exercises import GRADE_LOG_ENV

__all__ = ["main", "grade_notebook", "format_table", "exercise_ids", "check_calls"]

DEFAULT_TIMEOUT = 300
GRACE = 10          # seconds the child gets, after the limit, to shut its kernel down
MESSAGE_WIDTH = 100

_SOLUTION_TITLE = re.compile(r"^\s*#\s*@title\b.*(solution|풀이|정답|해답)", re.IGNORECASE)
_EXPECTED_ERROR = re.compile(r"#\s*NBVAL_RAISES_EXCEPTION")
_NOT_RUN = {"en": "this exercise's check never ran: its cell was deleted, or the notebook "
                  "stopped before it",
            "ko": "이 연습문제의 확인이 한 번도 실행되지 않았습니다. 확인 셀이 지워졌거나 "
                  "노트북이 그 전에 멈췄습니다"}


def _is_solution(cell, in_gated_solution: bool) -> bool:
    if cell.get("cell_type") != "code":
        return False
    meta = cell.get("metadata", {})
    if "solution" in meta.get("tags", []) or in_gated_solution:
        return True
    first = cell.get("source", "").lstrip("\n").split("\n", 1)[0]
    return meta.get("cellView") == "form" and bool(_SOLUTION_TITLE.match(first))


def _solution_cells(nb) -> list:
    """0-based indices of the solution cells (see the module docstring)."""
    found, gated = [], False
    for k, cell in enumerate(nb.cells):
        if cell.get("cell_type") == "markdown":
            if "solution-start" in cell.source:
                gated = True
            if "solution-end" in cell.source:
                gated = False
        elif _is_solution(cell, gated):
            found.append(k)
    return found


def _errors(nb) -> list:
    """The cells whose outputs hold an error, 1-based, except where an error is expected."""
    out = []
    for k, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        if _EXPECTED_ERROR.search(cell.source) or "raises-exception" in tags:
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                out.append({"cell": k + 1, "ename": output.get("ename", ""),
                            "evalue": _first_line(output.get("evalue", ""))})
                break
    return out


def _first_line(text: str, limit: int = 200) -> str:
    lines = str(text).strip().splitlines()
    line = lines[0] if lines else ""
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _child(notebook: str, out_path: str, pid_path: str, timeout: float,
           keep_solutions: bool) -> int:
    """Run one notebook in this process's own kernel; write a JSON report to ``out_path``."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    deadline = time.monotonic() + timeout
    report = {"status": "ok", "errors": [], "solution_cells": [], "detail": ""}
    current = {"cell": None}
    nb = None
    try:
        nb = nbformat.read(notebook, as_version=4)
        solutions = [] if keep_solutions else _solution_cells(nb)
        for k in solutions:
            nb.cells[k].source = ""
        report["solution_cells"] = [k + 1 for k in solutions]

        def remaining(cell=None) -> int:
            return max(1, math.ceil(deadline - time.monotonic()))

        def started(notebook=None, **_) -> None:
            process = getattr(getattr(client.km, "provisioner", None), "process", None)
            if process is not None:
                Path(pid_path).write_text(str(process.pid))

        def cell_start(cell=None, cell_index=None, **_) -> None:
            current["cell"] = cell_index

        client = NotebookClient(
            nb, timeout=timeout, timeout_func=remaining, startup_timeout=max(1, int(timeout)),
            allow_errors=True, interrupt_on_timeout=False, kernel_name="python3",
            resources={"metadata": {"path": str(Path(notebook).resolve().parent)}},
            on_notebook_start=started, on_cell_start=cell_start)
        client.execute()
    except CellTimeoutError:
        report["status"] = "timeout"
        report["cell"] = None if current["cell"] is None else current["cell"] + 1
    except DeadKernelError as exc:
        report["status"] = "crashed"
        report["detail"] = _first_line(exc) or "the kernel died"
        report["cell"] = None if current["cell"] is None else current["cell"] + 1
    except Exception as exc:
        if nb is None:
            report["status"] = "unreadable"
        else:
            report["status"] = "crashed"
            report["cell"] = None if current["cell"] is None else current["cell"] + 1
        report["detail"] = f"{type(exc).__name__}: {_first_line(exc)}"
    if nb is not None:
        # The cell that was stopped shows the interruption as an error: not the learner's.
        report["errors"] = [e for e in _errors(nb) if not (report["status"] == "timeout"
                                                           and e["cell"] == report.get("cell"))]
        if report["status"] == "ok" and report["errors"]:
            report["status"] = "errored"
    Path(out_path).write_text(json.dumps(report), encoding="utf-8")
    return 0


def _kill(proc: subprocess.Popen, pid_path: Path) -> None:
    """Stop the child (it shuts its kernel down on SIGTERM), then force both."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=GRACE)
    except (ProcessLookupError, subprocess.TimeoutExpired, PermissionError):
        pass
    for pid in (proc.pid, _read_pid(pid_path)):
        if pid:
            try:
                os.killpg(pid, signal.SIGKILL)  # kernels run in a session of their own
            except (ProcessLookupError, PermissionError):
                pass
    proc.wait()


def _read_pid(path: Path):
    try:
        return int(path.read_text())
    except (OSError, ValueError):
        return None


def _read_checks(path: Path) -> list:
    checks = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return checks
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and "exercise_id" in record:
            checks.append(record)
    return checks


def exercise_ids(nb) -> list:
    """Ids of the graded exercise checks in a notebook's code cells, in order, each once.

    A graded check is a call ``check("<id>", …)`` (or ``exercises.check(…)``) whose first
    argument is a string literal and that does not pass ``graded=False`` (a demonstration).
    Cells that are not plain Python (shell or magic lines) are skipped.
    """
    ids: list = []
    for _, node in check_calls(nb):
        literal = (node.args and isinstance(node.args[0], ast.Constant)
                   and isinstance(node.args[0].value, str))
        demo = any(k.arg == "graded" and isinstance(k.value, ast.Constant)
                   and k.value.value is False for k in node.keywords)
        if literal and not demo and node.args[0].value not in ids:
            ids.append(node.args[0].value)
    return ids


def check_calls(nb):
    """Yield (cell index, ast.Call) for every call of a function named ``check`` in code cells."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # shell or magic lines: not Python
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call)
                    and getattr(node.func, "id", getattr(node.func, "attr", None)) == "check"):
                yield index, node


def _expected(path: str) -> list:
    """The exercise ids listed in the notebook's metadata (empty if none or unreadable)."""
    try:
        meta = json.loads(Path(path).read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        return []
    ids = meta.get("rnnbook", {}).get("exercises", []) if isinstance(meta, dict) else []
    return [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []


def grade_notebook(path: str, timeout: float = DEFAULT_TIMEOUT, lang: str = "en",
                   keep_solutions: bool = False) -> dict:
    """Run one notebook in a fresh process and kernel; return its report as a dict.

    Keys: ``path``, ``status`` ("ok" | "errored" | "timeout" | "crashed" | "unreadable"),
    ``errors`` (errored cells: ``cell`` 1-based, ``ename``, ``evalue``), ``detail``,
    ``solution_cells`` (emptied before the run) and ``exercises``: one entry per exercise
    id in order of first check, with ``exercise_id``, ``status``, ``passed``,
    ``diagnosis``, ``message`` (in ``lang``) and ``checks`` (how often it was checked).
    Exercises listed in the notebook's metadata come first, in that order; one whose check
    never ran has status "not_run".

    Explained in chapters/<lang>/00_how_to_use.
    """
    report = {"path": path, "status": "ok", "errors": [], "detail": "", "solution_cells": [],
              "exercises": []}
    if not Path(path).is_file():
        report.update(status="unreadable", detail="file not found")
        return report
    work = Path(tempfile.mkdtemp(prefix="rnnbook-grade-"))
    try:
        log, out, pid, err = (work / n for n in ("checks.jsonl", "report.json", "kernel.pid",
                                                 "child.err"))
        # The child and its kernel import the same rnnbook as this grader.
        package_root = str(Path(__file__).resolve().parents[1])
        paths = [package_root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
                                  if p]
        env = dict(os.environ, **{GRADE_LOG_ENV: str(log), "PYTHONPATH": os.pathsep.join(paths)})
        command = [sys.executable, "-m", "rnnbook.grade", "--child", path, str(out), str(pid),
                   str(timeout)] + (["--keep-solutions"] if keep_solutions else [])
        with open(err, "wb") as stderr:
            proc = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=stderr,
                                    start_new_session=True)
            try:
                proc.wait(timeout=timeout + GRACE)
            except subprocess.TimeoutExpired:
                _kill(proc, pid)
                report.update(status="timeout")
        if out.is_file():
            child = json.loads(out.read_text(encoding="utf-8"))
            report.update({k: child[k] for k in ("status", "errors", "detail", "solution_cells")
                           if k in child})
            if child.get("cell"):
                report["cell"] = child["cell"]
        elif report["status"] == "ok":
            tail = err.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            report.update(status="crashed", detail=tail[-1] if tail else "the grader's child died")
        report["exercises"] = _exercises(_read_checks(log), lang, _expected(path))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


def _exercises(checks: list, lang: str, expected: list = ()) -> list:
    by_id: dict = {}
    for record in checks:
        entry = by_id.setdefault(record["exercise_id"], {"checks": 0})
        messages = record.get("messages", {})
        entry.update(exercise_id=record["exercise_id"], status=record.get("status"),
                     passed=bool(record.get("passed")), diagnosis=record.get("diagnosis"),
                     message=messages.get(lang) or next(iter(messages.values()), ""),
                     checks=entry["checks"] + 1)
    not_run = {"status": "not_run", "passed": False, "diagnosis": "not_run",
               "message": _NOT_RUN.get(lang, _NOT_RUN["en"]), "checks": 0}
    order = list(dict.fromkeys([*expected, *by_id]))
    return [dict(exercise_id=i, **{k: by_id.get(i, not_run)[k] for k in
                                   ("status", "passed", "diagnosis", "message", "checks")})
            for i in order]


def _notebook_rows(report: dict, timeout: float) -> list:
    name = report["path"]
    status = report["status"]
    rows = [(name, e["exercise_id"], e["status"], e["message"]) for e in report["exercises"]]
    for error in report["errors"]:
        rows.append((name, "(notebook)", "errored",
                     f"cell {error['cell']}: {error['ename']}: {error['evalue']}"))
    where = f"cell {report['cell']}: " if report.get("cell") else ""
    if status == "timeout":
        rows.append((name, "(notebook)", "timeout",
                     f"{where}not finished within {timeout:g} s; stopped"))
    elif status in ("crashed", "unreadable"):
        rows.append((name, "(notebook)", status, where + (report["detail"] or status)))
    if not report["exercises"] and status in ("ok", "errored"):
        rows.append((name, "(notebook)", "no checks", "no exercise was checked"))
    return rows


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _short(text: str, limit: int = MESSAGE_WIDTH) -> str:
    if _width(text) <= limit:
        return text
    out, used = "", 0
    for ch in text:
        used += _width(ch)
        if used > limit - 1:
            break
        out += ch
    return out + "…"


def format_table(reports: list, timeout: float = DEFAULT_TIMEOUT) -> str:
    """The reports as an aligned text table, one row per exercise, then a summary line."""
    rows = [("notebook", "exercise", "status", "message")]
    for report in reports:
        rows += [(a, b, c, _short(d)) for a, b, c, d in _notebook_rows(report, timeout)]
    widths = [max(_width(row[k]) for row in rows) for k in range(3)]
    lines = []
    for row in rows:
        cells = [row[k] + " " * (widths[k] - _width(row[k])) for k in range(3)]
        lines.append("  ".join(cells + [row[3]]).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 7)
    lines.append("")
    lines.append(_summary_line(reports))
    return "\n".join(lines)


def _summary(reports: list) -> dict:
    counts = {"notebooks": len(reports), "exercises": 0, "passed": 0, "failed": 0,
              "not_attempted": 0, "not_run": 0, "error": 0, "notebooks_with_problems": 0}
    for report in reports:
        for e in report["exercises"]:
            counts["exercises"] += 1
            counts[e["status"] if e["status"] in counts else "error"] += 1
        if report["status"] != "ok" or not report["exercises"]:
            counts["notebooks_with_problems"] += 1
    return counts


def _summary_line(reports: list) -> str:
    c = _summary(reports)
    return (f"{c['notebooks']} notebook(s), {c['exercises']} exercise(s): {c['passed']} passed, "
            f"{c['failed']} failed, {c['not_attempted']} not attempted, {c['not_run']} not run, "
            f"{c['error']} error; "
            f"{c['notebooks_with_problems']} notebook(s) with problems")


def _all_good(reports: list) -> bool:
    c = _summary(reports)
    return c["exercises"] == c["passed"] and c["notebooks_with_problems"] == 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m rnnbook.grade",
        description="Run learners' notebooks in fresh kernels and report every exercise check.")
    parser.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"seconds per notebook, kernel start-up included "
                             f"(default {DEFAULT_TIMEOUT})")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--lang", choices=("en", "ko"), default="en",
                        help="language of the exercise messages (default en)")
    parser.add_argument("--keep-solutions", action="store_true",
                        help="also run the solution cells (to check the book's own notebooks)")
    return parser


def main(argv: list | None = None) -> int:
    """Command-line entry point; returns the exit status (see the module docstring)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--child"]:
        notebook, out, pid, timeout = argv[1:5]
        return _child(notebook, out, pid, float(timeout), "--keep-solutions" in argv[5:])
    args = _parser().parse_args(argv)
    if not args.timeout > 0:
        _parser().error(f"--timeout must be positive, got {args.timeout:g}")
    reports = [grade_notebook(path, args.timeout, args.lang, args.keep_solutions)
               for path in args.notebooks]
    ok = _all_good(reports)
    if args.json:
        print(json.dumps({"ok": ok, "summary": _summary(reports), "notebooks": reports},
                         ensure_ascii=False, indent=1))
    else:
        print(format_table(reports, args.timeout))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
