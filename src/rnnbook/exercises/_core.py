"""Results, verdicts, the registry and :func:`check`, which runs a checker safely.

The learner's code runs with its output captured; its exceptions become verdicts, and a
failure of a checker itself becomes an ``"error"`` result.

Explained in chapters/<lang>/00_how_to_use.
"""

from __future__ import annotations

import contextlib
import html
import io
import os
import re
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np

from .. import LANGUAGES, current_lang
from ._text import _Msg, _clean, _type_name

_GRADING = {"seed": None}      # set by the grader: test cases are drawn afresh from it
CALL_LIMIT = 10.0              # seconds one call of the learner's function may take in a notebook

_ICONS = {"passed": "✅", "failed": "❌", "not_attempted": "⏳", "error": "⚠️"}
_COLOURS = {"passed": ("#2e7d32", "#edf7ee"), "failed": ("#c62828", "#fdecea"),
            "not_attempted": ("#6d6d6d", "#f3f3f3"), "error": ("#b26a00", "#fff4e5")}
_NUMPY_DIR = os.path.dirname(np.__file__)


def case_seed(base: int) -> int:
    """The seed of a checker's test case number ``base``.

    In a notebook this is ``base`` itself, so the stored results never change. While the
    grader has set a grading seed (:func:`grading_cases`) it is a number derived from both,
    so every grading run draws new test values and a table of the notebook's cases fails.
    Checkers draw every random test value from ``np.random.default_rng(case_seed(...))``.
    """
    seed = _GRADING["seed"]
    if seed is None:
        return base
    return int(np.random.SeedSequence([int(base), int(seed)]).generate_state(1)[0])


def grading_seed():
    """The grading seed set by :func:`grading_cases`, or None in a notebook."""
    return _GRADING["seed"]


@contextlib.contextmanager
def grading_cases(seed: int):
    """Within this block every checker draws its test cases from ``seed`` (see :func:`case_seed`)."""
    old = dict(_GRADING)
    _GRADING.update(seed=int(seed), limit=False)  # the grader keeps its own time limits
    try:
        yield
    finally:
        _GRADING.clear()
        _GRADING.update(old)


@dataclass(frozen=True, repr=False, eq=False)
class Result:
    """What :func:`check` returns: displays itself as one block in a notebook."""

    exercise_id: str
    status: str                       # "passed" | "failed" | "not_attempted" | "error"
    lang: str
    messages: Mapping[str, str]       # the message in every language
    diagnosis: str | None = None      # stable code of the mistake, e.g. "lstm.gate_order"
    details: Mapping = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def message(self) -> str:
        return self.messages[self.lang]

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return f"{_ICONS[self.status]} {self.exercise_id} — {self.message}"

    __str__ = __repr__

    def _repr_html_(self) -> str:
        border, background = _COLOURS[self.status]
        body = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(self.message, quote=False))
        return (f'<div style="border-left: 4px solid {border}; background: {background}; '
                f'color: #1f2328; padding: 0.5em 0.9em; margin: 0.3em 0; '
                f'border-radius: 4px; line-height: 1.5">'
                f"<strong>{_ICONS[self.status]} {html.escape(self.exercise_id)}</strong> — "
                f"{body}</div>")


@dataclass
class Verdict:
    """What a checker returns: a status, its sentences and a stable diagnosis code."""

    status: str
    parts: list
    diagnosis: str | None = None
    details: dict = field(default_factory=dict)

    @classmethod
    def ok(cls, n: int, code: str = "passed") -> "Verdict":
        return cls("passed", [_Msg(code, n=n)])

    @classmethod
    def fail(cls, code: str, /, *, diagnosis: str | None = None, details: dict | None = None,
             **args) -> "Verdict":
        return cls("failed", [_Msg(code, **args)], diagnosis or code, dict(details or {}))


class LearnerError(Exception):
    """Raised by :func:`call_learner` when the learner's code raised; carries the verdict."""

    def __init__(self, verdict: Verdict):
        super().__init__(verdict.diagnosis)
        self.verdict = verdict


@dataclass
class _Call:
    value: object = None
    exc: BaseException | None = None


class CallTimeLimit(BaseException):
    """Raised inside the learner's function when one call takes longer than :data:`CALL_LIMIT`."""


@contextlib.contextmanager
def _time_limit():
    """Interrupt the block after :data:`CALL_LIMIT` seconds (main thread, POSIX only)."""
    import signal
    import threading
    usable = (_GRADING.get("limit", True) and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def stop(signum, frame):
        raise CallTimeLimit(f"{CALL_LIMIT:g}")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, CALL_LIMIT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _invoke(fn: Callable, args: tuple, kwargs: dict | None = None) -> _Call:
    """Call learner code with its printing, warnings and float errors kept out of sight,
    and stopped if it runs longer than :data:`CALL_LIMIT` seconds (an endless loop)."""
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink), \
            warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            with _time_limit():
                return _Call(value=fn(*args, **(kwargs or {})))
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # SystemExit too: a learner's sys.exit() is a result
            return _Call(exc=exc)


def _text_of(exc: BaseException) -> str:
    """The exception's message; a learner's exception whose ``__str__`` raises has none."""
    try:
        return _clean(exc)
    except BaseException:
        return ""


