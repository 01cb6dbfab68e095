"""Grading a class: -j gives the same report as -j 1, points / optional / CSV, the Gradescope
autograder folder run locally, and release (student versions without solutions)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path

import nbformat
import pytest

from gradekit import (RIGHT, SOLUTIONS, WRONG_COUNT, WRONG_GRU, grade, grade_cli, statuses,
                      submission, write_master)

pytestmark = pytest.mark.slow


def _without_timings(report: dict) -> dict:
    for nb in report["notebooks"]:
        nb.pop("seconds")
    return report


def test_parallel_report_equals_serial_and_csv_has_points(tmp_path):
    master = write_master(tmp_path / "m")
    d = tmp_path / "class"
    paths = [submission(d, "a_right", RIGHT),
             submission(d, "b_half", dict(RIGHT, gru_step=WRONG_GRU)),
             submission(d, "c_none"),
             submission(d, "d_count_only", {"rnn_param_count": RIGHT["rnn_param_count"],
                                            "rnn_shapes": "def rnn_shapes(T, B, I, H):\n    return {}"})]
    runs = {}
    for jobs in ("1", "2"):
        done = grade_cli("--json", "--seed", "5", "-j", jobs, "--master", master, *paths,
                         "--csv", str(tmp_path / f"grades{jobs}.csv"))
        assert done.returncode == 1, done.stderr
        runs[jobs] = _without_timings(json.loads(done.stdout))
    assert runs["1"] == runs["2"]
    by = {nb["student"]: nb for nb in runs["1"]["notebooks"]}
    assert [(s, by[s]["score"], by[s]["max_score"], by[s]["passed"]) for s in by] == [
        ("a_right", 3, 3, True), ("b_half", 1, 3, False), ("c_none", 0, 3, False),
        ("d_count_only", 1, 3, False)]
    assert statuses(runs["1"], "d_count_only")["rnn_shapes"] == "failed"   # optional: no effect
    rows = list(csv.DictReader(open(tmp_path / "grades2.csv", encoding="utf-8")))
    assert [(r["student"], r["score"], r["gru_step"], r["gru_step_points"]) for r in rows] == [
        ("a_right", "3", "passed", "2"), ("b_half", "1", "failed", "0"),
        ("c_none", "0", "not_attempted", "0"), ("d_count_only", "1", "not_attempted", "0")]
    assert all(float(r["seconds"]) > 0 for r in rows)


def test_one_right_submission_with_a_failing_optional_exercise_exits_zero(tmp_path):
    master = write_master(tmp_path / "m")
    path = submission(tmp_path / "c", "s", {k: v for k, v in RIGHT.items() if k != "rnn_shapes"})
    status, report = grade("--master", master, path, "--lang", "ko")
    assert status == 0 and statuses(report)["rnn_shapes"] == "not_attempted"
    assert "정답입니다" in report["notebooks"][0]["exercises"][0]["message"]


def test_gradescope_run_autograder_on_a_right_and_a_wrong_submission(tmp_path):
    import sys
    master = write_master(tmp_path / "m")
    done = grade_cli("autograder", master, "--out", str(tmp_path / "ag"), "--timeout", "30")
    assert done.returncode == 0, done.stderr
    assert {p.name for p in (tmp_path / "ag").iterdir()} == {"setup.sh", "run_autograder",
                                                            "master.ipynb"}
    results = {}
    for name, answers in (("right", RIGHT), ("wrong", {"gru_step": WRONG_GRU,
                                                       "rnn_param_count": WRONG_COUNT})):
        root = tmp_path / name
        submission(root / "submission", "my_notebook", answers)
        env = dict(os.environ, AUTOGRADER_ROOT=str(root), SOURCE_DIR=str(tmp_path / "ag"),
                   PYTHON=sys.executable)
        subprocess.run(["bash", str(tmp_path / "ag" / "run_autograder")], env=env, check=True,
                       capture_output=True, timeout=300)
        results[name] = json.loads((root / "results" / "results.json").read_text())
    right, wrong = results["right"], results["wrong"]
    assert right["score"] == 3 and wrong["score"] == 0
    assert [(t["name"], t["score"], t["max_score"]) for t in right["tests"]] == [
        ("gru_step", 2, 2), ("rnn_param_count", 1, 1), ("rnn_shapes (optional)", 0, 0)]
    assert all(t["visibility"] == "visible" and t["output"] for t in wrong["tests"])
    assert "update gate" in wrong["tests"][0]["output"]


def test_release_removes_every_solution_and_grades_as_not_attempted(tmp_path):
    master = write_master(tmp_path / "m")
    done = grade_cli("release", master, "--out", str(tmp_path / "handout"))
    assert done.returncode == 0, done.stderr
    released = tmp_path / "handout" / "master.ipynb"
    text = released.read_text(encoding="utf-8")
    for code in SOLUTIONS.values():
        assert code.splitlines()[1] not in text
    nb = nbformat.read(str(released), as_version=4)
    assert sum("check(" in c.source for c in nb.cells) == 3   # one check per exercise
    status, report = grade("--master", master, str(released))
    assert status == 1
    assert set(statuses(report).values()) == {"not_attempted"}


def test_a_master_without_graded_checks_is_refused(tmp_path):
    path = tmp_path / "empty.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), str(path))
    done = grade_cli("--master", str(path), str(path))
    assert done.returncode == 2 and "no graded check" in done.stderr


def test_the_chapters_are_masters_and_their_sweep_matches_the_graders():
    import ast
    from rnnbook.exercise_bank import ch05
    from rnnbook.grade.master import python_source, read_master
    root = Path(__file__).resolve().parents[1] / "chapters"
    for path in sorted(root.glob("*/0*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        if nb["metadata"].get("rnnbook", {}).get("exercises"):
            master = read_master(str(path))
            assert [e.id for e in master.exercises] == nb["metadata"]["rnnbook"]["exercises"]
            assert len(master.solution_cells) >= 1
    for lang in ("en", "ko"):
        nb = json.loads((root / lang / "05_comparison.ipynb").read_text(encoding="utf-8"))
        nodes = [n for c in nb["cells"] if c["cell_type"] == "code"
                 for n in ast.walk(ast.parse(python_source("".join(c["source"]))))]
        calls = [n for n in nodes if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "adding_grid"]
        assert len(calls) == 1
        assert {k.arg: ast.literal_eval(k.value) for k in calls[0].keywords} == ch05.GRID
        models = [n.value for n in nodes if isinstance(n, ast.Assign)
                  and [getattr(t, "id", None) for t in n.targets] == [calls[0].args[0].id]]
        assert len(models) == 1 and ast.literal_eval(models[0]) == ch05.MODELS


def test_a_book_notebook_checked_against_itself(tmp_path):
    """Without --master each notebook is its own master: as handed out it is "not attempted";
    with --keep-solutions the book's own solutions must pass."""
    master = write_master(tmp_path / "m")
    assert grade(master)[0] == 1
    status, report = grade("--keep-solutions", master)
    assert status == 0 and set(statuses(report).values()) == {"passed"}


def test_the_books_chapter_as_master_released_and_solved(tmp_path):
    """Chapter 04 is a master: its release grades as "not attempted", its own solutions pass."""
    chapter = str(Path(__file__).resolve().parents[1] / "chapters" / "ko" / "04_gru.ipynb")
    assert grade_cli("release", chapter, "--out", str(tmp_path)).returncode == 0
    released = str(tmp_path / "04_gru.ipynb")
    status, report = grade("--master", chapter, released, "--lang", "ko")
    assert status == 1 and set(statuses(report).values()) == {"not_attempted"}
    ids = json.loads(Path(chapter).read_text(encoding="utf-8"))["metadata"]["rnnbook"]["exercises"]
    assert {"gru_step", "textbook_gru_to_torch"} <= set(ids)
    status, report = grade("--keep-solutions", chapter)
    assert status == 0 and statuses(report) == {i: "passed" for i in ids}
