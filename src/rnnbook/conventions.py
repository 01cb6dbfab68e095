"""Weight-layout converters: PyTorch's LSTM/GRU <-> Keras, cs231n and the textbook GRU.

The same LSTM or GRU is written down in several layouts. They differ in three ways: the
order of the gate blocks, whether weights are stored (out, in) and applied as ``W x`` or
stored (in, out) and applied as ``x W``, and whether there is one bias or two.

============  ==========  =========  ==========================  ==================
layout        LSTM gates  GRU gates  weights                     biases
============  ==========  =========  ==========================  ==================
PyTorch       i, f, g, o  r, z, n    weight_ih (G*H, I),         bias_ih (G*H,),
(this book)                          weight_hh (G*H, H)          bias_hh (G*H,)
Keras         i, f, c, o  z, r, h    kernel (I, G*H),            LSTM: bias (4H,);
                                     recurrent_kernel (H, G*H)   GRU: bias (2, 3H)
cs231n        i, f, o, g  --         Wx (D, 4H), Wh (H, 4H)      b (4H,)
textbook GRU  --          r, z, n    as PyTorch                  as PyTorch
============  ==========  =========  ==========================  ==================

(Keras' c and h blocks are PyTorch's g and n: the candidate cell / candidate state.)

What converts exactly, and why:

- Keras LSTM and cs231n have one bias where PyTorch has two that are always added
  together, so PyTorch -> them sums ``bias_ih + bias_hh`` (one float rounding), and
  them -> PyTorch puts the bias in ``bias_ih`` and zeros in ``bias_hh``. The model is the
  same; the two PyTorch biases cannot be told apart from their sum, so they do not come back
  individually.
- Keras GRU with ``reset_after=True`` (the default in TF 2's Keras and Keras 3) is PyTorch's
  GRU: ``bias[0]`` is the input bias and ``bias[1]`` the recurrent bias, and only z and r
  swap places. Exact both ways.
- Keras GRU with ``reset_after=False`` applies the reset gate *before* the recurrent
  matmul, ``h~ = tanh(x W_h + b_h + (r * h) U_h)``. That is a different function of the
  weights, not a relabelling: apart from degenerate cases (such as U_h = 0), no weights of
  one model reproduce the other for all inputs.
  Converting it raises :class:`NotConvertibleError`; :func:`gru_step_reset_before` computes
  it so that chapter 04 can measure the difference.
- The "textbook GRU" weighs the past by ``1 - z``: ``h' = z * n + (1 - z) * h`` (the form
  of Chung et al. 2014; Cho et al. 2014, Keras and PyTorch put z on the past). Because
  ``1 - sigmoid(a) = sigmoid(-a)``, negating the z rows of both weights and both biases
  turns one into the other exactly. Chung et al. also place the reset gate before the
  matmul; only the z flip is a relabelling.

References:
- Cho et al. (2014), "Learning Phrase Representations using RNN Encoder-Decoder for
  Statistical Machine Translation", arXiv:1406.1078.
- Chung, Gulcehre, Cho & Bengio (2014), "Empirical Evaluation of Gated Recurrent Neural
  Networks on Sequence Modeling", arXiv:1412.3555.
- Keras API, ``keras.layers.GRU`` (argument ``reset_after``) and ``keras.layers.LSTM``:
  https://keras.io/api/layers/recurrent_layers/
- PyTorch ``torch.nn.LSTM`` and ``torch.nn.GRU``:
  https://pytorch.org/docs/stable/generated/torch.nn.GRU.html
- Stanford CS231n, assignment 3, ``rnn_layers.py`` (``lstm_step_forward``).

LSTM converters are explained in chapters/<lang>/03_lstm; GRU converters and the two GRU
variants in chapters/<lang>/04_gru.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ._validate import check_keys, check_shape, float_array, say

__all__ = [
    "NotConvertibleError",
    "torch_to_keras_lstm", "keras_to_torch_lstm",
    "torch_to_keras_gru", "keras_to_torch_gru",
    "torch_to_cs231n_lstm", "cs231n_to_torch_lstm",
    "textbook_gru_to_torch", "torch_to_textbook_gru",
    "gru_step_textbook", "gru_step_reset_before",
]

TORCH_KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
KERAS_KEYS = ("kernel", "recurrent_kernel", "bias")
CS231N_KEYS = ("Wx", "Wh", "b")

# Block k of the target layout is block ORDER[k] of PyTorch's layout.
_KERAS_GRU_ORDER = (1, 0, 2)  # Keras z, r, h  <-  PyTorch r, z, n
_CS231N_LSTM_ORDER = (0, 1, 3, 2)  # cs231n i, f, o, g  <-  PyTorch i, f, g, o

_RESET_BEFORE_MESSAGE = (
    "Keras GRU with reset_after=False applies the reset gate before the recurrent matmul "
    "(h~ = tanh(x W_h + b_h + (r * h) U_h)); PyTorch's GRU applies it after "
    "(n = tanh(W_in x + b_in + r * (W_hn h + b_hn))). These are different models, not "
    "different layouts of one model, so no exact conversion exists. Use a Keras GRU with "
    "reset_after=True (bias shape (2, 3H)), or compute the reset-before cell with "
    "rnnbook.conventions.gru_step_reset_before.")
_RESET_BEFORE_MESSAGE_KO = (
    "reset_after=False인 Keras GRU는 리셋 게이트를 순환 행렬 곱 앞에서 곱합니다"
    "(h~ = tanh(x W_h + b_h + (r * h) U_h)). PyTorch의 GRU는 행렬 곱 뒤에서 곱합니다"
    "(n = tanh(W_in x + b_in + r * (W_hn h + b_hn))). 두 식은 한 모델의 가중치를 다르게 "
    "저장한 것이 아니라 서로 다른 모델이므로 정확한 변환은 없습니다. reset_after=True인 "
    "Keras GRU(편향 모양 (2, 3H))를 쓰거나, 리셋 게이트를 앞에 두는 셀을 "
    "rnnbook.conventions.gru_step_reset_before로 계산하세요.")


class NotConvertibleError(ValueError):
    """The two layouts describe different models; converting would only approximate.

    Explained in chapters/<lang>/04_gru.
    """


def _weights(name: str, weights, keys: tuple) -> dict:
    """A dict of arrays with exactly ``keys``; a list/tuple is read in the order of ``keys``."""
    if isinstance(weights, Mapping):
        check_keys(name, weights, keys)
        items = {k: weights[k] for k in keys}
    elif isinstance(weights, Sequence) and not isinstance(weights, (str, bytes)):
        if len(weights) != len(keys):
            raise ValueError(say(f"{name} as a list must hold {len(keys)} arrays {list(keys)}, "
                                 f"got {len(weights)}",
                                 f"리스트로 준 {name}에는 배열 {len(keys)}개 {list(keys)}가 "
                                 f"있어야 합니다. 받은 개수: {len(weights)}"))
        items = dict(zip(keys, weights))
    else:
        raise TypeError(say(f"{name} must be a dict with keys {list(keys)}, got "
                            f"{type(weights).__name__}",
                            f"{name}에는 키가 {list(keys)}인 딕셔너리가 필요합니다. "
                            f"받은 것: {type(weights).__name__}"))
    arrays = {k: float_array(f"{name}[{k!r}]", v) for k, v in items.items()}
    dtypes = {a.dtype for a in arrays.values()}
    if len(dtypes) > 1:
        found = {k: str(a.dtype) for k, a in arrays.items()}
        raise TypeError(say(f"{name} must hold arrays of one dtype, got {found}",
                            f"{name}의 배열은 모두 같은 dtype이어야 합니다. 받은 dtype: {found}"))
    return arrays


def _torch_params(name: str, params, gates: int) -> tuple[dict, int, int]:
    """Check a PyTorch-layout dict for ``gates`` gate blocks; return (arrays, I, H)."""
    p = _weights(name, params, TORCH_KEYS)
    w_hh = p["weight_hh"]
    if w_hh.ndim != 2 or w_hh.shape[0] != gates * w_hh.shape[1]:
        raise ValueError(say(f"{name}['weight_hh'] must have shape (G*H, H) with G = {gates}, "
                             f"got {w_hh.shape}",
                             f"{name}['weight_hh']의 모양은 G = {gates}일 때 (G*H, H)여야 합니다. "
                             f"받은 모양: {w_hh.shape}"))
    H = w_hh.shape[1]
    if p["weight_ih"].ndim != 2:
        raise ValueError(say(f"{name}['weight_ih'] must have shape (G*H, I) = ({gates * H}, I), "
                             f"got {p['weight_ih'].shape}",
                             f"{name}['weight_ih']의 모양은 (G*H, I) = ({gates * H}, I)여야 합니다. "
                             f"받은 모양: {p['weight_ih'].shape}"))
    I = p["weight_ih"].shape[1]
    check_shape(f"{name}['weight_ih']", p["weight_ih"], (gates * H, I), "(G*H, I)")
    check_shape(f"{name}['bias_ih']", p["bias_ih"], (gates * H,), "(G*H,)")
    check_shape(f"{name}['bias_hh']", p["bias_hh"], (gates * H,), "(G*H,)")
    return p, I, H


def _column_weights(name: str, weights, keys: tuple, gates: int) -> tuple[dict, int, int]:
    """Check an (in, G*H) layout (Keras, cs231n); return (arrays, I, H). Bias unchecked."""
    w = _weights(name, weights, keys)
    w_x, w_h = w[keys[0]], w[keys[1]]
    if w_h.ndim != 2 or w_h.shape[1] != gates * w_h.shape[0]:
        raise ValueError(say(f"{name}[{keys[1]!r}] must have shape (H, G*H) with G = {gates}, "
                             f"got {w_h.shape}",
                             f"{name}[{keys[1]!r}]의 모양은 G = {gates}일 때 (H, G*H)여야 합니다. "
                             f"받은 모양: {w_h.shape}"))
    H = w_h.shape[0]
    if w_x.ndim != 2:
        raise ValueError(say(f"{name}[{keys[0]!r}] must have shape (I, G*H) = (I, {gates * H}), "
                             f"got {w_x.shape}",
                             f"{name}[{keys[0]!r}]의 모양은 (I, G*H) = (I, {gates * H})여야 합니다. "
                             f"받은 모양: {w_x.shape}"))
    I = w_x.shape[0]
    check_shape(f"{name}[{keys[0]!r}]", w_x, (I, gates * H), "(I, G*H)")
    return w, I, H


def _reorder(a: np.ndarray, order: tuple, H: int) -> np.ndarray:
    """Permute the H-row gate blocks of ``a`` along axis 0; returns a new array."""
    return np.concatenate([a[k * H:(k + 1) * H] for k in order], axis=0)


def _inverse(order: tuple) -> tuple:
    return tuple(int(k) for k in np.argsort(order))


def _check_reset_after(reset_after) -> None:
    if not isinstance(reset_after, (bool, np.bool_)):
        raise TypeError(say(f"reset_after must be a bool, got {type(reset_after).__name__} "
                            f"{reset_after!r}",
                            f"reset_after에는 bool이 필요합니다. "
                            f"받은 것: {type(reset_after).__name__} {reset_after!r}"))
    if not reset_after:
        raise NotConvertibleError(say(_RESET_BEFORE_MESSAGE, _RESET_BEFORE_MESSAGE_KO))


def torch_to_keras_lstm(params) -> dict:
    """PyTorch LSTM parameters -> Keras ``LSTM`` weights (gate order i, f, c, o both).

        kernel           = weight_ih.T             (I, 4H)
        recurrent_kernel = weight_hh.T             (H, 4H)
        bias             = bias_ih + bias_hh       (4H,)  one rounding per entry

    ``params``: dict with weight_ih (4H, I), weight_hh (4H, H), bias_ih (4H,), bias_hh (4H,).
    Returns a dict with the keys kernel, recurrent_kernel, bias (the order of Keras'
    ``layer.get_weights()``).

    Explained in chapters/<lang>/03_lstm.
    """
    p, _, _ = _torch_params("params", params, 4)
    return {"kernel": p["weight_ih"].T.copy(),
            "recurrent_kernel": p["weight_hh"].T.copy(),
            "bias": p["bias_ih"] + p["bias_hh"]}


def keras_to_torch_lstm(weights) -> dict:
    """Keras ``LSTM`` weights -> PyTorch LSTM parameters (gate order i, f, c/g, o both).

        weight_ih = kernel.T              (4H, I)
        weight_hh = recurrent_kernel.T    (4H, H)
        bias_ih   = bias                  (4H,)
        bias_hh   = 0                     (4H,)  Keras has one bias; PyTorch adds two

    ``weights``: dict with kernel (I, 4H), recurrent_kernel (H, 4H), bias (4H,), or the
    list ``[kernel, recurrent_kernel, bias]`` that ``layer.get_weights()`` returns.

    Explained in chapters/<lang>/03_lstm.
    """
    w, _, H = _column_weights("weights", weights, KERAS_KEYS, 4)
    check_shape("weights['bias']", w["bias"], (4 * H,), "(4H,)")
    return {"weight_ih": w["kernel"].T.copy(),
            "weight_hh": w["recurrent_kernel"].T.copy(),
            "bias_ih": w["bias"].copy(),
            "bias_hh": np.zeros_like(w["bias"])}


def torch_to_keras_gru(params, reset_after: bool = True) -> dict:
    """PyTorch GRU parameters -> Keras ``GRU(reset_after=True)`` weights; exact.

    Blocks go from PyTorch's r, z, n to Keras' z, r, h:

        kernel           = [W_iz; W_ir; W_in].T           (I, 3H)
        recurrent_kernel = [W_hz; W_hr; W_hn].T           (H, 3H)
        bias             = [[b_iz, b_ir, b_in],           (2, 3H)  row 0: input bias
                            [b_hz, b_hr, b_hn]]                    row 1: recurrent bias

    ``params``: dict with weight_ih (3H, I), weight_hh (3H, H), bias_ih (3H,), bias_hh (3H,).
    ``reset_after=False`` raises :class:`NotConvertibleError`: that Keras GRU is a
    different model.

    Explained in chapters/<lang>/04_gru.
    """
    _check_reset_after(reset_after)
    p, _, H = _torch_params("params", params, 3)
    order = _KERAS_GRU_ORDER
    return {"kernel": _reorder(p["weight_ih"], order, H).T.copy(),
            "recurrent_kernel": _reorder(p["weight_hh"], order, H).T.copy(),
            "bias": np.stack([_reorder(p["bias_ih"], order, H),
                              _reorder(p["bias_hh"], order, H)])}  # (2, 3H)


def keras_to_torch_gru(weights, reset_after: bool = True) -> dict:
    """Keras ``GRU(reset_after=True)`` weights -> PyTorch GRU parameters; exact.

    Blocks go from Keras' z, r, h to PyTorch's r, z, n:

        weight_ih = kernel.T with blocks reordered            (3H, I)
        weight_hh = recurrent_kernel.T with blocks reordered  (3H, H)
        bias_ih   = bias[0] reordered,  bias_hh = bias[1] reordered   (3H,) each

    ``weights``: dict with kernel (I, 3H), recurrent_kernel (H, 3H), bias (2, 3H), or the
    list ``layer.get_weights()`` returns. ``reset_after=False``, or a bias of shape (3H,)
    (the reset_after=False layout), raises :class:`NotConvertibleError`.

    Explained in chapters/<lang>/04_gru.
    """
    _check_reset_after(reset_after)
    w, _, H = _column_weights("weights", weights, KERAS_KEYS, 3)
    if w["bias"].shape == (3 * H,):
        raise NotConvertibleError(say(
            f"weights['bias'] has shape {w['bias'].shape} = (3H,), the layout of a Keras GRU "
            f"with reset_after=False. " + _RESET_BEFORE_MESSAGE,
            f"weights['bias']의 모양 {w['bias'].shape} = (3H,)는 reset_after=False인 Keras GRU의 "
            f"저장 방식입니다. " + _RESET_BEFORE_MESSAGE_KO))
    check_shape("weights['bias']", w["bias"], (2, 3 * H), "(2, 3H)")
    back = _inverse(_KERAS_GRU_ORDER)
    return {"weight_ih": _reorder(w["kernel"].T, back, H),
            "weight_hh": _reorder(w["recurrent_kernel"].T, back, H),
            "bias_ih": _reorder(w["bias"][0], back, H),
            "bias_hh": _reorder(w["bias"][1], back, H)}


def torch_to_cs231n_lstm(params) -> dict:
    """PyTorch LSTM parameters -> cs231n's ``Wx, Wh, b`` (gate order i, f, o, g).

        Wx = [W_ii; W_if; W_io; W_ig].T        (D, 4H)  D = I, the input size
        Wh = [W_hi; W_hf; W_ho; W_hg].T        (H, 4H)
        b  = (bias_ih + bias_hh) reordered     (4H,)    one rounding per entry

    ``params``: dict with weight_ih (4H, I), weight_hh (4H, H), bias_ih (4H,), bias_hh (4H,).

    Explained in chapters/<lang>/03_lstm.
    """
    p, _, H = _torch_params("params", params, 4)
    order = _CS231N_LSTM_ORDER
    return {"Wx": _reorder(p["weight_ih"], order, H).T.copy(),
            "Wh": _reorder(p["weight_hh"], order, H).T.copy(),
            "b": _reorder(p["bias_ih"] + p["bias_hh"], order, H)}


def cs231n_to_torch_lstm(weights) -> dict:
    """cs231n's ``Wx, Wh, b`` (gate order i, f, o, g) -> PyTorch LSTM parameters.

        weight_ih = Wx.T with blocks reordered to i, f, g, o   (4H, D)
        weight_hh = Wh.T with blocks reordered                 (4H, H)
        bias_ih   = b reordered,  bias_hh = 0                  (4H,) each

    ``weights``: dict with Wx (D, 4H), Wh (H, 4H), b (4H,), or the list ``[Wx, Wh, b]``.

    Explained in chapters/<lang>/03_lstm.
    """
    w, _, H = _column_weights("weights", weights, CS231N_KEYS, 4)
    check_shape("weights['b']", w["b"], (4 * H,), "(4H,)")
    back = _inverse(_CS231N_LSTM_ORDER)
    return {"weight_ih": _reorder(w["Wx"].T, back, H),
            "weight_hh": _reorder(w["Wh"].T, back, H),
            "bias_ih": _reorder(w["b"], back, H),
            "bias_hh": np.zeros_like(w["b"])}


def _negate_z(name: str, params) -> dict:
    """Negate the z block (rows H..2H) of all four GRU arrays; an exact involution."""
    p, _, H = _torch_params(name, params, 3)
    out = {k: v.copy() for k, v in p.items()}
    for v in out.values():
        v[H:2 * H] *= -1
    return out


def textbook_gru_to_torch(params) -> dict:
    """Textbook-GRU parameters (past weighted by 1 - z) -> PyTorch GRU parameters; exact.

    Textbook:  h' = z * n + (1 - z) * h,   z = sigmoid(a_z)
    PyTorch:   h' = (1 - z') * n + z' * h
    Since 1 - sigmoid(a) = sigmoid(-a), z' = 1 - z needs a_z' = -a_z: the z rows
    (H..2H) of weight_ih, weight_hh, bias_ih and bias_hh change sign; r and n stay.

    ``params``: the textbook GRU in PyTorch's layout and gate order r, z, n:
    weight_ih (3H, I), weight_hh (3H, H), bias_ih (3H,), bias_hh (3H,).
    The reset gate must act after the matmul, as in PyTorch; a textbook GRU with the
    reset before the matmul (Chung et al. 2014) is a different model.

    Explained in chapters/<lang>/04_gru.
    """
    return _negate_z("params", params)


def torch_to_textbook_gru(params) -> dict:
    """PyTorch GRU parameters -> the textbook GRU (past weighted by 1 - z); exact.

    The inverse of :func:`textbook_gru_to_torch`, and the same operation: negate the z rows
    (H..2H) of weight_ih, weight_hh, bias_ih and bias_hh.

    ``params``: weight_ih (3H, I), weight_hh (3H, H), bias_ih (3H,), bias_hh (3H,).

    Explained in chapters/<lang>/04_gru.
    """
    return _negate_z("params", params)


def _sigmoid(a: np.ndarray) -> np.ndarray:
    # The tanh form never overflows, unlike 1 / (1 + exp(-a)) for large negative a.
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def _gru_inputs(x, h, params) -> tuple[np.ndarray, np.ndarray, dict, int]:
    """Check x (B, I), h (B, H) and GRU params; cast params to x's dtype; return H too."""
    p, I, H = _torch_params("params", params, 3)
    x = float_array("x", x)
    h = float_array("h", h)
    if x.ndim != 2:
        raise ValueError(say(f"x must have shape (B, I) = (B, {I}), got {x.shape}",
                             f"x의 모양은 (B, I) = (B, {I})여야 합니다. 받은 모양: {x.shape}"))
    B = x.shape[0]
    check_shape("x", x, (B, I), "(B, I)")
    check_shape("h", h, (B, H), "(B, H)")
    if h.dtype != x.dtype:
        raise TypeError(say(f"h must have the dtype of x ({x.dtype}), got {h.dtype}",
                            f"h의 dtype은 x와 같은 {x.dtype}이어야 합니다. 받은 dtype: {h.dtype}"))
    return x, h, {k: v.astype(x.dtype, copy=False) for k, v in p.items()}, H


