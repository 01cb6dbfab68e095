"""Textbook LSTM and GRU in NumPy, written gate by gate: the speed baseline of chapter 05.

Each gate has its own weight blocks and its own matmuls, and the inputs are projected
inside the loop, one step at a time, as the equations are usually written. The results
equal :mod:`rnnbook.numpy_ref` (same PyTorch layout and equations); only the speed
differs: :mod:`rnnbook.numpy_ref` batches the same arithmetic into fewer, larger matmuls
(all gates at once, all time steps' inputs at once, weight gradients after the loop).

References: Hochreiter & Schmidhuber (1997); Cho et al. (2014) in PyTorch's variant;
the torch.nn.LSTM and torch.nn.GRU documentation.
"""

from __future__ import annotations

import numpy as np

from .numpy_ref import GATES, _check_sequence


def _sigmoid(a: np.ndarray) -> np.ndarray:
    """σ(a) = 1 / (1 + exp(−a)) as textbooks write it; exp(−a) = inf for a ≪ 0 gives 0."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-a))


def _check(cell: str, xs, state0, params):
    """Validate like numpy_ref.forward; return xs, h0, c0 (None unless LSTM), per-gate blocks."""
    xs, h, c, p = _check_sequence(cell, xs, state0, params)
    blocks = {k: np.split(p[k], GATES[cell]) for k in p}  # per gate: W (H, I), U (H, H), biases (H,)
    return xs, h, c, blocks


def lstm_forward(xs, state0, params: dict):
    """LSTM over a sequence, one matmul per gate and per input: returns (hs, (h_T, c_T), cache).

        i = σ(x W_iᵀ + b_ii + h U_iᵀ + b_hi), f, o likewise;  g = tanh(…)
        c' = f ⊙ c + i ⊙ g;   h' = o ⊙ tanh(c')

    ``xs`` (T, B, I); ``state0`` (h_0, c_0) each (B, H) or None; ``params`` PyTorch layout.

    Explained in chapters/<lang>/05_comparison.
    """
    xs, h, c, P = _check("lstm", xs, state0, params)
    W, U, b_i, b_h = P["weight_ih"], P["weight_hh"], P["bias_ih"], P["bias_hh"]
    steps, hs = [], []
    for x in xs:
        i = _sigmoid(x @ W[0].T + b_i[0] + h @ U[0].T + b_h[0])
        f = _sigmoid(x @ W[1].T + b_i[1] + h @ U[1].T + b_h[1])
        g = np.tanh(x @ W[2].T + b_i[2] + h @ U[2].T + b_h[2])
        o = _sigmoid(x @ W[3].T + b_i[3] + h @ U[3].T + b_h[3])
        steps.append((x, h, c, i, f, g, o))
        c = f * c + i * g
        h = o * np.tanh(c)
        steps[-1] += (c,)
        hs.append(h)
    return np.stack(hs), (h, c), (steps, P)


def lstm_backward(dhs: np.ndarray, cache):
    """BPTT for :func:`lstm_forward`, gate by gate; weight gradients summed inside the loop.

    ``dhs`` (T, B, H). Returns the same dict as :func:`rnnbook.numpy_ref.backward`.

    Explained in chapters/<lang>/05_comparison.
    """
    steps, P = cache
    W, U = P["weight_ih"], P["weight_hh"]
    dW = [np.zeros_like(w) for w in W]
    dU = [np.zeros_like(u) for u in U]
    db = [np.zeros_like(b) for b in P["bias_ih"]]
    dh = np.zeros_like(dhs[0])
    dc = np.zeros_like(dhs[0])
    dxs = []
    for t in reversed(range(len(steps))):
        x, h, c, i, f, g, o, c_next = steps[t]
        dh = dh + dhs[t]
        tanh_c = np.tanh(c_next)
        dc = dc + dh * o * (1 - tanh_c ** 2)
        da = [dc * g * i * (1 - i), dc * c * f * (1 - f),
              dc * i * (1 - g ** 2), dh * tanh_c * o * (1 - o)]
        dx = np.zeros_like(x)
        dh = np.zeros_like(h)
        for k in range(4):
            dW[k] += da[k].T @ x
            dU[k] += da[k].T @ h
            db[k] += da[k].sum(axis=0)
            dx += da[k] @ W[k]
            dh += da[k] @ U[k]
        dc = dc * f
        dxs.append(dx)
    return {"weight_ih": np.concatenate(dW), "weight_hh": np.concatenate(dU),
            "bias_ih": np.concatenate(db), "bias_hh": np.concatenate(db),
            "xs": np.stack(dxs[::-1]), "state0": (dh, dc)}


def gru_forward(xs, state0, params: dict):
    """GRU over a sequence (PyTorch's variant), one matmul per gate and per input.

        r = σ(x W_rᵀ + b_ir + h U_rᵀ + b_hr), z likewise
        n = tanh(x W_nᵀ + b_in + r ⊙ (h U_nᵀ + b_hn));   h' = (1 − z) ⊙ n + z ⊙ h

    ``xs`` (T, B, I); ``state0`` h_0 (B, H) or None. Returns (hs, h_T, cache).

    Explained in chapters/<lang>/05_comparison.
    """
    xs, h, _, P = _check("gru", xs, state0, params)
    W, U, b_i, b_h = P["weight_ih"], P["weight_hh"], P["bias_ih"], P["bias_hh"]
    steps, hs = [], []
    for x in xs:
        r = _sigmoid(x @ W[0].T + b_i[0] + h @ U[0].T + b_h[0])
        z = _sigmoid(x @ W[1].T + b_i[1] + h @ U[1].T + b_h[1])
        hn = h @ U[2].T + b_h[2]
        n = np.tanh(x @ W[2].T + b_i[2] + r * hn)
        steps.append((x, h, r, z, n, hn))
        h = (1 - z) * n + z * h
        hs.append(h)
    return np.stack(hs), h, (steps, P)


def gru_backward(dhs: np.ndarray, cache):
    """BPTT for :func:`gru_forward`, gate by gate; weight gradients summed inside the loop.

    ``dhs`` (T, B, H). Returns the same dict as :func:`rnnbook.numpy_ref.backward`.

    Explained in chapters/<lang>/05_comparison.
    """
    steps, P = cache
    W, U = P["weight_ih"], P["weight_hh"]
    dW = [np.zeros_like(w) for w in W]
    dU = [np.zeros_like(u) for u in U]
    db_i = [np.zeros_like(b) for b in P["bias_ih"]]
    db_h = [np.zeros_like(b) for b in P["bias_hh"]]
    dh = np.zeros_like(dhs[0])
    dxs = []
    for t in reversed(range(len(steps))):
        x, h, r, z, n, hn = steps[t]
        dh = dh + dhs[t]
        dn = dh * (1 - z) * (1 - n ** 2)
        da_x = [dn * hn * r * (1 - r), dh * (h - n) * z * (1 - z), dn]
        da_h = [da_x[0], da_x[1], dn * r]
        dx = np.zeros_like(x)
        dh = dh * z
        for k in range(3):
            dW[k] += da_x[k].T @ x
            dU[k] += da_h[k].T @ h
            db_i[k] += da_x[k].sum(axis=0)
            db_h[k] += da_h[k].sum(axis=0)
            dx += da_x[k] @ W[k]
            dh = dh + da_h[k] @ U[k]
        dxs.append(dx)
    return {"weight_ih": np.concatenate(dW), "weight_hh": np.concatenate(dU),
            "bias_ih": np.concatenate(db_i), "bias_hh": np.concatenate(db_h),
            "xs": np.stack(dxs[::-1]), "state0": dh}
