"""Shared checker of backward-pass exercises: structure, central differences, mistake models.

A backward exercise gives the learner's ``fn(*case)`` a few seeded cases; the answer is a
dict of gradients compared with central differences. A wrong answer is compared with a
model of the backward pass whose keyword knobs are the known mistakes: the first one or
two knob settings that reproduce every answer name the mistake.
"""

from __future__ import annotations

import copy
import itertools
from typing import Callable

import numpy as np

from ..exercises import Verdict, call_learner
from ..exercises._cases import _mutated_verdict, _mutations
from ..exercises._layout import _not_a_mapping_of
from ..exercises._text import _Msg, _Word, _describe

RTOL, ATOL = 1e-5, 1e-7     # learner vs central differences (their own error is ~1e-9)
MODEL_TOL = 1e-9            # learner vs a mistake model: both exact up to rounding
EPS = 1e-6                  # central-difference step

MESSAGES = {
    "en": {
        "grad.value_wrong": "{key} should be {expected}, but your function returned {got}.",
        "grad.nonfinite": "{key} contains NaN or inf (test case {case}).",
    },
    "ko": {
        "grad.value_wrong": ("{key}의 타입이 틀렸습니다. 기대한 것은 {expected}인데, 반환된 것은 "
                             "{got}입니다."),
        "grad.nonfinite": "{key}에 NaN 또는 inf 값이 있습니다(테스트 {case}).",
    },
}


def central_differences(loss: Callable[[dict], float], inputs: dict, keys,
                        eps: float = EPS) -> dict:
    """∂loss/∂inputs[key] for each key, entry by entry: (loss(+eps) − loss(−eps)) / 2 eps.

    ``inputs`` is copied; ``loss(inputs)`` reads the arrays it needs from the dict.
    """
    inputs = {k: np.array(v, dtype=np.float64, copy=True) for k, v in inputs.items()}
    grads = {}
    for key in keys:
        arr = inputs[key]
        grad = np.empty_like(arr)
        for idx in np.ndindex(arr.shape):
            old = arr[idx]
            arr[idx] = old + eps
            up = loss(inputs)
            arr[idx] = old - eps
            grad[idx] = (up - loss(inputs)) / (2 * eps)
            arr[idx] = old
        grads[key] = grad
    return grads


def _close(a, b, rtol=RTOL, atol=ATOL) -> bool:
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol)


def _search(model: Callable, mistakes, answers: list, cases: list, keys) -> list:
    """The first one or two ``(knob, value, code)`` mistakes that reproduce every answer."""
    def matches(combo) -> bool:
        knobs = {knob: value for knob, value, _ in combo}
        with np.errstate(all="ignore"):
            for got, case in zip(answers, cases):
                out = model(*copy.deepcopy(case), **knobs)
                if not all(_close(got[k], out[k], MODEL_TOL, MODEL_TOL) for k in keys):
                    return False
        return True

    for mistake in mistakes:
        if matches((mistake,)):
            return [mistake]
    for a, b in itertools.combinations(mistakes, 2):
        if a[0] != b[0] and matches((a, b)):
            return [a, b]
    return []


def check_backward(fn, *, cases: list, labels: list, arg_names: tuple, keys: tuple,
                   numerical: Callable, model: Callable, mistakes, prefix: str) -> Verdict:
    """Run the learner's ``fn`` on every case and judge its dict of gradients.

    - ``cases``: argument tuples; ``labels``: their names in messages.
    - ``numerical(*case) -> dict`` and ``model(*case, **knobs) -> dict``: the referee and
      the mistake model, both with ``keys``.
    - ``mistakes``: ``(knob, value, diagnosis code)``; a code is also a message code.
    - ``prefix``: diagnosis prefix (``"rnn_bwd"``) for the unmodelled mismatch.
    """
    answers, first_wrong = [], None
    for case, label in zip(cases, labels):
        used = copy.deepcopy(case)
        got = call_learner(fn, used, case=label)
        names = sum((_mutations(o, u, n) for o, u, n in zip(case, used, arg_names)), [])
        if names:
            return _mutated_verdict(names)
        problem = _not_a_mapping_of(got, keys, "bwd")
        if problem is not None:
            return problem
        expected = numerical(*case)
        for key in keys:
            value = got[key]
            if not isinstance(value, np.ndarray):
                return Verdict.fail("grad.value_wrong", diagnosis="wrong_type", key=key,
                                    expected=_Word("array"), got=_describe(value))
            if value.shape != expected[key].shape:
                return Verdict.fail("tb.wrong_shape", diagnosis="wrong_shape", key=key,
                                    got=value.shape, expected=expected[key].shape)
            if not np.all(np.isfinite(value)):
                return Verdict.fail("grad.nonfinite", diagnosis="nonfinite", key=key, case=label)
        wrong = [key for key in keys if not _close(got[key], expected[key])]
        if wrong and first_wrong is None:
            err = max(float(np.max(np.abs(got[key] - expected[key]))) for key in wrong)
            first_wrong = (wrong, err, label)
        answers.append(dict(got))
    if first_wrong is None:
        return Verdict.ok(len(cases))
    wrong, err, label = first_wrong
    parts = [_Msg("bwd.wrong", keys=", ".join(wrong), err=f"{err:.1e}", case=label)]
    found = _search(model, mistakes, answers, cases, keys)
    if not found:
        return Verdict("failed", parts, f"{prefix}.mismatch", {"keys": tuple(wrong)})
    return Verdict("failed", parts + [_Msg(code) for _, _, code in found],
                   "+".join(code for _, _, code in found),
                   {"keys": tuple(wrong), "knobs": tuple((k, v) for k, v, _ in found)})
