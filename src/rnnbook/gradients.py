"""Gradients through time: per-step state gradients, Jacobian products, clipping, the cliff.

For the Elman RNN in PyTorch's form, h_k = φ(a_k) with a_k = W_ih x_k + b_ih + W_hh h_{k−1}
+ b_hh, one step's Jacobian and backpropagation through time (BPTT) are

    J_k = ∂h_k/∂h_{k−1} = diag(φ'(a_k)) W_hh,    φ'(a_k) = 1 − h_k² (tanh), [h_k > 0] (relu), 1 (linear)
    ∂h_T/∂h_t = J_T J_{T−1} ⋯ J_{t+1}
    ∂L/∂h_{t−1} = ∂L/∂h_{t−1}|direct + (∂L/∂h_t ⊙ φ'(a_t)) W_hh        (row vectors, as in code)

so ‖∂h_T/∂h_t‖ ≤ (σ_max(W_hh) · max_k max_i |φ'(a_k)_i|)^(T−t): geometric in the time gap.

Clipping rescales or truncates a gradient before the update: by its global norm
(Pascanu et al. 2013) or entry by entry (Karpathy's min-char-rnn clips every entry to [−5, 5]),
with the same arithmetic as ``torch.nn.utils.clip_grad_norm_`` / ``clip_grad_value_``.

References: Werbos (1990), "Backpropagation through time: what it does and how to do it";
Bengio, Simard & Frasconi (1994), "Learning long-term dependencies with gradient descent is
difficult", IEEE Trans. Neural Networks 5(2); Pascanu, Mikolov & Bengio (2013), "On the
difficulty of training recurrent neural networks", ICML, arXiv:1211.5063 (the bound, norm
clipping, the one-unit model x_t = w σ(x_{t−1}) + b); Karpathy (2015), min-char-rnn;
PyTorch docs of torch.nn.utils.clip_grad_norm_ and clip_grad_value_.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _validate as v

NONLINEARITIES = ("tanh", "relu", "linear")
CLIP_EPS = 1e-6  # torch.nn.utils.clip_grad_norm_ divides by (total_norm + 1e-6)


def _check_states(hs, weight_hh, nonlinearity: str):
    """Validate (T+1, B, H) states and an (H, H) weight; return them as arrays."""
    v.check_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    hs = v.check_shape("hs", v.float_array("hs", hs), (None, None, None), "(T+1, B, H)")
    if hs.shape[0] < 2:
        raise ValueError(v.say(f"hs must hold h_0 … h_T with T >= 1, i.e. shape (T+1, B, H) with "
                               f"T+1 >= 2, got {hs.shape}",
                               f"hs에는 T >= 1인 h_0 … h_T, 곧 T+1 >= 2인 모양 (T+1, B, H)가 "
                               f"필요합니다. 받은 모양: {hs.shape}"))
    H = hs.shape[2]
    W_hh = v.check_shape("weight_hh", v.float_array("weight_hh", weight_hh, dtype=hs.dtype),
                         (H, H), "(H, H)", "H from hs.shape[2]")
    return hs, W_hh


def _derivative(h: np.ndarray, nonlinearity: str) -> np.ndarray:
    """φ'(a) written with h = φ(a): the backward pass needs only the stored states."""
    if nonlinearity == "tanh":
        return 1.0 - h * h
    if nonlinearity == "relu":
        return (h > 0).astype(h.dtype)
    return np.ones_like(h)


