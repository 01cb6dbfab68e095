"""Compare and diagnose in the grader's own process; grade one submission.

The checker is the learner-side one, :func:`rnnbook.exercises.check`, run here in the
grader with two differences: the learner's function is a :class:`Proxy` that forwards
every call to the sandboxed child (so the checker's diagnosing probes, which call the
function many times, work unchanged for every registered exercise), and the test values
are drawn afresh from a grading seed (:func:`rnnbook.exercises.grading_cases`). The
verdict, the reference and the comparison all live in this process; the child only ever
returns plain data (:mod:`rnnbook.grade.protocol`).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from .. import exercises
from .answers import take_answers
from .master import Master, read_notebook
from .sandbox import ChildGone, Limits, Sandbox, isolation

STATUSES = ("passed", "failed", "not_attempted", "missing", "error", "timeout", "crashed")

TEXT = {
    "en": {
        "missing": "No definition of `{fn}` found in the notebook.",
        "syntax": "`{fn}` cannot run: {where}.",
        "undefined": "`{fn}` is not defined after running the notebook's code ({why}).",
        "after_setup": "This follows from an earlier error: {errors}.",
        "setup_row": "{where}: {etype}: {emsg}",
        "stopped": "Stopped: {detail}.",
        "unreadable": "The notebook cannot be read: {detail}.",
        "rnnbook_calls": "Note: during grading the function called {calls}.",
    },
    "ko": {
        "missing": "노트북에서 `{fn}`의 정의를 찾지 못했습니다.",
        "syntax": "`{fn}`를 실행할 수 없습니다: {where}.",
        "undefined": "노트북의 코드를 실행한 뒤에도 `{fn}`가 정의되지 않았습니다({why}).",
        "after_setup": "앞선 오류에서 비롯된 것입니다: {errors}.",
        "setup_row": "{where}: {etype}: {emsg}",
        "stopped": "중단했습니다: {detail}.",
        "unreadable": "노트북을 읽을 수 없습니다: {detail}.",
        "rnnbook_calls": "참고: 채점 중에 함수가 {calls}를 호출했습니다.",
    },
}


class Stopped(Exception):
    """Raised by the proxy once the child is gone; the checker sees it as an exception."""


def _rebuild(raised) -> BaseException:
    """An exception standing for the learner's, built from plain data only."""
    raised = raised if isinstance(raised, dict) else {}
    name = str(raised.get("type", "Exception"))[:100] or "Exception"
    message = str(raised.get("message", ""))[:300]
    if name == "NotImplementedError":
        exc: BaseException = NotImplementedError(message)
    else:
        kind = type(name.rpartition(".")[2] or "Exception", (Exception,), {})
        kind.__module__ = str(raised.get("module", "builtins"))[:100]
        exc = kind(message)
    frames = raised.get("frames")
    exc.learner_frames = [(str(f[0]), int(f[1]), str(f[2])) for f in frames
                          if isinstance(f, (list, tuple)) and len(f) == 3
                          and isinstance(f[1], int)][-5:] if isinstance(frames, list) else []
    return exc


def _restore(original, after) -> None:
    """Write the child's view of an argument after the call back into ``original``, so the
    checker sees in-place changes the learner made (its "changes its inputs" message)."""
    if isinstance(original, np.ndarray):
        if isinstance(after, np.ndarray) and after.shape == original.shape:
            np.copyto(original, after, casting="unsafe")
        elif original.flags.writeable and original.dtype.kind == "f":
            original[...] = np.nan  # reshaped or replaced in place: certainly changed
    elif isinstance(original, dict) and isinstance(after, dict):
        for key in [k for k in original if k not in after]:
            del original[key]
        for key, value in after.items():
            if key in original and isinstance(original[key], (np.ndarray, dict, list, tuple)):
                _restore(original[key], value)
            else:
                original[key] = value
    elif isinstance(original, list) and isinstance(after, (list, tuple)):
        if len(after) != len(original):
            original[:] = list(after)
        for k, value in enumerate(after):
            if isinstance(original[k], (np.ndarray, dict, list, tuple)):
                _restore(original[k], value)
            else:
                original[k] = value
    elif isinstance(original, tuple) and isinstance(after, (list, tuple)):
        for item, value in zip(original, after):
            _restore(item, value)


