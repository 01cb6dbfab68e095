"""Measurements behind chapter 05: operation counts, time per step, the adding-problem sweep.

- :func:`count_step_ops` counts the arithmetic of one time step of ``torch.nn``'s own
  cells by watching every ATen operation they run; :func:`aten_ops` lists the
  operations any call runs (both need torch).
- :func:`time_per_step` times several functions in interleaved rounds and reports
  medians per time step, so that load from other processes hits every variant alike.
- :func:`adding_sweep` trains RNN, LSTM and GRU on the adding problem for several
  sequence lengths and seeds and records which runs reach a target loss, and when
  (needs torch).

Nothing is imported from torch at module import, so ``import rnnbook.compare`` stays light.

References: Hochreiter & Schmidhuber (1997), experiment 4, and Le, Jaitly & Hinton (2015),
arXiv:1504.00941, for the adding problem; Appleyard, Kočiský & Blunsom (2016),
arXiv:1604.01946, for fusing the matmuls of a recurrent layer; PyTorch's
"Extending PyTorch" notes for ``TorchDispatchMode``, the hook :func:`count_step_ops` uses.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import _validate as v
from . import data

CELLS = ("rnn", "lstm", "gru")
_MATMULS = {"addmm", "mm"}
# Views, copies and allocations: they move or create memory but do no arithmetic.
_NO_ARITHMETIC = {"t", "transpose", "view", "reshape", "split", "unsafe_split", "chunk",
                  "unsafe_chunk", "select", "slice", "expand", "unsqueeze", "squeeze",
                  "detach", "alias", "_to_copy", "clone", "empty_like", "zeros", "zeros_like",
                  "new_zeros", "lift_fresh"}
_NONLINEAR = {"sigmoid", "sigmoid_", "tanh", "tanh_", "relu", "relu_"}


def _watch(callback):
    """A dispatch mode that calls ``callback(name, args, out)`` for every ATen operation."""
    from torch.utils._python_dispatch import TorchDispatchMode

    class _Watch(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            callback(func.overloadpacket.__name__, args, out)
            return out

    return _Watch()


def aten_ops(fn: Callable[[], object]) -> dict:
    """The ATen operations that ``fn()`` executes, with how often each one runs (needs torch).

    Shows which kernels a ``torch.nn`` module really uses, e.g. whether an LSTM runs as
    one fused ``mkldnn_rnn_layer`` call or as per-step ``addmm``, ``sigmoid_`` and ``tanh``.
    ``fn`` runs once under ``torch.no_grad()``.

    Returns ``{op name: number of calls}``, sorted by name.

    Explained in chapters/<lang>/05_comparison.
    """
    import torch

    if not callable(fn):
        raise TypeError(v.say(f"fn must be a callable taking no arguments, got {type(fn).__name__}",
                              f"fn에는 인자 없이 부를 수 있는 함수가 필요합니다. "
                              f"받은 것: {type(fn).__name__}"))
    calls: Counter = Counter()
    with torch.no_grad(), _watch(lambda name, args, out: calls.update([name])):
        fn()
    return dict(sorted(calls.items()))


def count_step_ops(cell: str, input_size: int, hidden_size: int) -> dict:
    """Count the arithmetic of one step of ``torch.nn.{RNN,LSTM,GRU}Cell`` on one sequence.

    The cell runs once with batch size B = 1 under a dispatch mode that sees every ATen
    operation torch executes. Counting convention, per step and per sequence:

        multiply_adds = Σ over matmuls (addmm, mm) of m·k·n        (one a·b + c each)
        elementwise   = Σ over the other ops (views and copies aside) of their output size
                        + m·n for each bias that addmm adds         (one scalar op each)
        nonlinear     = the part of ``elementwise`` that is sigmoid, tanh or relu

    For the matmuls this gives G·H·(I + H) with G = 1, 4, 3 gate blocks.

    - ``cell``: "rnn", "lstm" or "gru"; ``input_size`` I and ``hidden_size`` H: ints ≥ 1.

    Returns ``{"multiply_adds": int, "elementwise": int, "nonlinear": int,
    "ops": {ATen op name: number of calls}}``.

    Explained in chapters/<lang>/05_comparison.
    """
    import torch

    cell = v.check_choice("cell", cell, CELLS)
    I = v.check_size("input_size", input_size)
    H = v.check_size("hidden_size", hidden_size)
    counts = {"multiply_adds": 0, "elementwise": 0, "nonlinear": 0}
    calls: Counter = Counter()

    def count(name, args, out):
        calls[name] += 1
        if name in _NO_ARITHMETIC:
            return
        if name in _MATMULS:
            a, b = args[-2], args[-1]  # addmm(bias, a, b): (m, k) @ (k, n)
            m, k = a.shape
            n = b.shape[1]
            counts["multiply_adds"] += m * k * n
            if name == "addmm":  # its bias addition is element-wise work
                counts["elementwise"] += m * n
            return
        size = sum(t.numel() for t in (out if isinstance(out, (tuple, list)) else [out])
                   if isinstance(t, torch.Tensor))
        counts["elementwise"] += size
        if name in _NONLINEAR:
            counts["nonlinear"] += size

    module = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell,
              "gru": torch.nn.GRUCell}[cell](I, H)
    x = torch.zeros(1, I)
    state = (torch.zeros(1, H), torch.zeros(1, H)) if cell == "lstm" else torch.zeros(1, H)
    with torch.no_grad(), _watch(count):
        module(x, state)
    return dict(counts, ops=dict(sorted(calls.items())))


@dataclass
class Timings:
    """What :func:`time_per_step` measured: seconds per time step, per function and round.

    Explained in chapters/<lang>/05_comparison.
    """

    rounds: dict                      # name -> [seconds per step, one entry per round]

    @property
    def per_step(self) -> dict:
        """Median seconds per time step of each function."""
        return {name: statistics.median(ts) for name, ts in self.rounds.items()}

    @property
    def best(self) -> dict:
        """Seconds per time step of each function's fastest round: the least disturbed by
        other processes, as Python's ``timeit`` documentation recommends for small timings."""
        return {name: min(ts) for name, ts in self.rounds.items()}

    def ratio(self, a: str, b: str) -> float:
        """Median over rounds of time(a) / time(b); both ran in every round."""
        return statistics.median(x / y for x, y in zip(self.rounds[a], self.rounds[b]))


