"""rnnbook.conventions: exact round trips, and converted weights that compute the same thing.

The Keras, cs231n, textbook-GRU and reset-before forwards below are written here from
those conventions' own equations, independently of the converters, and torch.nn.LSTM /
torch.nn.GRU are the referee for PyTorch's layout.

Round trips are compared with ``np.array_equal`` (bit for bit). The one place a sum is
involved, PyTorch's two biases becoming Keras' or cs231n's one, is compared bit for bit
against ``bias_ih + bias_hh`` computed here: the converter performs that same single
addition, so the difference is exactly 0.
"""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from rnnbook import conventions as C

# Forward outputs of converted weight sets must agree this closely (float64, no training).
TOL = 1e-12
# Reset-before and PyTorch's GRU, same random weights: at least this far apart.
DIFFERENT_MODEL_GAP = 1e-3

# (T, B, I, H): T=1, B=1, I != H, I == H and I == 1 all appear.
SHAPES = [(1, 1, 3, 5), (4, 1, 1, 2), (1, 3, 4, 4), (6, 2, 5, 3)]
KERAS = ("kernel", "recurrent_kernel", "bias")
TORCH = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def nonzero(rng, *shape, dtype=np.float64):
    """Uniform in ±[0.1, 1]: random, non-zero, never a tiny bias."""
    return (rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.1, 1.0, size=shape)).astype(dtype)


def random_torch_params(rng, gates, I, H, dtype=np.float64):
    return {"weight_ih": nonzero(rng, gates * H, I, dtype=dtype),
            "weight_hh": nonzero(rng, gates * H, H, dtype=dtype),
            "bias_ih": nonzero(rng, gates * H, dtype=dtype),
            "bias_hh": nonzero(rng, gates * H, dtype=dtype)}


def torch_module(cls, params):
    """A float64 torch.nn.LSTM/GRU holding ``params`` (PyTorch layout) as layer 0."""
    I, H = params["weight_ih"].shape[1], params["weight_hh"].shape[1]
    module = cls(I, H, dtype=torch.float64)
    module.load_state_dict({f"{k}_l0": torch.from_numpy(np.ascontiguousarray(v))
                            for k, v in params.items()})
    return module


def torch_run(cls, params, xs, state0):
    """Outputs (T, B, H) and final state(s) of torch.nn.LSTM/GRU, as NumPy arrays."""
    module = torch_module(cls, params)
    with torch.no_grad():
        x = torch.from_numpy(xs)
        if cls is nn.LSTM:
            h0, c0 = (torch.from_numpy(s[None]) for s in state0)
            out, (h, c) = module(x, (h0, c0))
            return out.numpy(), h[0].numpy(), c[0].numpy()
        out, h = module(x, torch.from_numpy(state0[None]))
        return out.numpy(), h[0].numpy()


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def keras_lstm_run(xs, state0, kernel, recurrent_kernel, bias):
    """Keras LSTM: z = x kernel + h recurrent_kernel + bias, split i, f, c, o."""
    H = recurrent_kernel.shape[0]
    h, c = state0
    hs = []
    for x in xs:
        z = x @ kernel + h @ recurrent_kernel + bias
        i, f = sigmoid(z[:, :H]), sigmoid(z[:, H:2 * H])
        cand, o = np.tanh(z[:, 2 * H:3 * H]), sigmoid(z[:, 3 * H:])
        c = f * c + i * cand
        h = o * np.tanh(c)
        hs.append(h)
    return np.stack(hs), h, c


def keras_gru_run(xs, h, kernel, recurrent_kernel, bias):
    """Keras GRU, reset_after=True: split z, r, h; hh = tanh(xW + b0 + r * (hU + b1))."""
    H = recurrent_kernel.shape[0]
    hs = []
    for x in xs:
        xw = x @ kernel + bias[0]
        hu = h @ recurrent_kernel + bias[1]
        z = sigmoid(xw[:, :H] + hu[:, :H])
        r = sigmoid(xw[:, H:2 * H] + hu[:, H:2 * H])
        hh = np.tanh(xw[:, 2 * H:] + r * hu[:, 2 * H:])
        h = z * h + (1 - z) * hh
        hs.append(h)
    return np.stack(hs), h


