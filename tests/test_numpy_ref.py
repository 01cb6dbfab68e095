"""rnnbook.numpy_ref against torch.nn (the referee): outputs, states and every gradient."""

import numpy as np
import pytest
import torch

from rnnbook import numpy_ref

TOL = 1e-10          # float64 agreement with torch.nn, absolute, on O(1) values
TOL_F32 = 2e-5       # float32 runs compared with the float64 torch result

SHAPES = [  # (T, B, I, H)
    (1, 1, 3, 5),
    (1, 4, 2, 2),
    (5, 1, 4, 3),
    (7, 3, 6, 4),
    (4, 5, 3, 8),
]
CELLS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", None), ("gru", None)]
MODULES = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
CELL_MODULES = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}
STEPS = {"rnn": numpy_ref.rnn_step, "lstm": numpy_ref.lstm_step, "gru": numpy_ref.gru_step}


def random_params(rng, cell, I, H):
    """Every weight and bias random and away from zero (zero biases hide bugs)."""
    G = numpy_ref.GATES[cell]
    shapes = {"weight_ih": (G * H, I), "weight_hh": (G * H, H),
              "bias_ih": (G * H,), "bias_hh": (G * H,)}
    return {k: rng.uniform(0.1, 0.6, s) * rng.choice([-1.0, 1.0], s) for k, s in shapes.items()}


def torch_module(cell, nonlinearity, params, I, H, step=False):
    kw = {"nonlinearity": nonlinearity} if cell == "rnn" else {}
    mod = (CELL_MODULES if step else MODULES)[cell](I, H, **kw).double()
    suffix = "" if step else "_l0"
    mod.load_state_dict({k + suffix: torch.tensor(p) for k, p in params.items()})
    return mod


def kwargs(nonlinearity):
    return {} if nonlinearity is None else {"nonlinearity": nonlinearity}


def make_state(rng, cell, B, H):
    if cell == "lstm":
        return rng.standard_normal((B, H)), rng.standard_normal((B, H))
    return rng.standard_normal((B, H))


def as_tuple(state):
    return state if isinstance(state, tuple) else (state,)


def assert_close(ours, ref, tol=TOL, what=""):
    ref = np.asarray(ref)
    assert ours.shape == ref.shape, what
    err = np.max(np.abs(ours - ref)) if ours.size else 0.0
    assert err <= tol, f"{what}: max abs error {err:.3e} > {tol:.0e}"


def torch_run(mod, cell, xs, state0, dhs, dstate):
    """torch.nn forward and autograd backward of sum(hs*dhs) + sum(state_T*dstate)."""
    x = torch.tensor(xs, requires_grad=True)
    s0 = None
    if state0 is not None:
        s0 = tuple(torch.tensor(s[None], requires_grad=True) for s in as_tuple(state0))
    out, sT = mod(x, s0 if (s0 is None or cell == "lstm") else s0[0])
    loss = (out * torch.tensor(dhs)).sum() if dhs is not None else 0.0
    if dstate is not None:
        for s, d in zip(as_tuple(sT), as_tuple(dstate)):
            loss = loss + (s[0] * torch.tensor(d)).sum()
    loss.backward()
    sT = tuple(s[0].detach().numpy() for s in as_tuple(sT))
    grads = {name[:-3]: p.grad.numpy() for name, p in mod.named_parameters()}
    grads["xs"] = x.grad.numpy()
    if s0 is not None:
        grads["state0"] = tuple(s.grad[0].numpy() for s in s0)
    return out.detach().numpy(), sT, grads


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("cell,nonlinearity", CELLS)
@pytest.mark.parametrize("variant", ["full", "state0_none", "dhs_only", "dstate_only"])
def test_sequence_matches_torch(cell, nonlinearity, shape, variant):
    T, B, I, H = shape
    rng = np.random.default_rng(hash((cell, nonlinearity, shape, variant)) % 2**32)
    params = random_params(rng, cell, I, H)
    xs = rng.standard_normal((T, B, I))
    state0 = None if variant == "state0_none" else make_state(rng, cell, B, H)
    dhs = None if variant == "dstate_only" else rng.standard_normal((T, B, H))
    dstate = None if variant == "dhs_only" else make_state(rng, cell, B, H)

    hs, state_T, cache = numpy_ref.forward(cell, xs, state0, params, **kwargs(nonlinearity))
    grads = numpy_ref.backward(dhs, cache, dstate)

    mod = torch_module(cell, nonlinearity, params, I, H)
    ref_hs, ref_sT, ref_grads = torch_run(mod, cell, xs, state0, dhs, dstate)
    assert_close(hs, ref_hs, what="hs")
    for ours, ref in zip(as_tuple(state_T), ref_sT, strict=True):
        assert_close(ours, ref, what="state_T")
    for key in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "xs"):
        assert_close(grads[key], ref_grads[key], what=key)
    if state0 is not None:
        for ours, ref in zip(as_tuple(grads["state0"]), ref_grads["state0"], strict=True):
            assert_close(ours, ref, what="state0")
    assert set(grads) == {"weight_ih", "weight_hh", "bias_ih", "bias_hh", "xs", "state0"}
    assert isinstance(grads["state0"], tuple) == (cell == "lstm")


