"""Input checks shared by the NumPy modules of rnnbook (no torch here).

Every check raises ``TypeError`` (wrong kind of object or dtype) or ``ValueError``
(wrong shape, value or key) with a message that names the argument, what was received
and what was expected, so that a reader never has to decode a NumPy broadcasting error.

Messages are bilingual: :func:`say` picks the English or the Korean text by
:func:`rnnbook.current_lang` (set by ``rnnbook.setup(lang=...)``; English by default), so a
reader of the Korean chapters sees every error of the package in Korean.

Public helpers: :func:`say`, :func:`float_array`, :func:`check_shape`, :func:`check_choice`,
:func:`check_size`, :func:`check_keys`, :func:`check_params`, :func:`param_shapes`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
PARAM_KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def say(en: str, ko: str) -> str:
    """Return ``ko`` while ``rnnbook.setup(lang="ko")`` is in force, else ``en``.

    Every message the package shows a reader (errors and warnings) is written in both
    languages at the place it is raised and passed through this function.

    Explained in chapters/<lang>/00_how_to_use.
    """
    from . import current_lang

    return ko if current_lang() == "ko" else en


def check_setup(lang, threads) -> None:
    """The arguments of :func:`rnnbook.setup`, checked in the language it was asked for.

    A ``lang`` that is not one of :data:`rnnbook.LANGUAGES` cannot say which language the
    reader wants, so its message is written in both; the other errors follow ``lang``.
    """
    from . import LANGUAGES

    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}. "
                         f"lang은 {LANGUAGES} 가운데 하나여야 합니다. 받은 값: {lang!r}")
    if isinstance(threads, bool) or not (isinstance(threads, int) and threads >= 1):
        raise ValueError(f"threads에는 1 이상의 정수가 필요합니다. 받은 값: {threads!r}"
                         if lang == "ko" else f"threads must be a positive int, got {threads!r}")


def float_array(name: str, a, dtype=None, finite: bool = True) -> np.ndarray:
    """Return ``a`` as a float32/float64 ndarray, or raise naming ``name``.

    - ``dtype``: if given, the result is cast to it (no copy when it already matches).
    - ``finite``: reject NaN and inf (``ValueError``).

    Integer, boolean, complex, object and float16 data raise ``TypeError``: silently
    promoting them would hide a mistake (an int array of tokens passed as inputs).
    """
    if isinstance(a, (str, bytes)) or a is None:
        raise TypeError(say(f"{name} must be a float32 or float64 array, got {type(a).__name__}",
                            f"{name}에는 float32 또는 float64 배열이 필요합니다. "
                            f"받은 것: {type(a).__name__}"))
    try:
        arr = np.asarray(a)
    except (ValueError, TypeError, RuntimeError) as err:
        # RuntimeError: a torch tensor that requires grad (or lives on a GPU) refuses numpy()
        torch_tensor = type(a).__module__.startswith("torch")
        raise TypeError(say(
            f"{name} must be a float32 or float64 array, got an object NumPy cannot turn "
            f"into one ({type(a).__name__}: {err})"
            + (" (a torch tensor: pass t.detach().cpu().numpy())" if torch_tensor else ""),
            f"{name}에는 float32 또는 float64 배열이 필요한데, NumPy가 배열로 바꿀 수 없는 "
            f"객체를 받았습니다({type(a).__name__}: {err})"
            + (". torch 텐서라면 t.detach().cpu().numpy()를 넘기세요" if torch_tensor else ""),
        )) from None
    if arr.dtype not in FLOAT_DTYPES:
        raise TypeError(say(f"{name} must have dtype float32 or float64, got dtype {arr.dtype}",
                            f"{name}의 dtype은 float32 또는 float64여야 합니다. "
                            f"받은 dtype: {arr.dtype}"))
    if dtype is not None:
        arr = arr.astype(dtype, copy=False)
    if finite and not np.isfinite(arr).all():
        n_nan = int(np.isnan(arr).sum())
        n_inf = int(np.isinf(arr).sum())
        raise ValueError(say(f"{name} must be finite, got {n_nan} NaN and {n_inf} inf "
                             f"value(s) in an array of shape {arr.shape}",
                             f"{name}에는 유한한 값만 있어야 하는데, 모양 {arr.shape}인 배열에 "
                             f"NaN {n_nan}개와 inf {n_inf}개가 있습니다"))
    return arr


def _fmt(shape) -> str:
    """Format a shape whose unknown entries are None as e.g. ``(?, 4, 8)``."""
    inner = ", ".join("?" if s is None else str(s) for s in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def check_shape(name: str, arr: np.ndarray, expected, dims: str | None = None,
                note: str | None = None) -> np.ndarray:
    """Raise ``ValueError`` unless ``arr.shape`` matches ``expected``; return ``arr``.

    - ``expected``: tuple of ints, ``None`` meaning "any size" for that axis.
    - ``dims``: the axes' letters, e.g. ``"(T, B, I)"``, shown in the message.
    - ``note``: where the expected sizes come from, e.g. ``"B from x, H from weight_hh"``.

    Example message: ``h must have shape (B, H) = (4, 8) (B from x), got (3, 8)``.
    """
    ok = arr.ndim == len(expected) and all(
        e is None or e == s for e, s in zip(expected, arr.shape))
    if not ok:
        label = f"{dims} = {_fmt(expected)}" if dims else _fmt(expected)
        if note:
            label += f" ({note})"
        raise ValueError(say(f"{name} must have shape {label}, got {_fmt(arr.shape)}",
                             f"{name}의 모양은 {label}이어야 합니다. "
                             f"받은 모양: {_fmt(arr.shape)}"))
    return arr


def check_choice(name: str, value, choices: Sequence[str]) -> str:
    """Raise ``ValueError`` unless ``value`` is one of ``choices``; return it."""
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(say(f"{name} must be one of {options}, got {value!r}",
                             f"{name}의 값은 {options} 가운데 하나여야 합니다. 받은 값: {value!r}"))
    return value


_KINDS_KO = {"a dict": "딕셔너리", "a mapping of labels (str)": "이름표(str)의 딕셔너리"}


def check_keys(name: str, value, keys: Sequence[str], kind: str = "a dict") -> Mapping:
    """Return ``value`` if it is a mapping with exactly ``keys``; else raise naming ``name``.

    Not a mapping: ``TypeError``. Missing or unexpected keys: ``ValueError`` listing both.
    ``kind`` describes the expected object in the message ("a dict", "a mapping of labels").
    """
    if not isinstance(value, Mapping):
        raise TypeError(say(f"{name} must be {kind} with keys {list(keys)}, "
                            f"got {type(value).__name__}",
                            f"{name}에는 키가 {list(keys)}인 {_KINDS_KO.get(kind, kind)}가 "
                            f"필요합니다. 받은 것: {type(value).__name__}"))
    missing = [k for k in keys if k not in value]
    extra = sorted(str(k) for k in value if k not in keys)
    if missing or extra:
        raise ValueError(say(f"{name} must have exactly the keys {list(keys)}; "
                             f"missing {missing}, unexpected {extra}",
                             f"{name}의 키는 정확히 {list(keys)}여야 합니다. "
                             f"빠진 키: {missing}, 있으면 안 되는 키: {extra}"))
    return value


def check_size(name: str, value) -> int:
    """Return ``value`` if it is a positive int (bool excluded), else raise."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(say(f"{name} must be a positive int, got {type(value).__name__} {value!r}",
                            f"{name}에는 양의 정수(int)가 필요합니다. "
                            f"받은 것: {type(value).__name__} {value!r}"))
    if value < 1:
        raise ValueError(say(f"{name} must be a positive int, got {value}",
                             f"{name}에는 양의 정수(int)가 필요합니다. 받은 값: {value}"))
    return int(value)


