"""Tests of ``python -m rnnbook.grade``: notebooks that pass, fail, raise, loop forever and
hide their solution, each run in a fresh kernel; the table, the JSON and the exit status.

The fixture notebooks are written with nbformat into tmp_path. Kernel start-up takes a few
seconds, so the notebooks are graded in as few runs as possible.
"""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from rnnbook import grade

pytestmark = pytest.mark.slow   # runs real kernels: about 20 s in all

LOOP_TIMEOUT = 8     # seconds for the notebook that never finishes: start-up + one check fit

IMPORTS = "from rnnbook import numpy_ref\nfrom rnnbook.exercises import check"
STUB = "def gru_step(x, h, params):\n    raise NotImplementedError"
ANSWER = "def gru_step(x, h, params):\n    return numpy_ref.gru_step(x, h, params)"
WRONG = ("def gru_step(x, h, params):\n"
         "    H = h.shape[1]\n"
         "    a = x @ params['weight_ih'].T + params['bias_ih']\n"
         "    b = h @ params['weight_hh'].T + params['bias_hh']\n"
         "    sig = lambda v: 1 / (1 + np.exp(-v))\n"
         "    r, z = sig(a[:, :H] + b[:, :H]), sig(a[:, H:2*H] + b[:, H:2*H])\n"
         "    n = np.tanh(a[:, 2*H:] + r * b[:, 2*H:])\n"
         "    return z * n + (1 - z) * h")
CHECK = "check('gru_step', gru_step)"
COUNT = "check('rnn_param_count', lambda I, H: H * (I + H + 2))"


def write(path, cells):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, str(path))
    return str(path)


def solution_cell(title="Solution (click to show)"):
    cell = new_code_cell(f"# @title {title}\n{ANSWER}")
    cell.metadata["cellView"] = "form"
    return cell


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    d = tmp_path_factory.mktemp("grade")
    code = new_code_cell
    return {
        "pass": write(d / "pass.ipynb", [code(IMPORTS), code(ANSWER), code(CHECK), code(COUNT)]),
        "fail": write(d / "fail.ipynb", [code(IMPORTS + "\nimport numpy as np"), code(WRONG),
                                         code(CHECK)]),
        "raise": write(d / "raise.ipynb", [code(IMPORTS), code("1 / 0"), code(COUNT)]),
        "loop": write(d / "loop.ipynb", [code(IMPORTS), code(COUNT), code("while True:\n    pass"),
                                         code(CHECK)]),
        "stub": write(d / "stub.ipynb", [code(IMPORTS), new_markdown_cell("Exercise"),
                                         code(STUB), code(CHECK), solution_cell(), code(CHECK)]),
    }


@pytest.fixture(scope="module")
def graded(notebooks):
    """One run over the five notebooks, --json; returns (exit status, parsed JSON)."""
    import contextlib
    import io
    out = io.StringIO()
    paths = [notebooks[k] for k in ("pass", "fail", "raise", "loop", "stub")]
    with contextlib.redirect_stdout(out):
        status = grade.main(["--json", "--timeout", str(LOOP_TIMEOUT), *paths])
    return status, json.loads(out.getvalue())


def by_name(report):
    return {nb["path"].rsplit("/", 1)[-1]: nb for nb in report["notebooks"]}


def exercises(nb):
    return {e["exercise_id"]: e for e in nb["exercises"]}


def test_exit_status_is_nonzero_when_anything_is_wrong(graded):
    status, report = graded
    assert status == 1 and report["ok"] is False
    assert report["summary"]["notebooks"] == 5


def test_passing_notebook(graded):
    nb = by_name(graded[1])["pass.ipynb"]
    assert nb["status"] == "ok" and nb["errors"] == []
    assert [(e["exercise_id"], e["status"]) for e in nb["exercises"]] == [
        ("gru_step", "passed"), ("rnn_param_count", "passed")]


def test_failing_notebook_reports_the_diagnosis(graded):
    nb = by_name(graded[1])["fail.ipynb"]
    assert nb["status"] == "ok"
    e = exercises(nb)["gru_step"]
    assert e["status"] == "failed" and e["diagnosis"] == "gru.z_flipped"
    assert "update gate" in e["message"]


def test_raising_cell_is_reported_and_later_cells_still_run(graded):
    nb = by_name(graded[1])["raise.ipynb"]
    assert nb["status"] == "errored"
    assert nb["errors"] == [{"cell": 2, "ename": "ZeroDivisionError",
                             "evalue": "division by zero"}]
    assert exercises(nb)["rnn_param_count"]["status"] == "passed"


def test_endless_loop_is_stopped_and_reported(graded):
    nb = by_name(graded[1])["loop.ipynb"]
    assert nb["status"] == "timeout" and nb["cell"] == 3
    assert nb["errors"] == []
    assert exercises(nb)["rnn_param_count"]["status"] == "passed"
    assert "gru_step" not in exercises(nb)


def test_solution_cell_does_not_grade_itself(graded):
    nb = by_name(graded[1])["stub.ipynb"]
    assert nb["solution_cells"] == [5]
    e = exercises(nb)["gru_step"]
    assert e["status"] == "not_attempted" and e["checks"] == 2


