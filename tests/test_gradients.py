"""rnnbook.gradients against torch autograd and torch.nn.utils, all in float64."""

import re

import numpy as np
import pytest
import torch

from rnnbook import gradients, numpy_ref, train

TOL = 1e-12          # absolute, float64, on O(1) values (gradients, Jacobians, clipped arrays)
REL = 1e-12          # relative, for norms that grow or shrink geometrically

SHAPES = [  # (T, B, I, H)
    (1, 1, 3, 5),
    (1, 4, 2, 2),
    (6, 1, 4, 3),
    (7, 3, 2, 4),
]
NONLINEARITIES = ["tanh", "relu", "linear"]


def random_params(rng, I, H, G=1):
    """Every weight and bias random and away from zero."""
    shapes = {"weight_ih": (G * H, I), "weight_hh": (G * H, H),
              "bias_ih": (G * H,), "bias_hh": (G * H,)}
    return {k: rng.uniform(0.1, 0.7, s) * rng.choice([-1.0, 1.0], s) for k, s in shapes.items()}


def torch_step(x, h, p, nonlinearity):
    """The RNN step written out in torch, the referee for the NumPy code."""
    a = x @ p["weight_ih"].T + p["bias_ih"] + h @ p["weight_hh"].T + p["bias_hh"]
    if nonlinearity == "tanh":
        return torch.tanh(a)
    if nonlinearity == "relu":
        return torch.relu(a)
    return a


def run_states(xs, h0, params, nonlinearity):
    """h_0 … h_T as NumPy (T+1, B, H), computed in torch."""
    p = {k: torch.tensor(val) for k, val in params.items()}
    hs = [torch.tensor(h0)]
    for x in torch.tensor(xs):
        hs.append(torch_step(x, hs[-1], p, nonlinearity))
    return torch.stack(hs).numpy()


def case(T, B, I, H, seed=0):
    rng = np.random.default_rng(seed)
    params = random_params(rng, I, H)
    xs = rng.standard_normal((T, B, I))
    h0 = rng.standard_normal((B, H)) * 0.5
    return rng, params, xs, h0


@pytest.mark.parametrize("nonlinearity", NONLINEARITIES)
@pytest.mark.parametrize("T,B,I,H", SHAPES)
def test_state_grads_equal_autograd(T, B, I, H, nonlinearity):
    rng, params, xs, h0 = case(T, B, I, H)
    dhs = rng.standard_normal((T, B, H))
    dstate = rng.standard_normal((B, H))

    p = {k: torch.tensor(val) for k, val in params.items()}
    hs_t = [torch.tensor(h0, requires_grad=True)]
    for x in torch.tensor(xs):
        hs_t.append(torch_step(x, hs_t[-1], p, nonlinearity))
        hs_t[-1].retain_grad()
    loss = sum((torch.tensor(dhs[k]) * hs_t[k + 1]).sum() for k in range(T))
    loss = loss + (torch.tensor(dstate) * hs_t[T]).sum()
    loss.backward()
    ref = np.stack([h.grad.numpy() for h in hs_t])  # (T+1, B, H)

    hs = np.stack([h.detach().numpy() for h in hs_t])
    ours = gradients.state_grads(hs, params["weight_hh"], dhs=dhs, dstate=dstate,
                                 nonlinearity=nonlinearity)
    assert ours.shape == (T + 1, B, H)
    assert np.max(np.abs(ours - ref)) < TOL


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_state_grads_first_entry_equals_numpy_ref_backward(nonlinearity):
    rng, params, xs, h0 = case(5, 3, 2, 4, seed=1)
    _, _, cache = numpy_ref.forward("rnn", xs, h0, params, nonlinearity=nonlinearity)
    dhs = rng.standard_normal((5, 3, 4))
    ref = numpy_ref.backward(dhs, cache)["state0"]
    ours = gradients.state_grads(cache.hs, params["weight_hh"], dhs=dhs,
                                 nonlinearity=nonlinearity)
    assert np.max(np.abs(ours[0] - ref)) < TOL


def test_state_grads_without_any_gradient_is_zero():
    _, params, xs, h0 = case(3, 2, 2, 3)
    hs = run_states(xs, h0, params, "tanh")
    assert not gradients.state_grads(hs, params["weight_hh"]).any()