def gru_step_textbook(x, h, params) -> np.ndarray:
    """One step of the textbook GRU that weighs the past by 1 - z (a relabelling of PyTorch's).

        r  = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)
        z  = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)
        n  = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))
        h' = z * n + (1 - z) * h

    Only the last line differs from PyTorch's GRU; with the parameters from
    :func:`textbook_gru_to_torch` PyTorch's GRU gives the same h'.

    Arguments: x (B, I), h (B, H), params in PyTorch's layout, gate order r, z, n:
    weight_ih (3H, I), weight_hh (3H, H), bias_ih (3H,), bias_hh (3H,).
    Returns h' (B, H) in x's dtype.

    Explained in chapters/<lang>/04_gru.
    """
    x, h, p, H = _gru_inputs(x, h, params)
    gi = x @ p["weight_ih"].T + p["bias_ih"]  # (B, 3H)
    gh = h @ p["weight_hh"].T + p["bias_hh"]  # (B, 3H)
    r = _sigmoid(gi[:, :H] + gh[:, :H])
    z = _sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    return z * n + (1 - z) * h


def gru_step_reset_before(x, h, params) -> np.ndarray:
    """One step of the GRU that resets h before the recurrent matmul (a different model).

        r  = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)
        z  = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)
        n  = tanh(x W_in^T + b_in + (r * h) W_hn^T + b_hn)
        h' = (1 - z) * n + z * h

    This is the GRU of Cho et al. (arXiv:1406.1078v3) and of Keras'
    ``GRU(reset_after=False)`` (which has no b_hn). PyTorch and cuDNN follow the first
    version of that paper and compute ``r * (h W_hn^T + b_hn)``; the two agree only in
    special cases (e.g. r = 1), so no weight conversion maps one onto the other.

    Arguments: x (B, I), h (B, H), params in PyTorch's layout, gate order r, z, n:
    weight_ih (3H, I), weight_hh (3H, H), bias_ih (3H,), bias_hh (3H,).
    Returns h' (B, H) in x's dtype.

    Explained in chapters/<lang>/04_gru.
    """
    x, h, p, H = _gru_inputs(x, h, params)
    W_hh, b_hh = p["weight_hh"], p["bias_hh"]
    gi = x @ p["weight_ih"].T + p["bias_ih"]  # (B, 3H)
    gh_rz = h @ W_hh[:2 * H].T + b_hh[:2 * H]  # (B, 2H)
    r = _sigmoid(gi[:, :H] + gh_rz[:, :H])
    z = _sigmoid(gi[:, H:2 * H] + gh_rz[:, H:])
    n = np.tanh(gi[:, 2 * H:] + (r * h) @ W_hh[2 * H:].T + b_hh[2 * H:])
    return (1 - z) * n + z * h
