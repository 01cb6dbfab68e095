"""Prediction exercises: the learner predicts an experiment's outcome, the checker runs it.

A prediction is either a choice among labelled options or a number with a tolerance. The
learner answers with a zero-argument function returning the label (``"b"``) or the
number, so that the grader can call it in a child process like any other answer:

    def answer():
        return "b"
    rnnbook.exercises.check("predict_memory", answer)

The right answer is never stored: ``settle()`` runs the experiment with package code and
returns the outcome with the measured facts that explain it. Each wrong option carries the
misconception that leads to it, so a wrong prediction is answered with why it is wrong,
then with what the experiment measured. The notebook runs the experiment itself next.

Framework only (additive): it registers its checkers through :func:`register`; the
exercises themselves live in :mod:`rnnbook.exercise_bank.predictions`.

Explained in chapters/<lang>/01_rnn (exercise 1.4, the first prediction).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from .. import LANGUAGES
from ._core import Verdict, _load_chapters, call_learner, register
from ._text import _Msg, _describe

MESSAGES = {
    "en": {
        "predict.right": "Right: ({label}) {option} {why}",
        "predict.wrong": ("Not this one: you predicted ({got}) {chosen} {misconception} "
                          "The experiment gives ({label}) {option} {why}"),
        "predict.wrong_type": ("Return one of the labels {labels} as a string from a function "
                               "without arguments; your function returned {got}."),
        "predict.unknown": "'{got}' is not one of the options {labels}.",
        "predict.num_right": "Right: you predicted {got}; the experiment gives {value}. {why}",
        "predict.num_wrong": ("You predicted {got}; the experiment gives {value}, so the "
                              "prediction is too {side} (a prediction within {tol} counts). "
                              "{why}"),
        "predict.num_type": ("Return one number from a function without arguments; your "
                             "function returned {got}."),
        "predict.high": "high",
        "predict.low": "low",
    },
    "ko": {
        "predict.right": "맞습니다: ({label}) {option} {why}",
        "predict.wrong": ("이 답은 아닙니다. 예측한 답은 ({got}) {chosen} {misconception} "
                          "실험 결과는 ({label}) {option} {why}"),
        "predict.wrong_type": ("인자 없는 함수에서 보기 {labels} 가운데 하나를 문자열로 반환해야 "
                               "하는데, 반환된 것은 {got}입니다."),
        "predict.unknown": "'{got}'에 해당하는 보기가 없습니다. 보기는 {labels}입니다.",
        "predict.num_right": "맞습니다: 예측값 {got}, 실험값 {value}입니다. {why}",
        "predict.num_wrong": ("예측값은 {got}인데 실험값은 {value}이므로 예측이 {side}. 차이가 "
                              "{tol} 이내면 맞는 것으로 칩니다. {why}"),
        "predict.num_type": ("인자 없는 함수에서 숫자 하나를 반환해야 하는데, 반환된 것은 "
                             "{got}입니다."),
        "predict.high": "너무 큽니다",
        "predict.low": "너무 작습니다",
    },
}


@dataclass(frozen=True)
class Option:
    """One labelled answer: its text and, for a wrong one, the misconception behind it."""

    label: str
    text: Mapping                     # {lang: sentence}
    misconception: Mapping            # {lang: why someone picks it, and why it is wrong}


class _Text:
    """A sentence given in every language, with ``{fact}`` fields filled from ``facts``."""

    def __init__(self, text: Mapping, facts: Mapping | None = None):
        self.text, self.facts = text, dict(facts or {})

    def render(self, lang: str, extra=None) -> str:
        return self.text[lang].format(**self.facts)


def _check_langs(name: str, text: Mapping) -> Mapping:
    if not isinstance(text, Mapping) or set(text) != set(LANGUAGES):
        raise ValueError(f"{name} must give one text per language {LANGUAGES}, got {text!r}")
    return text


def _as_label(got):
    if isinstance(got, str):
        return got.strip().strip("()").strip().lower()
    return None


def choice(exercise_id: str, *, question: Mapping, options: list, settle: Callable,
           why: Mapping) -> Callable:
    """Register a multiple-choice prediction; return its checker.

    - ``question``: ``{lang: text}`` as the chapter asks it (see :func:`question`).
      Every text here is a ``str.format`` template: write a literal brace twice, ``h_{{t}}``.
    - ``options``: :class:`Option` list; labels are short lower-case strings.
    - ``settle()``: runs the experiment; returns ``(label of the outcome, facts)``, the
      facts a dict of printable values the ``why`` text uses.
    - ``why``: ``{lang: template}`` explaining the outcome with ``{fact}`` fields.
    """
    _check_langs("question", question)
    _check_langs("why", why)
    by_label = {}
    for option in options:
        _check_langs(f"option {option.label} text", option.text)
        _check_langs(f"option {option.label} misconception", option.misconception)
        by_label[option.label] = option
    labels = ", ".join(f"'{label}'" for label in by_label)

    def checker(fn) -> Verdict:
        got = call_learner(fn, (), case="()")
        label = _as_label(got)
        if label is None:
            if got is None:
                return Verdict.fail("returned_none")
            return Verdict.fail("predict.wrong_type", diagnosis="wrong_type", labels=labels,
                                got=_describe(got))
        if label not in by_label:
            return Verdict.fail("predict.unknown", diagnosis="unknown_option", got=label,
                                labels=labels)
        outcome, facts = settle()
        right = by_label[outcome]
        because = _Text(why, facts)
        if label == outcome:
            return Verdict("passed", [_Msg("predict.right", label=outcome,
                                           option=_Text(right.text), why=because)],
                           None, {"answer": label})
        chosen = by_label[label]
        return Verdict("failed", [_Msg("predict.wrong", got=label, chosen=_Text(chosen.text),
                                       misconception=_Text(chosen.misconception, facts),
                                       label=outcome, option=_Text(right.text),
                                       why=because)],
                       f"{exercise_id}.{label}", {"answer": label, "outcome": outcome})

    _QUESTIONS[exercise_id] = (question, options)
    register(exercise_id, checker, messages=MESSAGES)
    return checker


def number(exercise_id: str, *, question: Mapping, settle: Callable, tol: float,
           why: Mapping, digits: int = 3) -> Callable:
    """Register a numeric prediction: right when |answer − outcome| ≤ ``tol``.

    ``settle()`` returns ``(value, facts)``; ``digits`` are the significant digits shown.
    """
    _check_langs("question", question)
    _check_langs("why", why)
    if not tol > 0:
        raise ValueError(f"tol must be positive, got {tol!r}")

    def show(x: float) -> str:
        return f"{x:.{digits}g}"

    def checker(fn) -> Verdict:
        got = call_learner(fn, (), case="()")
        if isinstance(got, np.ndarray) and got.size == 1:
            got = got.reshape(())[()]
        if isinstance(got, bool) or not isinstance(got, (int, float, np.integer, np.floating)) \
                or not math.isfinite(float(got)):
            if got is None:
                return Verdict.fail("returned_none")
            return Verdict.fail("predict.num_type", diagnosis="wrong_type", got=_describe(got))
        value, facts = settle()
        got = float(got)
        because = _Text(why, facts)
        if abs(got - value) <= tol:
            return Verdict("passed", [_Msg("predict.num_right", got=show(got), value=show(value),
                                           why=because)], None, {"answer": got})
        side = "high" if got > value else "low"
        return Verdict("failed", [_Msg("predict.num_wrong", got=show(got), value=show(value),
                                       tol=show(tol), side=_Msg(f"predict.{side}"),
                                       why=because)],
                       f"{exercise_id}.too_{side}", {"answer": got, "outcome": value})

    _QUESTIONS[exercise_id] = (question, [])
    register(exercise_id, checker, messages=MESSAGES)
    return checker


_QUESTIONS: dict = {}


def question(exercise_id: str, lang: str = "en") -> str:
    """The question of a prediction exercise and its options, as plain text in ``lang``."""
    _load_chapters()
    if exercise_id not in _QUESTIONS:
        from .._validate import say

        known = ", ".join(sorted(_QUESTIONS))
        raise KeyError(say(f"{exercise_id!r} is not a prediction exercise; known: {known}",
                           f"{exercise_id!r}라는 예측 연습문제는 없습니다. 있는 것: {known}"))
    text, options = _QUESTIONS[exercise_id]
    lines = [text[lang].format()] + [f"({o.label}) {o.text[lang].format()}" for o in options]
    return "\n".join(lines)