def autograd_jacobian(xs, h_t, params, nonlinearity, t, b):
    """∂h_T/∂h_t of sequence b by torch.autograd.functional.jacobian of the tail h_t ↦ h_T."""
    p = {k: torch.tensor(val) for k, val in params.items()}
    x_tail = torch.tensor(xs[t:, b:b + 1])

    def tail(h):
        h = h[None]
        for x in x_tail:
            h = torch_step(x, h, p, nonlinearity)
        return h[0]

    return torch.autograd.functional.jacobian(tail, torch.tensor(h_t[b])).numpy()


@pytest.mark.parametrize("nonlinearity", NONLINEARITIES)
@pytest.mark.parametrize("T,B,I,H", SHAPES)
def test_jacobian_product_equals_autograd(T, B, I, H, nonlinearity):
    _, params, xs, h0 = case(T, B, I, H, seed=2)
    hs = run_states(xs, h0, params, nonlinearity)
    jacs = gradients.step_jacobians(hs, params["weight_hh"], nonlinearity)
    assert jacs.shape == (T, B, H, H)
    norms = gradients.jacobian_norms(jacs)
    assert norms.shape == (T + 1, B)
    for t in range(T + 1):
        ours = gradients.jacobian_product(jacs, t)
        assert ours.shape == (B, H, H)
        for b in range(B):
            ref = autograd_jacobian(xs, hs[t], params, nonlinearity, t, b)
            assert np.max(np.abs(ours[b] - ref)) < TOL, (t, b)
            ref_norm = torch.linalg.matrix_norm(torch.tensor(ref), ord=2).item()
            assert abs(norms[t, b] - ref_norm) <= REL * max(ref_norm, 1.0), (t, b)


def test_jacobian_product_at_t_equal_T_is_identity():
    _, params, xs, h0 = case(4, 2, 3, 5)
    jacs = gradients.step_jacobians(run_states(xs, h0, params, "tanh"), params["weight_hh"])
    assert np.array_equal(gradients.jacobian_product(jacs, 4), np.broadcast_to(np.eye(5), (2, 5, 5)))


@pytest.mark.parametrize("scale", [0.5, 0.9, 1.0, 1.3])
def test_linear_rnn_with_scaled_orthogonal_weight_gives_scale_to_the_gap(scale):
    rng = np.random.default_rng(3)
    H, T = 6, 40
    Q, _ = np.linalg.qr(rng.standard_normal((H, H)))
    hs = rng.standard_normal((T + 1, 2, H))  # the states do not matter for a linear RNN
    norms = gradients.jacobian_norms(gradients.step_jacobians(hs, scale * Q, "linear"))
    gaps = T - np.arange(T + 1)
    expected = float(scale) ** gaps  # ‖(sQ)^k‖₂ = s^k because Q is orthogonal
    assert np.all(np.abs(norms - expected[:, None]) <= REL * 10 * expected[:, None])


def test_tanh_bound_holds():
    rng, params, xs, h0 = case(30, 4, 2, 5, seed=4)
    hs = run_states(xs, h0, params, "tanh")
    norms = gradients.jacobian_norms(gradients.step_jacobians(hs, params["weight_hh"]))
    sigma = np.linalg.norm(params["weight_hh"], 2)
    gamma = np.max(1 - hs[1:] ** 2)
    bound = (sigma * gamma) ** (30 - np.arange(31))
    assert np.all(norms <= bound[:, None] * (1 + 1e-12))