def step_jacobians(hs, weight_hh, nonlinearity: str = "tanh") -> np.ndarray:
    """Every step's Jacobian J_k = ∂h_k/∂h_{k−1} = diag(φ'(a_k)) W_hh, k = 1 … T.

    - ``hs``: (T+1, B, H) states h_0 … h_T, e.g. ``cache.hs`` of
      ``numpy_ref.forward("rnn", ...)``.
    - ``weight_hh``: (H, H) recurrent weight W_hh.
    - ``nonlinearity``: "tanh" (φ' = 1 − h²), "relu" (φ' = [h > 0]) or "linear" (φ' = 1).

    Returns (T, B, H, H) whose entry [k − 1] is J_k. Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    hs, W_hh = _check_states(hs, weight_hh, nonlinearity)
    d = _derivative(hs[1:], nonlinearity)  # (T, B, H)
    return d[..., :, None] * W_hh  # (T, B, H, H): row i of W_hh times φ'_i


def _check_jacobians(jacs) -> np.ndarray:
    jacs = v.check_shape("jacs", v.float_array("jacs", jacs), (None, None, None, None),
                         "(T, B, H, H)")
    if jacs.shape[2] != jacs.shape[3] or 0 in jacs.shape:
        raise ValueError(v.say(f"jacs must have shape (T, B, H, H) with T, B, H >= 1, got {jacs.shape}",
                               f"jacs의 모양은 T, B, H >= 1인 (T, B, H, H)여야 합니다. "
                               f"받은 모양: {jacs.shape}"))
    return jacs


def jacobian_product(jacs, t: int) -> np.ndarray:
    """∂h_T/∂h_t = J_T J_{T−1} ⋯ J_{t+1} from :func:`step_jacobians`; the identity when t = T.

    - ``jacs``: (T, B, H, H), entry [k − 1] = J_k.
    - ``t``: int, 0 <= t <= T.

    Returns (B, H, H). Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    jacs = _check_jacobians(jacs)
    T, B, H, _ = jacs.shape
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 0 <= t <= T:
        raise ValueError(v.say(f"t must be an int with 0 <= t <= T = {T}, got {t!r}",
                               f"t에는 0 <= t <= T = {T}인 정수가 필요합니다. 받은 값: {t!r}"))
    P = np.broadcast_to(np.eye(H, dtype=jacs.dtype), (B, H, H)).copy()
    for k in range(T, t, -1):
        P = P @ jacs[k - 1]  # (B, H, H): J_T ⋯ J_k
    return P


