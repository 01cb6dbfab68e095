"""The command line: grade submissions, release student versions, write a Gradescope autograder.

    python -m rnnbook.grade --master MASTER.ipynb SUBMISSION... [-j N] [--timeout S]
                            [--json] [--csv FILE] [--gradescope DIR] [--lang ko|en] [--seed N]
    python -m rnnbook.grade [--keep-solutions] NOTEBOOK...     (each notebook its own master)
    python -m rnnbook.grade release MASTER... --out DIR
    python -m rnnbook.grade autograder MASTER.ipynb --out DIR

Exit status of grading: 0 when every submission passed every required exercise, 1 when
some did not, 2 for bad arguments or a master that cannot be graded with.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from . import report as rep
from .master import MasterError, read_master
from .sandbox import MISSING, Limits, isolation

DEFAULT_TIMEOUT = 60.0
_MASTERS: dict = {}


def _grade_one(job: tuple) -> dict:
    """Grade one submission (runs in a worker process with -j > 1)."""
    from .verdict import grade_submission
    master_path, path, hidden, limits, seed, lang, keep = job
    if master_path not in _MASTERS:
        _MASTERS[master_path] = read_master(master_path)
    return grade_submission(_MASTERS[master_path], path, hidden=hidden, limits=limits,
                            seed=seed, lang=lang, keep_solutions=keep)


def _grade_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m rnnbook.grade",
        description="Grade learners' notebooks against the instructor's master notebook. "
                    "Other commands: `release MASTER... --out DIR` (student versions without "
                    "solutions), `autograder MASTER --out DIR` (a Gradescope autograder).")
    p.add_argument("--master", help="the instructor's notebook (with solutions); without it "
                                    "each notebook is its own master (for checking the book's "
                                    "notebooks, not for grading a class)")
    p.add_argument("--keep-solutions", action="store_true",
                   help="count the master's solution cells as answers (to check that the "
                        "book's own solutions pass)")
    p.add_argument("submissions", nargs="+", metavar="SUBMISSION")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                   help="submissions graded at the same time (default: the number of cores)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"wall-clock seconds per exercise, and for running the notebook's code "
                        f"(default {DEFAULT_TIMEOUT:g})")
    p.add_argument("--memory", type=float, default=6.0, help="GiB of address space (default 6)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--csv", metavar="FILE", help="also write one CSV row per submission")
    p.add_argument("--gradescope", metavar="DIR", help="also write Gradescope's results.json")
    p.add_argument("--lang", choices=("en", "ko"), default="en", help="language of the messages")
    p.add_argument("--seed", type=int, help="seed of the test values (default: a fresh one)")
    return p


def grade_main(argv: list) -> int:
    parser = _grade_parser()
    args = parser.parse_args(argv)
    if not args.timeout > 0:
        parser.error(f"--timeout must be positive, got {args.timeout:g}")
    if args.jobs < 1:
        parser.error(f"-j must be at least 1, got {args.jobs}")
    masters = [args.master] if args.master else list(dict.fromkeys(args.submissions))
    try:
        n_exercises = max(len(read_master(m).exercises) for m in masters)
    except MasterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.master:
        print("note: no --master, so each notebook is graded against itself; grade a class "
              "with --master", file=sys.stderr)
    if MISSING[isolation()]:
        print(f"warning: {MISSING[isolation()]}", file=sys.stderr)
    limits = Limits(wall=args.timeout, cpu=int(args.timeout * (n_exercises + 1)) + 10,
                    memory=int(args.memory * (1 << 30)))
    hidden = [str(Path(p).resolve()) for p in [*masters, *args.submissions]]
    hidden += [str(Path(p).resolve().parent) for p in [*masters, *args.submissions]]
    for out in (args.csv, args.gradescope):
        if out:
            hidden += [str(Path(out).resolve()), str(Path(out).resolve().parent)]
    seed = args.seed if args.seed is not None else secrets.randbits(32)
    jobs = [(str(Path(args.master or p).resolve()), p, hidden, limits, seed, args.lang,
             args.keep_solutions) for p in args.submissions]
    if args.jobs == 1 or len(jobs) == 1:
        reports = [_grade_one(job) for job in jobs]
    else:
        with ProcessPoolExecutor(max_workers=args.jobs, mp_context=get_context("spawn")) as pool:
            reports = list(pool.map(_grade_one, jobs))
    ok = all(r["passed"] for r in reports)
    print(rep.to_json(reports, ok) if args.json else rep.format_table(reports))
    if args.csv:
        rep.write_csv(reports, args.csv)
    if args.gradescope:
        rep.write_gradescope(reports, args.gradescope)
    return 0 if ok else 1


def release_main(argv: list) -> int:
    from .release import release
    p = argparse.ArgumentParser(prog="python -m rnnbook.grade release",
                                description="Write the student versions of master notebooks: "
                                            "solution cells removed.")
    p.add_argument("masters", nargs="+", metavar="MASTER")
    p.add_argument("--out", required=True, metavar="DIR")
    args = p.parse_args(argv)
    try:
        for path in args.masters:
            print(release(path, args.out))
    except MasterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def autograder_main(argv: list) -> int:
    from .gradescope import write_autograder
    p = argparse.ArgumentParser(prog="python -m rnnbook.grade autograder",
                                description="Write a Gradescope autograder folder "
                                            "(setup.sh, run_autograder, the master).")
    p.add_argument("master", metavar="MASTER")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    p.add_argument("--lang", choices=("en", "ko"), default="en")
    args = p.parse_args(argv)
    try:
        read_master(args.master)
    except MasterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in write_autograder(args.master, args.out, args.timeout, args.lang):
        print(path)
    return 0


def main(argv: list | None = None) -> int:
    """Entry point of ``python -m rnnbook.grade``; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["release"]:
        return release_main(argv[1:])
    if argv[:1] == ["autograder"]:
        return autograder_main(argv[1:])
    return grade_main(argv)


if __name__ == "__main__":
    sys.exit(main())
