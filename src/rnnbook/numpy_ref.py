"""NumPy reference implementation of RNN, LSTM and GRU: steps, sequences and BPTT.

The equations and the parameter layout are PyTorch's (torch.nn.RNN / LSTM / GRU docs):
a dict with ``weight_ih (G*H, I)``, ``weight_hh (G*H, H)``, ``bias_ih (G*H,)`` and
``bias_hh (G*H,)``, with G = 1 (RNN), 4 (LSTM, gates i, f, g, o), 3 (GRU, gates r, z, n).
Sequences are time-major ``(T, B, I)``; computations run in the dtype of the inputs
(float32 or float64) and parameters are cast to it.

Speed comes from three ideas (chapter 05): the input projection of all T steps is one
matmul before the loop, all gates of a step come from one matmul, and BPTT stores the
per-step gate gradients so that each weight gradient is one matmul after the loop.

References: Elman (1990) for the RNN; Hochreiter & Schmidhuber (1997) and Gers et al.
(2000) for the LSTM with forget gate; Cho et al. (2014) for the GRU, in PyTorch's variant
(reset gate applied after the hidden matmul); Werbos (1990) for backpropagation through
time; Karpathy's min-char-rnn and cs231n's rnn_layers for the step/sequence split.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _validate as v

CELLS = ("rnn", "lstm", "gru")
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
NONLINEARITIES = ("tanh", "relu")


def sigmoid(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Logistic function σ(a) = 1 / (1 + exp(−a)), written into ``out`` if given.

    Computed as σ(a) = (1 + tanh(a / 2)) / 2, the same function, because np.tanh never
    overflows and is faster than exp followed by a division.

    Explained in chapters/<lang>/03_lstm.
    """
    out = np.multiply(a, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def param_count(cell: str, input_size: int, hidden_size: int) -> int:
    """Number of scalars in the parameters: G*H*(I + H + 2), as in torch.nn.

    Explained in chapters/<lang>/05_comparison.
    """
    G = GATES[v.check_choice("cell", cell, CELLS)]
    I = v.check_size("input_size", input_size)
    H = v.check_size("hidden_size", hidden_size)
    return G * H * (I + H + 2)


def init_params(cell: str, input_size: int, hidden_size: int, rng=None,
                dtype=np.float64) -> dict:
    """Random parameters drawn like PyTorch: every entry ~ U(−1/√H, 1/√H).

    Returns ``{"weight_ih": (G*H, I), "weight_hh": (G*H, H), "bias_ih": (G*H,),
    "bias_hh": (G*H,)}``. ``rng`` is a ``np.random.Generator``, an int seed or None.

    Explained in chapters/<lang>/01_rnn.
    """
    G = GATES[v.check_choice("cell", cell, CELLS)]
    I = v.check_size("input_size", input_size)
    H = v.check_size("hidden_size", hidden_size)
    if isinstance(rng, bool) or not (rng is None or isinstance(rng, (int, np.integer,
                                                                    np.random.Generator))):
        raise TypeError(v.say(f"rng must be a np.random.Generator, an int seed or None, "
                              f"got {type(rng).__name__}",
                              f"rng에는 np.random.Generator, 정수 시드 또는 None이 필요합니다. "
                              f"받은 것: {type(rng).__name__}"))
    if np.dtype(dtype) not in v.FLOAT_DTYPES:
        raise TypeError(v.say(f"dtype must be float32 or float64, got {np.dtype(dtype)}",
                              f"dtype은 float32 또는 float64여야 합니다. 받은 dtype: {np.dtype(dtype)}"))
    rng = np.random.default_rng(rng)
    k = 1.0 / np.sqrt(H)
    return {name: rng.uniform(-k, k, size=shape).astype(dtype)
            for name, shape in v.param_shapes(G, I, H).items()}


def _rnn_cell(a: np.ndarray, nonlinearity: str, h_next: np.ndarray) -> None:
    """h' = tanh(a) or relu(a), with a = W_ih x + b_ih + W_hh h + b_hh (B, H).

    Writes h' into ``h_next`` (``x[...] = value`` fills an existing array in place).
    """
    h_next[...] = np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0.0)