class Proxy:
    """Stands for the learner's function ``name``: each call runs in the sandbox."""

    def __init__(self, session: "Session", name: str):
        self.session, self.name = session, name
        self.__name__ = name
        self.gone: ChildGone | None = None
        self.entered: set = set()

    def __call__(self, *args, **kwargs):
        if self.gone is not None:
            raise Stopped(self.gone.detail)
        try:
            reply = self.session.sandbox.request({"op": "call", "fn": self.name,
                                                  "args": list(args), "kwargs": kwargs})
        except ChildGone as gone:
            self.gone = gone
            self.session.sandbox = None
            raise Stopped(gone.detail) from None
        if not isinstance(reply, dict):
            raise Stopped("malformed reply")
        calls = reply.get("rnnbook")
        if isinstance(calls, list):
            self.entered.update(c[:120] for c in calls if isinstance(c, str))
        if "raised" in reply:
            raise _rebuild(reply["raised"])
        _restore(list(args), reply.get("args"))
        if isinstance(reply.get("kwargs"), dict):
            _restore(kwargs, reply["kwargs"])
        return reply.get("value")


class Session:
    """The sandbox of one submission, started (again) when needed, with its program run."""

    def __init__(self, path: str, hidden: list, limits: Limits, program: list, names: list):
        self.path, self.hidden, self.limits = path, hidden, limits
        self.program, self.names = program, names
        self.sandbox: Sandbox | None = None
        self.defined: dict = {}
        self.setup_errors: list | None = None
        self.setup_gone: ChildGone | None = None   # running the program itself failed once
        self.leftovers = 0

    def start(self) -> None:
        """Start a sandbox and run the program; :class:`ChildGone` if that fails."""
        self.close()
        if self.setup_gone is not None:  # it would only fail (or loop) again
            raise self.setup_gone
        self.sandbox = Sandbox(self.path, self.hidden, self.limits,
                               time.monotonic() + self.limits.wall)
        try:
            reply = self.sandbox.request({"op": "setup", "program": self.program,
                                          "names": self.names})
        except ChildGone as gone:
            self.close()
            self.setup_gone = gone
            raise
        reply = reply if isinstance(reply, dict) else {}
        defined = reply.get("defined")
        self.defined = {k: bool(v) for k, v in defined.items()} if isinstance(defined, dict) else {}
        if self.setup_errors is None:
            errors = reply.get("errors")
            self.setup_errors = [e for e in errors if isinstance(e, dict)][:20] \
                if isinstance(errors, list) else []

    def close(self) -> None:
        if self.sandbox is not None:
            self.sandbox.close()
            self.leftovers += self.sandbox.leftovers
            self.sandbox = None


def _fmt(lang: str, code: str, **args) -> str:
    return TEXT[lang][code].format(**args)


def setup_rows(errors: list, lang: str) -> list:
    """One line per statement of the notebook that failed while the program ran."""
    rows = []
    for e in errors or []:
        cell = e.get("cell")
        where = ("master imports" if cell == 0 else f"cell {cell}, line {e.get('line')}")
        rows.append(printable(_fmt(lang, "setup_row", where=where, etype=str(e.get("type"))[:60],
                                   emsg=str(e.get("message", "")).splitlines()[0][:160]
                                   if e.get("message") else "")))
    return rows


def printable(text: str) -> str:
    """``text`` without control characters: a learner's exception message or type name must
    not move the instructor's terminal cursor or fake a row of the table."""
    return "".join(ch if ch.isprintable() else " " for ch in str(text))


def _entry(exercise, status, message, diagnosis=None) -> dict:
    return {"exercise_id": exercise.id, "function": exercise.function, "status": status,
            "passed": status == "passed", "diagnosis": diagnosis, "message": printable(message),
            "points": exercise.points, "score": exercise.points if status == "passed" else 0.0,
            "optional": exercise.optional, "rnnbook_calls": []}