def jacobian_norms(jacs) -> np.ndarray:
    """Spectral norms ‖∂h_T/∂h_t‖₂ (largest singular value) for every t = 0 … T.

    The products are built backwards from t = T, one Jacobian multiplied on the right at a
    time: P_T = I and P_{t−1} = P_t J_t, so all T + 1 of them cost T matrix products.

    - ``jacs``: (T, B, H, H) from :func:`step_jacobians`.

    Returns (T+1, B); row t is ‖∂h_T/∂h_t‖₂ per sequence of the batch.
    Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    jacs = _check_jacobians(jacs)
    T, B, H, _ = jacs.shape
    norms = np.empty((T + 1, B), dtype=jacs.dtype)
    P = np.broadcast_to(np.eye(H, dtype=jacs.dtype), (B, H, H)).copy()
    norms[T] = 1.0
    for t in range(T, 0, -1):
        P = P @ jacs[t - 1]  # (B, H, H): ∂h_T/∂h_{t−1}
        norms[t - 1] = np.linalg.norm(P, ord=2, axis=(1, 2))
    return norms


def state_grads(hs, weight_hh, dhs=None, dstate=None, nonlinearity: str = "tanh") -> np.ndarray:
    """∂L/∂h_t for every t = 0 … T by BPTT, one vector–Jacobian product per step.

        g_T = dstate + dhs_T
        g_{t−1} = dhs_{t−1} + (g_t ⊙ φ'(a_t)) W_hh        (dhs_0 = 0: h_0 has no output)

    - ``hs``: (T+1, B, H) states h_0 … h_T; ``weight_hh``: (H, H).
    - ``dhs``: (T, B, H) direct gradients on h_1 … h_T (from per-step outputs), or None.
    - ``dstate``: (B, H) gradient on the final state h_T, or None.

    Returns (T+1, B, H); entry [0] equals ``numpy_ref.backward(...)["state0"]``.
    Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    hs, W_hh = _check_states(hs, weight_hh, nonlinearity)
    T, B, H = hs.shape[0] - 1, hs.shape[1], hs.shape[2]
    grads = np.zeros_like(hs)
    if dhs is not None:
        dhs = v.float_array("dhs", dhs, dtype=hs.dtype)
        grads[1:] = v.check_shape("dhs", dhs, (T, B, H), "(T, B, H)", v.say("from hs", "hs에서 얻은 값"))
    if dstate is not None:
        dstate = v.float_array("dstate", dstate, dtype=hs.dtype)
        grads[T] += v.check_shape("dstate", dstate, (B, H), "(B, H)", v.say("from hs", "hs에서 얻은 값"))
    d = _derivative(hs[1:], nonlinearity)  # (T, B, H)
    for t in range(T, 0, -1):
        grads[t - 1] += (grads[t] * d[t - 1]) @ W_hh  # (B, H)
    return grads


def state_grad_norms(model, xs, ys, loss: str = "mse", state: str = "h",
                     dtype=None) -> np.ndarray:
    """‖∂L/∂h_t‖ for t = 1 … T of a :class:`rnnbook.train.SeqModel` on one batch (needs torch).

    The recurrent layer is unrolled one step at a time with the cells of
    :mod:`rnnbook.torch_ref` run on the layer's own weights, every state is kept, and
    ``torch.autograd.grad`` returns ∂L/∂h_t: the total derivative, everything that reaches
    h_t from the outputs and from all later steps. For an LSTM, ``state="c"`` gives ∂L/∂c_t
    instead (including the path through h_t = o_t ⊙ tanh(c_t)). L is the batch mean, as
    in :func:`rnnbook.train.fit`; the norm is taken over the whole (B, H) array. The
    parameters' ``.grad`` fields are left untouched, so it can run in the middle of training.

    - ``model``: a one-layer ``SeqModel`` (cell "rnn", "lstm" or "gru").
    - ``xs``: (T, B, I) inputs; ``ys``: targets as for ``fit`` ((B, O), or (T, B, O) for
      ``readout="all"``; class ids for ``loss="ce"``).
    - ``loss``: "mse" or "ce"; ``state``: "h", or "c" for an LSTM.
    - ``dtype``: torch dtype of the computation, default float64 whatever the model's: the
      norm squares entries, and in float32 an entry below ~1e-23 squares to 0, so a
      vanished gradient would read as exactly zero.

    Returns a float64 array (T,) whose entry [t − 1] belongs to step t.
    Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    import torch
    from torch import nn
    from torch.func import functional_call

    from . import torch_ref

    v.check_choice("loss", loss, ("mse", "ce"))
    v.check_choice("state", state, ("h", "c"))
    rnn = getattr(model, "rnn", None)
    cells = {nn.RNN: torch_ref.RNNCell, nn.LSTM: torch_ref.LSTMCell, nn.GRU: torch_ref.GRUCell}
    if type(rnn) not in cells or not hasattr(model, "head") or not hasattr(model, "readout"):
        raise TypeError(v.say(f"model must be a rnnbook.train.SeqModel (.rnn an nn.RNN, nn.LSTM "
                              f"or nn.GRU, plus .head and .readout), got {type(model).__name__}",
                              f"model에는 rnnbook.train.SeqModel(.rnn이 nn.RNN, nn.LSTM, nn.GRU 중 "
                              f"하나이고 .head와 .readout이 있는 모델)이 필요합니다. "
                              f"받은 것: {type(model).__name__}"))
    if rnn.num_layers != 1 or rnn.bidirectional or rnn.batch_first:
        raise ValueError(v.say(f"model.rnn must be one layer, unidirectional and time-major; got "
                               f"num_layers={rnn.num_layers}, bidirectional={rnn.bidirectional}, "
                               f"batch_first={rnn.batch_first}",
                               f"model.rnn은 한 층, 단방향, 시간 축 우선이어야 합니다. 받은 설정: "
                               f"num_layers={rnn.num_layers}, bidirectional={rnn.bidirectional}, "
                               f"batch_first={rnn.batch_first}"))
    is_lstm = isinstance(rnn, nn.LSTM)
    if state == "c" and not is_lstm:
        raise ValueError(v.say(f"state='c' needs an LSTM, got model.rnn of type {type(rnn).__name__}",
                               f"state='c'에는 LSTM이 필요합니다. 받은 model.rnn의 형: "
                               f"{type(rnn).__name__}"))
    dtype = torch.float64 if dtype is None else dtype
    xs = torch.as_tensor(xs, dtype=dtype)
    if xs.ndim != 3 or xs.shape[0] == 0 or xs.shape[2] != rnn.input_size:
        raise ValueError(v.say(f"xs must have shape (T, B, I) with T >= 1 and I = {rnn.input_size} "
                               f"(model.rnn.input_size), got {tuple(xs.shape)}",
                               f"xs의 모양은 T >= 1, I = {rnn.input_size}(model.rnn.input_size)인 "
                               f"(T, B, I)여야 합니다. 받은 모양: {tuple(xs.shape)}"))
    T, B, I = xs.shape
    H = rnn.hidden_size
    ys = torch.as_tensor(ys, dtype=dtype if loss == "mse" else torch.long)

    kw = {"nonlinearity": rnn.nonlinearity} if isinstance(rnn, nn.RNN) else {}
    with torch.random.fork_rng(devices=[]):  # the cell's own random init must not move the
        cell = cells[type(rnn)](I, H, **kw, dtype=dtype)  # caller's random stream
    weights = {name[:-3]: p.to(dtype) for name, p in rnn.named_parameters()}  # weight_ih_l0 → weight_ih
    head = {name: p.to(dtype) for name, p in model.head.named_parameters()}
    h = c = xs.new_zeros(B, H)
    kept, outputs = [], []
    for t in range(T):
        if is_lstm:
            h, c = functional_call(cell, weights, (xs[t], (h, c)))
        else:
            h = functional_call(cell, weights, (xs[t], h))
        kept.append(c if state == "c" else h)
        outputs.append(h)
    seq = outputs[-1] if model.readout == "last" else torch.stack(outputs)  # (B, H) or (T, B, H)
    pred = functional_call(model.head, head, (seq,))
    if loss == "mse":
        value = nn.functional.mse_loss(pred, ys)
    else:
        value = nn.functional.cross_entropy(pred.reshape(-1, pred.shape[-1]), ys.reshape(-1))
    grads = torch.autograd.grad(value, kept)
    return np.array([torch.linalg.vector_norm(g).item() for g in grads], dtype=np.float64)


def _check_grads(grads) -> list:
    if not isinstance(grads, (list, tuple)) or not grads:
        raise TypeError(v.say(f"grads must be a non-empty list of float arrays, "
                              f"got {type(grads).__name__}",
                              f"grads에는 float 배열이 하나 이상 든 리스트가 필요합니다. "
                              f"받은 것: {type(grads).__name__}"))
    return [v.float_array(f"grads[{k}]", g, finite=False) for k, g in enumerate(grads)]


def _check_positive(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(v.say(f"{name} must be a positive number, got {type(value).__name__} {value!r}",
                              f"{name}에는 양수가 필요합니다. 받은 것: {type(value).__name__} {value!r}"))
    if not value > 0:
        raise ValueError(v.say(f"{name} must be a positive number, got {value!r}",
                               f"{name}에는 양수가 필요합니다. 받은 값: {value!r}"))
    return float(value)


def global_norm(grads) -> float:
    """‖g‖ = sqrt(Σ_k ‖g_k‖²): the norm of all gradient arrays taken together as one vector.

    Computed as the norm of the per-array norms, the order torch uses.
    Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    grads = _check_grads(grads)
    return float(np.linalg.norm([np.linalg.norm(g.ravel()) for g in grads]))


def clip_grad_norm(grads, max_norm: float, eps: float = CLIP_EPS) -> list:
    """Clip by global norm: g_k ← g_k · min(1, max_norm / (‖g‖ + eps)), ‖g‖ as in :func:`global_norm`.

    The direction of the whole gradient is kept; only its length is capped (Pascanu et al.
    2013, algorithm 1). ``eps`` = 1e-6 is torch's, so the result equals
    ``torch.nn.utils.clip_grad_norm_``. A NaN or inf norm makes every entry NaN or 0, as in
    torch: clipping does not repair a non-finite gradient.

    - ``grads``: list of float arrays of any shapes; not modified.
    - ``max_norm``: positive float.

    Returns a new list of arrays. Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    grads = _check_grads(grads)
    max_norm = _check_positive("max_norm", max_norm)
    total = global_norm(grads)
    scale = min(max_norm / (total + eps), 1.0)  # min(nan, 1.0) is nan, as torch.clamp
    with np.errstate(invalid="ignore"):  # inf · 0 is NaN here as in torch, without a warning
        return [g * scale for g in grads]


def clip_grad_value(grads, clip_value: float) -> list:
    """Clip entry by entry: g ← min(max(g, −clip_value), clip_value).

    Each entry is clipped on its own, so the gradient's direction can change (min-char-rnn
    does this with clip_value = 5). Equals ``torch.nn.utils.clip_grad_value_``.

    - ``grads``: list of float arrays; not modified.
    - ``clip_value``: positive float.

    Returns a new list of arrays. Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    grads = _check_grads(grads)
    c = _check_positive("clip_value", clip_value)
    return [np.clip(g, -c, c) for g in grads]