def _rnn_cell_backward(dh: np.ndarray, h_next: np.ndarray, nonlinearity: str,
                       da: np.ndarray) -> None:
    """Backward of :func:`_rnn_cell`: da = dh ⊙ (1 − h'²) for tanh, dh ⊙ [h' > 0] for relu."""
    if nonlinearity == "tanh":
        da[...] = dh * (1.0 - h_next * h_next)
    else:
        da[...] = dh * (h_next > 0)


def _lstm_cell(a: np.ndarray, c: np.ndarray, c_next: np.ndarray, tanh_c: np.ndarray,
               h_next: np.ndarray) -> None:
    """One LSTM step from its pre-activations; writes c_next, tanh(c_next) and h_next.

        a = W_ih x + b_ih + W_hh h + b_hh              (B, 4H), gate blocks i, f, g, o

    ``i, f, g, o`` are views into ``a`` (B, H) each, so ``i[...] = σ(i)`` overwrites the
    pre-activations with the gate values, which backward needs.
    """
    H = c.shape[1]
    i, f, g, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
    i[...] = sigmoid(i)
    f[...] = sigmoid(f)
    g[...] = np.tanh(g)
    o[...] = sigmoid(o)
    c_next[...] = f * c + i * g
    tanh_c[...] = np.tanh(c_next)
    h_next[...] = o * tanh_c


def _lstm_cell_backward(dh: np.ndarray, dc: np.ndarray, gates: np.ndarray, c: np.ndarray,
                        tanh_c: np.ndarray, da: np.ndarray) -> None:
    """Backward of :func:`_lstm_cell`: writes da (B, 4H); turns dc into the gradient for c.

    On entry ``dh``, ``dc`` are dL/dh', dL/dc' from later steps and the loss; ``da`` is
    split into views da_i, da_f, da_g, da_o like ``gates``. With σ' = σ(1 − σ) and
    tanh' = 1 − tanh², each forward equation is differentiated on the line beside it:

        forward                         backward (one line of code each, in this order)
        h' = o ⊙ tanh(c')               dc' ← dc' + dh' ⊙ o ⊙ (1 − tanh²(c'))
        c' = f ⊙ c + i ⊙ g              da_i = dc' ⊙ g ⊙ i ⊙ (1 − i)
                                        da_f = dc' ⊙ c ⊙ f ⊙ (1 − f)
                                        da_g = dc' ⊙ i ⊙ (1 − g²)
        h' = o ⊙ tanh(c')               da_o = dh' ⊙ tanh(c') ⊙ o ⊙ (1 − o)
        c' = f ⊙ c + …                  dc   = dc' ⊙ f              (to the step before)

    where a = W_ih x + b_ih + W_hh h + b_hh holds the pre-activations of i, f, g, o. The
    caller finishes the step with da = [da_i, da_f, da_g, da_o] (B, 4H): dh = da W_hh,
    dx = da W_ih, and after the loop dW_ih = Σ_t daᵀ x, dW_hh = Σ_t daᵀ h,
    db_ih = db_hh = Σ_t Σ_batch da (:func:`_weight_grads`).
    """
    H = c.shape[1]
    i, f, g, o = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:3 * H], gates[:, 3 * H:]
    da_i, da_f, da_g, da_o = da[:, :H], da[:, H:2 * H], da[:, 2 * H:3 * H], da[:, 3 * H:]
    dc += dh * o * (1.0 - tanh_c * tanh_c)       # dc' += dh' ⊙ o ⊙ (1 − tanh²(c'))
    da_i[...] = dc * g * i * (1.0 - i)           # da_i = dc' ⊙ g ⊙ σ'(a_i)
    da_f[...] = dc * c * f * (1.0 - f)           # da_f = dc' ⊙ c ⊙ σ'(a_f)
    da_g[...] = dc * i * (1.0 - g * g)           # da_g = dc' ⊙ i ⊙ tanh'(a_g)
    da_o[...] = dh * tanh_c * o * (1.0 - o)      # da_o = dh' ⊙ tanh(c') ⊙ σ'(a_o)
    dc *= f                                      # dc = dc' ⊙ f, for the step before


