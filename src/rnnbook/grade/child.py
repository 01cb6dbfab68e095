"""The process inside the sandbox: runs a learner's answers and calls them on request.

Started by :mod:`rnnbook.grade.sandbox` as ``python -I -m rnnbook.grade.child``. It
keeps private copies of its standard input and output for the protocol and points file
descriptors 0, 1 and 2 elsewhere, so that whatever the learner prints goes to a log file
in the sandbox and not into the replies. Requests (pickles, from the trusted grader):

- ``{"op": "setup", "program": [[cell, line, source], ...]}``: run each snippet (a
  top-level statement of the learner's notebook, or an import of the master) in one
  namespace, each on its own, so that one failing statement does not stop the rest.
  Reply: ``{"errors": [...], "defined": {name: is it callable}}``.
- ``{"op": "call", "fn": name, "args": [...], "kwargs": {...}}``: call the learner's
  function. Reply: ``{"value": ..., "args": args after the call, "rnnbook": [...]}`` or
  ``{"raised": {...}}``; ``rnnbook`` lists the functions of the rnnbook package the call
  entered (an informational note for the instructor).

Nothing this process says is trusted: it is the learner's process, and the grader only
takes plain data from it (see :mod:`rnnbook.grade.protocol`).
"""

from __future__ import annotations

import linecache
import os
import pickle
import sys
import traceback

from . import protocol

_RNNBOOK_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_GRADE_DIR = os.path.dirname(os.path.abspath(__file__))


def _safe_text(exc: BaseException, limit: int = 300) -> str:
    try:
        text = str(exc)
    except BaseException:  # a learner's exception whose __str__ raises
        return ""
    return text[:limit] if isinstance(text, str) else ""


def _frames(tb) -> list:
    return [[f.name, f.lineno, (f.line or "")[:200]] for f in traceback.extract_tb(tb)
            if f.filename.startswith("<cell ")]


def _raised(exc: BaseException) -> dict:
    kind = type(exc)
    return {"type": str(getattr(kind, "__qualname__", "Exception"))[:100],
            "module": str(getattr(kind, "__module__", ""))[:100],
            "message": _safe_text(exc), "frames": _frames(exc.__traceback__)}


def _setup(program, namespace: dict) -> dict:
    errors = []
    for cell, line, source in program:
        name = f"<cell {cell}>"
        lines = ["\n"] * (line - 1) + source.splitlines(True)
        linecache.cache[name] = (len(source), None, lines, name)
        try:
            code = compile("\n" * (line - 1) + source, name, "exec")
            exec(code, namespace)
        except BaseException as exc:  # noqa: BLE001  the learner's error is a result
            errors.append(dict(_raised(exc), cell=cell, line=line))
    return {"errors": errors}


class _Tracer:
    """Records the rnnbook functions a learner's call enters (outside rnnbook itself)."""

    def __init__(self):
        self.entered: set = set()

    def __call__(self, frame, event, arg):
        if event == "call":
            name = frame.f_code.co_filename
            back = frame.f_back
            if (name.startswith(_RNNBOOK_DIR) and not name.startswith(_GRADE_DIR)
                    and back is not None and not back.f_code.co_filename.startswith(_RNNBOOK_DIR)):
                module = frame.f_globals.get("__name__", "?")
                self.entered.add(f"{module}.{frame.f_code.co_qualname}")


def _call(namespace: dict, request: dict) -> dict:
    fn = namespace.get(request["fn"])
    args, kwargs = list(request.get("args", ())), dict(request.get("kwargs", {}))
    tracer = _Tracer()
    sys.setprofile(tracer)
    try:
        value = fn(*args, **kwargs)
    except BaseException as exc:  # noqa: BLE001  SystemExit and KeyboardInterrupt too
        sys.setprofile(None)
        return {"raised": _raised(exc), "rnnbook": sorted(tracer.entered)}
    sys.setprofile(None)
    return {"value": value, "args": args, "kwargs": kwargs, "rnnbook": sorted(tracer.entered)}


def _reply(fd: int, body) -> None:
    try:
        tree, blobs = protocol.encode(body)
    except BaseException as exc:  # noqa: BLE001  e.g. an array whose dtype cannot be saved
        tree, blobs = protocol.encode({"raised": {"type": "ReplyError", "module": "rnnbook",
                                                  "message": _safe_text(exc), "frames": []}})
    import json
    protocol.write_frame(fd, json.dumps({"arrays": len(blobs), "body": tree}).encode("utf-8"))
    for blob in blobs:
        protocol.write_frame(fd, blob)


def main() -> int:
    """Serve requests on the private copies of stdin/stdout until told to exit."""
    import signal
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a full log file fails a write, not the child
    fd_in, fd_out = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    log = os.open("output.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(devnull, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    while True:
        try:
            request = pickle.loads(protocol.read_frame(fd_in, None, 1 << 30))
        except protocol.ChildEOF:
            return 0
        op = request.get("op")
        if op == "exit":
            return 0
        if op == "setup":
            body = _setup(request["program"], namespace)
            body["defined"] = {name: callable(namespace.get(name))
                               for name in request.get("names", ()) if name in namespace}
        elif op == "call":
            body = _call(namespace, request)
        else:
            body = {"raised": {"type": "ValueError", "module": "builtins",
                               "message": f"unknown op {op!r}", "frames": []}}
        sys.stdout.flush()
        _reply(fd_out, body)


if __name__ == "__main__":
    sys.exit(main())
