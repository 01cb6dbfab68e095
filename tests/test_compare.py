"""rnnbook.compare (operation counts, timing, the adding-problem sweep) and exercise 5.1.

Expected counts are derived by hand from the equations of torch.nn's cells, not from
the code under test; timing is tested with a fake clock, so nothing here depends on the
speed of the machine.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from rnnbook import compare, exercises  # noqa: E402
from rnnbook.compare import AddingSweep, Run  # noqa: E402
from rnnbook.exercise_bank import ch05  # noqa: E402

REL = 1e-12      # ratios and medians of the fake clock's exact binary fractions
SIZES = [(3, 5), (1, 1), (7, 2), (64, 128)]   # (I, H), I ≠ H included


# Per step and per sequence, counted on the equations (H-sized vectors):
#   RNN:  two biases 2H, W_ih x + W_hh h sum H, tanh H                          = 4H
#   LSTM: two biases 8H, sum 4H, σ σ tanh σ 4H, f⊙c, i⊙g 2H, + H, tanh(c') H, o⊙ H = 21H
#   GRU:  two biases 6H, r and z sums 2H, σ σ 2H, r⊙(…) H, + H, tanh H,
#         h' = n + z⊙(h − n): − H, ⊙ H, + H                                     = 16H
ELEMENTWISE = {"rnn": 4, "lstm": 21, "gru": 16}
NONLINEAR = {"rnn": 1, "lstm": 5, "gru": 3}
BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3}


@pytest.mark.parametrize("cell", compare.CELLS)
@pytest.mark.parametrize("I,H", SIZES)
def test_multiply_adds_are_gate_blocks_times_H_times_I_plus_H(cell, I, H):
    counts = compare.count_step_ops(cell, I, H)
    assert counts["multiply_adds"] == BLOCKS[cell] * H * (I + H)
    assert counts["ops"]["addmm"] == 2


@pytest.mark.parametrize("cell", compare.CELLS)
@pytest.mark.parametrize("I,H", SIZES)
def test_elementwise_and_nonlinear_counts_match_the_equations(cell, I, H):
    counts = compare.count_step_ops(cell, I, H)
    assert counts["elementwise"] == ELEMENTWISE[cell] * H
    assert counts["nonlinear"] == NONLINEAR[cell] * H


def test_count_step_ops_names_bad_arguments():
    with pytest.raises(ValueError, match="cell must be one of"):
        compare.count_step_ops("transformer", 3, 4)
    with pytest.raises(TypeError, match="hidden_size must be a positive int"):
        compare.count_step_ops("rnn", 3, 4.0)
    with pytest.raises(ValueError, match="input_size must be a positive int"):
        compare.count_step_ops("gru", 0, 4)


class FakeClock:
    """A clock that each timed function advances by a set amount per call."""

    def __init__(self):
        self.now = 0.0
        self.calls = []

    def __call__(self):
        return self.now

    def fn(self, name, durations):
        it = iter(durations)

        def run():
            self.calls.append(name)
            self.now += next(it)
        return run


def test_time_per_step_interleaves_rounds_drops_the_warm_up_and_divides_by_steps():
    clock = FakeClock()
    # Round 0 (warm-up) is slow for both and must not count.
    a = clock.fn("a", [100.0, 4.0, 8.0, 2.0])
    b = clock.fn("b", [100.0, 2.0, 2.0, 4.0])
    t = compare.time_per_step({"a": a, "b": b}, steps=2, repeats=3, clock=clock)
    assert clock.calls == ["a", "b"] * 4
    assert t.rounds == {"a": [2.0, 4.0, 1.0], "b": [1.0, 1.0, 2.0]}
    assert t.per_step["a"] == pytest.approx(2.0, rel=REL)
    assert t.per_step["b"] == pytest.approx(1.0, rel=REL)
    assert t.best == {"a": 1.0, "b": 1.0}
    # per-round ratios 2, 4, 0.5 -> median 2
    assert t.ratio("a", "b") == pytest.approx(2.0, rel=REL)


def test_ratio_is_the_median_of_per_round_ratios_not_the_ratio_of_medians():
    clock = FakeClock()
    a = clock.fn("a", [1.0, 1.0, 4.0, 9.0])
    b = clock.fn("b", [1.0, 2.0, 1.0, 3.0])
    t = compare.time_per_step({"a": a, "b": b}, steps=1, repeats=3, clock=clock)
    # rounds a = 1, 4, 9; b = 2, 1, 3; per-round ratios 0.5, 4, 3 -> median 3;
    # medians 4 / 2 = 2.
    assert t.ratio("a", "b") == pytest.approx(3.0, rel=REL)
    assert t.per_step["a"] / t.per_step["b"] == pytest.approx(2.0, rel=REL)


def test_time_per_step_with_the_real_clock_returns_positive_times():
    t = compare.time_per_step({"sum": lambda: sum(range(1000))}, steps=10, repeats=2)
    assert len(t.rounds["sum"]) == 2 and t.per_step["sum"] > 0


def test_time_per_step_names_bad_arguments():
    with pytest.raises(TypeError, match="fns must be a non-empty dict"):
        compare.time_per_step({}, steps=1)
    with pytest.raises(TypeError, match="fns must be a non-empty dict"):
        compare.time_per_step({"x": 3}, steps=1)
    with pytest.raises(ValueError, match="steps must be a positive int"):
        compare.time_per_step({"x": lambda: None}, steps=0)


def _sweep(solved: dict, lengths=(10, 60), seeds=(0, 1, 2)) -> AddingSweep:
    """Runs whose solved_at is given as {(cell, length): [step or None per seed]}."""
    runs = []
    for length in lengths:
        for s in seeds:
            for cell in compare.CELLS:
                at = solved[(cell, length)][s]
                loss = 0.005 if at is not None else 0.16 + 0.001 * s
                runs.append(Run(cell, length, s, at, loss, None, None))
    return AddingSweep(runs, steps=800, target_loss=0.01, eval_every=25)


TABLE = {("rnn", 10): [None, 700, 650], ("lstm", 10): [300, 325, 275], ("gru", 10): [150, 175, 200],
         ("rnn", 60): [None, None, None], ("lstm", 60): [650, None, None], ("gru", 60): [275, 250, 300]}


def test_success_steps_and_losses_are_aggregated_per_cell_and_length():
    sweep = _sweep(TABLE)
    assert sweep.cells == ("rnn", "lstm", "gru") and sweep.lengths == (10, 60)
    assert sweep.success("rnn", 10) == (2, 3)
    assert sweep.success("lstm", 60) == (1, 3)
    assert sweep.median_steps("rnn", 10) == 675
    assert sweep.median_steps("gru", 60) == 275
    assert sweep.median_steps("rnn", 60) is None
    assert sweep.median_final_loss("rnn", 60) == pytest.approx(0.161, rel=REL)


def test_solvers_need_more_than_half_of_the_runs():
    assert _sweep(TABLE).solvers(10) == {"rnn", "lstm", "gru"}
    assert _sweep(TABLE).solvers(60) == {"gru"}
    half = {k: v[:2] for k, v in TABLE.items()}   # two seeds: 1 of 2 is not a majority
    assert _sweep(half, seeds=(0, 1)).solvers(10) == {"lstm", "gru"}


def test_unknown_cell_or_length_is_named():
    with pytest.raises(ValueError, match="no runs for cell='lstm', length=30"):
        _sweep(TABLE).success("lstm", 30)


def test_adding_sweep_is_seeded_and_records_when_the_target_was_reached():
    kw = dict(cells=("rnn", "gru"), lengths=(3,), seeds=(0, 1), steps=150, hidden_size=8,
              batch_size=16, lr=2e-2, target_loss=0.05, eval_every=25, eval_size=64)
    a, b = compare.adding_sweep(**kw), compare.adding_sweep(**kw)
    assert [(r.cell, r.length, r.seed) for r in a.runs] == [
        ("rnn", 3, 0), ("gru", 3, 0), ("rnn", 3, 1), ("gru", 3, 1)]
    assert [r.final_loss for r in a.runs] == [r.final_loss for r in b.runs]
    assert [r.solved_at for r in a.runs] == [r.solved_at for r in b.runs]
    for r in a.runs:
        assert (r.solved_at is not None) == (r.final_loss < 0.05)
        assert r.final_loss == r.history.eval_loss[-1]
        if r.solved_at is not None:
            assert r.solved_at % 25 == 0 and r.solved_at <= 150
            assert r.solved_at == r.history.eval_step[-1] == len(r.history.loss)
            assert all(loss >= 0.05 for loss in r.history.eval_loss[:-1])
        else:
            assert len(r.history.loss) == 150
        assert r.model.cell == r.cell
    assert any(r.solved_at is not None for r in a.runs), "the easy task should be solved"


def test_adding_sweep_names_bad_arguments():
    with pytest.raises(ValueError, match="cells must be one of"):
        compare.adding_sweep(cells=("rnn", "transformer"))
    with pytest.raises(ValueError, match="must be non-empty"):
        compare.adding_sweep(lengths=())


@pytest.fixture
def measured():
    ch05.use_sweep(_sweep(TABLE))
    yield
    ch05._measured.clear()


def stub(length):
    raise NotImplementedError


def test_a_stub_is_not_attempted_even_before_the_sweep_ran():
    ch05._measured.clear()
    assert exercises.check("adding_solvers", stub, lang="en").status == "not_attempted"
    result = exercises.check("adding_solvers", lambda n: {"gru"}, lang="en")
    assert result.status == "error" and "compare.adding_sweep" in result.message


def test_the_measured_answer_passes_in_both_languages(measured):
    answer = {10: {"rnn", "lstm", "gru"}, 60: {"gru"}}
    for lang in ("en", "ko"):
        result = exercises.check("adding_solvers", lambda n: answer[n], lang=lang)
        assert result.passed, result.message
    assert exercises.check("adding_solvers", lambda n: ["GRU", "lstm", "rnn"][: 3 if n == 10 else 1]).passed


def test_a_wrong_prediction_names_the_length_and_the_measured_rates(measured):
    result = exercises.check("adding_solvers", lambda n: {"lstm", "gru"}, lang="en")
    assert result.status == "failed" and result.diagnosis == "mismatch"
    assert result.details["lengths"] == (10, 60)
    assert "Length 60: you predicted {lstm, gru}; measured {gru}" in result.message
    assert "lstm 1/3" in result.message
    ko = exercises.check("adding_solvers", lambda n: set(), lang="ko")
    assert "길이 10: 예측 없음, 측정 {rnn, lstm, gru}" in ko.message


@pytest.mark.parametrize("answer,diagnosis", [
    (lambda n: "gru", "wrong_type"),
    (lambda n: {1, 2}, "wrong_type"),
    (lambda n: {"transformer"}, "unknown_cell"),
    (lambda n: None, "returned_none"),
])
def test_malformed_answers_are_diagnosed(measured, answer, diagnosis):
    result = exercises.check("adding_solvers", answer, lang="en")
    assert result.status == "failed" and result.diagnosis == diagnosis, result.message


def test_unknown_cell_message_lists_only_the_cells_that_were_measured():
    full = _sweep(TABLE)
    ch05.use_sweep(AddingSweep([r for r in full.runs if r.cell != "rnn"], steps=full.steps,
                               target_loss=full.target_loss, eval_every=full.eval_every))
    try:
        result = exercises.check("adding_solvers", lambda n: {"rnn"}, lang="en")
    finally:
        ch05._measured.clear()
    assert result.diagnosis == "unknown_cell"
    assert "you name 'rnn'" in result.message and "measured cells are 'lstm', 'gru'" in result.message


def test_use_sweep_rejects_anything_else():
    with pytest.raises(TypeError, match="sweep must be the AddingSweep"):
        ch05.use_sweep({10: {"gru"}})


def test_aten_ops_lists_what_a_call_runs():
    a, b = torch.ones(2, 3), torch.ones(3, 4)
    ops = compare.aten_ops(lambda: torch.tanh(a @ b) + torch.sigmoid(a @ b))
    assert ops["mm"] == 2 and ops["tanh"] == 1 and ops["sigmoid"] == 1 and ops["add"] == 1
    assert list(ops) == sorted(ops)


def test_aten_ops_sees_one_fused_call_for_a_float32_lstm_and_per_step_ops_in_float64():
    T = 5
    lstm32 = torch.nn.LSTM(3, 4)
    lstm64 = torch.nn.LSTM(3, 4).double()
    fused = compare.aten_ops(lambda: lstm32(torch.zeros(T, 2, 3)))
    unfused = compare.aten_ops(lambda: lstm64(torch.zeros(T, 2, 3, dtype=torch.float64)))
    assert fused.get("mkldnn_rnn_layer") == 1 and "addmm" not in fused
    assert "mkldnn_rnn_layer" not in unfused and unfused["addmm"] >= T


def test_aten_ops_needs_a_callable():
    with pytest.raises(TypeError, match="fn must be a callable"):
        compare.aten_ops(3)
