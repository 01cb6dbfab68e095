"""Grade a class: learners' notebooks against the instructor's master, outside their kernels.

A submission travels through one module per step:

1. :mod:`.master`   read the instructor's copy: which exercises exist, their points,
                    which are optional, which cells are solutions (the submission is
                    never asked);
2. :mod:`.answers`  take the learner's answers out of the submission, by the functions
                    its code defines (metadata, titles and cell order do not matter);
3. :mod:`.sandbox`  run them in a child process in a fresh directory, with limits, no
                    network and a read-only file system (bubblewrap), every process it
                    started killed at the end; :mod:`.child` is that process and
                    :mod:`.protocol` what it may say (plain data, never a pickle);
4. :mod:`.verdict`  compare and diagnose in the grader's own process with the learner-side
                    checker :mod:`rnnbook.exercises`, fresh test values, and a proxy that
                    forwards each call of the learner's function to the child;
5. :mod:`.report`   table, JSON, CSV, Gradescope's ``results.json``;

plus :mod:`.release` (student versions without solutions), :mod:`.gradescope` (an
autograder folder for Gradescope) and :mod:`.cli` (the command line, see there).

Explained in chapters/<lang>/00_how_to_use and in the README ("Grading a class").
"""

from .master import check_calls, exercise_ids, read_master

__all__ = ["main", "check_calls", "exercise_ids", "read_master", "format_table",
           "grade_submission"]


def main(argv=None) -> int:
    """See :func:`rnnbook.grade.cli.main` (imported lazily: the sandboxed child imports
    this package and needs none of the command line's modules)."""
    from .cli import main as run
    return run(argv)


def format_table(reports: list) -> str:
    """See :func:`rnnbook.grade.report.format_table`."""
    from .report import format_table as table
    return table(reports)


def grade_submission(*args, **kwargs):
    """See :func:`rnnbook.grade.verdict.grade_submission`."""
    from .verdict import grade_submission as grade
    return grade(*args, **kwargs)