def grade_exercise(exercise, session: Session, answers, seed: int, lang: str) -> dict:
    fn = exercise.function
    if fn not in answers.defined_in:
        if fn in answers.syntax_errors:
            return _entry(exercise, "failed", _fmt(lang, "syntax", fn=fn,
                                                   where=answers.syntax_errors[fn]), "syntax_error")
        return _entry(exercise, "missing", _fmt(lang, "missing", fn=fn), "missing")
    if session.sandbox is None:
        try:
            session.start()
        except ChildGone as gone:
            return _entry(exercise, gone.reason, _fmt(lang, "stopped", detail=gone.detail),
                          gone.reason)
    if not session.defined.get(fn):
        why = "; ".join(setup_rows(session.setup_errors, lang)) or "?"
        return _entry(exercise, "failed", _fmt(lang, "undefined", fn=fn, why=why), "undefined")
    exercises.prepare_grading(exercise.id)
    session.sandbox.deadline = time.monotonic() + session.limits.wall
    proxy = Proxy(session, fn)
    with exercises.grading_cases(seed):
        result = exercises.check(exercise.id, proxy, lang=lang, graded=False)
    if proxy.gone is not None:
        entry = _entry(exercise, proxy.gone.reason,
                       _fmt(lang, "stopped", detail=proxy.gone.detail), proxy.gone.reason)
    else:
        entry = _entry(exercise, result.status, result.message, result.diagnosis)
        if result.diagnosis == "exception" and session.setup_errors and \
                result.details.get("exception") == "NameError":
            entry["message"] += " " + _fmt(lang, "after_setup",
                                           errors="; ".join(setup_rows(session.setup_errors, lang)))
            entry["message"] = printable(entry["message"])
            entry["diagnosis"] = "after_setup_error"
    entry["rnnbook_calls"] = sorted(proxy.entered)
    return entry


def grade_submission(master: Master, path: str, *, hidden: list = (), limits: Limits = Limits(),
                     seed: int = 0, lang: str = "en", keep_solutions: bool = False) -> dict:
    """Grade the notebook at ``path`` against ``master``; return its report as a dict.

    Keys: ``path``, ``student`` (the file name without ``.ipynb``), ``status`` ("ok" or
    "unreadable"), ``detail``, ``setup_errors`` (lines), ``exercises`` (one dict per master
    exercise: ``exercise_id``, ``status`` (one of :data:`STATUSES`), ``message``, ``points``,
    ``score``, ``optional``, ``rnnbook_calls``), ``score``, ``max_score`` (required
    exercises only), ``passed`` (every required exercise passed), ``seconds``,
    ``leftover_processes`` and ``isolation``. ``keep_solutions``: the master's solution
    cells count as answers (to check a book notebook against itself).
    """
    start = time.monotonic()
    report = {"path": str(path), "student": Path(path).name.removesuffix(".ipynb"),
              "status": "ok", "detail": "", "setup_errors": [], "exercises": [],
              "isolation": isolation(), "leftover_processes": 0}
    try:
        nb = read_notebook(path)
    except (OSError, ValueError) as exc:
        report.update(status="unreadable", detail=_fmt(lang, "unreadable", detail=str(exc)[:200]))
        nb = None
    if nb is not None:
        answers = take_answers(master, nb, keep_solutions)
        session = Session(str(path), list(hidden), limits, answers.program, master.functions)
        try:
            for exercise in master.exercises:
                report["exercises"].append(grade_exercise(exercise, session, answers, seed, lang))
        finally:
            session.close()
        report["setup_errors"] = setup_rows(session.setup_errors, lang)
        report["leftover_processes"] = session.leftovers
    else:
        report["exercises"] = [_entry(e, "missing", report["detail"], "unreadable")
                               for e in master.exercises]
    for entry in report["exercises"]:
        if entry["rnnbook_calls"]:
            entry["note"] = printable(_fmt(lang, "rnnbook_calls",
                                           calls=", ".join(entry["rnnbook_calls"])))
    required = [e for e in report["exercises"] if not e["optional"]]
    report["score"] = sum(e["score"] for e in required)
    report["max_score"] = sum(e["points"] for e in required)
    report["passed"] = report["status"] == "ok" and all(e["passed"] for e in required)
    report["seconds"] = round(time.monotonic() - start, 2)
    return report