@pytest.mark.parametrize("B,I,H", [(1, 3, 5), (4, 6, 2), (3, 4, 4)])
@pytest.mark.parametrize("cell,nonlinearity", CELLS)
def test_step_matches_torch_cell(cell, nonlinearity, B, I, H):
    rng = np.random.default_rng(hash((cell, nonlinearity, B, I, H)) % 2**32)
    params = random_params(rng, cell, I, H)
    x = rng.standard_normal((B, I))
    state = make_state(rng, cell, B, H)
    mod = torch_module(cell, nonlinearity, params, I, H, step=True)
    ref = mod(torch.tensor(x), tuple(torch.tensor(s) for s in state)
              if cell == "lstm" else torch.tensor(state))
    ours = STEPS[cell](x, state, params, **kwargs(nonlinearity))
    for o, r in zip(as_tuple(ours), as_tuple(ref), strict=True):
        assert_close(o, r.detach().numpy(), what="step")


@pytest.mark.parametrize("B,I,H", [(1, 3, 5), (4, 6, 2)])
@pytest.mark.parametrize("cell,nonlinearity", CELLS)
def test_one_step_gradients_match_torch_cell(cell, nonlinearity, B, I, H):
    """backward of a T=1 sequence equals autograd through torch.nn's cell."""
    rng = np.random.default_rng(hash(("cellgrad", cell, nonlinearity, B, I, H)) % 2**32)
    params = random_params(rng, cell, I, H)
    x = rng.standard_normal((B, I))
    state = make_state(rng, cell, B, H)
    dstate = make_state(rng, cell, B, H)
    _, _, cache = numpy_ref.forward(cell, x[None], state, params, **kwargs(nonlinearity))
    grads = numpy_ref.backward(None, cache, dstate)

    mod = torch_module(cell, nonlinearity, params, I, H, step=True)
    x_t = torch.tensor(x, requires_grad=True)
    s_t = tuple(torch.tensor(s, requires_grad=True) for s in as_tuple(state))
    out = mod(x_t, s_t if cell == "lstm" else s_t[0])
    loss = sum((o * torch.tensor(d)).sum() for o, d in zip(as_tuple(out), as_tuple(dstate)))
    loss.backward()
    for name, p in mod.named_parameters():
        assert_close(grads[name], p.grad.numpy(), what=name)
    assert_close(grads["xs"][0], x_t.grad.numpy(), what="x")
    for o, s in zip(as_tuple(grads["state0"]), s_t, strict=True):
        assert_close(o, s.grad.numpy(), what="state")


@pytest.mark.parametrize("cell,nonlinearity", CELLS)
@pytest.mark.parametrize("I,H", [(1, 1), (3, 5), (10, 4)])
def test_param_count_matches_torch(cell, nonlinearity, I, H):
    mod = torch_module(cell, nonlinearity, random_params(np.random.default_rng(0), cell, I, H),
                       I, H)
    assert numpy_ref.param_count(cell, I, H) == sum(p.numel() for p in mod.parameters())


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_init_params_follows_pytorch(cell):
    I, H = 3, 16
    params = numpy_ref.init_params(cell, I, H, rng=0)
    ref = torch_module(cell, None if cell != "rnn" else "tanh",
                       random_params(np.random.default_rng(0), cell, I, H), I, H)
    bound = 1 / np.sqrt(H)
    for name, p in ref.named_parameters():
        ours = params[name[:-3]]
        assert ours.shape == tuple(p.shape) and ours.dtype == np.float64
        assert np.all(np.abs(ours) <= bound) and np.abs(ours).max() > 0.5 * bound
    again = numpy_ref.init_params(cell, I, H, rng=np.random.default_rng(0))
    assert all(np.array_equal(params[k], again[k]) for k in params)
    assert numpy_ref.init_params(cell, I, H, dtype=np.float32)["weight_hh"].dtype == np.float32


