"""Run one submission's code in a child process that cannot touch anything else.

Each submission gets a fresh temporary directory holding only its own copy, and one child
Python process (:mod:`rnnbook.grade.child`) started there:

- in a session and process group of its own, with resource limits set before it starts
  (CPU seconds, address space, file size, no core files; the number of processes too
  when the grader does not run as root, since root is exempt from that limit);
- inside bubblewrap (``bwrap``) when it is installed and works: no network, its own
  process, IPC and UTS namespaces, a read-only view of the file system in which ``/tmp``,
  ``/var/tmp``, ``/root`` and ``/home`` are empty (unless the grader's own Python lives
  there) and the other submissions, the master and the grader's output cannot be seen;
  its own directory is the only writable place;
- else inside ``unshare`` (no network, own process namespace; files stay visible and
  writable with the grader's rights);
- else with the limits and the process group only.

:func:`isolation` says which, and :data:`MISSING` what each fallback lacks; the command
line prints it. When a submission is done, :meth:`Sandbox.close` kills the whole process
group (bwrap's process namespace takes every process started inside with it), then looks
for any process still carrying the sandbox's marker in its environment and kills it too,
and reports how many it had to kill.

References: bubblewrap(1); unshare(1); setrlimit(2).
"""

from __future__ import annotations

import os
import pickle
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import protocol

MARKER = "RNNBOOK_SANDBOX"
MISSING = {
    "bwrap": "",
    "unshare": ("bubblewrap (bwrap) is not available: the submissions' code runs with no "
                "network in its own process namespace (unshare), but can read and write "
                "files with the grader's rights. Install bubblewrap (Debian: bubblewrap)."),
    "none": ("neither bubblewrap (bwrap) nor unshare works here: the submissions' code runs "
             "with resource limits in its own process group only; it can read and write "
             "files with the grader's rights and use the network. Install bubblewrap "
             "(Debian: bubblewrap)."),
}


@dataclass(frozen=True)
class Limits:
    """Per submission: wall-clock seconds, CPU seconds, address space and file size (bytes)."""

    wall: float = 120.0
    cpu: int = 120
    memory: int = 6 << 30
    file_size: int = 64 << 20
    processes: int = 64


class ChildGone(Exception):
    """The child stopped answering: ``reason`` is "timeout" or "crashed", ``detail`` a line."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


def _works(command: list) -> bool:
    try:
        return subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@lru_cache(maxsize=None)
def isolation() -> str:
    """"bwrap", "unshare" or "none": the strongest mechanism that works on this machine.

    ``RNNBOOK_SANDBOX_MECHANISM=unshare`` or ``=none`` forces a weaker one (to test the fallbacks).
    """
    forced = os.environ.get("RNNBOOK_SANDBOX_MECHANISM")
    order = ["bwrap", "unshare", "none"]
    if forced in order:
        order = order[order.index(forced):]
    if "bwrap" in order and shutil.which("bwrap") and _works(
            ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
             "--unshare-all", "--die-with-parent", "true"]):
        return "bwrap"
    if "unshare" in order and shutil.which("unshare") and _works(
            ["unshare", "--user", "--map-root-user", "--net", "--pid", "--fork", "true"]):
        return "unshare"
    return "none"


def _needed_paths() -> list:
    """Paths the child's Python needs to see: its prefix, the packages, rnnbook itself."""
    paths = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable)),
             str(Path(__file__).resolve().parents[2])}
    paths.update(p for p in sys.path if ("site-packages" in p or "dist-packages" in p)
                 and os.path.isdir(p))
    return sorted(os.path.realpath(p) for p in paths)


def _contains(directory: str, path: str) -> bool:
    directory = directory.rstrip("/") + "/"
    return (path + "/").startswith(directory)


