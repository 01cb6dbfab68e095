"""numpy_ref.backward against central differences, and rnnbook.gradcheck itself."""

import numpy as np
import pytest

from rnnbook import numpy_ref
from rnnbook.gradcheck import numerical_gradient, rel_error

REL_TOL = 1e-7       # backward vs numerical gradient (normwise relative error)
WRONG = 1e-4         # size of the deliberate mistake the check must catch

CELLS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", None), ("gru", None)]
SHAPES = [(3, 2, 3, 4), (1, 1, 2, 3), (4, 1, 3, 2)]  # (T, B, I, H)


def setup_problem(cell, nonlinearity, shape, seed=0):
    """Random non-zero parameters, inputs, state and upstream gradients; a scalar loss."""
    T, B, I, H = shape
    rng = np.random.default_rng(seed)
    params = numpy_ref.init_params(cell, I, H, rng)
    for p in params.values():
        p += np.sign(p) * 0.2  # keep every entry away from zero
    xs = rng.standard_normal((T, B, I))
    two = cell == "lstm"
    state0 = tuple(rng.standard_normal((B, H)) for _ in range(2)) if two else \
        rng.standard_normal((B, H))
    dhs = rng.standard_normal((T, B, H))
    dstate = tuple(rng.standard_normal((B, H)) for _ in range(2)) if two else \
        rng.standard_normal((B, H))
    kw = {} if nonlinearity is None else {"nonlinearity": nonlinearity}

    def loss(_=None):
        hs, state_T, _ = numpy_ref.forward(cell, xs, state0, params, **kw)
        total = np.sum(hs * dhs)
        for s, d in zip(state_T if two else (state_T,), dstate if two else (dstate,)):
            total += np.sum(s * d)
        return total

    _, _, cache = numpy_ref.forward(cell, xs, state0, params, **kw)
    grads = numpy_ref.backward(dhs, cache, dstate)
    arrays = dict(params, xs=xs)
    if two:
        arrays["h0"], arrays["c0"] = state0
        grads = dict(grads, h0=grads["state0"][0], c0=grads["state0"][1])
    else:
        arrays["h0"] = state0
        grads = dict(grads, h0=grads["state0"])
    return loss, arrays, grads


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("cell,nonlinearity", CELLS)
def test_backward_matches_numerical_gradient(cell, nonlinearity, shape):
    loss, arrays, grads = setup_problem(cell, nonlinearity, shape)
    for name, x in arrays.items():
        num = numerical_gradient(loss, x)
        err = rel_error(grads[name], num)
        assert err < REL_TOL, f"{cell} {name}: relative error {err:.2e}"


@pytest.mark.parametrize("cell,nonlinearity", CELLS)
@pytest.mark.parametrize("name", ["weight_hh", "bias_ih", "xs", "h0"])
def test_gradcheck_catches_a_wrong_gradient(cell, nonlinearity, name):
    loss, arrays, grads = setup_problem(cell, nonlinearity, (3, 2, 3, 4), seed=1)
    wrong = grads[name].copy()
    wrong.flat[wrong.size // 2] += WRONG
    assert rel_error(wrong, numerical_gradient(loss, arrays[name])) > REL_TOL


def test_numerical_gradient_of_a_known_function():
    x = np.random.default_rng(2).standard_normal((3, 4))
    before = x.copy()
    g = numerical_gradient(lambda a: np.sum(np.sin(a) * a[::-1]), x)
    exact = np.cos(x) * x[::-1] + np.sin(x[::-1])  # row k meets row T-1-k twice
    assert rel_error(g, exact) < 1e-9
    assert np.array_equal(x, before)


def test_numerical_gradient_restores_x_when_f_raises():
    x = np.arange(4.0)

    def f(a):
        if a[1] != 1.0:
            raise RuntimeError("boom")
        return a.sum()

    with pytest.raises(RuntimeError):
        numerical_gradient(f, x)
    assert np.array_equal(x, np.arange(4.0))


@pytest.mark.parametrize("bad,exc", [([1.0, 2.0], TypeError), (np.arange(3), TypeError)])
def test_numerical_gradient_rejects_non_float_arrays(bad, exc):
    with pytest.raises(exc, match="x"):
        numerical_gradient(lambda a: 0.0, bad)


def test_numerical_gradient_rejects_non_scalar_f():
    with pytest.raises(ValueError, match="scalar"):
        numerical_gradient(lambda a: a * 2, np.ones(3))


def test_rel_error_formula():
    a = np.array([1.0, -2.0, 0.0])
    b = np.array([1.0, -1.0, 1e-20])
    assert rel_error(a, b) == pytest.approx(1.0 / 3.0)  # max|a-b| = 1, max(|a|+|b|) = 3
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rel_error(a, a) == 0.0
    with pytest.raises(ValueError, match="same shape"):
        rel_error(np.ones(3), np.ones(4))


def test_numerical_gradient_refuses_float32():
    """In float32 the differences drown in rounding: d(Σx²)/dx at 10 would read 19.07."""
    x = np.array([1.0, 3.0, 10.0], dtype=np.float32)
    with pytest.raises(TypeError, match="x must be float64.*float32"):
        numerical_gradient(lambda a: float(np.sum(a * a)), x)
    np.testing.assert_allclose(numerical_gradient(lambda a: float(np.sum(a * a)),
                                                  x.astype(np.float64)), 2 * x, rtol=1e-8)