def _sigmoid(a):
    """σ(a) = (1 + tanh(a / 2)) / 2: never overflows, and works on 0-d arrays and floats."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


class Cliff(NamedTuple):
    """Loss and gradient of the one-unit network, for every (w, b) of a grid."""
    loss: np.ndarray          # (x_T − target)²
    dw: np.ndarray            # ∂loss/∂w
    db: np.ndarray            # ∂loss/∂b
    xs: np.ndarray            # (T+1, *grid) states x_0 … x_T


def cliff(w, b, T: int = 50, x0: float = 0.5, target: float = 0.7) -> Cliff:
    """Pascanu et al.'s one-unit RNN x_t = w σ(x_{t−1}) + b, loss (x_T − target)², and its gradient.

        dx_T = 2 (x_T − target)
        dw += dx_t σ(x_{t−1});  db += dx_t;  dx_{t−1} = dx_t w σ(x_{t−1})(1 − σ(x_{t−1}))

    - ``w``, ``b``: floats or arrays of any broadcastable shapes (e.g. a meshgrid).
    - ``T``: number of steps; ``x0``: the initial state; ``target``: the wanted x_T.

    Returns :class:`Cliff`, each field of the broadcast shape (``xs`` with T+1 in front).
    Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    w, b = np.broadcast_arrays(np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64))
    T = v.check_size("T", T)
    xs = np.empty((T + 1,) + w.shape)
    xs[0] = x0
    for t in range(T):
        xs[t + 1] = w * _sigmoid(xs[t]) + b
    err = xs[T] - target
    dx = 2.0 * err
    dw = np.zeros(w.shape)
    db = np.zeros(w.shape)
    for t in range(T, 0, -1):
        s = _sigmoid(xs[t - 1])
        dw += dx * s
        db += dx
        dx = dx * w * s * (1.0 - s)
    return Cliff(err * err, dw, db, xs)