def keras_gru_reset_before_run(xs, h, kernel, recurrent_kernel, bias):
    """Keras GRU, reset_after=False: hh = tanh(x W_h + b_h + (r * h) U_h), one bias (3H,)."""
    H = recurrent_kernel.shape[0]
    hs = []
    for x in xs:
        xw = x @ kernel + bias
        z = sigmoid(xw[:, :H] + h @ recurrent_kernel[:, :H])
        r = sigmoid(xw[:, H:2 * H] + h @ recurrent_kernel[:, H:2 * H])
        hh = np.tanh(xw[:, 2 * H:] + (r * h) @ recurrent_kernel[:, 2 * H:])
        h = z * h + (1 - z) * hh
        hs.append(h)
    return np.stack(hs), h


def cs231n_lstm_run(xs, state0, Wx, Wh, b):
    """cs231n lstm_step_forward: a = x Wx + h Wh + b, split i, f, o, g."""
    H = Wh.shape[0]
    h, c = state0
    hs = []
    for x in xs:
        a = x @ Wx + h @ Wh + b
        i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H])
        g = np.tanh(a[:, 3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
        hs.append(h)
    return np.stack(hs), h, c


def gru_gates(x, h, p):
    """The r, z gate values and both n pre-activation parts, PyTorch layout (r, z, n)."""
    H = h.shape[1]
    W_ir, W_iz, W_in = np.split(p["weight_ih"], 3)
    W_hr, W_hz, W_hn = np.split(p["weight_hh"], 3)
    b_ir, b_iz, b_in = np.split(p["bias_ih"], 3)
    b_hr, b_hz, b_hn = np.split(p["bias_hh"], 3)
    assert W_hn.shape == (H, H)
    r = sigmoid(x @ W_ir.T + b_ir + h @ W_hr.T + b_hr)
    z = sigmoid(x @ W_iz.T + b_iz + h @ W_hz.T + b_hz)
    return r, z, (x @ W_in.T + b_in, W_hn, b_hn)


def textbook_gru_step(x, h, p):
    """h' = z n + (1 - z) h with n = tanh(W_in x + b_in + r (W_hn h + b_hn))."""
    r, z, (xn, W_hn, b_hn) = gru_gates(x, h, p)
    n = np.tanh(xn + r * (h @ W_hn.T + b_hn))
    return z * n + (1 - z) * h


def reset_before_gru_step(x, h, p):
    """h' = (1 - z) n + z h with n = tanh(W_in x + b_in + W_hn (r h) + b_hn)."""
    r, z, (xn, W_hn, b_hn) = gru_gates(x, h, p)
    n = np.tanh(xn + (r * h) @ W_hn.T + b_hn)
    return (1 - z) * n + z * h


def inputs(rng, T, B, I, H):
    xs = rng.standard_normal((T, B, I))
    return xs, rng.standard_normal((B, H)), rng.standard_normal((B, H))


def assert_all_close(got, want):
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=0, atol=TOL)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_keras_lstm_layouts_compute_torch_lstm(shape):
    T, B, I, H = shape
    rng = np.random.default_rng(1)
    xs, h0, c0 = inputs(rng, T, B, I, H)
    # PyTorch -> Keras: the Keras equations on converted weights give torch.nn.LSTM's output.
    params = random_torch_params(rng, 4, I, H)
    k = C.torch_to_keras_lstm(params)
    assert k["kernel"].shape == (I, 4 * H) and k["recurrent_kernel"].shape == (H, 4 * H)
    assert_all_close(keras_lstm_run(xs, (h0, c0), **k),
                     torch_run(nn.LSTM, params, xs, (h0, c0)))
    # Keras -> PyTorch: torch.nn.LSTM on converted weights gives the Keras output.
    keras = {"kernel": nonzero(rng, I, 4 * H), "recurrent_kernel": nonzero(rng, H, 4 * H),
             "bias": nonzero(rng, 4 * H)}
    assert_all_close(torch_run(nn.LSTM, C.keras_to_torch_lstm(keras), xs, (h0, c0)),
                     keras_lstm_run(xs, (h0, c0), **keras))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_keras_gru_layouts_compute_torch_gru(shape):
    T, B, I, H = shape
    rng = np.random.default_rng(2)
    xs, h0, _ = inputs(rng, T, B, I, H)
    params = random_torch_params(rng, 3, I, H)
    k = C.torch_to_keras_gru(params)
    assert k["bias"].shape == (2, 3 * H)
    assert_all_close(keras_gru_run(xs, h0, **k), torch_run(nn.GRU, params, xs, h0))
    keras = {"kernel": nonzero(rng, I, 3 * H), "recurrent_kernel": nonzero(rng, H, 3 * H),
             "bias": nonzero(rng, 2, 3 * H)}
    assert_all_close(torch_run(nn.GRU, C.keras_to_torch_gru(keras, reset_after=True), xs, h0),
                     keras_gru_run(xs, h0, **keras))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_cs231n_layouts_compute_torch_lstm(shape):
    T, B, I, H = shape
    rng = np.random.default_rng(3)
    xs, h0, c0 = inputs(rng, T, B, I, H)
    params = random_torch_params(rng, 4, I, H)
    w = C.torch_to_cs231n_lstm(params)
    assert w["Wx"].shape == (I, 4 * H) and w["Wh"].shape == (H, 4 * H)
    assert_all_close(cs231n_lstm_run(xs, (h0, c0), **w),
                     torch_run(nn.LSTM, params, xs, (h0, c0)))
    cs = {"Wx": nonzero(rng, I, 4 * H), "Wh": nonzero(rng, H, 4 * H), "b": nonzero(rng, 4 * H)}
    assert_all_close(torch_run(nn.LSTM, C.cs231n_to_torch_lstm(cs), xs, (h0, c0)),
                     cs231n_lstm_run(xs, (h0, c0), **cs))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_textbook_gru_is_a_relabelling_of_torch_gru(shape):
    T, B, I, H = shape
    rng = np.random.default_rng(4)
    xs, h0, _ = inputs(rng, T, B, I, H)
    textbook = random_torch_params(rng, 3, I, H)
    # The package's textbook step is the textbook equation.
    np.testing.assert_allclose(C.gru_step_textbook(xs[0], h0, textbook),
                               textbook_gru_step(xs[0], h0, textbook), rtol=0, atol=TOL)
    # torch.nn.GRU with the converted weights runs the textbook GRU.
    h, hs = h0, []
    for x in xs:
        h = textbook_gru_step(x, h, textbook)
        hs.append(h)
    assert_all_close(torch_run(nn.GRU, C.textbook_gru_to_torch(textbook), xs, h0),
                     (np.stack(hs), h))
    # And the other way: the textbook step on converted torch weights runs torch.nn.GRU.
    params = random_torch_params(rng, 3, I, H)
    converted = C.torch_to_textbook_gru(params)
    h, hs = h0, []
    for x in xs:
        h = C.gru_step_textbook(x, h, converted)
        hs.append(h)
    assert_all_close((np.stack(hs), h), torch_run(nn.GRU, params, xs, h0))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_reset_before_gru_is_a_different_model(shape):
    T, B, I, H = shape
    rng = np.random.default_rng(5)
    xs, h0, _ = inputs(rng, T, B, I, H)
    params = random_torch_params(rng, 3, I, H)
    ours = C.gru_step_reset_before(xs[0], h0, params)
    np.testing.assert_allclose(ours, reset_before_gru_step(xs[0], h0, params), rtol=0, atol=TOL)
    cell = nn.GRUCell(I, H, dtype=torch.float64)
    cell.load_state_dict({k: torch.from_numpy(v) for k, v in params.items()})
    with torch.no_grad():
        torch_h = cell(torch.from_numpy(xs[0]), torch.from_numpy(h0)).numpy()
    assert np.abs(ours - torch_h).max() > DIFFERENT_MODEL_GAP


def test_reset_before_step_is_keras_reset_after_false():
    """Keras' reset_after=False GRU is the reset-before cell with b_hn = 0 (and z, r swapped)."""
    T, B, I, H = 3, 2, 4, 3
    rng = np.random.default_rng(6)
    xs, h0, _ = inputs(rng, T, B, I, H)
    kernel, recurrent_kernel = nonzero(rng, I, 3 * H), nonzero(rng, H, 3 * H)
    bias = nonzero(rng, 3 * H)

    def rz_swapped(a):  # Keras z, r, h  <->  PyTorch r, z, n, blocks along the last axis
        return np.concatenate([a[..., H:2 * H], a[..., :H], a[..., 2 * H:]], axis=-1)

    params = {"weight_ih": rz_swapped(kernel).T, "weight_hh": rz_swapped(recurrent_kernel).T,
              "bias_ih": rz_swapped(bias), "bias_hh": np.zeros(3 * H)}
    h, hs = h0, []
    for x in xs:
        h = C.gru_step_reset_before(x, h, params)
        hs.append(h)
    assert_all_close((np.stack(hs), h),
                     keras_gru_reset_before_run(xs, h0, kernel, recurrent_kernel, bias))


def test_gate_order_matters():
    """The forward comparisons can fail: Keras weights read without reordering are wrong."""
    rng = np.random.default_rng(7)
    xs, h0, _ = inputs(rng, 3, 2, 4, 3)
    params = random_torch_params(rng, 3, 4, 3)
    unordered = {"kernel": params["weight_ih"].T, "recurrent_kernel": params["weight_hh"].T,
                 "bias": np.stack([params["bias_ih"], params["bias_hh"]])}
    want = torch_run(nn.GRU, params, xs, h0)
    with pytest.raises(AssertionError):
        assert_all_close(keras_gru_run(xs, h0, **unordered), want)
    assert_all_close(keras_gru_run(xs, h0, **C.torch_to_keras_gru(params)), want)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("I, H", [(3, 5), (1, 1), (4, 4)])
def test_round_trips_are_exact(I, H, dtype):
    rng = np.random.default_rng(8)
    lstm = random_torch_params(rng, 4, I, H, dtype)
    gru = random_torch_params(rng, 3, I, H, dtype)
    summed = lstm["bias_ih"] + lstm["bias_hh"]

    def same(a, b):
        assert a.dtype == b.dtype == dtype
        assert np.array_equal(a, b)

    # Keras LSTM: weights exact; the two biases come back as their sum (same single addition).
    back = C.keras_to_torch_lstm(C.torch_to_keras_lstm(lstm))
    same(back["weight_ih"], lstm["weight_ih"])
    same(back["weight_hh"], lstm["weight_hh"])
    same(back["bias_ih"], summed)
    same(back["bias_hh"], np.zeros(4 * H, dtype))
    keras = C.torch_to_keras_lstm(lstm)
    for key, value in C.torch_to_keras_lstm(C.keras_to_torch_lstm(keras)).items():
        same(value, keras[key])
    # cs231n: likewise.
    back = C.cs231n_to_torch_lstm(C.torch_to_cs231n_lstm(lstm))
    for key in ("weight_ih", "weight_hh"):
        same(back[key], lstm[key])
    same(back["bias_ih"], summed)
    same(back["bias_hh"], np.zeros(4 * H, dtype))
    cs = C.torch_to_cs231n_lstm(lstm)
    for key, value in C.torch_to_cs231n_lstm(C.cs231n_to_torch_lstm(cs)).items():
        same(value, cs[key])
    # Keras GRU (reset_after=True) and the textbook GRU: every array, both ways.
    for there, back_again in [(C.torch_to_keras_gru, C.keras_to_torch_gru),
                              (C.torch_to_textbook_gru, C.textbook_gru_to_torch),
                              (C.textbook_gru_to_torch, C.torch_to_textbook_gru)]:
        result = back_again(there(gru))
        assert set(result) == set(TORCH)
        for key in TORCH:
            same(result[key], gru[key])
    keras_gru = C.torch_to_keras_gru(gru)
    for key, value in C.torch_to_keras_gru(C.keras_to_torch_gru(keras_gru)).items():
        same(value, keras_gru[key])


def test_textbook_conversion_negates_exactly_the_z_rows():
    rng = np.random.default_rng(9)
    H = 3
    params = random_torch_params(rng, 3, 2, H)
    converted = C.textbook_gru_to_torch(params)
    for key in TORCH:
        same_r_n = np.r_[0:H, 2 * H:3 * H]
        assert np.array_equal(converted[key][same_r_n], params[key][same_r_n])
        assert np.array_equal(converted[key][H:2 * H], -params[key][H:2 * H])


def test_keras_list_input_and_no_aliasing():
    """``layer.get_weights()`` order is accepted, and results never share memory with inputs."""
    rng = np.random.default_rng(10)
    weights = [nonzero(rng, 3, 12), nonzero(rng, 4, 12), nonzero(rng, 2, 12)]
    from_list = C.keras_to_torch_gru(weights)
    from_dict = C.keras_to_torch_gru(dict(zip(KERAS, weights)))
    for key in TORCH:
        assert np.array_equal(from_list[key], from_dict[key])
    params = random_torch_params(rng, 4, 3, 2)
    for convert in (C.torch_to_keras_lstm, C.torch_to_cs231n_lstm):
        for out in convert(params).values():
            assert not any(np.shares_memory(out, p) for p in params.values())
    for out in C.keras_to_torch_lstm(C.torch_to_keras_lstm(params)).values():
        assert not any(np.shares_memory(out, p) for p in params.values())
    gru = random_torch_params(rng, 3, 3, 2)
    for convert in (C.torch_to_keras_gru, C.textbook_gru_to_torch, C.torch_to_textbook_gru):
        for out in convert(gru).values():
            assert not any(np.shares_memory(out, p) for p in gru.values())


@settings(max_examples=40, deadline=None)
@given(I=st.integers(1, 6), H=st.integers(1, 6), seed=st.integers(0, 2**32 - 1))
def test_round_trips_for_fuzzed_sizes(I, H, seed):
    rng = np.random.default_rng(seed)
    gru = random_torch_params(rng, 3, I, H)
    back = C.keras_to_torch_gru(C.torch_to_keras_gru(gru))
    assert all(np.array_equal(back[k], gru[k]) for k in TORCH)
    lstm = random_torch_params(rng, 4, I, H)
    for there, back_again in [(C.torch_to_keras_lstm, C.keras_to_torch_lstm),
                              (C.torch_to_cs231n_lstm, C.cs231n_to_torch_lstm)]:
        once = there(lstm)
        twice = there(back_again(once))
        assert all(np.array_equal(once[k], twice[k]) for k in once)


# Errors: what cannot be converted says why; bad input names the argument.

@pytest.mark.parametrize("call", [
    lambda p, k: C.torch_to_keras_gru(p, reset_after=False),
    lambda p, k: C.keras_to_torch_gru(k, reset_after=False),
    lambda p, k: C.keras_to_torch_gru({**k, "bias": k["bias"][0]}),
])
def test_keras_reset_after_false_is_refused_as_a_different_model(call):
    rng = np.random.default_rng(11)
    params = random_torch_params(rng, 3, 2, 3)
    keras = C.torch_to_keras_gru(params)
    with pytest.raises(C.NotConvertibleError, match="different model") as info:
        call(params, keras)
    assert isinstance(info.value, ValueError)
    assert "reset_after" in str(info.value)


def _params(gates=4, I=3, H=2, **change):
    p = random_torch_params(np.random.default_rng(12), gates, I, H)
    p.update(change)
    return {k: v for k, v in p.items() if v is not None}


@pytest.mark.parametrize("call, error, pattern", [
    (lambda: C.torch_to_keras_gru(_params(3), reset_after="yes"), TypeError,
     r"reset_after must be a bool, got str 'yes'"),
    (lambda: C.torch_to_keras_lstm(_params(bias_hh=None)), ValueError,
     r"params must have exactly the keys .*; missing \['bias_hh'\], unexpected \[\]"),
    (lambda: C.torch_to_keras_lstm({**_params(), "weight_hr": np.ones(2)}), ValueError,
     r"missing \[\], unexpected \['weight_hr'\]"),
    (lambda: C.torch_to_keras_lstm(_params(3)), ValueError,
     r"params\['weight_hh'\] must have shape \(G\*H, H\) with G = 4, got \(6, 2\)"),
    (lambda: C.torch_to_cs231n_lstm(_params(weight_ih=np.ones((8, 3, 1)))), ValueError,
     r"params\['weight_ih'\] must have shape \(G\*H, I\) = \(8, I\), got \(8, 3, 1\)"),
    (lambda: C.torch_to_textbook_gru(_params(3, bias_ih=np.ones(5))), ValueError,
     r"params\['bias_ih'\] must have shape \(G\*H,\) = \(6,\), got \(5,\)"),
    (lambda: C.textbook_gru_to_torch(_params(3, weight_ih=np.ones((5, 3)))), ValueError,
     r"params\['weight_ih'\] must have shape \(G\*H, I\) = \(6, 3\), got \(5, 3\)"),
    (lambda: C.torch_to_keras_lstm(_params(bias_ih=np.ones(8, dtype=np.int64))), TypeError,
     r"params\['bias_ih'\] must have dtype float32 or float64, got dtype int64"),
    (lambda: C.torch_to_keras_lstm(_params(bias_ih=np.array([object()] * 8))), TypeError,
     r"params\['bias_ih'\] must have dtype float32 or float64, got dtype object"),
    (lambda: C.torch_to_keras_lstm(_params(bias_ih=np.full(8, np.nan))), ValueError,
     r"params\['bias_ih'\] must be finite, got 8 NaN and 0 inf value\(s\)"),
    (lambda: C.torch_to_keras_lstm(_params(bias_ih=np.ones(8, np.float32))), TypeError,
     r"params must hold arrays of one dtype"),
    (lambda: C.torch_to_keras_lstm([np.ones((8, 3))] * 3), ValueError,
     r"params as a list must hold 4 arrays .*, got 3"),
    (lambda: C.torch_to_keras_lstm(None), TypeError,
     r"params must be a dict with keys .*, got NoneType"),
    (lambda: C.keras_to_torch_lstm({"kernel": np.ones((3, 8)), "recurrent_kernel": np.ones((2, 8)),
                                    "bias": np.ones(6)}), ValueError,
     r"weights\['bias'\] must have shape \(4H,\) = \(8,\), got \(6,\)"),
    (lambda: C.keras_to_torch_lstm({"kernel": np.ones((3, 8)), "recurrent_kernel": np.ones((2, 6)),
                                    "bias": np.ones(8)}), ValueError,
     r"weights\['recurrent_kernel'\] must have shape \(H, G\*H\) with G = 4, got \(2, 6\)"),
    (lambda: C.keras_to_torch_gru({"kernel": np.ones((3, 5)), "recurrent_kernel": np.ones((2, 6)),
                                   "bias": np.ones((2, 6))}), ValueError,
     r"weights\['kernel'\] must have shape \(I, G\*H\) = \(3, 6\), got \(3, 5\)"),
    (lambda: C.keras_to_torch_gru({"kernel": np.ones((3, 6)), "recurrent_kernel": np.ones((2, 6)),
                                   "bias": np.ones((3, 6))}), ValueError,
     r"weights\['bias'\] must have shape \(2, 3H\) = \(2, 6\), got \(3, 6\)"),
    (lambda: C.cs231n_to_torch_lstm({"Wx": np.ones((3, 8)), "Wh": np.ones((2, 8))}), ValueError,
     r"weights must have exactly the keys \['Wx', 'Wh', 'b'\]; missing \['b'\]"),
    (lambda: C.gru_step_textbook(np.ones(3), np.ones((1, 2)), _params(3)), ValueError,
     r"x must have shape \(B, I\) = \(B, 3\), got \(3,\)"),
    (lambda: C.gru_step_textbook(np.ones((2, 4)), np.ones((2, 2)), _params(3)), ValueError,
     r"x must have shape \(B, I\) = \(2, 3\), got \(2, 4\)"),
    (lambda: C.gru_step_reset_before(np.ones((2, 3)), np.ones((3, 2)), _params(3)), ValueError,
     r"h must have shape \(B, H\) = \(2, 2\), got \(3, 2\)"),
    (lambda: C.gru_step_reset_before(np.ones((2, 3)), np.ones((2, 2), np.float32), _params(3)),
     TypeError, r"h must have the dtype of x \(float64\), got float32"),
    (lambda: C.gru_step_reset_before(np.ones((2, 3), int), np.ones((2, 2)), _params(3)),
     TypeError, r"x must have dtype float32 or float64, got dtype int64"),
    (lambda: C.gru_step_textbook(np.ones((2, 3)), np.full((2, 2), np.inf), _params(3)),
     ValueError, r"h must be finite"),
    (lambda: C.gru_step_textbook(np.ones((2, 3)), np.ones((2, 2)), _params(4)), ValueError,
     r"params\['weight_hh'\] must have shape \(G\*H, H\) with G = 3, got \(8, 2\)"),
])
def test_bad_input_names_the_argument(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


@settings(max_examples=60, deadline=None)
@given(x_shape=st.lists(st.integers(0, 4), min_size=0, max_size=3),
       h_shape=st.lists(st.integers(0, 4), min_size=0, max_size=3))
def test_fuzzed_step_shapes_raise_value_error_or_work(x_shape, h_shape):
    """Any x/h shape either gives h' of shape (B, H) or a ValueError naming x or h."""
    I, H = 3, 2
    params = _params(3, I, H)
    x, h = np.ones(x_shape), np.ones(h_shape)
    valid = (len(x_shape) == 2 and x_shape[1] == I and list(h_shape) == [x_shape[0], H])
    for step in (C.gru_step_textbook, C.gru_step_reset_before):
        if valid:
            assert step(x, h, params).shape == (x_shape[0], H)
        else:
            with pytest.raises(ValueError, match=r"^(x|h) must have shape"):
                step(x, h, params)


def test_float32_in_float32_out():
    rng = np.random.default_rng(13)
    params = random_torch_params(rng, 3, 3, 2)
    x, h = rng.standard_normal((2, 3)).astype(np.float32), np.zeros((2, 2), np.float32)
    for step in (C.gru_step_textbook, C.gru_step_reset_before):
        assert step(x, h, params).dtype == np.float32


def test_importing_conventions_does_not_import_torch():
    import os
    import subprocess
    import sys

    import rnnbook

    src = os.path.dirname(os.path.dirname(rnnbook.__file__))
    code = "import sys, rnnbook.conventions; print('torch' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": src}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("name", C.__all__)
def test_public_functions_link_back_to_a_chapter(name):
    obj = getattr(C, name)
    if isinstance(obj, type):
        return
    chapter = "03_lstm" if "lstm" in name else "04_gru"
    assert f"Explained in chapters/<lang>/{chapter}." in obj.__doc__
