"""The GRU's step Jacobian ∂h'/∂h (rnnbook.gradients) against torch autograd, in float64."""

import numpy as np
import pytest
import torch

from rnnbook import gradients, numpy_ref, train

TOL = 1e-12
SHAPES = [(1, 3, 5), (4, 2, 3), (3, 6, 2), (2, 4, 4)]  # (B, I, H): B = 1, B > 1, I ≠ H


def random_params(rng, I, H):
    """Every weight and bias random, non-zero and of either sign."""
    shapes = {"weight_ih": (3 * H, I), "weight_hh": (3 * H, H),
              "bias_ih": (3 * H,), "bias_hh": (3 * H,)}
    return {k: rng.uniform(0.1, 0.9, s) * rng.choice([-1.0, 1.0], s) for k, s in shapes.items()}


def case(B, I, H, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((B, I)), rng.uniform(-0.9, 0.9, (B, H)), random_params(rng, I, H)


def torch_cell(params, I, H):
    cell = torch.nn.GRUCell(I, H, dtype=torch.float64)
    with torch.no_grad():
        for name, value in params.items():
            getattr(cell, name).copy_(torch.tensor(value))
    return cell


def autograd_jacobian(x, h, params):
    """(B, H, H) from torch.autograd.functional.jacobian of torch.nn.GRUCell, and the
    (B, H, B, H) Jacobian itself (its blocks b ≠ b' must vanish)."""
    I, H = x.shape[1], h.shape[1]
    cell = torch_cell(params, I, H)
    full = torch.autograd.functional.jacobian(lambda hh: cell(torch.tensor(x), hh),
                                              torch.tensor(h)).numpy()
    B = h.shape[0]
    return np.stack([full[b, :, b, :] for b in range(B)]), full


@pytest.mark.parametrize("B,I,H", SHAPES)
def test_step_jacobian_equals_autograd(B, I, H):
    x, h, p = case(B, I, H)
    ours = gradients.gru_step_jacobian(x, h, p)
    ref, full = autograd_jacobian(x, h, p)
    assert ours.shape == (B, H, H)
    assert np.max(np.abs(ours - ref)) < TOL
    for b in range(B):  # one sequence's state never reaches another's
        others = np.delete(full[b], b, axis=1)
        assert np.all(others == 0.0)


def one_path(x, h, p, keep):
    """h' with every path from h to h' but ``keep`` cut (detached), written in torch."""
    xt, ht = torch.tensor(x), torch.tensor(h)
    W_ih, W_hh, b_ih, b_hh = (torch.tensor(p[k]) for k in
                              ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))

    def fn(hh):
        H = hh.shape[1]
        ax = xt @ W_ih.T + b_ih
        ah = hh @ W_hh.T + b_hh
        ah0 = ht @ W_hh.T + b_hh  # the same value, with no path back to hh
        r = torch.sigmoid(ax[:, :H] + (ah if keep == "reset" else ah0)[:, :H])
        z = torch.sigmoid(ax[:, H:2 * H] + (ah if keep == "update" else ah0)[:, H:2 * H])
        m = (ah if keep == "candidate" else ah0)[:, 2 * H:]
        n = torch.tanh(ax[:, 2 * H:] + r * m)
        past = hh if keep == "direct" else ht
        return (1 - z) * n + z * past
    full = torch.autograd.functional.jacobian(fn, ht).numpy()
    return np.stack([full[b, :, b, :] for b in range(h.shape[0])])


@pytest.mark.parametrize("B,I,H", SHAPES)
def test_each_term_is_one_path_of_autograd(B, I, H):
    x, h, p = case(B, I, H, seed=1)
    terms = gradients.gru_jacobian_terms(x, h, p)
    assert tuple(terms) == gradients.GRU_TERMS
    for name, term in terms.items():
        assert np.max(np.abs(term - one_path(x, h, p, name))) < TOL, name
    z = torch.sigmoid(torch.tensor(x @ p["weight_ih"][H:2 * H].T + p["bias_ih"][H:2 * H]
                                   + h @ p["weight_hh"][H:2 * H].T + p["bias_hh"][H:2 * H]))
    assert np.max(np.abs(terms["direct"] - np.stack([np.diag(row) for row in z.numpy()]))) < TOL


