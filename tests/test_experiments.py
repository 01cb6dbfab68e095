"""The shared adding-problem protocol (rnnbook.experiments): defaults stated once, changes
named and recorded, runs deterministic, baselines right. Small budgets only: the measured
table of the book is a benchmark (benchmarks/adding_protocol.py), not a test."""

import dataclasses
import inspect

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from rnnbook import experiments  # noqa: E402
from rnnbook.experiments import Protocol, adding_run  # noqa: E402

TINY = {"max_updates": 6, "eval_every": 3, "eval_size": 16, "hidden_size": 4, "batch_size": 8}


def test_defaults_are_stated_once_in_the_fields_and_the_docstring_is_built_from_them():
    rows = Protocol.rows()
    fields = dataclasses.fields(Protocol)
    assert [name for name, _, _ in rows] == [f.name for f in fields]
    doc_lines = Protocol.__doc__.splitlines()
    for name, default, doc in rows:
        line = next(line for line in doc_lines if line.strip().startswith(name + " "))
        assert repr(default) in line and doc in line, line
    assert Protocol.table().count("\n") == len(fields) - 1
    # the run functions restate nothing: every setting comes from Protocol
    assert list(inspect.signature(adding_run).parameters) == ["cell", "length", "seed", "changes"]
    grid_params = inspect.signature(experiments.adding_grid).parameters
    assert all(p.default is inspect.Parameter.empty for p in grid_params.values())


def test_unknown_change_is_refused_with_the_known_names():
    with pytest.raises(TypeError, match=r"unknown protocol setting\(s\) 'learning_rate'.*: "
                                        r"hidden_size, forget_bias, .*lr, .*solved_mse"):
        adding_run("rnn", 5, 0, learning_rate=0.1)
    with pytest.raises(TypeError, match="'hiden_size', 'x'"):
        Protocol().changed(x=1, hiden_size=3)


@pytest.mark.parametrize("bad, match", [
    ({"lr": -1.0}, "lr must be a positive number"),
    ({"optimizer": "rmsprop"}, "optimizer"),
    ({"hidden_size": 0}, "hidden_size"),
    ({"clip": 0.0}, "clip must be a positive number or None"),
    ({"forget_bias": "one"}, "forget_bias must be a number or None"),
    ({"dtype": "float16"}, "dtype"),
])
def test_bad_settings_are_named(bad, match):
    with pytest.raises(ValueError, match=match):
        Protocol().changed(**bad)


def test_bad_run_arguments_are_named():
    with pytest.raises(ValueError, match="cell"):
        adding_run("transformer", 5, 0, **TINY)
    with pytest.raises(ValueError, match="length must be at least 2"):
        adding_run("rnn", 1, 0, **TINY)
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        adding_run("rnn", 5, -1, **TINY)


def test_a_run_is_deterministic_given_its_seed():
    a = adding_run("gru", 6, 3, **TINY)
    b = adding_run("gru", 6, 3, **TINY)
    c = adding_run("gru", 6, 4, **TINY)
    assert a.curve == b.curve and a.grad_norm == b.grad_norm
    assert a.curve != c.curve
    assert [u for u, _ in a.curve] == [0, 3, 6]
    assert a.updates == 6 and len(a.grad_norm) == 6
    assert a.final_mse == a.curve[-1][1] and a.best_mse == min(m for _, m in a.curve[1:])


def test_changed_factors_are_recorded_and_defaults_are_not():
    run = adding_run("lstm", 5, 0, **TINY, lr=3e-3, forget_bias=None)
    assert run.changed == {**{k: (getattr(Protocol(), k), v) for k, v in TINY.items()},
                           "lr": (Protocol().lr, 3e-3), "forget_bias": (1.0, None)}
    same = adding_run("rnn", 5, 0, **TINY, lr=Protocol().lr)
    assert "lr" not in same.changed


def test_forget_bias_reaches_the_lstm_only():
    lstm = adding_run("lstm", 5, 0, **dict(TINY, max_updates=1, eval_every=1), lr=1e-12)
    H = TINY["hidden_size"]
    b_ih = lstm.model.rnn.bias_ih_l0.detach()
    assert torch.allclose(b_ih[H:2 * H], torch.ones(H), atol=1e-6)
    default = adding_run("lstm", 5, 0, **dict(TINY, max_updates=1, eval_every=1), lr=1e-12,
                         forget_bias=None)
    assert not torch.allclose(default.model.rnn.bias_ih_l0[H:2 * H], torch.ones(H), atol=0.1)
    gru = adding_run("gru", 5, 0, **dict(TINY, max_updates=1, eval_every=1), forget_bias=None)
    plain = adding_run("gru", 5, 0, **dict(TINY, max_updates=1, eval_every=1))
    assert "forget_bias" not in gru.changed and gru.curve == plain.curve  # no forget gate


def test_a_run_stops_once_solved():
    run = adding_run("rnn", 5, 0, **TINY, solved_mse=100.0)
    assert run.solved and run.updates == TINY["eval_every"] and len(run.curve) == 2


def test_the_evaluation_set_depends_on_the_length_only():
    a, b = experiments.eval_set(7), experiments.eval_set(7)
    assert np.array_equal(a[0], b[0]) and a[0].shape == (7, Protocol().eval_size, 2)
    assert not np.array_equal(experiments.eval_set(8)[1], a[1])


def test_baselines_are_one_sixth_and_one_twelfth():
    big = Protocol().changed(eval_size=100_000)
    base = experiments.adding_baselines(20, big)
    assert base["constant"] == pytest.approx(1 / 6, abs=3e-3)
    assert base["one_number"] == pytest.approx(1 / 12, abs=2e-3)
    assert Protocol().solved_mse < base["one_number"] / 5


def test_grid_counts_and_tabulates():
    grid = experiments.adding_grid({"r": ("rnn", {}), "easy": ("gru", {"solved_mse": 100.0})},
                                   (4, 6), (0, 1), **TINY)
    assert grid.solved("easy", 4) == (2, 2) and grid.solved("r", 6) == (0, 2)
    assert grid.median_updates("easy", 4) == TINY["eval_every"]
    assert grid.median_updates("r", 4) is None
    assert grid.runs["easy", 6, 1].changed["solved_mse"] == (Protocol().solved_mse, 100.0)
    text = grid.table(names={"r": "RNN"})
    assert text.splitlines()[0].split() == ["T", "=", "4", "T", "=", "6"]
    assert text.splitlines()[1].split() == ["RNN", "0/2", "0/2"]
    assert text.splitlines()[2].split() == ["easy", "2/2", "2/2"]
    with pytest.raises(TypeError, match=r"models\['x'\] must be \(cell"):
        experiments.adding_grid({"x": "rnn"}, (4,), (0,))