def param_shapes(gates: int, input_size: int, hidden_size: int) -> dict:
    """The PyTorch parameter shapes of a cell with ``gates`` gate blocks (G = 1, 3 or 4)."""
    G, I, H = gates, input_size, hidden_size
    return {"weight_ih": (G * H, I), "weight_hh": (G * H, H),
            "bias_ih": (G * H,), "bias_hh": (G * H,)}


def check_params(name: str, params, gates: int, input_size: int | None = None,
                 dtype=None, input_from: str | None = None) -> tuple[dict, int, int]:
    """Check a parameter dict in PyTorch layout; return ``(params, I, H)``.

    The dict must hold exactly ``weight_ih (G*H, I)``, ``weight_hh (G*H, H)``,
    ``bias_ih (G*H,)``, ``bias_hh (G*H,)``. Missing and extra keys are both named.
    H is read from ``weight_hh``; ``input_size``, if given, must equal I (``input_from``
    names where it came from, e.g. ``"xs.shape[2]"``, for the message).
    The returned dict holds float arrays cast to ``dtype`` (if given).
    """
    check_keys(name, params, PARAM_KEYS)
    out = {k: float_array(f"{name}[{k!r}]", params[k], dtype=dtype) for k in PARAM_KEYS}
    W_hh = out["weight_hh"]
    if W_hh.ndim != 2 or W_hh.shape[1] == 0 or W_hh.shape[0] != gates * W_hh.shape[1]:
        raise ValueError(say(f"{name}['weight_hh'] must have shape (G*H, H) with G = {gates}, "
                             f"got {_fmt(W_hh.shape)}",
                             f"{name}['weight_hh']의 모양은 G = {gates}일 때 (G*H, H)여야 합니다. "
                             f"받은 모양: {_fmt(W_hh.shape)}"))
    H = W_hh.shape[1]
    I = input_size
    if I is None:
        W_ih = out["weight_ih"]
        I = W_ih.shape[1] if W_ih.ndim == 2 else None
    expected = param_shapes(gates, I if I is not None else 0, H)
    for k in PARAM_KEYS:
        dims = {"weight_ih": "(G*H, I)", "weight_hh": "(G*H, H)"}.get(k, "(G*H,)")
        exp = expected[k] if not (k == "weight_ih" and I is None) else (gates * H, None)
        note = (say(f"I = {I} from {input_from}", f"I = {I}, {input_from}에서 얻은 값")
                if (k == "weight_ih" and input_from) else None)
        check_shape(f"{name}[{k!r}]", out[k], exp, dims, note)
    return out, I, H
