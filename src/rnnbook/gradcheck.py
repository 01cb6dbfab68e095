"""Numerical gradients by central differences, and the relative error used to compare them.

A gradient check compares a hand-written backward pass with

    ∂f/∂x_k ≈ (f(x + ε e_k) − f(x − ε e_k)) / (2ε),

whose error is O(ε²) from truncation plus O(u·|f| / ε) from rounding (u ≈ 1e-16 in
float64), so ε ≈ 1e-6 gives about 10 correct digits. Always check in float64.

References: cs231n notes "Gradient checks"; Nocedal & Wright, Numerical Optimization,
section 8.1 (finite-difference derivative approximations).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import _validate as v

TINY = 1e-300


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray,
                       eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar ``f(x)`` with respect to every entry of ``x``.

        g_k = (f(x + ε e_k) − f(x − ε e_k)) / (2ε)

    - ``f``: called as ``f(x)``, returns a scalar; it may instead read ``x`` through a
      closure (``x`` is changed in place, so every view of it sees the perturbation).
    - ``x``: float64 ndarray of any shape; each entry is restored after its two calls,
      also when ``f`` raises. float32 is refused: with ε = 1e-6 its rounding (u ≈ 6e-8)
      swamps the difference, e.g. d(Σx²)/dx at x = 10 comes out as 19.07 instead of 20.

    Returns g with the shape and dtype of ``x``. Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    if not isinstance(x, np.ndarray):
        raise TypeError(v.say(f"x must be a NumPy array (it is perturbed in place), "
                              f"got {type(x).__name__}",
                              f"x에는 NumPy 배열이 필요합니다(그 자리에서 값을 바꿔 가며 잽니다). "
                              f"받은 것: {type(x).__name__}"))
    v.float_array("x", x)
    if x.dtype != np.float64:
        raise TypeError(v.say(f"x must be float64 for a gradient check (float32 rounding swamps "
                              f"differences of size eps), got {x.dtype}; use x.astype(np.float64)",
                              f"기울기 검사에는 float64인 x가 필요합니다(float32의 반올림 오차가 "
                              f"eps 크기의 차이를 덮어 버립니다). 받은 dtype: {x.dtype}. "
                              f"x.astype(np.float64)를 쓰세요"))
    if not x.flags.writeable:
        raise ValueError(v.say("x must be writeable: it is perturbed in place, got a read-only array",
                               "x는 쓰기 가능한 배열이어야 합니다(그 자리에서 값을 바꿔 가며 잽니다). "
                               "받은 것: 읽기 전용 배열"))
    if not (isinstance(eps, (float, int)) and eps > 0):
        raise ValueError(v.say(f"eps must be a positive number, got {eps!r}",
                               f"eps에는 양수가 필요합니다. 받은 값: {eps!r}"))
    grad = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        old = x[k]
        try:
            x[k] = old + eps
            f_plus = _scalar(f(x))
            x[k] = old - eps
            f_minus = _scalar(f(x))
        finally:
            x[k] = old
        grad[k] = (f_plus - f_minus) / (2 * eps)
    return grad


def _scalar(value) -> float:
    arr = np.asarray(value)
    if arr.size != 1:
        raise ValueError(v.say(f"f must return a scalar, got an array of shape {arr.shape}",
                               f"f는 스칼라를 돌려주어야 합니다. 받은 것: 모양 {arr.shape}인 배열"))
    return float(arr.reshape(()))


def rel_error(a, b) -> float:
    """Normwise relative error: max_k |a_k − b_k| / max(max_k (|a_k| + |b_k|), 1e-300).

    One scale for the whole array, so that entries that are nearly zero in both (where
    an entrywise ratio would be rounding noise divided by noise) cannot dominate.
    Returns 0.0 when both are all zeros, and nan if either holds NaN.

    Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(v.say(f"a and b must have the same shape, got a {a.shape} and b {b.shape}",
                               f"a와 b의 모양이 같아야 합니다. 받은 모양: a {a.shape}, b {b.shape}"))
    if a.size == 0:
        return 0.0
    scale = np.max(np.abs(a) + np.abs(b))
    return float(np.max(np.abs(a - b)) / max(scale, TINY))