def reference_norms(model, xs, ys, loss, state):
    """‖∂L/∂h_t‖ by re-running torch.nn's own layer on the tail x_{t+1} … x_T from a leaf h_t.

    Independent of the code under test: torch.nn's fused layer, not rnnbook.torch_ref.
    For state "c" the leaf is c_t, and h_t = o_t ⊙ tanh(c_t) is rebuilt from it.
    """
    xs = torch.tensor(xs)
    ys = torch.tensor(ys)
    T, B, _ = xs.shape
    rnn = model.rnn
    H = rnn.hidden_size
    is_lstm = isinstance(rnn, torch.nn.LSTM)
    with torch.no_grad():
        hs, cs, os_ = [], [], []
        h = c = torch.zeros(1, B, H, dtype=xs.dtype)
        for t in range(T):
            if is_lstm:
                gates = (xs[t] @ rnn.weight_ih_l0.T + rnn.bias_ih_l0
                         + h[0] @ rnn.weight_hh_l0.T + rnn.bias_hh_l0)
                os_.append(torch.sigmoid(gates[:, 3 * H:]))
                _, (h, c) = rnn(xs[t:t + 1], (h, c))
                cs.append(c[0])
            else:
                _, h = rnn(xs[t:t + 1], h)
            hs.append(h[0])
    out = []
    for t in range(T):
        if state == "c":
            leaf = cs[t].clone().requires_grad_(True)
            h_t = os_[t] * torch.tanh(leaf)
        else:
            leaf = hs[t].clone().requires_grad_(True)
            h_t = leaf
        init = (h_t[None], (leaf if state == "c" else cs[t])[None]) if is_lstm else h_t[None]
        seq = [h_t[None]]
        if t + 1 < T:
            tail, _ = rnn(xs[t + 1:], init)
            seq.append(tail)
        seq = torch.cat([h[None] for h in hs[:t]] + seq)  # (T, B, H)
        pred = model.head(seq[-1] if model.readout == "last" else seq)
        if loss == "mse":
            value = torch.nn.functional.mse_loss(pred, ys)
        else:
            value = torch.nn.functional.cross_entropy(pred.reshape(-1, pred.shape[-1]),
                                                      ys.reshape(-1))
        (g,) = torch.autograd.grad(value, leaf)
        out.append(torch.linalg.vector_norm(g).item())
    return np.array(out)


MODELS = [  # (cell, readout, loss, state)
    ("rnn", "last", "mse", "h"),
    ("rnn", "all", "ce", "h"),
    ("lstm", "last", "mse", "h"),
    ("lstm", "last", "mse", "c"),
    ("lstm", "all", "mse", "c"),
    ("gru", "all", "mse", "h"),
    ("gru", "last", "ce", "h"),
]


@pytest.mark.parametrize("cell,readout,loss,state", MODELS)
@pytest.mark.parametrize("T,B,I,H", [(1, 1, 3, 5), (6, 4, 2, 3), (5, 1, 4, 2)])
def test_state_grad_norms_equal_autograd_through_torch_nn(T, B, I, H, cell, readout, loss, state):
    O = 3
    model = train.make_model(cell, I, H, O, seed=T + B, readout=readout, dtype=torch.float64)
    with torch.no_grad():  # non-zero, random biases everywhere, including the head
        for p in model.parameters():
            p.uniform_(-0.8, 0.8)
    rng = np.random.default_rng(5)
    xs = rng.standard_normal((T, B, I))
    if loss == "mse":
        ys = rng.standard_normal((B, O) if readout == "last" else (T, B, O))
    else:
        ys = rng.integers(0, O, size=(B,) if readout == "last" else (T, B))
    ours = gradients.state_grad_norms(model, xs, ys, loss=loss, state=state)
    ref = reference_norms(model, xs, ys, loss, state)
    assert ours.shape == (T,) and ours.dtype == np.float64
    assert np.max(np.abs(ours - ref)) < TOL, (ours, ref)
    assert all(p.grad is None for p in model.parameters())


def test_state_grad_norms_of_a_float32_model_are_computed_in_float64():
    import copy
    model = train.make_model("rnn", 2, 4, 1, seed=0)  # float32
    xs = torch.randn(5, 3, 2)
    ys = torch.randn(3, 1)
    norms = gradients.state_grad_norms(model, xs, ys)
    ref = gradients.state_grad_norms(copy.deepcopy(model).double(), xs.double(), ys.double())
    assert norms.shape == (5,) and np.array_equal(norms, ref)
    in_f32 = gradients.state_grad_norms(model, xs, ys, dtype=torch.float32)
    assert not np.array_equal(in_f32, ref) and np.allclose(in_f32, ref, rtol=1e-5)


def test_state_grad_norms_leave_the_global_random_stream_alone():
    """Called mid-experiment, it must not change the random numbers drawn after it."""
    model = train.make_model("lstm", 2, 4, 1, seed=0)
    xs, ys = torch.zeros(3, 2, 2, dtype=torch.float64), torch.zeros(2, 1, dtype=torch.float64)
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    gradients.state_grad_norms(model, xs, ys, state="c")
    assert torch.equal(torch.rand(3), expected)


