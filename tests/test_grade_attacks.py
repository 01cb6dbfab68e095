"""Submissions that try to get a pass without the work: none may pass (exit status 1).

Each is written as a learner would, with wrong answers (or none) plus the trick; the
grader must give the wrong answers the grade they deserve. The classes are those of
issue 13: writing the results channel, monkeypatching the checker / its results / numpy /
the references / the test cases, an ndarray whose comparisons are always true, hiding
the exercise (metadata, solution title), hiding errors from nbval, and an answer that
depends on what the notebook hands the checker (``adding_solvers``).
"""

from __future__ import annotations

import pytest

from gradekit import RIGHT, WRONG_COUNT, WRONG_GRU, grade, statuses, submission, write_master

pytestmark = pytest.mark.slow

WRONG = {"gru_step": WRONG_GRU, "rnn_param_count": WRONG_COUNT}

ATTACKS = {
    "monkeypatch_check": [
        "import rnnbook.exercises as E\nfrom rnnbook.exercises import _core\n"
        "real = E.check\n"
        "def always(exercise_id, fn, lang=None, graded=True):\n"
        "    r = real('rnn_param_count', lambda I, H: H * (I + H + 2))\n"
        "    return _core.Result(exercise_id, 'passed', 'en', r.messages, None)\n"
        "E.check = _core.check = always\ncheck = always"],
    "monkeypatch_result": [
        "from rnnbook.exercises import _core\n"
        "_core.Result.passed = property(lambda self: True)\n"
        "_core.Result.status = 'passed'"],
    "monkeypatch_allclose": [
        "import numpy\nnumpy.allclose = lambda *a, **k: True\n"
        "numpy.array_equal = lambda *a, **k: True\nnumpy.testing.assert_allclose = print"],
    "monkeypatch_reference": [
        "from rnnbook import numpy_ref as R\nR.gru_step = gru_step\n"
        "R.param_count = lambda cell, I, H: rnn_param_count(I, H)"],
    "monkeypatch_cases": [
        "from rnnbook.exercises import _cases, _steps, _layout\n"
        "_cases._step_cases = _steps._step_cases = lambda cell: []\n"
        "_layout._COUNT_CASES = ()"],
    "always_equal_array": [
        "class Yes(np.ndarray):\n"
        "    def __eq__(self, other): return np.ones(np.shape(self), bool)\n"
        "    __ne__ = lambda self, other: np.zeros(np.shape(self), bool)\n"
        "    def __sub__(self, other): return np.zeros(np.shape(self))\n"
        "    __rsub__ = __sub__\n"
        "def gru_step(x, h, params):\n"
        "    return np.zeros_like(h).view(Yes)"],
    "terminal_escape": [
        "def rnn_param_count(input_size, hidden_size):\n"
        "    raise ValueError('\\x1b[2K\\x1b[1A\\rrnn_param_count passed 1/1 Correct')"],
    "lookup_table_of_the_books_cases": [
        "from rnnbook.exercises import _cases\n"
        "TABLE = {c.args[0].tobytes(): numpy_ref.gru_step(*c.args) for c in _cases._step_cases('gru')}\n"
        "def gru_step(x, h, params):\n"
        "    return TABLE.get(x.tobytes(), np.zeros_like(h))"],
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    d = tmp_path_factory.mktemp("attacks")
    master = write_master(d / "master")
    paths = [submission(d / "class", name, WRONG, extra) for name, extra in ATTACKS.items()]
    return grade("--master", master, "-j", "1", *paths)


@pytest.mark.parametrize("name", list(ATTACKS))
def test_attack_in_the_learners_process_gets_no_pass(graded, name):
    status, report = graded
    assert status == 1
    got = statuses(report, name)
    assert got["gru_step"] == "failed", got
    if name not in ("always_equal_array", "lookup_table_of_the_books_cases"):
        assert got["rnn_param_count"] == "failed", got
    nb = next(n for n in report["notebooks"] if n["student"] == name)
    assert nb["passed"] is False and nb["score"] < nb["max_score"]
    assert all(e["message"].isprintable() for e in nb["exercises"])


def test_the_reference_used_by_the_learner_is_reported(graded):
    _, report = graded
    nb = next(n for n in report["notebooks"] if n["student"] == "lookup_table_of_the_books_cases")
    gru = next(e for e in nb["exercises"] if e["exercise_id"] == "gru_step")
    # the table was built at set-up, not during the calls: nothing to report there
    assert gru["status"] == "failed"


def test_a_right_answer_passes_and_names_a_call_into_the_reference(tmp_path):
    master = write_master(tmp_path / "m")
    calls_ref = "def gru_step(x, h, params):\n    return numpy_ref.gru_step(x, h, params)"
    right = submission(tmp_path / "c", "right", RIGHT)
    lazy = submission(tmp_path / "c", "lazy", dict(RIGHT, gru_step=calls_ref))
    status, report = grade("--master", master, right, lazy)
    assert status == 0
    assert statuses(report, "right") == {"gru_step": "passed", "rnn_param_count": "passed",
                                         "rnn_shapes": "passed"}
    lazy_gru = report["notebooks"][1]["exercises"][0]
    assert lazy_gru["status"] == "passed"
    assert lazy_gru["rnnbook_calls"] == ["rnnbook.numpy_ref.gru_step"]
    assert "rnnbook.numpy_ref.gru_step" in lazy_gru["note"]


def _drop_metadata(nb):
    nb.metadata.pop("rnnbook")


def _retitle_solutions(nb):
    for cell in nb.cells:
        if cell.source.startswith("# @title Solution"):
            cell.source = cell.source.replace("# @title Solution (click to show)", "# my answer")


def _clear_cell_metadata(nb):
    for cell in nb.cells:
        cell.metadata = {}


def _only_the_count_check(nb):
    nb.cells = [c for c in nb.cells if "gru_step" not in c.source]
    nb.metadata["rnnbook"] = {"exercises": ["rnn_param_count"]}


@pytest.mark.parametrize("edit", [_drop_metadata, _retitle_solutions, _clear_cell_metadata,
                                  _only_the_count_check])
def test_the_submission_cannot_hide_an_exercise_or_let_the_solution_grade_itself(tmp_path, edit):
    master = write_master(tmp_path / "m")
    path = submission(tmp_path / "c", "s", {"rnn_param_count": RIGHT["rnn_param_count"]},
                      edit=edit)
    status, report = grade("--master", master, path)
    assert status == 1
    got = statuses(report)
    assert set(got) == {"gru_step", "rnn_param_count", "rnn_shapes"}
    assert got["gru_step"] in ("not_attempted", "missing")
    assert got["rnn_param_count"] == "passed"


def test_errors_hidden_from_nbval_are_still_errors(tmp_path):
    master = write_master(tmp_path / "m")
    hidden = "# NBVAL_RAISES_EXCEPTION\nfrom rnnbook import numpy_reff"
    tagged = hidden.replace("# NBVAL_RAISES_EXCEPTION\n", "")
    answer = "def gru_step(x, h, params):\n    return numpy_reff.gru_step(x, h, params)"
    from nbformat.v4 import new_code_cell
    cell = new_code_cell(tagged)
    cell.metadata["tags"] = ["raises-exception"]
    path = submission(tmp_path / "c", "s", {"gru_step": answer}, [hidden, cell])
    status, report = grade("--master", master, path)
    assert status == 1
    nb = report["notebooks"][0]
    assert statuses(report)["gru_step"] == "failed"
    assert len(nb["setup_errors"]) == 2 and all("ImportError" in e for e in nb["setup_errors"])
    gru = nb["exercises"][0]
    assert "NameError" in gru["message"] and "earlier error" in gru["message"]


def test_an_import_typo_gives_one_row_per_failing_statement(tmp_path):
    master = write_master(tmp_path / "m")
    typo = "from rnnbook import numpy_reff"
    answers = {fn: code.replace("np.", "numpy_reff.") for fn, code in RIGHT.items()}
    path = submission(tmp_path / "c", "s", answers, [typo])
    status, report = grade("--master", master, path)
    nb = report["notebooks"][0]
    assert status == 1 and len(nb["setup_errors"]) == 1
    assert "numpy_reff" in nb["setup_errors"][0]


def test_adding_solvers_is_compared_with_the_graders_own_measurement(tmp_path, monkeypatch):
    """The notebook measures a sweep and hands it to the checker; the grader ignores it."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from rnnbook.exercise_bank import ch05
    monkeypatch.setattr(ch05, "MODELS", {"rnn": ("rnn", {"max_updates": 2, "eval_every": 1,
                                                         "eval_size": 16})})
    monkeypatch.setattr(ch05, "GRID", dict(lengths=(10,), seeds=(0,)))
    from rnnbook.exercises import _core
    monkeypatch.setattr(_core._REGISTRY["adding_solvers"], "prepared", False)
    setup = ("from rnnbook import compare\nfrom rnnbook.exercise_bank import ch05\n"
             "import rnnbook.exercises")
    fake = ("class Fake(compare.AddingSweep):\n    pass\n"
            "sweep = compare.AddingSweep.__new__(compare.AddingSweep)\n"
            "ch05._measured['sweep'] = sweep")
    stub_ = "def adding_solvers(length):\n    raise NotImplementedError  # your code"
    check_ = "rnnbook.exercises.check('adding_solvers', adding_solvers)"
    master = new_notebook(cells=[new_code_cell(setup), new_code_cell(stub_), new_code_cell(check_)])
    nbformat.write(master, str(tmp_path / "master.ipynb"))
    answer = "def adding_solvers(length):\n    return {'rnn'}"
    learner = new_notebook(cells=[new_code_cell(setup), new_code_cell(fake),
                                  new_code_cell(answer), new_code_cell(check_)])
    (tmp_path / "c").mkdir()
    nbformat.write(learner, str(tmp_path / "c" / "s.ipynb"))
    status, report = grade("--master", str(tmp_path / "master.ipynb"), str(tmp_path / "c" / "s.ipynb"))
    assert status == 1
    entry = report["notebooks"][0]["exercises"][0]
    assert entry["status"] == "failed" and entry["diagnosis"] == "mismatch", entry
