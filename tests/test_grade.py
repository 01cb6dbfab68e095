"""Reading the master and taking the answers (no processes started): the exercise ids, points
and optional exercises come from the master; answers are found by what the code defines."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from gradekit import RIGHT, SOLUTIONS, master_notebook, stub, write_master
from rnnbook import grade
from rnnbook.grade.answers import take_answers
from rnnbook.grade.master import MasterError, read_master


def test_exercise_ids_are_the_literal_graded_checks_in_order():
    cells = [new_code_cell("!pip install rnnbook"),
             new_code_cell("check('rnn_step', f)\nrnnbook.exercises.check(\"gru_step\", g, lang='ko')"),
             new_code_cell("check('lstm_step', wrong, graded=False)"),
             new_code_cell("for i in ids:\n    check(i, f)"),
             new_markdown_cell("check('markdown_is_not_code', f)"),
             new_code_cell("display(check('rnn_step', f))\nprint(check)")]
    assert grade.exercise_ids(new_notebook(cells=cells)) == ["rnn_step", "gru_step"]


def test_master_gives_points_optional_solutions_and_imports(tmp_path):
    master = read_master(write_master(tmp_path))
    assert [(e.id, e.function, e.points, e.optional) for e in master.exercises] == [
        ("gru_step", "gru_step", 2.0, False), ("rnn_param_count", "rnn_param_count", 1.0, False),
        ("rnn_shapes", "rnn_shapes", 1.0, True)]
    assert master.solution_cells == [5, 10, 15] and master.stub_cells == [3, 8, 13]
    assert [text for _, _, text in master.imports][0] == "import numpy as np"


@pytest.mark.parametrize("meta, message", [
    ({"points": {"gru_step": -1}}, "must be a number ≥ 0"),
    ({"optional": ["lstm_step"]}, "which no graded check"),
])
def test_bad_master_metadata_is_named(tmp_path, meta, message):
    nb = master_notebook()
    nb.metadata["rnnbook"].update(meta)
    nbformat.write(nb, str(tmp_path / "m.ipynb"))
    with pytest.raises(MasterError, match=message):
        read_master(str(tmp_path / "m.ipynb"))


def test_answers_are_the_last_own_definition_wherever_the_cell_is(tmp_path):
    master = read_master(write_master(tmp_path))
    nb = master_notebook()
    # the learner answers in a new cell at the very end, after the book's solution cell,
    # and the solution cell lost its title and metadata
    for cell in nb.cells:
        if cell.source.startswith("# @title Solution") and "gru_step" in cell.source:
            cell.source, cell.metadata = SOLUTIONS["gru_step"], {}
    nb.cells.append(new_code_cell("import math\nTAU = 2 * math.pi\n" + RIGHT["gru_step"]
                                  + "\ncheck('gru_step', gru_step)"))
    nb.cells.append(new_code_cell("x = train_for_an_hour()\n%time y = 1"))
    answers = take_answers(master, nb)
    cells = len(nb.cells)
    assert answers.defined_in == {"gru_step": cells - 1, "rnn_param_count": 9, "rnn_shapes": 14}
    assert answers.dropped == [6, 11, 16]
    sources = [text for cell, _, text in answers.program if cell == cells - 1]
    assert sources[:2] == ["import math", "TAU = 2 * math.pi"] and len(sources) == 3
    assert not any("train_for_an_hour" in text for _, _, text in answers.program)


def test_a_syntax_error_in_an_answer_is_named(tmp_path):
    master = read_master(write_master(tmp_path))
    nb = master_notebook()
    nb.cells.append(new_code_cell("def gru_step(x, h, params)\n    return h"))
    answers = take_answers(master, nb)
    assert "gru_step" not in answers.defined_in
    assert answers.syntax_errors["gru_step"].startswith(f"cell {len(nb.cells)}, line 1: SyntaxError")
    assert stub("rnn_shapes").startswith("def rnn_shapes")


def test_a_colab_round_trip_changes_nothing(tmp_path):
    """Colab stores sources as lists of lines, adds cell ids and its own metadata, and drops
    execution counts; the answers found are the same."""
    import json
    master = read_master(write_master(tmp_path))
    plain = master_notebook()
    for cell in plain.cells:
        if cell.cell_type == "code" and cell.source == stub("gru_step"):
            cell.source = RIGHT["gru_step"]
    colab = json.loads(nbformat.writes(plain))
    for k, cell in enumerate(colab["cells"]):
        cell["source"] = "".join(cell["source"]).splitlines(True)
        cell["metadata"] = {"id": f"cell{k}", "colab": {"base_uri": "https://localhost:8080/"}}
        if cell["cell_type"] == "code":
            cell["execution_count"] = None
    colab["metadata"] = {"colab": {"provenance": []}}
    ours, theirs = take_answers(master, json.loads(nbformat.writes(plain))), take_answers(master, colab)
    assert theirs.program == ours.program and theirs.defined_in == ours.defined_in
    assert theirs.dropped == ours.dropped == [6, 11, 16]
