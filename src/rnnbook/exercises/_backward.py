"""The one checker of backward-pass exercises: answer checks, central differences, diagnosis.

A backward exercise calls the learner's ``fn(*case)`` on a few seeded cases; the answer is
a dict of gradients, one per input. :func:`check_backward` judges it case by case, in
this order: the call itself (an exception becomes its verdict), inputs left unchanged, a
dict with every key, then for each key a NumPy array of its input's shape with finite
entries (an exercise may count NaN and inf as wrong values instead), and last the values
against :func:`central_differences` (the loop of :func:`rnnbook.gradcheck.numerical_gradient`).
Only a wrong value is the exercise's own business: a ``diagnose`` callback explains it.
:func:`knob_search` makes the usual explanation, a model of the backward pass whose
keyword knobs are the known mistakes (the first one or two knob settings that reproduce
every answer name the mistake); an exercise may write its own instead (the LSTM step's
names the wrong gate rows, :mod:`._gradients`).

Used by ``lstm_cell_backward`` (:mod:`._gradients`), ``rnn_backward`` and
``gru_cell_backward`` (:mod:`rnnbook.exercise_bank`).
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .. import gradcheck
from ._cases import _mutated_verdict, _mutations, _not_arrays_like
from ._core import Verdict, call_learner
from ._layout import _not_a_mapping_of
from ._text import _Msg

RTOL, ATOL = 1e-5, 1e-7     # learner vs central differences (their own error is ~1e-9)
MODEL_TOL = 1e-9            # learner vs a mistake model: both exact up to rounding
EPS = 1e-6                  # central-difference step


def central_differences(loss: Callable[[dict], float], inputs: dict, keys,
                        eps: float = EPS) -> dict:
    """∂loss/∂inputs[key] for each key, entry by entry: (loss(+eps) − loss(−eps)) / 2 eps.

    ``inputs`` is copied (as float64); ``loss(inputs)`` reads the arrays it needs from the
    dict, whose entries :func:`rnnbook.gradcheck.numerical_gradient` perturbs in place.
    """
    inputs = {k: np.array(v, dtype=np.float64, copy=True) for k, v in inputs.items()}
    return {key: gradcheck.numerical_gradient(lambda _: loss(inputs), inputs[key], eps)
            for key in keys}


def close(a: np.ndarray, b: np.ndarray, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """Same shape and equal within ``rtol`` and ``atol`` (by default: as a right answer)."""
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol)


@dataclass(frozen=True)
class Answers:
    """What :func:`check_backward` hands to ``diagnose`` once some gradient is wrong.

    ``cases``, ``got`` and ``expected`` run in step: the argument tuples the learner was
    called on, its dicts of gradients and the central differences. ``first`` indexes the
    first case with a wrong gradient and ``wrong`` names its wrong keys; ``keys`` are all
    the keys of the answer.
    """

    cases: list
    got: list
    expected: list
    keys: tuple
    first: int
    wrong: tuple


def check_backward(fn, *, cases: list, labels: list, arg_names: tuple, keys: tuple,
                   numerical: Callable, diagnose: Callable, check_finite: bool = True,
                   stop_at_first_wrong: bool = False) -> Verdict:
    """Run the learner's ``fn`` on every case and judge its dict of gradients.

    - ``cases``: argument tuples; ``labels``: their names in messages; ``arg_names``:
      the arguments' names, for a message about an input changed in place.
    - ``numerical(*case) -> dict``: the referee, with ``keys``.
    - ``diagnose(answers: Answers) -> (diagnosis, parts, details)``: the diagnosis code,
      the sentences that follow "Wrong gradients: …", and details beside ``"keys"``.
    - ``check_finite``: NaN or inf in an answer fails at once (otherwise it is a wrong
      value and goes to ``diagnose``).
    - ``stop_at_first_wrong``: stop calling ``fn`` after the first case with a wrong
      gradient (for a ``diagnose`` that looks at that case only).
    """
    done, answers, expectations, first = [], [], [], None
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
        problem = _not_arrays_like(got, expected, keys,
                                   finite_case=label if check_finite else None)
        if problem is not None:
            return problem
        done.append(case)
        answers.append(dict(got))
        expectations.append(expected)
        wrong = tuple(key for key in keys if not close(got[key], expected[key]))
        if wrong and first is None:
            first = (len(done) - 1, wrong)
            if stop_at_first_wrong:
                break
    if first is None:
        return Verdict.ok(len(cases))
    index, wrong = first
    err = max(float(np.max(np.abs(answers[index][key] - expectations[index][key])))
              for key in wrong)
    head = _Msg("bwd.wrong", keys=", ".join(wrong), err=f"{err:.1e}", case=labels[index])
    diagnosis, parts, details = diagnose(Answers(done, answers, expectations, tuple(keys),
                                                 index, wrong))
    return Verdict("failed", [head, *parts], diagnosis, {"keys": wrong, **details})


def knob_search(model: Callable, mistakes, prefix: str) -> Callable:
    """A ``diagnose`` for :func:`check_backward` that names the mistake by a model's knobs.

    - ``model(*case, **knobs) -> dict``: the backward pass, right with default knobs.
    - ``mistakes``: ``(knob, value, diagnosis code)``; a code is also a message code.
    - ``prefix``: diagnosis prefix (``"rnn_bwd"``): ``"<prefix>.mismatch"`` when no one
      or two mistakes reproduce every answer.
    """
    def diagnose(answers: Answers) -> tuple:
        found = _search(model, mistakes, answers.got, answers.cases, answers.keys)
        if not found:
            return f"{prefix}.mismatch", [], {}
        return ("+".join(code for _, _, code in found), [_Msg(code) for _, _, code in found],
                {"knobs": tuple((knob, value) for knob, value, _ in found)})

    return diagnose


def _search(model: Callable, mistakes, answers: list, cases: list, keys) -> list:
    """The first one or two ``(knob, value, code)`` mistakes that reproduce every answer."""
    def matches(combo) -> bool:
        knobs = {knob: value for knob, value, _ in combo}
        with np.errstate(all="ignore"):
            for got, case in zip(answers, cases):
                out = model(*copy.deepcopy(case), **knobs)
                if not all(close(got[k], out[k], MODEL_TOL, MODEL_TOL) for k in keys):
                    return False
        return True

    for mistake in mistakes:
        if matches((mistake,)):
            return [mistake]
    for a, b in itertools.combinations(mistakes, 2):
        if a[0] != b[0] and matches((a, b)):
            return [a, b]
    return []
