"""Test cases, references and answer checks that the checkers share."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from ._core import Verdict, case_seed
from ._text import _GATE_LETTERS, _Msg, _Word, _describe

TOL = 1e-8          # learner vs reference: float64 rounding differs by ~1e-15, mistakes by ~1e-2
_STEP_SHAPES = ((1, 3, 5), (4, 3, 5), (3, 6, 2), (1, 4, 3))   # (B, I, H): B = 1, B > 1, I ≠ H
_WEIGHT_SCALE = 0.8
_PARAM_KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


@dataclass
class _Case:
    B: int
    I: int
    H: int
    args: tuple
    kwargs: dict

    @property
    def label(self) -> str:
        extra = "".join(f', {k}="{v}"' for k, v in self.kwargs.items())
        return f"B={self.B}, I={self.I}, H={self.H}{extra}"


def _random_params(rng, G: int, I: int, H: int) -> dict:
    shapes = {"weight_ih": (G * H, I), "weight_hh": (G * H, H),
              "bias_ih": (G * H,), "bias_hh": (G * H,)}
    return {k: rng.uniform(-_WEIGHT_SCALE, _WEIGHT_SCALE, size=s) for k, s in shapes.items()}


def _step_cases(cell: str) -> list:
    G = len(_GATE_LETTERS[cell]) if cell != "rnn" else 1
    cases = []
    for k, (B, I, H) in enumerate(_STEP_SHAPES):
        rng = np.random.default_rng(case_seed(7_000 + 100 * G + k))
        p = _random_params(rng, G, I, H)
        x = rng.normal(size=(B, I))
        h = rng.uniform(-0.9, 0.9, size=(B, H))
        if cell == "lstm":
            args = (x, (h, rng.normal(size=(B, H))), p)
        else:
            args = (x, h, p)
        kwargs = {"nonlinearity": "relu"} if cell == "rnn" and k >= 2 else {}
        cases.append(_Case(B, I, H, args, kwargs))
    return cases


def _reference(cell: str, case: _Case):
    from .. import numpy_ref
    step = {"rnn": numpy_ref.rnn_step, "lstm": numpy_ref.lstm_step, "gru": numpy_ref.gru_step}
    return step[cell](*copy.deepcopy(case.args), **case.kwargs)


def _outputs(cell: str, value) -> tuple:
    return tuple(value) if cell == "lstm" else (value,)


def _max_error(a: tuple, b: tuple) -> float:
    return max(float(np.max(np.abs(x - y))) if x.size else 0.0 for x, y in zip(a, b))


def _close(a: tuple, b: tuple) -> bool:
    return all(x.shape == y.shape and np.allclose(x, y, rtol=TOL, atol=TOL)
               for x, y in zip(a, b))


def _mutations(original, used, name: str) -> list:
    """Names of the inputs the learner changed (arrays compared bit for bit)."""
    if isinstance(original, np.ndarray):
        same = (isinstance(used, np.ndarray) and used.shape == original.shape
                and np.array_equal(used, original, equal_nan=True))
        return [] if same else [name]
    if isinstance(original, dict):
        if not isinstance(used, dict) or set(used) != set(original):
            return [name]
        return sum((_mutations(original[k], used[k], f"{name}['{k}']") for k in original), [])
    if isinstance(original, tuple):
        names = ("h", "c") if len(original) == 2 else ()
        if not isinstance(used, (tuple, list)) or len(used) != len(original):
            return [name]
        return sum((_mutations(o, u, n) for o, u, n in zip(original, used, names)), [])
    return []


def _array_problem(value, B: int, H: int, what: str):
    """A sentence saying what is wrong with one returned array's type, shape or values."""
    if not isinstance(value, np.ndarray):
        return _Msg("wrong_type", what=what, expected=_Word("array"), got=_describe(value))
    if value.shape != (B, H):
        if value.shape == (H,) and B == 1:
            return _Msg("dropped_batch", what=what, got=value.shape, expected=(B, H))
        if value.shape == (H, B):
            return _Msg("transposed", what=what, got=value.shape, expected=(B, H))
        return _Msg("wrong_shape", what=what, got=value.shape, expected=(B, H))
    if value.dtype != np.float64:
        return _Msg("wrong_dtype", what=what, got=str(value.dtype))
    if not np.all(np.isfinite(value)):
        return _Msg("nonfinite", what=what, case="{case}")
    return None


def _not_arrays_like(got, expected: dict, keys, *, finite_case: str | None = None):
    """A failing verdict unless every ``got[key]`` is an array of ``expected[key]``'s shape.

    With ``finite_case`` (the test case's label) NaN or inf fails too.
    """
    for key in keys:
        value = got[key]
        if not isinstance(value, np.ndarray):
            return Verdict.fail("wrong_type", what=key, expected=_Word("array"),
                                got=_describe(value))
        if value.shape != expected[key].shape:
            return Verdict.fail("tb.wrong_shape", diagnosis="wrong_shape", key=key,
                                got=value.shape, expected=expected[key].shape)
        if finite_case is not None and not np.all(np.isfinite(value)):
            return Verdict.fail("nonfinite", what=key, case=finite_case)
    return None


def _structure(cell: str, value, case: _Case):
    """Return (outputs, None) or (None, (diagnosis code, sentence))."""
    B, H = case.B, case.H
    if value is None:
        return None, ("returned_none", _Msg("returned_none"))
    if cell == "lstm":
        if isinstance(value, np.ndarray):
            if value.shape == (B, H):
                return None, ("lstm.only_h", _Msg("lstm.only_h"))
            return None, ("lstm.structure", _Msg("lstm.structure", got=_describe(value)))
        if isinstance(value, list) and len(value) == 2:
            return None, ("lstm.list", _Msg("lstm.list"))
        if not isinstance(value, tuple) or len(value) != 2:
            return None, ("lstm.structure", _Msg("lstm.structure", got=_describe(value)))
        names = ("h_next", "c_next")
    else:
        value, names = (value,), ("h_next",)
    for array, name in zip(value, names):
        problem = _array_problem(array, B, H, name)
        if problem is not None:
            if problem.code == "nonfinite":
                problem.args["case"] = case.label
            return None, (problem.code, problem)
    return tuple(value), None


def _mutated_verdict(names: list) -> Verdict:
    return Verdict("failed", [_Msg("mutated_input", names=", ".join(names))],
                   "mutated_input", {"inputs": tuple(names)})