def _gru_cell(ax: np.ndarray, ah: np.ndarray, h: np.ndarray, h_next: np.ndarray) -> None:
    """One GRU step (PyTorch's variant) from the two projections; writes h_next.

        ax = W_ih x + b_ih,  ah = W_hh h + b_hh        (B, 3H), gate blocks r, z, n

    ``r, z, n`` are views into ``ax`` (B, H) each: the activations overwrite the
    projections there, because backward needs them. The reset gate r multiplies
    ``ah_n`` = W_hn h + b_hn, after the matmul.
    """
    H = h.shape[1]
    r, z, n = ax[:, :H], ax[:, H:2 * H], ax[:, 2 * H:]
    ah_r, ah_z, ah_n = ah[:, :H], ah[:, H:2 * H], ah[:, 2 * H:]
    r[...] = sigmoid(r + ah_r)
    z[...] = sigmoid(z + ah_z)
    n[...] = np.tanh(n + r * ah_n)
    h_next[...] = (1.0 - z) * n + z * h


def _gru_cell_backward(dh: np.ndarray, gates: np.ndarray, ah: np.ndarray, h: np.ndarray,
                       dax: np.ndarray, dah: np.ndarray) -> None:
    """Backward of :func:`_gru_cell`: writes dax, dah (B, 3H); turns dh into dh ⊙ z.

    On entry ``dh`` is dL/dh'. ``dax`` (gradient for W_ih x + b_ih) and ``dah`` (for
    W_hh h + b_hh) are split into views like ``gates``. The caller then adds dah W_hh to
    dh: h reaches h' both directly (through z ⊙ h) and through W_hh h.
    """
    H = h.shape[1]
    r, z, n = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:]
    dax_r, dax_z, dax_n = dax[:, :H], dax[:, H:2 * H], dax[:, 2 * H:]
    dah_r, dah_z, dah_n = dah[:, :H], dah[:, H:2 * H], dah[:, 2 * H:]
    ah_n = ah[:, 2 * H:]
    dax_n[...] = dh * (1.0 - z) * (1.0 - n * n)  # h' = (1 − z) ⊙ n + z ⊙ h
    dah_n[...] = dax_n * r                       # n = tanh(ax_n + r ⊙ ah_n)
    dax_r[...] = dax_n * ah_n * r * (1.0 - r)
    dax_z[...] = dh * (h - n) * z * (1.0 - z)
    dah_r[...] = dax_r                           # r, z see ax and ah summed
    dah_z[...] = dax_z
    dh *= z                                      # the direct path z ⊙ h


def _check_step(cell: str, x, state, params):
    """Validate one step's inputs; return (x, h, c, params) in x's dtype (c None unless LSTM)."""
    x = v.check_shape("x", v.float_array("x", x), (None, None), "(B, I)")
    B, I = x.shape
    p, _, H = v.check_params("params", params, GATES[cell], input_size=I, dtype=x.dtype,
                             input_from="x.shape[1]")
    h, c = _check_state("h" if cell != "lstm" else "state", cell, state, B, H, x.dtype,
                        source="x")
    return x, h, c, p


def rnn_step(x, h, params: dict, nonlinearity: str = "tanh") -> np.ndarray:
    """One Elman RNN step: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu).

    - ``x``: (B, I) inputs; ``h``: (B, H) state, or None for zeros.
    - ``params``: ``weight_ih (H, I)``, ``weight_hh (H, H)``, ``bias_ih (H,)``, ``bias_hh (H,)``.

    Returns h' (B, H). Explained in chapters/<lang>/01_rnn.
    """
    v.check_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    x, h, _, p = _check_step("rnn", x, h, params)
    a = x @ p["weight_ih"].T + p["bias_ih"] + h @ p["weight_hh"].T + p["bias_hh"]  # (B, H)
    _rnn_cell(a, nonlinearity, a)
    return a


def lstm_step(x, state, params: dict) -> tuple[np.ndarray, np.ndarray]:
    """One LSTM step: (h, c) → (h', c'), equations in :func:`_lstm_cell`.

    - ``x``: (B, I) inputs; ``state``: ``(h, c)``, each (B, H), or None for zeros.
    - ``params``: ``weight_ih (4H, I)``, ``weight_hh (4H, H)``, ``bias_ih (4H,)``,
      ``bias_hh (4H,)``, gate blocks in the order i, f, g, o.

    Returns ``(h', c')``. Explained in chapters/<lang>/03_lstm.
    """
    x, h, c, p = _check_step("lstm", x, state, params)
    a = x @ p["weight_ih"].T + p["bias_ih"] + h @ p["weight_hh"].T + p["bias_hh"]  # (B, 4H)
    c_next, tanh_c, h_next = (np.empty_like(h) for _ in range(3))
    _lstm_cell(a, c, c_next, tanh_c, h_next)
    return h_next, c_next