def _bwrap_args(work: str, hidden: list) -> list:
    needed = _needed_paths()  # the work directory is bound back in after the tmpfs
    args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    emptied = []
    candidates = ["/tmp", "/var/tmp", "/root", "/home", "/run"]
    candidates += sorted({os.path.realpath(p) for p in hidden if os.path.isdir(p)})
    for directory in candidates:
        if (os.path.isdir(directory) and not any(_contains(directory, p) for p in needed)
                and not any(_contains(d, directory) for d in emptied)):
            args += ["--tmpfs", directory]
            emptied.append(directory)
    for path in sorted({os.path.realpath(p) for p in hidden if os.path.isfile(p)}):
        if not any(_contains(d, path) for d in emptied):
            args += ["--ro-bind", "/dev/null", path]
    return args + ["--bind", work, work, "--chdir", work, "--unshare-all",
                   "--die-with-parent", "--new-session", "--"]


def _command(work: str, hidden: list) -> list:
    python = [sys.executable, "-I", "-m", "rnnbook.grade.child"]
    kind = isolation()
    if kind == "bwrap":
        return _bwrap_args(work, hidden) + python
    if kind == "unshare":
        return ["unshare", "--user", "--map-root-user", "--net", "--pid", "--fork",
                "--kill-child", "--"] + python
    return python


def _limit(limits: Limits):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu, limits.cpu + 1))
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size, limits.file_size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if os.getuid() != 0:
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
    return apply


class Sandbox:
    """One child process for one submission; use as a context manager.

    ``hidden``: paths the child must not see (every submission, the master, the outputs).
    """

    def __init__(self, submission: str, hidden: list, limits: Limits, deadline: float):
        self.limits, self.deadline = limits, deadline
        self.work = tempfile.mkdtemp(prefix="rnnbook-sandbox-")
        shutil.copy(submission, os.path.join(self.work, os.path.basename(submission)))
        self.token = secrets.token_hex(8)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.work,
               "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
               "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", MARKER: self.token}
        self.proc = subprocess.Popen(
            _command(self.work, hidden), cwd=self.work, env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=_limit(limits))
        self.leftovers = 0

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def request(self, message: dict):
        """Send ``message``; return the decoded reply, or raise :class:`ChildGone`."""
        try:
            protocol.write_frame(self.proc.stdin.fileno(), pickle.dumps(message, protocol=5))
            return protocol.read_reply(self.proc.stdout.fileno(), self.deadline)
        except protocol.ChildTimeout:
            self.kill()
            raise ChildGone("timeout", f"no answer within the time limit of "
                                       f"{self.limits.wall:g} s; stopped") from None
        except (protocol.ChildEOF, BrokenPipeError, OSError) as exc:
            self.kill()
            raise ChildGone("crashed", self._death(exc)) from None
        except protocol.ProtocolError as exc:
            self.kill()
            raise ChildGone("crashed", f"unreadable reply from the submission's process: "
                                       f"{exc}") from None

    def _death(self, exc) -> str:
        code = self.proc.poll()
        if code is None or code >= 0:
            return f"the submission's process exited (status {code})"
        name = signal.Signals(-code).name
        why = {"SIGXCPU": f"CPU time limit of {self.limits.cpu} s",
               "SIGKILL": "killed (memory, or stopped by the grader)"}.get(name, name)
        return f"the submission's process was stopped: {why}"

    def kill(self) -> None:
        """Kill the child's whole process group; bwrap's namespace takes the rest along."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def close(self) -> None:
        """Ask the child to exit, kill everything it started, remove its directory."""
        if self.proc.poll() is None:
            try:
                protocol.write_frame(self.proc.stdin.fileno(), pickle.dumps({"op": "exit"}))
                self.proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.leftovers = kill_marked(self.token)
        shutil.rmtree(self.work, ignore_errors=True)


def marked(token: str) -> list:
    """Pids of the processes whose environment carries ``MARKER=token``."""
    needle = f"{MARKER}={token}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if needle in f.read().split(b"\0"):
                    found.append(int(entry))
        except OSError:
            continue
    return found


def kill_marked(token: str, grace: float = 2.0, attempts: int = 20) -> int:
    """Kill every process still marked with ``token`` after ``grace`` seconds (in which a
    dying namespace takes its processes along); return how many had to be killed."""
    end = time.monotonic() + grace
    while marked(token) and time.monotonic() < end:
        time.sleep(0.05)
    seen: set = set()
    for _ in range(attempts):
        pids = [p for p in marked(token) if p != os.getpid()]
        if not pids:
            return len(seen)
        for pid in pids:
            seen.add(pid)
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.05)
    return len(seen)