def test_table_lists_every_exercise_and_problem(graded):
    table = grade.format_table(graded[1]["notebooks"], LOOP_TIMEOUT)
    lines = table.splitlines()
    assert lines[0].split() == ["notebook", "exercise", "status", "message"]
    assert any("fail.ipynb" in l and "gru_step" in l and "failed" in l for l in lines)
    assert any("raise.ipynb" in l and "cell 2: ZeroDivisionError" in l for l in lines)
    assert any("loop.ipynb" in l and "timeout" in l and "8 s" in l for l in lines)
    assert any("stub.ipynb" in l and "not_attempted" in l for l in lines)
    assert lines[-1] == ("5 notebook(s), 6 exercise(s): 4 passed, 1 failed, "
                         "1 not attempted, 0 not run, 0 error; 2 notebook(s) with problems")


def test_all_passing_gives_exit_zero_and_korean_table(notebooks, capsys):
    assert grade.main(["--lang", "ko", "--timeout", "60", notebooks["pass"]]) == 0
    out = capsys.readouterr().out
    assert "정답입니다" in out and "pass.ipynb" in out


def test_keep_solutions_runs_the_solution(notebooks, capsys):
    assert grade.main(["--keep-solutions", "--timeout", "60", notebooks["stub"]]) == 0
    assert "passed" in capsys.readouterr().out


def test_a_listed_exercise_whose_check_was_deleted_is_reported_as_not_run(tmp_path, capsys):
    nb = new_notebook(cells=[new_code_cell(IMPORTS), new_code_cell(ANSWER), new_code_cell(CHECK),
                             new_code_cell("# " + COUNT)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["rnnbook"] = {"exercises": ["rnn_param_count", "gru_step"]}
    path = tmp_path / "deleted.ipynb"
    nbformat.write(nb, str(path))
    assert grade.main(["--json", "--lang", "ko", str(path)]) == 1
    report = json.loads(capsys.readouterr().out)
    rows = [(e["exercise_id"], e["status"], e["checks"]) for e in report["notebooks"][0]["exercises"]]
    assert rows == [("rnn_param_count", "not_run", 0), ("gru_step", "passed", 1)]
    assert "실행되지 않았습니다" in report["notebooks"][0]["exercises"][0]["message"]
    assert report["summary"]["not_run"] == 1 and report["ok"] is False


def test_exercise_ids_are_the_literal_graded_checks_in_order():
    cells = [new_code_cell("!pip install rnnbook"),
             new_code_cell("check('rnn_step', f)\nrnnbook.exercises.check(\"gru_step\", g, lang='ko')"),
             new_code_cell("check('lstm_step', wrong, graded=False)"),
             new_code_cell("for i in ids:\n    check(i, f)"),
             new_markdown_cell("check('markdown_is_not_code', f)"),
             new_code_cell("display(check('rnn_step', f))\nprint(check)")]
    assert grade.exercise_ids(new_notebook(cells=cells)) == ["rnn_step", "gru_step"]


def test_missing_notebook_and_bad_arguments(tmp_path, capsys):
    assert grade.main([str(tmp_path / "absent.ipynb")]) == 1
    assert "file not found" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        grade.main(["--timeout", "0", str(tmp_path / "absent.ipynb")])
    assert exc.value.code == 2


def test_solution_cells_are_recognised():
    plain = new_code_cell("x = 1")
    tagged = new_code_cell("x = 2")
    tagged.metadata["tags"] = ["solution"]
    form_other = new_code_cell("# @title Colab: install rnnbook\nx = 3")
    form_other.metadata["cellView"] = "form"
    nb = new_notebook(cells=[
        plain, tagged, solution_cell(), solution_cell("풀이 (눌러서 보기)"), form_other,
        new_markdown_cell("```{solution-start} ex1\n```"), new_code_cell("x = 4"),
        new_markdown_cell("```{solution-end}\n```"), new_code_cell("x = 5")])
    assert grade._solution_cells(nb) == [1, 2, 3, 6]


def test_the_books_own_chapter_grades_as_an_instructor_would_see_it(capsys):
    """A chapter as handed out (solutions emptied) is all "not attempted"; with its solutions
    every exercise passes, and demonstrations of wrong answers (graded=False) do not count."""
    from pathlib import Path

    chapter = str(Path(__file__).resolve().parents[1] / "chapters" / "en" / "04_gru.ipynb")
    assert grade.main(["--json", "--timeout", "240", chapter]) == 1
    handed_out = json.loads(capsys.readouterr().out)["notebooks"][0]
    assert {e["status"] for e in handed_out["exercises"]} == {"not_attempted"}
    assert grade.main(["--json", "--keep-solutions", "--timeout", "240", chapter]) == 0
    solved = json.loads(capsys.readouterr().out)["notebooks"][0]
    assert [(e["exercise_id"], e["status"]) for e in solved["exercises"]] == [
        ("gru_step", "passed"), ("textbook_gru_to_torch", "passed")]