def gru_step(x, h, params: dict) -> np.ndarray:
    """One GRU step as in torch.nn.GRU: h' = (1 − z) ⊙ n + z ⊙ h, see :func:`_gru_cell`.

    - ``x``: (B, I) inputs; ``h``: (B, H) state, or None for zeros.
    - ``params``: ``weight_ih (3H, I)``, ``weight_hh (3H, H)``, ``bias_ih (3H,)``,
      ``bias_hh (3H,)``, gate blocks in the order r, z, n.

    Returns h' (B, H). Explained in chapters/<lang>/04_gru.
    """
    x, h, _, p = _check_step("gru", x, h, params)
    ax = x @ p["weight_ih"].T + p["bias_ih"]  # (B, 3H)
    ah = h @ p["weight_hh"].T + p["bias_hh"]  # (B, 3H)
    h_next = np.empty_like(h)
    _gru_cell(ax, ah, h, h_next)
    return h_next


class RNNCache(NamedTuple):
    """What :func:`backward` needs from an RNN forward pass.

    Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    xs: np.ndarray            # (T, B, I) inputs
    hs: np.ndarray            # (T+1, B, H) states h_0 … h_T
    params: dict
    nonlinearity: str


class LSTMCache(NamedTuple):
    """What :func:`backward` needs from an LSTM forward pass.

    Explained in chapters/<lang>/03_lstm.
    """
    xs: np.ndarray            # (T, B, I) inputs
    hs: np.ndarray            # (T+1, B, H) states h_0 … h_T
    cs: np.ndarray            # (T+1, B, H) cell states c_0 … c_T
    gates: np.ndarray         # (T, B, 4H) activations i, f, g, o
    tanh_c: np.ndarray        # (T, B, H) tanh(c_t), t = 1 … T
    params: dict


class GRUCache(NamedTuple):
    """What :func:`backward` needs from a GRU forward pass.

    Explained in chapters/<lang>/04_gru.
    """
    xs: np.ndarray            # (T, B, I) inputs
    hs: np.ndarray            # (T+1, B, H) states h_0 … h_T
    gates: np.ndarray         # (T, B, 3H) activations r, z, n
    ah: np.ndarray            # (T, B, 3H) hidden projections W_hh h + b_hh
    params: dict


def _check_state(name: str, cell: str, state, B: int, H: int, dtype, source: str = "xs"):
    """Return (h, c) from a state (c is None unless LSTM); None means zeros.

    ``source`` names the input that fixed B, for the error message.
    """
    note = v.say(f"B from {source}, H from params['weight_hh']",
                 f"B는 {source}에서, H는 params['weight_hh']에서 얻은 값")
    if state is None:
        zeros = np.zeros((B, H), dtype)
        return zeros, (np.zeros((B, H), dtype) if cell == "lstm" else None)
    if cell == "lstm":
        if not (isinstance(state, (tuple, list)) and len(state) == 2):
            raise TypeError(v.say(f"{name} for an LSTM must be a pair (h, c) of (B, H) arrays "
                                  f"or None, got {type(state).__name__}",
                                  f"LSTM의 {name}에는 (B, H) 배열의 쌍 (h, c) 또는 None이 "
                                  f"필요합니다. 받은 것: {type(state).__name__}"))
        h = v.float_array(f"{name}[0] (h)", state[0], dtype=dtype)
        c = v.float_array(f"{name}[1] (c)", state[1], dtype=dtype)
        v.check_shape(f"{name}[0] (h)", h, (B, H), "(B, H)", note)
        v.check_shape(f"{name}[1] (c)", c, (B, H), "(B, H)", note)
        return h, c
    if isinstance(state, (tuple, list)):
        raise TypeError(v.say(f"{name} for cell {cell!r} must be one (B, H) array or None, "
                              f"got a {type(state).__name__}",
                              f"셀 {cell!r}의 {name}에는 (B, H) 배열 하나 또는 None이 필요합니다. "
                              f"받은 것: {type(state).__name__}"))
    h = v.float_array(name, state, dtype=dtype)
    return v.check_shape(name, h, (B, H), "(B, H)", note), None


def _check_sequence(cell: str, xs, state0, params):
    """Validate a sequence's inputs; return (xs, h0, c0, params), c0 None unless LSTM."""
    xs = v.check_shape("xs", v.float_array("xs", xs), (None, None, None), "(T, B, I)")
    if 0 in xs.shape:
        raise ValueError(v.say(f"xs must have T, B, I >= 1, got shape {xs.shape}",
                               f"xs의 T, B, I는 모두 1 이상이어야 합니다. 받은 모양: {xs.shape}"))
    T, B, I = xs.shape
    p, _, H = v.check_params("params", params, GATES[cell], input_size=I, dtype=xs.dtype,
                             input_from="xs.shape[2]")
    h0, c0 = _check_state("state0", cell, state0, B, H, xs.dtype)
    return xs, h0, c0, p