@pytest.mark.parametrize("cell,nonlinearity", CELLS)
def test_float32_in_float32_out(cell, nonlinearity):
    T, B, I, H = 4, 3, 5, 6
    rng = np.random.default_rng(7)
    params = random_params(rng, cell, I, H)
    xs = rng.standard_normal((T, B, I))
    state0 = make_state(rng, cell, B, H)
    dhs = rng.standard_normal((T, B, H))
    f32 = lambda a: a.astype(np.float32)  # noqa: E731
    state32 = tuple(map(f32, state0)) if cell == "lstm" else f32(state0)
    params32 = {k: f32(p) for k, p in params.items()}
    hs, sT, cache = numpy_ref.forward(cell, f32(xs), state32, params32, **kwargs(nonlinearity))
    grads = numpy_ref.backward(f32(dhs), cache)
    ref_hs, _, ref_grads = torch_run(torch_module(cell, nonlinearity, params, I, H),
                                     cell, xs, state0, dhs, None)
    assert hs.dtype == np.float32
    assert all(s.dtype == np.float32 for s in as_tuple(sT))
    for key in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "xs"):
        assert grads[key].dtype == np.float32
        assert_close(grads[key], ref_grads[key], tol=TOL_F32 * max(1, np.abs(ref_grads[key]).max()),
                     what=key)
    assert_close(hs, ref_hs, tol=TOL_F32, what="hs")
    step = STEPS[cell](f32(xs[0]), state32, params32, **kwargs(nonlinearity))
    assert all(s.dtype == np.float32 for s in as_tuple(step))


def test_params_are_cast_to_the_input_dtype():
    rng = np.random.default_rng(3)
    params = random_params(rng, "lstm", 3, 4)  # float64
    hs, _, _ = numpy_ref.forward("lstm", rng.standard_normal((2, 2, 3)).astype(np.float32),
                                 None, params)
    assert hs.dtype == np.float32


def test_forward_does_not_modify_its_inputs():
    rng = np.random.default_rng(4)
    params = random_params(rng, "gru", 3, 4)
    xs, h0 = rng.standard_normal((3, 2, 3)), rng.standard_normal((2, 4))
    copies = {k: p.copy() for k, p in params.items()}, xs.copy(), h0.copy()
    _, _, cache = numpy_ref.forward("gru", xs, h0, params)
    numpy_ref.backward(rng.standard_normal((3, 2, 4)), cache, rng.standard_normal((2, 4)))
    assert all(np.array_equal(params[k], copies[0][k]) for k in params)
    assert np.array_equal(xs, copies[1]) and np.array_equal(h0, copies[2])


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("shape", [(1, 1, 3, 5), (5, 3, 4, 2)])
def test_naive_baseline_matches_torch(cell, shape):
    """rnnbook.naive (chapter 05's gate-by-gate baseline) computes the same as torch.nn."""
    from rnnbook import naive

    T, B, I, H = shape
    rng = np.random.default_rng(hash(("naive", cell, shape)) % 2**32)
    params = random_params(rng, cell, I, H)
    xs = rng.standard_normal((T, B, I))
    state0 = make_state(rng, cell, B, H)
    dhs = rng.standard_normal((T, B, H))
    fwd, bwd = (naive.lstm_forward, naive.lstm_backward) if cell == "lstm" else \
        (naive.gru_forward, naive.gru_backward)
    hs, state_T, cache = fwd(xs, state0, params)
    grads = bwd(dhs, cache)
    ref_hs, ref_sT, ref_grads = torch_run(torch_module(cell, None, params, I, H),
                                          cell, xs, state0, dhs, None)
    assert_close(hs, ref_hs, what="hs")
    for ours, ref in zip(as_tuple(state_T), ref_sT, strict=True):
        assert_close(ours, ref, what="state_T")
    for key in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "xs"):
        assert_close(grads[key], ref_grads[key], what=key)
    for ours, ref in zip(as_tuple(grads["state0"]), ref_grads["state0"], strict=True):
        assert_close(ours, ref, what="state0")


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_naive_baseline_validates_and_stays_quiet(cell, recwarn):
    """Empty sequences are named like numpy_ref's; saturated gates give no overflow warning."""
    from rnnbook import naive

    fwd = naive.lstm_forward if cell == "lstm" else naive.gru_forward
    rng = np.random.default_rng(3)
    params = random_params(rng, cell, 2, 3)
    with pytest.raises(ValueError, match=r"xs must have T, B, I >= 1, got shape \(0, 1, 2\)"):
        fwd(np.zeros((0, 1, 2)), None, params)
    hs, _, _ = fwd(np.full((2, 1, 2), -1e4), None, params)  # pre-activations around −1e4
    assert np.all(np.isfinite(hs)) and not [w for w in recwarn if "overflow" in str(w.message)]
