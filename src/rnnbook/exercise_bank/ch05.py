"""Exercises of chapter 05 (RNN, LSTM and GRU compared by measurement).

- ``adding_solvers``: ``fn(length) -> set`` of the model names (cells "rnn", "lstm", "gru",
  or a grid's labels)
  predicted to solve the adding problem of that length. There is no stored answer: the
  checker compares the prediction, length by length, with the sweep the notebook itself
  measured, handed over with :func:`use_sweep`: an :class:`rnnbook.compare.AddingSweep`
  or an :class:`rnnbook.experiments.AddingGrid` (whose model labels, e.g. "lstm" and
  "lstm_torch_init", are then the names to answer with). A model solves a length when
  more than half of its runs were solved.

Chapter 05's exercises, in reading order: 5.1 ``step_cost``
(:mod:`rnnbook.exercise_bank.ch05_cost`), 5.2 ``adding_solvers`` (here) and 5.3
``predict_init_gradient`` (:mod:`rnnbook.exercise_bank.predictions`). They replaced the
chapter's parameter counts, which repeated chapters 01 and 03 (``gru_param_count`` is now
used by no chapter).

Reference: Hochreiter & Schmidhuber (1997), experiment 4 (the adding problem).
"""

from __future__ import annotations

from .._validate import say
from ..compare import CELLS, AddingSweep
from ..exercises import Verdict, call_learner, register

_measured: dict = {}

# The grid of chapter 05: its cell calls experiments.adding_grid(MODELS, **GRID) with exactly
# these models and arguments (a test checks that the two agree). The grader measures it itself:
# a notebook's own measurement is whatever the notebook hands over, so it can never be the
# reference of a grade.
MODELS = {  # label: (cell, settings changed from the protocol)
    "rnn": ("rnn", {}),
    "lstm_torch_init": ("lstm", {"forget_bias": None}),
    "lstm": ("lstm", {}),
    "gru": ("gru", {}),
}
GRID = dict(lengths=(10, 40), seeds=(0, 1, 2))


def measure_for_grading() -> None:
    """The grader's own grid (:data:`MODELS`, :data:`GRID`), used by the ``adding_solvers``
    checker.

    Measured as the chapter measures it after ``rnnbook.setup()``: one thread for torch and
    BLAS (float sums depend on how work is split between threads), torch seeded with 0.
    """
    import torch
    from threadpoolctl import threadpool_limits

    from .. import experiments
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    try:
        with threadpool_limits(1):
            use_sweep(experiments.adding_grid(MODELS, **GRID))
    finally:
        torch.set_num_threads(threads)


class _GridView:
    """An :class:`rnnbook.experiments.AddingGrid` seen through the interface of
    :class:`rnnbook.compare.AddingSweep` that the checker uses (labels play the cells)."""

    def __init__(self, grid):
        self.grid = grid
        self.cells = tuple(grid.labels)
        self.lengths = tuple(grid.lengths)
        protocols = {run.protocol.solved_mse for run in grid.runs.values()}
        budgets = {run.protocol.max_updates for run in grid.runs.values()}
        self.target_loss = protocols.pop() if len(protocols) == 1 else min(protocols)
        self.steps = budgets.pop() if len(budgets) == 1 else max(budgets)

    def success(self, cell: str, length: int) -> tuple:
        return self.grid.solved(cell, length)

    def solvers(self, length: int) -> set:
        return {label for label in self.cells
                if 2 * self.grid.solved(label, length)[0] > self.grid.solved(label, length)[1]}


def use_sweep(sweep) -> None:
    """Give the checker of ``adding_solvers`` the runs measured in the notebook: an
    ``AddingSweep`` (:func:`rnnbook.compare.adding_sweep`) or an ``AddingGrid``
    (:func:`rnnbook.experiments.adding_grid`).

    Explained in chapters/<lang>/05_comparison.
    """
    from ..experiments import AddingGrid

    if isinstance(sweep, AddingGrid):
        sweep = _GridView(sweep)
    elif not isinstance(sweep, AddingSweep):
        raise TypeError(say(f"sweep must be the AddingSweep returned by "
                            f"rnnbook.compare.adding_sweep or the AddingGrid returned by "
                            f"rnnbook.experiments.adding_grid, got {type(sweep).__name__}",
                            f"sweep에는 rnnbook.compare.adding_sweep이 반환하는 AddingSweep이나 "
                            f"rnnbook.experiments.adding_grid가 반환하는 AddingGrid가 필요합니다. "
                            f"받은 것: {type(sweep).__name__}"))
    _measured["sweep"] = sweep


NAMES = {"en": {"none": "none"}, "ko": {"none": "없음"}}