def time_per_step(fns: dict, steps: int, repeats: int = 7,
                  clock: Callable[[], float] = time.perf_counter) -> Timings:
    """Time each function of ``fns`` in ``repeats`` interleaved rounds, per time step.

    Round 0 is a warm-up and is not kept. Every later round calls every function once,
    in order, so a burst of load from other processes slows all of them alike and the
    per-round ratios stay meaningful:

        rounds[name][r] = (clock() after − clock() before) / steps

    - ``fns``: ``{name: fn}``, each ``fn()`` running a sequence of ``steps`` time steps.
    - ``steps``: int ≥ 1, the number of time steps one call processes.
    - ``repeats``: int ≥ 1, kept rounds; ``clock``: a seconds counter (tests pass a fake).

    Explained in chapters/<lang>/05_comparison.
    """
    if not isinstance(fns, dict) or not fns or not all(callable(f) for f in fns.values()):
        raise TypeError(v.say(f"fns must be a non-empty dict of name -> callable, got {fns!r}",
                              f"fns에는 이름 -> 함수로 된 비어 있지 않은 딕셔너리가 필요합니다. "
                              f"받은 것: {fns!r}"))
    steps = v.check_size("steps", steps)
    repeats = v.check_size("repeats", repeats)
    rounds = {name: [] for name in fns}
    for r in range(repeats + 1):
        for name, fn in fns.items():
            start = clock()
            fn()
            elapsed = clock() - start
            if r:
                rounds[name].append(elapsed / steps)
    return Timings(rounds)


@dataclass
class Run:
    """One training run of :func:`adding_sweep`.

    Explained in chapters/<lang>/05_comparison.
    """

    cell: str
    length: int
    seed: int
    solved_at: int | None             # first evaluated step with loss < target, else None
    final_loss: float                 # the last evaluation loss
    history: object = field(repr=False)   # rnnbook.train.History
    model: object = field(repr=False)     # the trained rnnbook.train.SeqModel


