"""Exercise 5.2 (adding_solvers) checked against an experiments.AddingGrid (no training)."""

import pytest

from rnnbook import exercises, experiments
from rnnbook.exercise_bank import ch05

SOLVED = {  # (label, length): solved flags of seeds 0, 1, 2
    ("rnn", 10): (True, True, True), ("rnn", 40): (False, False, False),
    ("lstm_torch_init", 10): (True, True, True), ("lstm_torch_init", 40): (True, False, False),
    ("lstm", 10): (True, True, True), ("lstm", 40): (True, True, False),
    ("gru", 10): (True, True, True), ("gru", 40): (True, True, True),
}
MODELS = {"rnn": "rnn", "lstm_torch_init": "lstm", "lstm": "lstm", "gru": "gru"}


def _grid():
    runs = {}
    for (label, length), flags in SOLVED.items():
        for seed, solved in enumerate(flags):
            protocol = experiments.Protocol()
            runs[label, length, seed] = experiments.AddingResult(
                MODELS[label], length, seed, protocol, {}, solved, 300 if solved else 1000,
                0.005 if solved else 0.17, 0.005 if solved else 0.17, ((0, 0.2),), (), None)
    return experiments.AddingGrid(runs, tuple(MODELS), (10, 40), (0, 1, 2))


@pytest.fixture
def measured():
    ch05.use_sweep(_grid())
    yield
    ch05._measured.clear()


def test_the_grid_answer_passes_and_uses_the_labels(measured):
    answer = {10: set(MODELS), 40: {"lstm", "gru"}}
    for lang in ("en", "ko"):
        result = exercises.check("adding_solvers", lambda n: answer[n], lang=lang)
        assert result.passed, result.message


def test_a_wrong_grid_prediction_names_labels_rates_and_the_protocol(measured):
    result = exercises.check("adding_solvers", lambda n: {"lstm_torch_init", "lstm", "gru"},
                             lang="en")
    assert result.status == "failed" and result.diagnosis == "mismatch"
    assert result.details["lengths"] == (10, 40)
    assert "Length 40: you predicted {lstm, gru, lstm_torch_init}; measured {lstm, gru}" \
        in result.message
    assert "lstm_torch_init 1/3" in result.message and "lstm 2/3" in result.message
    assert "MSE < 0.01 within 1000 steps" in result.message


def test_an_unknown_label_is_named(measured):
    result = exercises.check("adding_solvers", lambda n: {"transformer"}, lang="en")
    assert result.diagnosis == "unknown_cell" and "'lstm_torch_init'" in result.message