def clip_cases():
    rng = np.random.default_rng(6)
    shapes = [(3, 4), (4,), (2, 2, 3)]
    big = [rng.standard_normal(s) * 3.0 for s in shapes]
    small = [rng.standard_normal(s) * 0.01 for s in shapes]
    one = [rng.standard_normal((7,)) * 2.0]
    return [(big, 1.0), (big, 50.0), (small, 0.5), (one, 0.3), ([rng.standard_normal((1, 1))], 2.0)]


@pytest.mark.parametrize("k", range(5))
def test_clip_grad_norm_equals_torch(k):
    grads, max_norm = clip_cases()[k]
    before = [g.copy() for g in grads]
    ours = gradients.clip_grad_norm(grads, max_norm)
    tensors = [torch.tensor(g) for g in grads]
    for t in tensors:
        t.grad = t.clone()
    total = torch.nn.utils.clip_grad_norm_(tensors, max_norm)
    assert len(ours) == len(grads)
    for o, t in zip(ours, tensors):
        assert o.shape == t.grad.shape
        assert np.max(np.abs(o - t.grad.numpy())) < TOL
    assert abs(gradients.global_norm(grads) - total.item()) <= REL * total.item()
    assert all(np.array_equal(g, b) for g, b in zip(grads, before)), "input was modified"


def test_clip_grad_norm_keeps_the_direction_and_caps_the_length():
    grads, _ = clip_cases()[0]
    clipped = gradients.clip_grad_norm(grads, 1.0)
    assert abs(gradients.global_norm(clipped) - 1.0) < 1e-5
    flat, flat_c = np.concatenate([g.ravel() for g in grads]), np.concatenate([g.ravel() for g in clipped])
    cos = flat @ flat_c / np.linalg.norm(flat) / np.linalg.norm(flat_c)
    assert abs(cos - 1.0) < TOL


def test_clip_grad_norm_at_the_threshold_matches_torch_epsilon():
    g = np.array([3.0, 4.0])  # norm exactly 5
    ours = gradients.clip_grad_norm([g], 5.0)[0]
    t = torch.tensor(g)
    t.grad = t.clone()
    torch.nn.utils.clip_grad_norm_([t], 5.0)
    assert np.max(np.abs(ours - t.grad.numpy())) < 1e-15
    assert ours[0] < 3.0  # torch scales by 5 / (5 + 1e-6) even at the threshold


@pytest.mark.parametrize("bad", [np.inf, np.nan])
def test_clip_grad_norm_does_not_repair_non_finite_gradients(bad):
    grads = [np.array([1.0, bad]), np.array([2.0])]
    ours = gradients.clip_grad_norm(grads, 1.0)
    tensors = [torch.tensor(g) for g in grads]
    for t in tensors:
        t.grad = t.clone()
    torch.nn.utils.clip_grad_norm_(tensors, 1.0)
    for o, t in zip(ours, tensors):
        np.testing.assert_array_equal(o, t.grad.numpy())
    assert not np.all(np.isfinite(np.concatenate(ours)))


@pytest.mark.parametrize("value", [0.1, 1.0, 5.0])
def test_clip_grad_value_equals_torch(value):
    grads, _ = clip_cases()[0]
    ours = gradients.clip_grad_value(grads, value)
    tensors = [torch.tensor(g) for g in grads]
    for t in tensors:
        t.grad = t.clone()
    torch.nn.utils.clip_grad_value_(tensors, value)
    for o, t in zip(ours, tensors):
        assert np.array_equal(o, t.grad.numpy())
    assert max(np.max(np.abs(o)) for o in ours) <= value


def test_cliff_equals_autograd():
    w = np.array([[0.5, 4.0, 5.0], [8.0, -2.0, 5.0]])
    b = np.array([[1.0, -2.0, -2.61235], [-4.0, 0.3, -2.6]])
    ours = gradients.cliff(w, b, T=30, x0=0.2, target=0.9)
    wt = torch.tensor(w, requires_grad=True)
    bt = torch.tensor(b, requires_grad=True)
    x = torch.full_like(wt, 0.2)
    for _ in range(30):
        x = wt * torch.sigmoid(x) + bt
    loss = (x - 0.9) ** 2
    loss.sum().backward()
    assert ours.xs.shape == (31, 2, 3)
    assert np.max(np.abs(ours.loss - loss.detach().numpy())) < TOL
    scale = np.maximum(np.abs(wt.grad.numpy()), 1.0)
    assert np.max(np.abs(ours.dw - wt.grad.numpy()) / scale) < 1e-10
    assert np.max(np.abs(ours.db - bt.grad.numpy()) / np.maximum(np.abs(bt.grad.numpy()), 1.0)) < 1e-10