def forward(cell: str, xs, state0, params: dict, nonlinearity: str = "tanh"):
    """Run a cell over a sequence: returns ``(hs, state_T, cache)``.

    - ``cell``: "rnn", "lstm" or "gru"; ``nonlinearity`` ("tanh" | "relu") is for "rnn".
    - ``xs``: (T, B, I) inputs, time-major.
    - ``state0``: h_0 (B, H), or (h_0, c_0) for "lstm"; None means zeros.
    - ``params``: PyTorch layout, see :func:`init_params`.

    ``hs`` (T, B, H) holds h_1 … h_T; ``state_T`` is h_T or (h_T, c_T). ``hs`` is a view
    into ``cache``: modify a copy, not it, before calling :func:`backward`.

    Explained in chapters/<lang>/01_rnn (RNN), 03_lstm (LSTM), 04_gru (GRU).
    """
    v.check_choice("cell", cell, CELLS)
    v.check_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    if cell != "rnn" and nonlinearity != "tanh":
        raise ValueError(v.say(f"nonlinearity applies to cell 'rnn' only, got {nonlinearity!r} "
                               f"for cell {cell!r}",
                               f"nonlinearity는 셀 'rnn'에만 쓸 수 있습니다. 셀 {cell!r}에 "
                               f"{nonlinearity!r}를 받았습니다"))
    xs, h0, c0, p = _check_sequence(cell, xs, state0, params)
    T = xs.shape[0]
    if cell == "rnn":
        cache = _rnn_forward(xs, h0, p, nonlinearity)
        return cache.hs[1:], cache.hs[T].copy(), cache
    if cell == "lstm":
        cache = _lstm_forward(xs, h0, c0, p)
        return cache.hs[1:], (cache.hs[T].copy(), cache.cs[T].copy()), cache
    cache = _gru_forward(xs, h0, p)
    return cache.hs[1:], cache.hs[T].copy(), cache