@dataclass
class AddingSweep:
    """All runs of :func:`adding_sweep` and the settings they shared.

    Explained in chapters/<lang>/05_comparison.
    """

    runs: list
    steps: int
    target_loss: float
    eval_every: int

    def _select(self, cell: str, length: int) -> list:
        found = [r for r in self.runs if r.cell == cell and r.length == length]
        if not found:
            raise ValueError(v.say(f"no runs for cell={cell!r}, length={length}; the sweep has "
                                   f"cells {self.cells} and lengths {self.lengths}",
                                   f"cell={cell!r}, length={length}인 실행이 없습니다. 이 측정의 "
                                   f"셀은 {self.cells}, 길이는 {self.lengths}입니다"))
        return found

    @property
    def cells(self) -> tuple:
        return tuple(dict.fromkeys(r.cell for r in self.runs))

    @property
    def lengths(self) -> tuple:
        return tuple(dict.fromkeys(r.length for r in self.runs))

    def success(self, cell: str, length: int) -> tuple[int, int]:
        """(runs that reached the target loss, runs) for one cell and length."""
        runs = self._select(cell, length)
        return sum(r.solved_at is not None for r in runs), len(runs)

    def median_steps(self, cell: str, length: int) -> float | None:
        """Median of ``solved_at`` over the runs that reached the target; None if none did."""
        solved = [r.solved_at for r in self._select(cell, length) if r.solved_at is not None]
        return statistics.median(solved) if solved else None

    def median_final_loss(self, cell: str, length: int) -> float:
        """Median of the last evaluation loss over the runs of one cell and length."""
        return statistics.median(r.final_loss for r in self._select(cell, length))

    def solvers(self, length: int) -> set:
        """Cells that reached the target loss in more than half of their runs at ``length``."""
        out = set()
        for cell in self.cells:
            k, n = self.success(cell, length)
            if 2 * k > n:
                out.add(cell)
        return out


def adding_sweep(cells=CELLS, lengths=(10, 20, 40), seeds=(0, 1, 2), steps: int = 600,
                 hidden_size: int = 32, batch_size: int = 32, lr: float = 1e-2,
                 target_loss: float = 0.05, eval_every: int = 25,
                 eval_size: int = 256) -> AddingSweep:
    """Train every cell on the adding problem for every length and seed; return the runs.

    Each run: :func:`rnnbook.train.make_model` (float32, initial weights from ``seed``),
    :func:`rnnbook.train.fit` with Adam for at most ``steps`` steps on fresh batches of
    ``batch_size`` sequences, evaluated every ``eval_every`` steps on ``eval_size``
    held-out sequences, stopping once the evaluation MSE is below ``target_loss``
    (predicting the constant 1 scores 1/6). For one (length, seed) every cell sees the
    same batches and the same evaluation set, so cells differ only in the model.

    - ``cells``: names from ("rnn", "lstm", "gru"); ``lengths``, ``seeds``: ints.

    Explained in chapters/<lang>/05_comparison.
    """
    from . import train

    cells = tuple(v.check_choice("cells", c, CELLS) for c in cells)
    steps = v.check_size("steps", steps)
    eval_every = v.check_size("eval_every", eval_every)
    if not cells or not lengths or not seeds:
        raise ValueError(v.say(f"cells, lengths and seeds must be non-empty, got {cells!r}, "
                               f"{lengths!r}, {seeds!r}",
                               f"cells, lengths, seeds는 비어 있으면 안 됩니다. 받은 값: {cells!r}, "
                               f"{lengths!r}, {seeds!r}"))
    runs = []
    for length in lengths:
        for seed in seeds:
            evals = data.adding_problem(eval_size, length, rng=10_000 + seed, dtype=np.float32)
            for cell in cells:
                rng = np.random.default_rng(seed)  # the same batches for every cell

                def batch(step, rng=rng):
                    return data.adding_problem(batch_size, length, rng=rng, dtype=np.float32)

                model = train.make_model(cell, 2, hidden_size, 1, seed=seed)
                hist = train.fit(model, batch, steps=steps, lr=lr, eval_data=evals,
                                 eval_every=eval_every, target_loss=target_loss)
                solved = hist.eval_step[-1] if hist.final_eval < target_loss else None
                runs.append(Run(cell, int(length), int(seed), solved, hist.final_eval,
                                hist, model))
    return AddingSweep(runs, steps, target_loss, eval_every)