def _exception_verdict(exc: BaseException, case: str) -> Verdict:
    if isinstance(exc, NotImplementedError):
        return Verdict("not_attempted", [_Msg("not_attempted")], "not_attempted")
    if isinstance(exc, CallTimeLimit):
        return Verdict("failed", [_Msg("time_limit", seconds=f"{CALL_LIMIT:g}", case=case)],
                       "time_limit")
    where = ""
    # The grader's proxy attaches the frames it saw in the learner's process.
    frames = getattr(exc, "learner_frames", None)
    if frames is None:
        frames = [(f.name, f.lineno, f.line) for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename != __file__ and not f.filename.startswith(_NUMPY_DIR)]
    if frames:
        name, line, code = frames[-1]
        where = _Msg("exception.where", func=name, line=line, code=_clean(code or "", 80))
    return Verdict("failed", [_Msg("exception", etype=type(exc).__name__,
                                   emsg=_text_of(exc) or _Msg("exception.no_text"),
                                   where=where, case=case)],
                   "exception", {"exception": type(exc).__name__})


def call_learner(fn: Callable, args: tuple = (), kwargs: dict | None = None, *,
                 case: str = "") -> object:
    """Call the learner's ``fn(*args, **kwargs)`` for a checker and return its value.

    Output is captured; if ``fn`` raises, :class:`LearnerError` carries the verdict
    (``NotImplementedError`` means "not attempted yet") and :func:`check` reports it.
    ``case`` names the test case in the message (e.g. ``"B=4, I=3, H=5"``).
    """
    call = _invoke(fn, args, kwargs)
    if call.exc is not None:
        raise LearnerError(_exception_verdict(call.exc, case))
    return call.value


@dataclass
class _Exercise:
    checker: Callable
    messages: dict
    grading_setup: Callable | None = None
    prepared: bool = False


_REGISTRY: dict[str, _Exercise] = {}


def register(exercise_id: str, checker: Callable | None = None, *,
             messages: Mapping | None = None, grading_setup: Callable | None = None):
    """Register ``checker(fn) -> Verdict`` under ``exercise_id``; usable as a decorator.

    ``messages`` maps each language to ``{code: template}`` for the codes this checker
    uses beyond the built-in catalogue (:mod:`rnnbook._messages`). Inside the checker,
    call the learner through :func:`call_learner`. ``grading_setup()``, if given, is called
    once by the grader (:func:`prepare_grading`) for a checker that compares with something
    a notebook measures: the grader measures it itself instead of trusting the notebook.

    Explained in chapters/<lang>/00_how_to_use.
    """
    if not isinstance(exercise_id, str) or not exercise_id:
        raise TypeError(f"exercise_id must be a non-empty str, got {exercise_id!r}")
    messages = dict(messages or {})
    if messages and set(messages) != set(LANGUAGES):
        raise ValueError(f"messages must have one catalogue per language {LANGUAGES}, "
                         f"got {sorted(messages)}")

    def add(func: Callable) -> Callable:
        if not callable(func):
            raise TypeError(f"checker must be callable, got {type(func).__name__}")
        _REGISTRY[exercise_id] = _Exercise(func, messages, grading_setup)
        return func

    return add if checker is None else add(checker)


def _load_chapters() -> None:
    """Import :mod:`rnnbook.exercise_bank`, whose chapter modules register their ids."""
    try:
        from .. import exercise_bank
        exercise_bank.load_all()
    except Exception:  # a broken chapter module must not break the built-in exercises
        pass


def prepare_grading(exercise_id: str) -> None:
    """Run the ``grading_setup`` of ``exercise_id`` once in this process (see :func:`register`)."""
    _load_chapters()
    exercise = _REGISTRY.get(exercise_id)
    if exercise is not None and exercise.grading_setup is not None and not exercise.prepared:
        exercise.grading_setup()
        exercise.prepared = True


def known_ids() -> tuple:
    """The registered exercise ids (built in and the chapters' own), sorted."""
    _load_chapters()
    return tuple(sorted(_REGISTRY))


def check(exercise_id: str, fn: Callable, lang: str | None = None, graded: bool = True) -> Result:
    """Check the learner's ``fn`` for ``exercise_id``; return a :class:`Result`.

    ``lang`` ("ko" | "en") defaults to the one chosen by :func:`rnnbook.setup`.
    ``graded=False`` marks a demonstration (a chapter showing what the checker says
    about a known mistake): the grader, reading the instructor's copy, does not count it
    as an exercise.
    Never raises: an unknown id, a non-callable ``fn`` or a failure of the checker
    itself gives a result with status ``"error"``.

    Explained in chapters/<lang>/00_how_to_use.
    """
    if lang not in LANGUAGES:
        lang = current_lang()
    exercise = _REGISTRY.get(exercise_id) if isinstance(exercise_id, str) else None
    if exercise is None and isinstance(exercise_id, str):
        _load_chapters()
        exercise = _REGISTRY.get(exercise_id)
    extra: dict = {}
    if exercise is None:
        verdict = Verdict("error", [_Msg("unknown_id", id=repr(exercise_id),
                                         known=", ".join(known_ids()))], "unknown_id")
    elif not callable(fn):
        verdict = Verdict("error", [_Msg("not_callable", type=_type_name(fn))], "not_callable")
    else:
        extra = exercise.messages
        try:
            verdict = exercise.checker(fn)
        except LearnerError as err:
            verdict = err.verdict
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            verdict = Verdict("error", [_Msg("checker_error", etype=type(exc).__name__,
                                             emsg=_clean(exc))], "checker_error")
    return _result(str(exercise_id), verdict, lang, extra)


def _result(exercise_id: str, verdict: Verdict, lang: str, extra: Mapping) -> Result:
    messages = {}
    for each in LANGUAGES:
        try:
            messages[each] = " ".join(part.render(each, extra) for part in verdict.parts)
        except Exception as exc:  # a broken template must not hide the verdict
            messages[each] = f"{verdict.diagnosis or verdict.status} ({_clean(exc)})"
    return Result(exercise_id, verdict.status, lang, messages, verdict.diagnosis,
                  dict(verdict.details))

