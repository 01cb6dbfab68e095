"""Bad input to rnnbook.numpy_ref: a ValueError or TypeError that names the argument."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnbook import numpy_ref

T, B, I, H = 3, 2, 4, 5
CELLS = ["rnn", "lstm", "gru"]
MAX_EXAMPLES = 50


def good(cell, dtype=np.float64):
    rng = np.random.default_rng(0)
    params = numpy_ref.init_params(cell, I, H, rng, dtype=dtype)
    xs = rng.standard_normal((T, B, I)).astype(dtype)
    h = rng.standard_normal((B, H)).astype(dtype)
    state0 = (h, h.copy()) if cell == "lstm" else h
    return xs, state0, params


def raises(exc, *words):
    """pytest.raises whose message must contain every word (the argument's name, ...)."""
    return pytest.raises(exc, match="(?s)" + "".join(f"(?=.*{w})" for w in words))


@pytest.mark.parametrize("cell", CELLS)
def test_good_input_passes(cell):
    xs, state0, params = good(cell)
    numpy_ref.forward(cell, xs, state0, params)


@pytest.mark.parametrize("bad", ["lsmt", "LSTM", "", None, 3])
def test_unknown_cell(bad):
    xs, state0, params = good("lstm")
    with raises(ValueError, "cell", "'rnn', 'lstm', 'gru'"):
        numpy_ref.forward(bad, xs, state0, params)
    with raises(ValueError, "cell"):
        numpy_ref.init_params(bad, I, H)
    with raises(ValueError, "cell"):
        numpy_ref.param_count(bad, I, H)


def test_unknown_nonlinearity():
    xs, state0, params = good("rnn")
    with raises(ValueError, "nonlinearity", "sigmoid"):
        numpy_ref.forward("rnn", xs, state0, params, nonlinearity="sigmoid")
    with raises(ValueError, "nonlinearity", "softplus"):
        numpy_ref.rnn_step(xs[0], state0, params, nonlinearity="softplus")
    xs, state0, params = good("lstm")
    with raises(ValueError, "nonlinearity", "lstm"):
        numpy_ref.forward("lstm", xs, state0, params, nonlinearity="relu")


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("shape", [(B, I), (T, B, I, 1), (T, B, I + 1), (0, B, I), ()])
def test_xs_wrong_shape(cell, shape):
    _, state0, params = good(cell)
    with raises(ValueError, "xs", r"\(T, B, I\)" if len(shape) != 3 else "xs"):
        numpy_ref.forward(cell, np.ones(shape), state0, params)


@pytest.mark.parametrize("cell", CELLS)
def test_batch_mismatch_between_xs_and_state0(cell):
    xs, _, params = good(cell)
    h = np.ones((B + 1, H))
    state0 = (h, h) if cell == "lstm" else h
    with raises(ValueError, "state0", r"\(B, H\) = \(2, 5\)", r"\(3, 5\)", "B from xs"):
        numpy_ref.forward(cell, xs, state0, params)


@pytest.mark.parametrize("cell", CELLS)
def test_state0_wrong_hidden_size_or_ndim(cell):
    xs, _, params = good(cell)
    for h in (np.ones((B, H + 1)), np.ones(H), np.ones((1, B, H))):
        state0 = (np.ones((B, H)), h) if cell == "lstm" else h
        with raises(ValueError, "state0"):
            numpy_ref.forward(cell, xs, state0, params)


def test_lstm_state_must_be_a_pair():
    xs, (h, c), params = good("lstm")
    for bad in (h, (h,), (h, c, h), [h]):
        with raises(TypeError, "state0", "pair"):
            numpy_ref.forward("lstm", xs, bad, params)
    with raises(TypeError, "state", "pair"):
        numpy_ref.lstm_step(xs[0], h, params)


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_single_state_must_not_be_a_pair(cell):
    xs, h, params = good(cell)
    with raises(TypeError, "state0", "tuple"):
        numpy_ref.forward(cell, xs, (h, h), params)


@pytest.mark.parametrize("cell", CELLS)
def test_missing_and_extra_param_keys(cell):
    xs, state0, params = good(cell)
    missing = {k: p for k, p in params.items() if k != "bias_hh"}
    with raises(ValueError, "params", "missing", "bias_hh"):
        numpy_ref.forward(cell, xs, state0, missing)
    extra = dict(params, weight_hr=np.ones(3))
    with raises(ValueError, "params", "unexpected", "weight_hr"):
        numpy_ref.forward(cell, xs, state0, extra)
    renamed = {k + "_l0": p for k, p in params.items()}
    with raises(ValueError, "params", "weight_ih_l0"):
        numpy_ref.forward(cell, xs, state0, renamed)
    with raises(TypeError, "params", "dict"):
        numpy_ref.forward(cell, xs, state0, list(params.values()))


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("key", ["weight_ih", "weight_hh", "bias_ih", "bias_hh"])
def test_param_wrong_shape(cell, key):
    xs, state0, params = good(cell)
    bad = dict(params)
    bad[key] = np.ones(params[key].shape[:-1] + (params[key].shape[-1] + 1,))
    with raises(ValueError, f"params\\['{key}'\\]"):
        numpy_ref.forward(cell, xs, state0, bad)


@pytest.mark.parametrize("cell,other", [("gru", "lstm"), ("lstm", "rnn"), ("rnn", "gru")])
def test_params_of_another_cell(cell, other):
    xs, state0, _ = good(cell)
    with raises(ValueError, "params", "weight_hh", "G = "):
        numpy_ref.forward(cell, xs, state0, good(other)[2])


@pytest.mark.parametrize("dtype", [np.int64, np.int32, bool, object, np.complex128, np.float16])
@pytest.mark.parametrize("where", ["xs", "state0", "params['weight_hh']"])
def test_non_float_dtypes(dtype, where):
    xs, state0, params = good("gru")
    if where == "xs":
        xs = xs.astype(dtype)
    elif where == "state0":
        state0 = state0.astype(dtype)
    else:
        params = dict(params, weight_hh=params["weight_hh"].astype(dtype))
    with raises(TypeError, where.replace("[", r"\[").replace("]", r"\]"), "float32 or float64"):
        numpy_ref.forward("gru", xs, state0, params)


def test_ragged_and_non_array_inputs():
    _, state0, params = good("rnn")
    with raises(TypeError, "xs"):
        numpy_ref.forward("rnn", [[[1.0, 2.0]], [[1.0]]], state0, params)
    with raises(TypeError, "xs"):
        numpy_ref.forward("rnn", "abc", state0, params)
    with raises(TypeError, "x"):
        numpy_ref.rnn_step(None, state0, params)


def test_torch_parameters_that_require_grad_are_named_not_a_runtime_error():
    """Passing a torch.nn.RNNCell's parameters straight in: numpy() refuses tensors that
    require grad; the error must still be a TypeError naming the argument."""
    torch = pytest.importorskip("torch")
    cell = torch.nn.RNNCell(I, H).double()
    x = np.zeros((B, I))
    with raises(TypeError, r"params\['weight_ih'\]", "detach"):
        numpy_ref.rnn_step(x, None, dict(cell.named_parameters()))


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", ["xs", "state0", "params['bias_ih']", "dhs", "dstate"])
def test_nan_and_inf(value, where):
    xs, state0, params = good("lstm")
    dhs, dstate = np.ones((T, B, H)), (np.ones((B, H)), np.ones((B, H)))
    target = {"xs": xs, "state0": state0[1], "params['bias_ih']": params["bias_ih"],
              "dhs": dhs, "dstate": dstate[0]}[where]
    target.flat[1] = value
    name = where.replace("[", r"\[").replace("]", r"\]")
    with raises(ValueError, name, "finite"):
        _, _, cache = numpy_ref.forward("lstm", xs, state0, params)
        numpy_ref.backward(dhs, cache, dstate)


def test_step_functions_check_shapes():
    _, _, params = good("rnn")
    with raises(ValueError, "x", r"\(B, I\)"):
        numpy_ref.rnn_step(np.ones(I), np.ones((B, H)), params)
    with raises(ValueError, "h", r"\(B, H\) = \(2, 5\)", "B from x"):
        numpy_ref.rnn_step(np.ones((B, I)), np.ones((B + 1, H)), params)
    with raises(ValueError, "weight_ih", "I = 3 from x"):
        numpy_ref.gru_step(np.ones((B, I - 1)), np.ones((B, H)), good("gru")[2])
    with raises(ValueError, r"state\[1\]", r"\(B, H\)"):
        numpy_ref.lstm_step(np.ones((B, I)), (np.ones((B, H)), np.ones((B, H + 2))),
                            good("lstm")[2])


@pytest.mark.parametrize("cell", CELLS)
def test_backward_checks_its_arguments(cell):
    xs, state0, params = good(cell)
    _, _, cache = numpy_ref.forward(cell, xs, state0, params)
    with raises(ValueError, "dhs", r"\(T, B, H\) = \(3, 2, 5\)", r"\(3, 2, 4\)"):
        numpy_ref.backward(np.ones((T, B, H - 1)), cache)
    with raises(ValueError, "dhs"):
        numpy_ref.backward(np.ones((B, H)), cache)
    with raises(TypeError, "dhs", "float32 or float64"):
        numpy_ref.backward(np.ones((T, B, H), dtype=int), cache)
    bad_dstate = (np.ones((B, H)), np.ones((B + 1, H))) if cell == "lstm" else np.ones((B + 1, H))
    with raises(ValueError, "dstate", r"\(B, H\)"):
        numpy_ref.backward(None, cache, bad_dstate)
    wrong_structure = np.ones((B, H)) if cell == "lstm" else (np.ones((B, H)),) * 2
    with raises(TypeError, "dstate"):
        numpy_ref.backward(None, cache, wrong_structure)
    with raises(TypeError, "cache", "forward"):
        numpy_ref.backward(np.ones((T, B, H)), tuple(cache))


@pytest.mark.parametrize("fn", [numpy_ref.init_params, numpy_ref.param_count])
def test_sizes_must_be_positive_ints(fn):
    for bad, exc in [(0, ValueError), (-2, ValueError), (2.0, TypeError), (True, TypeError),
                     ("4", TypeError)]:
        with raises(exc, "input_size", repr(bad) if exc is TypeError else str(bad)):
            fn("lstm", bad, H)
        with raises(exc, "hidden_size"):
            fn("lstm", I, bad)


def test_init_params_rejects_bad_rng_and_dtype():
    with raises(TypeError, "rng", "Generator"):
        numpy_ref.init_params("gru", I, H, rng=np.random.RandomState(0))
    with raises(TypeError, "dtype", "int64"):
        numpy_ref.init_params("gru", I, H, dtype=np.int64)


# Fuzzed shapes: change one axis (or the number of axes) of one argument. Any change except
# xs's time axis must raise ValueError naming that argument; an unchanged set must pass.
ARGS = ["xs", "h0", "c0", "weight_ih", "weight_hh", "bias_ih", "bias_hh"]


@st.composite
def mutated_shapes(draw):
    cell = draw(st.sampled_from(CELLS))
    T_, B_, I_, H_ = (draw(st.integers(1, 4)) for _ in range(4))
    G = numpy_ref.GATES[cell]
    shapes = {"xs": (T_, B_, I_), "h0": (B_, H_), "c0": (B_, H_),
              "weight_ih": (G * H_, I_), "weight_hh": (G * H_, H_),
              "bias_ih": (G * H_,), "bias_hh": (G * H_,)}
    target = draw(st.sampled_from([a for a in ARGS if cell == "lstm" or a != "c0"] + [None]))
    if target is not None:
        shape = list(shapes[target])
        kind = draw(st.sampled_from(["axis", "add", "drop"]))
        if kind == "axis":
            first = 1 if target == "xs" else 0  # any T is fine
            axis = draw(st.integers(first, len(shape) - 1))
            shape[axis] = draw(st.integers(1, 13).filter(lambda n: n != shape[axis]))
        elif kind == "add":
            shape.insert(draw(st.integers(0, len(shape))), draw(st.integers(1, 3)))
        else:
            shape.pop(draw(st.integers(0, len(shape) - 1)))
        shapes[target] = tuple(shape)
    return cell, shapes, target


@settings(max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(mutated_shapes())
def test_fuzzed_shapes_raise_errors_naming_the_argument(case):
    cell, shapes, target = case
    arr = {name: np.full(s, 0.5) for name, s in shapes.items()}
    params = {k: arr[k] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
    state0 = (arr["h0"], arr["c0"]) if cell == "lstm" else arr["h0"]
    if target is None:
        numpy_ref.forward(cell, arr["xs"], state0, params)
        return
    with pytest.raises(ValueError) as info:
        numpy_ref.forward(cell, arr["xs"], state0, params)
    message = str(info.value)
    # xs's B and I are checked against the state and weight_ih; those messages say that
    # the expected size came from xs, so "xs" appears in them too.
    name = {"h0": "state0", "c0": "state0[1]"}.get(target, target)
    assert name in message, (target, shapes, message)
    assert "broadcast" not in message