def test_a_closed_update_gate_makes_the_step_the_identity():
    x, h, p = case(2, 3, 4, seed=2)
    H = 4
    p["bias_hh"][H:2 * H] = 40.0  # z = σ(≈ 40) = 1 − 4e-18: h' = h whatever the weights
    J = gradients.gru_step_jacobian(x, h, p)
    assert np.max(np.abs(J - np.eye(H))) < 1e-15


@pytest.mark.parametrize("T,B,I,H", [(1, 1, 2, 3), (6, 3, 2, 4)])
def test_sequence_jacobians_give_autograds_dhT_dh0(T, B, I, H):
    rng = np.random.default_rng(3)
    p, xs, h0 = random_params(rng, I, H), rng.standard_normal((T, B, I)), rng.uniform(-1, 1, (B, H))
    J = gradients.gru_step_jacobians(xs, h0, p)
    assert set(J) == set(gradients.GRU_TERMS) | {"all"} and J["all"].shape == (T, B, H, H)
    ours = gradients.jacobian_product(J["all"], 0)  # (B, H, H): ∂h_T/∂h_0
    cell = torch_cell(p, I, H)

    def run(hh):
        for x in torch.tensor(xs):
            hh = cell(x, hh)
        return hh
    full = torch.autograd.functional.jacobian(run, torch.tensor(h0)).numpy()
    ref = np.stack([full[b, :, b, :] for b in range(B)])
    assert np.max(np.abs(ours - ref)) < TOL
    z = numpy_ref.forward("gru", xs, h0, p)[2].gates[:, :, H:2 * H]  # (T, B, H)
    direct = gradients.jacobian_norms(J["direct"])[0]
    assert np.allclose(direct, z.prod(axis=0).max(axis=1), rtol=1e-12, atol=0)


def test_state_grad_norms_of_a_gru_follow_its_step_jacobians():
    """‖∂L/∂h_t‖ measured by state_grad_norms equals ‖g_T J_T ⋯ J_{t+1}‖ built from the
    analytic Jacobians, so the chapters' per-step norms mean the same for the GRU."""
    T, B, I, H = 12, 4, 2, 5
    model = train.make_model("gru", I, H, 1, seed=4, dtype=torch.float64)
    rng = np.random.default_rng(4)
    xs, ys = rng.standard_normal((T, B, I)), rng.standard_normal((B, 1))
    measured = gradients.state_grad_norms(model, xs, ys)
    p = {name[:-3]: q.detach().numpy() for name, q in model.rnn.named_parameters()}
    W_y, b_y = (q.detach().numpy() for q in model.head.parameters())  # (1, H), (1,)
    _, h_T, _ = numpy_ref.forward("gru", xs, None, p)
    g = 2.0 / B * (h_T @ W_y.T + b_y - ys) @ W_y  # (B, H): ∂L/∂h_T of the batch-mean MSE
    J = gradients.gru_step_jacobians(xs, None, p)["all"]
    expected = [np.linalg.norm(g)]
    for t in range(T, 1, -1):
        g = np.einsum("bi,bij->bj", g, J[t - 1])  # g_{t−1} = g_t J_t, row by row
        expected.append(np.linalg.norm(g))
    assert np.allclose(measured, expected[::-1], rtol=1e-12, atol=0)


def test_bad_input_is_named():
    x, h, p = case(2, 3, 4)
    with pytest.raises(ValueError, match="h"):
        gradients.gru_step_jacobian(x, h[:, :3], p)
    with pytest.raises(ValueError, match="weight_hh"):
        gradients.gru_step_jacobian(x, h, dict(p, weight_hh=p["weight_hh"][:8]))
