"""Synthetic tasks and the shipped data set: properties computed independently of the code."""

import numpy as np
import pytest

from rnnbook import data


@pytest.mark.parametrize("length", [2, 3, 10, 101])
def test_adding_problem_targets_are_the_sum_of_the_two_marked_numbers(length):
    xs, ys = data.adding_problem(200, length, rng=1)
    assert xs.shape == (length, 200, 2) and ys.shape == (200, 1)
    marks = xs[:, :, 1]
    assert np.array_equal(marks.sum(axis=0), np.full(200, 2.0))
    half = length // 2
    assert np.all(marks[:half].sum(axis=0) == 1) and np.all(marks[half:].sum(axis=0) == 1)
    for b in range(200):
        assert ys[b, 0] == pytest.approx(xs[marks[:, b] == 1, b, 0].sum(), abs=1e-15)
    assert np.all((xs[:, :, 0] >= 0) & (xs[:, :, 0] < 1))


def test_adding_problem_constant_baseline_is_one_sixth():
    _, ys = data.adding_problem(200_000, 20, rng=0)
    assert np.mean((ys - 1.0) ** 2) == pytest.approx(1 / 6, rel=0.02)


def test_adding_problem_is_seeded_and_typed():
    a, _ = data.adding_problem(4, 6, rng=5, dtype=np.float32)
    b, _ = data.adding_problem(4, 6, rng=5, dtype=np.float32)
    assert a.dtype == np.float32 and np.array_equal(a, b)


@pytest.mark.parametrize("bad, exc", [(0, ValueError), (-1, ValueError), (1.5, TypeError),
                                      (True, TypeError), ("3", TypeError)])
def test_adding_problem_rejects_bad_sizes(bad, exc):
    """A wrong type is a TypeError, a wrong value a ValueError, as everywhere in rnnbook."""
    with pytest.raises(exc, match="must be a positive int|at least 2"):
        data.adding_problem(bad, 10)
    with pytest.raises(exc):
        data.adding_problem(3, bad if bad != 0 else 1)


def test_hello_task():
    t = data.hello()
    assert t.vocab == "helo"
    assert t.inputs.shape == (4, 1, 4)
    assert "".join(t.vocab[i] for i in t.inputs[:, 0].argmax(-1)) == "hell"
    assert "".join(t.vocab[i] for i in t.targets) == "ello"
    with pytest.raises(ValueError):
        data.hello("h")


def test_one_hot_checks_range_and_type():
    assert np.array_equal(data.one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        data.one_hot([3], 3)
    with pytest.raises(TypeError, match="integers"):
        data.one_hot([0.5], 3)


def test_copy_task_layout():
    xs, symbols = data.copy_task(5, 4, 3, n_symbols=6, rng=0)
    ids = xs.argmax(-1)
    assert xs.shape == (4 + 3 + 4, 5, 8)
    assert np.array_equal(ids[:4], symbols)
    assert np.all(ids[4 + 3 - 1] == 7)  # the cue
    assert np.all(ids[4 : 4 + 3 - 1] == 6) and np.all(ids[-4:] == 6)  # blanks


def test_sunspots_shipped_series():
    s = data.sunspots()
    assert s.values.shape == (3120,) == s.time.shape
    assert s.time[0] == pytest.approx(1749 + 0.5 / 12) and s.time[-1] == pytest.approx(2008 + 11.5 / 12)
    assert np.all(np.diff(s.time) > 0) and np.all(s.values >= 0)
    assert s.values.max() > 200


def test_windows_are_consecutive_values_and_the_next_one():
    x = np.arange(10.0)
    xs, ys = data.windows(x, 3)
    assert xs.shape == (3, 7, 1) and ys.shape == (7, 1)
    assert np.array_equal(xs[:, 2, 0], [2, 3, 4]) and ys[2, 0] == 5
    xs, ys = data.windows(x, 3, horizon=2)
    assert ys[0, 0] == 4 and xs.shape[1] == 6
    with pytest.raises(ValueError, match="too short"):
        data.windows(x, 10)
    with pytest.raises(ValueError, match="1-D"):
        data.windows(x.reshape(2, 5), 2)