GRU_TERMS = ("direct", "candidate", "reset", "update")


def gru_jacobian_terms(x, h, params) -> dict:
    """∂h'/∂h of one step of PyTorch's GRU, split into the four paths from h to h'.

    The step (PyTorch's variant; gate blocks r, z, n; σ the logistic function):

        r  = σ(W_ir x + b_ir + W_hr h + b_hr)
        z  = σ(W_iz x + b_iz + W_hz h + b_hz)
        m  = W_hn h + b_hn                          the reset gate acts after the matmul
        n  = tanh(W_in x + b_in + r ⊙ m)
        h' = (1 − z) ⊙ n + z ⊙ h

    h reaches h' along four paths. With column vectors and J[i, j] = ∂h'_i/∂h_j:

        ∂h'/∂h = diag(z)                                           "direct":  z ⊙ h
               + diag((1 − z) ⊙ (1 − n²) ⊙ r) W_hn                 "candidate": through m in n
               + diag((1 − z) ⊙ (1 − n²) ⊙ m ⊙ r ⊙ (1 − r)) W_hr   "reset":   through r in n
               + diag((h − n) ⊙ z ⊙ (1 − z)) W_hz                  "update":  through z

    term by term: h' depends on h directly through z ⊙ h (the first term, no weight at
    all), and through n and z. ∂h'/∂n = diag(1 − z), ∂h'/∂z = diag(h − n);
    ∂n/∂h = diag(1 − n²) (diag(r) W_hn + diag(m) ∂r/∂h) by the product rule on r ⊙ m;
    ∂r/∂h = diag(r ⊙ (1 − r)) W_hr and ∂z/∂h = diag(z ⊙ (1 − z)) W_hz. When z → 1 the
    step's Jacobian tends to the identity, whatever the weights: the GRU's analogue of the
    LSTM's cell-state path (chapter 03), gated by z instead of f.

    - ``x``: (B, I) inputs; ``h``: (B, H) state; ``params``: ``weight_ih (3H, I)``,
      ``weight_hh (3H, H)``, ``bias_ih (3H,)``, ``bias_hh (3H,)`` (blocks r, z, n).

    Returns ``{"direct", "candidate", "reset", "update"}``, each (B, H, H); their sum is
    :func:`gru_step_jacobian`. Explained in chapters/<lang>/04_gru.
    """
    from .numpy_ref import _check_step, sigmoid

    x, h, _, p = _check_step("gru", x, h, params)
    H = h.shape[1]
    ax = x @ p["weight_ih"].T + p["bias_ih"]  # (B, 3H)
    ah = h @ p["weight_hh"].T + p["bias_hh"]  # (B, 3H)
    r = sigmoid(ax[:, :H] + ah[:, :H])  # (B, H)
    z = sigmoid(ax[:, H:2 * H] + ah[:, H:2 * H])
    m = ah[:, 2 * H:]  # W_hn h + b_hn
    n = np.tanh(ax[:, 2 * H:] + r * m)
    W_hr, W_hz, W_hn = p["weight_hh"][:H], p["weight_hh"][H:2 * H], p["weight_hh"][2 * H:]
    dn = (1.0 - z) * (1.0 - n * n)  # (B, H): ∂h'/∂n ⊙ tanh'
    B = h.shape[0]
    direct = np.zeros((B, H, H), dtype=h.dtype)
    direct[:, np.arange(H), np.arange(H)] = z
    return {
        "direct": direct,
        "candidate": (dn * r)[:, :, None] * W_hn,  # (B, H, H): row i scaled
        "reset": (dn * m * r * (1.0 - r))[:, :, None] * W_hr,
        "update": ((h - n) * z * (1.0 - z))[:, :, None] * W_hz,
    }