MESSAGES = {
    "en": {
        "adding_solvers.passed": ("Correct: your prediction matches this notebook's "
                                  "measurements at all {n} lengths."),
        "adding_solvers.no_sweep": ("There is no measured sweep to compare with yet: run the "
                                    "cell that calls `compare.adding_sweep(...)` or "
                                    "`experiments.adding_grid(...)` and "
                                    "`ch05.use_sweep(...)`, then this cell again."),
        "adding_solvers.wrong_type": ("Return a set of model names such as {{\"lstm\", "
                                      "\"gru\"}}; for length={length} your function "
                                      "returned {got}."),
        "adding_solvers.unknown": ("For length={length} you name {names}, which is not a "
                                   "measured cell; the measured cells are {cells}."),
        "adding_solvers.mismatch": ("Your prediction differs from the measurement at {n} of "
                                    "{total} lengths. A cell solves a length when more than "
                                    "half of its runs reached MSE < {target} within {steps} "
                                    "steps. {lines}"),
        "adding_solvers.line": ("Length {length}: you predicted {predicted}; measured {measured} "
                                "(runs that reached the target: {rates})."),
    },
    "ko": {
        "adding_solvers.passed": "정답입니다. {n}개 길이 모두에서 예측이 이 노트북의 측정 결과와 같습니다.",
        "adding_solvers.no_sweep": ("아직 비교할 측정 결과가 없습니다. `compare.adding_sweep(...)`이나 "
                                    "`experiments.adding_grid(...)`와 `ch05.use_sweep(...)`을 "
                                    "호출하는 셀을 먼저 실행한 뒤 이 셀을 다시 실행하세요."),
        "adding_solvers.wrong_type": ("{{\"lstm\", \"gru\"}}처럼 셀 이름의 집합(set)을 반환해야 "
                                      "합니다. length={length}에서 반환된 것은 {got}입니다."),
        "adding_solvers.unknown": ("length={length}에서 측정에 없는 셀 이름을 반환했습니다: "
                                   "{names}. 측정한 셀은 {cells}입니다."),
        "adding_solvers.mismatch": ("{total}개 길이 가운데 {n}개에서 예측이 측정과 다릅니다. 한 셀이 "
                                    "어떤 길이를 푼다는 것은 그 셀의 실행 가운데 절반이 넘게 "
                                    "{steps}번 갱신 안에 MSE < {target}에 도달했다는 뜻입니다. {lines}"),
        "adding_solvers.line": ("길이 {length}: 예측 {predicted}, 측정 {measured} "
                                "(목표에 도달한 실행 수: {rates})."),
    },
}


class _Names:
    """A set of model names, cells in the order of CELLS then other labels sorted, or the
    word for "none"."""

    def __init__(self, names):
        self.names = [c for c in CELLS if c in names] + sorted(set(names) - set(CELLS))

    def render(self, lang: str, extra=None) -> str:
        return "{" + ", ".join(self.names) + "}" if self.names else NAMES[lang]["none"]


class _Lines:
    """One sentence per length where the prediction and the measurement differ."""

    def __init__(self, rows):
        self.rows = rows

    def render(self, lang: str, extra=None) -> str:
        template = MESSAGES[lang]["adding_solvers.line"]
        return " ".join(template.format(length=length, predicted=predicted.render(lang),
                                        measured=measured.render(lang), rates=rates)
                        for length, predicted, measured, rates in self.rows)


def _as_names(got):
    """The learner's answer as a set of lower-case strings, or None if it is not one."""
    if isinstance(got, (str, bytes)) or not isinstance(got, (set, frozenset, list, tuple)):
        return None
    if not all(isinstance(name, str) for name in got):
        return None
    return {name.strip().lower() for name in got}


@register("adding_solvers", messages=MESSAGES, grading_setup=lambda: measure_for_grading())
def _check_adding_solvers(fn) -> Verdict:
    sweep = _measured.get("sweep")
    if sweep is None:
        call_learner(fn, (10,), case="length=10")  # a stub still reports "not attempted"
        verdict = Verdict.fail("adding_solvers.no_sweep", diagnosis="no_sweep")
        verdict.status = "error"
        return verdict
    answers = {}
    for length in sweep.lengths:
        got = call_learner(fn, (length,), case=f"length={length}")
        if got is None:
            return Verdict.fail("returned_none")
        names = _as_names(got)
        if names is None:
            return Verdict.fail("adding_solvers.wrong_type", diagnosis="wrong_type",
                                length=length, got=type(got).__name__)
        unknown = sorted(names - set(sweep.cells))
        if unknown:
            return Verdict.fail("adding_solvers.unknown", diagnosis="unknown_cell",
                                length=length, names=", ".join(repr(u) for u in unknown),
                                cells=", ".join(repr(c) for c in sweep.cells))
        answers[length] = names
    rows = []
    for length, predicted in answers.items():
        measured = sweep.solvers(length)
        if predicted != measured:
            rates = ", ".join("{} {}/{}".format(cell, *sweep.success(cell, length))
                              for cell in sweep.cells)
            rows.append((length, _Names(predicted), _Names(measured), rates))
    if not rows:
        return Verdict.ok(len(answers), code="adding_solvers.passed")
    return Verdict.fail("adding_solvers.mismatch", diagnosis="mismatch", n=len(rows),
                        total=len(answers), target=sweep.target_loss, steps=sweep.steps,
                        lines=_Lines(rows), details={"lengths": tuple(r[0] for r in rows)})