def _project_inputs(xs: np.ndarray, W_ih: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """W_ih x_t + bias for all T steps in one matmul: (T, B, I) → (T, B, G*H)."""
    T, B, I = xs.shape
    a = xs.reshape(T * B, I) @ W_ih.T  # (T*B, G*H)
    a += bias
    return a.reshape(T, B, -1)  # (T, B, G*H)


def _states(h0: np.ndarray, T: int) -> np.ndarray:
    """Buffer (T+1, B, H) for h_0 … h_T, with h_0 filled in."""
    hs = np.empty((T + 1,) + h0.shape, h0.dtype)
    hs[0] = h0
    return hs


def _rnn_forward(xs, h0, p, nonlinearity) -> RNNCache:
    """Sequence forward of the RNN; the loop holds one matmul per step."""
    T = xs.shape[0]
    a = _project_inputs(xs, p["weight_ih"], p["bias_ih"] + p["bias_hh"])  # (T, B, H)
    hs = _states(h0, T)
    W_hh_T = p["weight_hh"].T
    ah = np.empty_like(h0)
    for t in range(T):
        np.matmul(hs[t], W_hh_T, out=ah)
        a[t] += ah
        _rnn_cell(a[t], nonlinearity, hs[t + 1])
    return RNNCache(xs, hs, p, nonlinearity)


def _lstm_forward(xs, h0, c0, p) -> LSTMCache:
    """Sequence forward of the LSTM; the loop holds one matmul per step."""
    T = xs.shape[0]
    gates = _project_inputs(xs, p["weight_ih"], p["bias_ih"] + p["bias_hh"])  # (T, B, 4H)
    hs, cs = _states(h0, T), _states(c0, T)
    tanh_c = np.empty_like(hs[1:])
    W_hh_T = p["weight_hh"].T
    ah = np.empty_like(gates[0])
    for t in range(T):
        np.matmul(hs[t], W_hh_T, out=ah)
        gates[t] += ah
        _lstm_cell(gates[t], cs[t], cs[t + 1], tanh_c[t], hs[t + 1])
    return LSTMCache(xs, hs, cs, gates, tanh_c, p)


def _gru_forward(xs, h0, p) -> GRUCache:
    """Sequence forward of the GRU; the loop holds one matmul per step."""
    T = xs.shape[0]
    gates = _project_inputs(xs, p["weight_ih"], p["bias_ih"])  # (T, B, 3H)
    hs = _states(h0, T)
    ah = np.empty_like(gates)
    W_hh_T, b_hh = p["weight_hh"].T, p["bias_hh"]
    for t in range(T):
        np.matmul(hs[t], W_hh_T, out=ah[t])
        ah[t] += b_hh
        _gru_cell(gates[t], ah[t], hs[t], hs[t + 1])
    return GRUCache(xs, hs, gates, ah, p)


def _check_dstate(cache, dstate, B: int, H: int, dtype):
    """(dh_T, dc_T) as fresh arrays we may overwrite; None parts become zeros."""
    is_lstm = isinstance(cache, LSTMCache)
    if dstate is None:
        return np.zeros((B, H), dtype), np.zeros((B, H), dtype)
    if is_lstm:
        if not (isinstance(dstate, (tuple, list)) and len(dstate) == 2):
            raise TypeError(v.say(f"dstate for an LSTM must be a pair (dh_T, dc_T) or None, "
                                  f"got {type(dstate).__name__}",
                                  f"LSTM의 dstate에는 쌍 (dh_T, dc_T) 또는 None이 필요합니다. "
                                  f"받은 것: {type(dstate).__name__}"))
        parts = dstate
    elif isinstance(dstate, (tuple, list)):
        raise TypeError(v.say(f"dstate for this cell must be one (B, H) array or None, "
                              f"got a {type(dstate).__name__}",
                              f"이 셀의 dstate에는 (B, H) 배열 하나 또는 None이 필요합니다. "
                              f"받은 것: {type(dstate).__name__}"))
    else:
        parts = (dstate, None)
    out = []
    for k, d in enumerate(parts):
        name = f"dstate[{k}]" if is_lstm else "dstate"
        if d is None:
            out.append(np.zeros((B, H), dtype))
        else:
            d = v.check_shape(name, v.float_array(name, d, dtype=dtype), (B, H), "(B, H)")
            out.append(d.copy())
    return out[0], out[1]


def backward(dhs, cache, dstate=None) -> dict:
    """Backpropagation through time for :func:`forward`; returns the gradients.

    - ``dhs``: (T, B, H) gradient of the loss w.r.t. ``hs``, or None (only ``dstate``).
    - ``cache``: the third value returned by :func:`forward`.
    - ``dstate``: gradient w.r.t. ``state_T`` (dh_T, or (dh_T, dc_T) for an LSTM), or None.

    Going back in time, the gradient reaching h_{t-1} is dh_{t-1} = dhs_{t-1} + da_t W_hh
    (for the GRU also + dh_t ⊙ z_t). The per-step pre-activation gradients da_t are stacked
    so that, after the loop, dW_ih = Σ_t da_tᵀ x_t and dW_hh = Σ_t da_tᵀ h_{t-1} are one
    matmul each.

    Returns a dict with ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``, ``xs``
    (T, B, I) and ``state0`` (dh_0, or (dh_0, dc_0) for an LSTM).

    Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    if not isinstance(cache, (RNNCache, LSTMCache, GRUCache)):
        raise TypeError(v.say(f"cache must be the third value returned by forward(), "
                              f"got {type(cache).__name__}",
                              f"cache에는 forward()가 돌려준 세 번째 값이 필요합니다. "
                              f"받은 것: {type(cache).__name__}"))
    T, B, _ = cache.xs.shape
    H = cache.hs.shape[2]
    dtype = cache.xs.dtype
    if dhs is not None:
        dhs = v.float_array("dhs", dhs, dtype=dtype)
        v.check_shape("dhs", dhs, (T, B, H), "(T, B, H)")
    dh, dc = _check_dstate(cache, dstate, B, H, dtype)
    if isinstance(cache, RNNCache):
        return _rnn_backward(dhs, dh, cache)
    if isinstance(cache, LSTMCache):
        return _lstm_backward(dhs, dh, dc, cache)
    return _gru_backward(dhs, dh, cache)


def _weight_grads(dax: np.ndarray, dah: np.ndarray, cache) -> dict:
    """dW_ih, dW_hh, biases and dxs from the stacked gradients dax, dah (T, B, G*H)."""
    xs, hs, p = cache.xs, cache.hs, cache.params
    T, B, I = xs.shape
    H = hs.shape[2]
    dax2 = dax.reshape(T * B, -1)  # (T*B, G*H)
    dah2 = dah.reshape(T * B, -1)  # (T*B, G*H)
    return {
        "weight_ih": dax2.T @ xs.reshape(T * B, I),     # (G*H, I)
        "weight_hh": dah2.T @ hs[:-1].reshape(T * B, H),  # (G*H, H): h_0 … h_{T-1}
        "bias_ih": dax2.sum(axis=0),
        "bias_hh": dah2.sum(axis=0),
        "xs": (dax2 @ p["weight_ih"]).reshape(T, B, I),  # (T, B, I)
    }


def _rnn_backward(dhs, dh, cache: RNNCache) -> dict:
    """BPTT through the RNN; one matmul per step."""
    T = cache.xs.shape[0]
    hs, W_hh = cache.hs, cache.params["weight_hh"]
    da = np.empty_like(hs[1:])  # (T, B, H)
    for t in reversed(range(T)):
        if dhs is not None:
            dh += dhs[t]
        _rnn_cell_backward(dh, hs[t + 1], cache.nonlinearity, da[t])
        np.matmul(da[t], W_hh, out=dh)
    grads = _weight_grads(da, da, cache)
    grads["state0"] = dh
    return grads


def _lstm_backward(dhs, dh, dc, cache: LSTMCache) -> dict:
    """BPTT through the LSTM; one matmul per step.

    For t = T … 1: dh_t = dhs_t + (carried), the cell's backward gives da_t and
    dc_{t−1} = dc_t ⊙ f_t (:func:`_lstm_cell_backward`), and dh_{t−1} = da_t W_hh is the
    carried part for the next iteration. Weight gradients follow after the loop.
    """
    T = cache.xs.shape[0]
    cs, gates, W_hh = cache.cs, cache.gates, cache.params["weight_hh"]
    da = np.empty_like(gates)  # (T, B, 4H)
    for t in reversed(range(T)):
        if dhs is not None:
            dh += dhs[t]                         # dh_t = dhs_t + da_{t+1} W_hh
        _lstm_cell_backward(dh, dc, gates[t], cs[t], cache.tanh_c[t], da[t])
        np.matmul(da[t], W_hh, out=dh)           # da_t W_hh, the part of dh_{t−1} from step t
    grads = _weight_grads(da, da, cache)
    grads["state0"] = (dh, dc)
    return grads


def _gru_backward(dhs, dh, cache: GRUCache) -> dict:
    """BPTT through the GRU; one matmul per step."""
    T = cache.xs.shape[0]
    hs, gates, ah, W_hh = cache.hs, cache.gates, cache.ah, cache.params["weight_hh"]
    dax, dah = np.empty_like(gates), np.empty_like(gates)  # (T, B, 3H) each
    dh_hh = np.empty_like(dh)
    for t in reversed(range(T)):
        if dhs is not None:
            dh += dhs[t]
        _gru_cell_backward(dh, gates[t], ah[t], hs[t], dax[t], dah[t])
        np.matmul(dah[t], W_hh, out=dh_hh)
        dh += dh_hh
    grads = _weight_grads(dax, dah, cache)
    grads["state0"] = dh
    return grads