def gru_step_jacobian(x, h, params) -> np.ndarray:
    """J = ∂h'/∂h of one GRU step (PyTorch's variant), (B, H, H); derivation in
    :func:`gru_jacobian_terms`, whose four terms this sums.

    Explained in chapters/<lang>/04_gru.
    """
    terms = gru_jacobian_terms(x, h, params)
    return sum(terms[name] for name in GRU_TERMS)


def gru_step_jacobians(xs, h0, params) -> dict:
    """Every step's Jacobian of a GRU over a sequence, by term: J_k = ∂h_k/∂h_{k−1}, k = 1 … T.

    - ``xs``: (T, B, I) inputs; ``h0``: (B, H) initial state or None for zeros;
      ``params``: PyTorch's GRU layout.

    Returns ``{"direct", "candidate", "reset", "update", "all"}``, each (T, B, H, H) with
    entry [k − 1] belonging to step k, ready for :func:`jacobian_norms`: e.g.
    ``jacobian_norms(J["direct"])`` is the norm of ∏ diag(z_k), the path that skips
    every weight, against ``jacobian_norms(J["all"])``. Explained in chapters/<lang>/04_gru.
    """
    from . import numpy_ref

    _, _, cache = numpy_ref.forward("gru", xs, h0, params)
    steps = [gru_jacobian_terms(cache.xs[k], cache.hs[k], cache.params)
             for k in range(cache.xs.shape[0])]
    out = {name: np.stack([s[name] for s in steps]) for name in GRU_TERMS}
    out["all"] = sum(out[name] for name in GRU_TERMS)
    return out