def test_cliff_broadcasts_a_grid():
    W, B = np.meshgrid(np.linspace(0, 8, 5), np.linspace(-5, 1, 4))
    out = gradients.cliff(W, B)
    assert out.loss.shape == (4, 5) and out.xs.shape == (51, 4, 5)
    assert out.xs[0].min() == out.xs[0].max() == 0.5
    one = gradients.cliff(5.0, -2.0)  # plain floats give 0-d results
    assert one.loss.shape == () and one.dw.shape == () and one.xs.shape == (51,)
    assert float(one.loss) == float(gradients.cliff(np.array([5.0]), np.array([-2.0])).loss[0])


def test_bad_inputs_are_named():
    hs = np.zeros((3, 2, 4))
    with pytest.raises(ValueError, match="nonlinearity"):
        gradients.step_jacobians(hs, np.eye(4), "sigmoid")
    with pytest.raises(ValueError, match=r"weight_hh must have shape \(H, H\)"):
        gradients.step_jacobians(hs, np.eye(3))
    with pytest.raises(ValueError, match="T\\+1 >= 2"):
        gradients.state_grads(np.zeros((1, 2, 4)), np.eye(4))
    with pytest.raises(ValueError, match="dhs must have shape"):
        gradients.state_grads(hs, np.eye(4), dhs=np.zeros((3, 2, 4)))
    with pytest.raises(ValueError, match="t must be an int"):
        gradients.jacobian_product(gradients.step_jacobians(hs, np.eye(4)), 3)
    with pytest.raises(ValueError, match="max_norm must be a positive number"):
        gradients.clip_grad_norm([np.ones(2)], 0.0)
    with pytest.raises(ValueError, match="clip_value must be a positive number"):
        gradients.clip_grad_value([np.ones(2)], -1)
    with pytest.raises(TypeError, match="grads must be a non-empty list"):
        gradients.clip_grad_norm(np.ones(2), 1.0)
    with pytest.raises(TypeError, match="SeqModel"):
        gradients.state_grad_norms(torch.nn.Linear(2, 2), np.zeros((2, 1, 2)), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="state='c' needs an LSTM"):
        gradients.state_grad_norms(train.make_model("gru", 2, 3, 1), np.zeros((2, 1, 2)),
                                   np.zeros((1, 1)), state="c")


def test_gradient_factor_checker_passes_the_answer_in_both_languages():
    from rnnbook import exercises
    for lang in ("ko", "en"):
        result = exercises.check("gradient_factor", lambda scale, k: scale ** k, lang=lang)
        assert result.passed, result.message


@pytest.mark.parametrize("wrong,diagnosis", [
    (lambda s, k: s * k, "gradient_factor.times"),
    (lambda s, k: s ** (k - 1), "gradient_factor.one_less"),
    (lambda s, k: s ** (k + 1), "gradient_factor.one_more"),
    (lambda s, k: float(k) ** s, "gradient_factor.swapped"),
    (lambda s, k: s, "gradient_factor.no_power"),
    (lambda s, k: 1.01 * s ** k, "mismatch"),
    (lambda s, k: [s ** k, 0.0], "wrong_type"),
    (lambda s, k: None, "returned_none"),
])
def test_gradient_factor_checker_names_the_mistake(wrong, diagnosis):
    from rnnbook import exercises
    result = exercises.check("gradient_factor", wrong, lang="en")
    assert result.status == "failed" and result.diagnosis == diagnosis, result.message
    for message in result.messages.values():
        assert not re.search(r"\{[a-z_]+\}", message), message  # every placeholder filled


def test_gradient_factor_stub_is_not_attempted():
    from rnnbook import exercises

    def stub(scale, k):
        raise NotImplementedError

    assert exercises.check("gradient_factor", stub).status == "not_attempted"


def test_measured_factor_is_the_norm_of_the_jacobian_product():
    from rnnbook.exercise_bank import ch02
    for scale, k in ch02.CASES:
        assert abs(ch02.measured_factor(scale, k) - scale ** k) <= 1e-12 * scale ** k
