"""One protocol for every adding-problem experiment of the book (needs torch).

Chapters 02–05 compare models on the adding problem. A comparison means something only
when everything but the factor under study is the same, so every setting of a training
run is a field of :class:`Protocol`, stated there once with its default and the reason
for it, and an experiment changes one factor by name:

    adding_run("lstm", 100, seed=0)                      # the protocol as it is
    adding_run("lstm", 100, seed=0, forget_bias=None)    # one factor changed, and recorded

A run trains :func:`rnnbook.train.make_model` (initial weights from ``seed``) with
:func:`rnnbook.train.fit` on fresh batches drawn from ``seed``, evaluates every
``eval_every`` updates on one fixed evaluation set per length (the same for every cell
and seed), and stops as soon as the evaluation MSE falls below ``solved_mse``.

Two baselines set the scale of the MSE (:func:`adding_baselines` measures them):
predicting the constant 1 (the target's mean) scores Var(x₁ + x₂) = 1/6 ≈ 0.167, and a
model that remembers only one of the two marked numbers, predicting x₂ + 1/2, scores
Var(x₁) = 1/12 ≈ 0.083. A model is counted as solving the task only below both, i.e.
when it must be using both marked numbers.

References: Hochreiter & Schmidhuber (1997), experiment 4, and Le, Jaitly & Hinton (2015),
arXiv:1504.00941, for the adding problem; Jozefowicz, Zaremba & Sutskever (2015) for the
forget-gate bias of 1; Pascanu, Mikolov & Bengio (2013) for clipping by the global norm;
Kingma & Ba (2015) for Adam.

Explained in chapters/<lang>/02_bptt_and_gradients, 03_lstm, 04_gru and 05_comparison.
"""

from __future__ import annotations

import dataclasses
import json
import statistics
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from . import _validate as v
from . import data

CELLS = ("rnn", "lstm", "gru")
OPTIMIZERS = ("adam",)  # what rnnbook.train.fit runs; a new optimiser goes there first


def _setting(default, doc: str):
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class Protocol:
    """The settings shared by every adding-problem run; change one factor per experiment."""

    hidden_size: int = _setting(32, "H of the recurrent layer; read-out Linear(H, 1)")
    forget_bias: float | None = _setting(
        1.0, "LSTM only: b_if = value, b_hf = 0 (Jozefowicz et al. 2015); None keeps "
             "PyTorch's U(−1/√H, 1/√H) draw; ignored by the RNN and the GRU")
    optimizer: str = _setting("adam", "Adam with torch's defaults (β = 0.9, 0.999), as train.fit")
    lr: float = _setting(2e-2, "learning rate")
    batch_size: int = _setting(64, "sequences per update, drawn fresh from the run's seed")
    clip: float | None = _setting(None, "max global gradient norm, or None for no clipping")
    max_updates: int = _setting(1000, "update budget; a run stops earlier once solved")
    eval_every: int = _setting(25, "updates between evaluations")
    eval_size: int = _setting(512, "sequences in the evaluation set, one set per length")
    eval_seed: int = _setting(10_000, "seed of the evaluation set (not the run's seed)")
    solved_mse: float = _setting(
        0.01, "solved once the evaluation MSE is below this: 6 % of the constant "
              "baseline 1/6 and 12 % of the one-number baseline 1/12")
    dtype: str = _setting("float32", "dtype of weights and data")

    def __post_init__(self):
        for name in ("hidden_size", "batch_size", "max_updates", "eval_every", "eval_size"):
            v.check_size(name, getattr(self, name))
        for name in ("lr", "solved_mse"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(v.say(f"{name} must be a positive number, got {value!r}",
                               f"{name}에는 양수가 필요합니다. 받은 값: {value!r}"))
        for name in ("forget_bias", "clip"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or
                                      not isinstance(value, (int, float))):
                raise ValueError(v.say(f"{name} must be a number or None, got {value!r}",
                               f"{name}에는 숫자나 None이 필요합니다. 받은 값: {value!r}"))
        if self.clip is not None and not self.clip > 0:
            raise ValueError(v.say(f"clip must be a positive number or None, got {self.clip!r}",
                                   f"clip에는 양수나 None이 필요합니다. 받은 값: {self.clip!r}"))
        if isinstance(self.eval_seed, bool) or not isinstance(self.eval_seed, int):
            raise ValueError(v.say(f"eval_seed must be an int, got {self.eval_seed!r}",
                                   f"eval_seed에는 정수가 필요합니다. 받은 값: {self.eval_seed!r}"))
        v.check_choice("optimizer", self.optimizer, OPTIMIZERS)
        v.check_choice("dtype", self.dtype, ("float32", "float64"))

    def changed(self, **changes) -> "Protocol":
        """A copy with some settings changed; an unknown name is refused with the known ones."""
        known = [f.name for f in dataclasses.fields(self)]
        unknown = sorted(set(changes) - set(known))
        if unknown:
            names, settings = ", ".join(map(repr, unknown)), ", ".join(known)
            raise TypeError(v.say(f"unknown protocol setting(s) {names}; the settings of "
                                  f"rnnbook.experiments.Protocol are: {settings}",
                                  f"프로토콜에 없는 설정입니다: {names}. "
                                  f"rnnbook.experiments.Protocol의 설정은 {settings}입니다."))
        return dataclasses.replace(self, **changes)

    def differences(self, base: "Protocol | None" = None) -> dict:
        """``{name: (value in base, value here)}`` for every setting that differs from ``base``
        (the defaults when None)."""
        base = Protocol() if base is None else base
        return {f.name: (getattr(base, f.name), getattr(self, f.name))
                for f in dataclasses.fields(self)
                if getattr(base, f.name) != getattr(self, f.name)}

    @classmethod
    def rows(cls) -> list:
        """``[(name, default, doc)]`` for every setting, in order: the table of defaults."""
        return [(f.name, f.default, f.metadata["doc"]) for f in dataclasses.fields(cls)]

    @classmethod
    def table(cls) -> str:
        """The defaults as a plain-text table, one setting per line (built from the fields)."""
        width = max(len(name) for name, _, _ in cls.rows())
        return "\n".join(f"{name:<{width}}  {default!r:<8}  {doc}"
                         for name, default, doc in cls.rows())


Protocol.__doc__ += ("\n\nSettings and defaults (generated from the fields):\n\n"
                     + "\n".join("    " + line for line in Protocol.table().splitlines())
                     + "\n\nExplained in chapters/<lang>/05_comparison.\n")


@dataclass(frozen=True)
class AddingResult:
    """What one :func:`adding_run` did.

    ``curve`` holds (updates done, evaluation MSE) pairs, starting at 0 updates;
    ``changed`` maps each setting that differs from the default protocol to
    (default, value used).

    Explained in chapters/<lang>/05_comparison.
    """

    cell: str
    length: int
    seed: int
    protocol: Protocol
    changed: dict
    solved: bool
    updates: int
    final_mse: float
    best_mse: float
    curve: tuple
    grad_norm: tuple = field(repr=False)       # global gradient norm before each update
    model: object = field(repr=False, compare=False)  # the trained rnnbook.train.SeqModel


def _check_run_args(cell, length, seed):
    v.check_choice("cell", cell, CELLS)
    length = v.check_size("length", length)
    if length < 2:
        raise ValueError(v.say(f"length must be at least 2 (one marker per half), got {length}",
                               f"length는 2 이상이어야 합니다(절반마다 표시 하나). "
                               f"받은 값: {length}"))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(v.say(f"seed must be a non-negative int, got {seed!r}",
                               f"seed에는 0 이상의 정수가 필요합니다. 받은 값: {seed!r}"))
    return cell, length, int(seed)


def eval_set(length: int, protocol: Protocol | None = None):
    """The evaluation set every run of this ``length`` is judged on: (xs, ys) as NumPy arrays.

    Explained in chapters/<lang>/05_comparison.
    """
    p = Protocol() if protocol is None else protocol
    return data.adding_problem(p.eval_size, length, rng=p.eval_seed + length, dtype=p.dtype)


def adding_baselines(length: int, protocol: Protocol | None = None) -> dict:
    """MSE of two predictors that need no memory of both numbers, on the evaluation set.

    - ``"constant"``: always 1, the target's mean; expected MSE Var(x₁ + x₂) = 1/6.
    - ``"one_number"``: x₂ + 1/2, the later marked number plus the mean of the other;
      expected MSE Var(x₁) = 1/12. A model below it uses both marked numbers.

    Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    xs, ys = eval_set(length, protocol)
    xs, ys = xs.astype(np.float64), ys.astype(np.float64)
    last = xs.shape[0] - 1 - np.argmax(xs[::-1, :, 1] == 1.0, axis=0)  # (B,): second marker
    second = xs[last, np.arange(xs.shape[1]), 0]
    return {"constant": float(np.mean((ys[:, 0] - 1.0) ** 2)),
            "one_number": float(np.mean((ys[:, 0] - second - 0.5) ** 2))}


def adding_run(cell: str, length: int, seed: int, **changes) -> AddingResult:
    """Train ``cell`` on the adding problem of ``length`` under the protocol; return the record.

    - ``cell``: "rnn", "lstm" or "gru"; ``length``: T ≥ 2; ``seed``: int ≥ 0, fixing the
      initial weights and the training batches (the evaluation set depends on T only).
    - ``changes``: settings of :class:`Protocol` to change for this run, e.g.
      ``forget_bias=None`` or ``lr=3e-3``; unknown names are refused. They are recorded
      in ``result.changed`` (``forget_bias`` only for the LSTM, the one cell it affects).

    Deterministic given its arguments and torch's thread count (set by ``rnnbook.setup``).
    Explained in chapters/<lang>/05_comparison.
    """
    import torch

    from . import train

    cell, length, seed = _check_run_args(cell, length, seed)
    p = Protocol().changed(**changes)
    dtype = {"float32": torch.float32, "float64": torch.float64}[p.dtype]
    model = train.make_model(cell, 2, p.hidden_size, 1, seed=seed, dtype=dtype,
                             forget_bias=p.forget_bias if cell == "lstm" else None)
    xs_eval, ys_eval = eval_set(length, p)
    with torch.no_grad():
        start = torch.nn.functional.mse_loss(
            model(torch.as_tensor(xs_eval)), torch.as_tensor(ys_eval)).item()
    rng = np.random.default_rng(seed)

    def batch(step):
        return data.adding_problem(p.batch_size, length, rng=rng, dtype=p.dtype)

    hist = train.fit(model, batch, steps=p.max_updates, lr=p.lr, clip=p.clip,
                     eval_data=(xs_eval, ys_eval),
                     eval_every=p.eval_every, target_loss=p.solved_mse)
    curve = ((0, start),) + tuple(zip(hist.eval_step, hist.eval_loss))
    changed = {k: pair for k, pair in p.differences().items()
               if k != "forget_bias" or cell == "lstm"}  # no forget gate, no change
    return AddingResult(cell, length, seed, p, changed, hist.final_eval < p.solved_mse,
                        hist.eval_step[-1], hist.final_eval, min(hist.eval_loss), curve,
                        tuple(hist.grad_norm), model)


@dataclass
class AddingGrid:
    """The runs of :func:`adding_grid`, keyed by (label, length, seed).

    Explained in chapters/<lang>/05_comparison.
    """

    runs: dict
    labels: tuple
    lengths: tuple
    seeds: tuple

    def _outcomes(self, label: str, length: int) -> list:
        return [(r.solved, r.updates) for r in (self.runs[label, length, s] for s in self.seeds)]

    def solved(self, label: str, length: int) -> tuple:
        """(runs solved, runs) for one model and length."""
        return _solved(self._outcomes(label, length))

    def median_updates(self, label: str, length: int) -> float | None:
        """Median updates to solve over the solved runs of one model and length; None if none."""
        return _median_updates(self._outcomes(label, length))

    def table(self, names: dict | None = None) -> str:
        """Solved counts as text: one row per model, one column per length.

        ``names`` maps a label to the name printed for it (the chapter's language).
        """
        names = names or {}
        first = max(len(names.get(label, label)) for label in self.labels)
        head = " " * first + "".join(f"   T = {T:<4d}" for T in self.lengths)
        rows = [names.get(label, label).ljust(first)
                + "".join(f"   {'{}/{}'.format(*self.solved(label, T)):<8s}" for T in self.lengths)
                for label in self.labels]
        return "\n".join([head] + rows)


def adding_grid(models, lengths, seeds, **changes) -> AddingGrid:
    """Run every model × length × seed under the protocol (with ``changes`` for all runs).

    - ``models``: ``{label: (cell, {setting: value})}`` for models that differ from the
      protocol in their own settings (e.g. ``{"lstm_b0": ("lstm", {"forget_bias": None})}``),
      or a sequence of cell names.
    - ``lengths``, ``seeds``: sequences of ints.

    Explained in chapters/<lang>/05_comparison.
    """
    if not isinstance(models, dict):
        models = {cell: (cell, {}) for cell in models}
    lengths, seeds = tuple(lengths), tuple(seeds)
    if not models or not lengths or not seeds:
        raise ValueError(v.say(f"models, lengths and seeds must be non-empty, got {models!r}, "
                               f"{lengths!r}, {seeds!r}",
                               f"models, lengths, seeds는 비어 있으면 안 됩니다. 받은 값: "
                               f"{models!r}, {lengths!r}, {seeds!r}"))
    runs = {}
    for label, spec in models.items():
        if not (isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], dict)):
            raise TypeError(v.say(f"models[{label!r}] must be (cell, {{setting: value}}), got {spec!r}",
                                  f"models[{label!r}]에는 (cell, {{설정: 값}}) 꼴이 필요합니다. "
                                  f"받은 값: {spec!r}"))
    for length in lengths:
        for label, (cell, own) in models.items():
            for seed in seeds:
                runs[label, length, seed] = adding_run(cell, length, seed, **{**changes, **own})
    return AddingGrid(runs, tuple(models), lengths, seeds)


def _solved(outcomes) -> tuple:
    """(runs solved, runs) of ``(solved, updates)`` pairs: one rule for runs made here
    (:class:`AddingGrid`) and runs read from a record (:class:`RecordedRuns`)."""
    return sum(bool(solved) for solved, _ in outcomes), len(outcomes)


def _median_updates(outcomes) -> float | None:
    """Median updates over the solved runs of ``(solved, updates)`` pairs; None if none."""
    done = [updates for solved, updates in outcomes if solved]
    return float(statistics.median(done)) if done else None


RECORD = "adding_protocol_t100.json"  # in rnnbook/data, written by benchmarks/adding_protocol.py
_RECORD_KEYS = ("command", "date", "machine", "torch", "threads", "protocol", "models",
                "lengths", "seeds", "runs")
_RUN_KEYS = ("model", "length", "seed", "solved", "updates", "final_mse", "best_mse")


@dataclass(frozen=True)
class RecordedRuns:
    """Adding-problem runs recorded by ``benchmarks/adding_protocol.py --record``: runs too
    long for a notebook, loaded from the package's data instead of typed into prose.

    ``protocol`` holds the settings of :class:`Protocol` the runs were made with,
    ``models`` maps a label to ``{"cell", "changed"}``, ``runs`` holds one dict per run
    (model, length, seed, solved, updates, final_mse, best_mse).

    Explained in chapters/<lang>/05_comparison.
    """

    command: str
    date: str
    machine: str
    torch: str
    threads: int
    protocol: dict
    models: dict
    lengths: tuple
    seeds: tuple
    runs: tuple

    def _found(self, model: str, length: int) -> list:
        if model not in self.models:
            known = ", ".join(map(repr, self.models))
            raise KeyError(v.say(f"{model!r} is not a model of the record; its models are: {known}",
                                 f"기록에 {model!r} 모델은 없습니다. 있는 모델: {known}"))
        if length not in self.lengths:
            raise KeyError(v.say(f"length {length!r} is not in the record; its lengths are "
                                 f"{list(self.lengths)}",
                                 f"기록에 길이 {length!r}는 없습니다. 있는 길이: {list(self.lengths)}"))
        return [r for r in self.runs if r["model"] == model and r["length"] == length]

    def solved(self, model: str, length: int) -> tuple:
        """(runs solved, runs) for one model and length."""
        return _solved([(r["solved"], r["updates"]) for r in self._found(model, length)])

    def solved_seeds(self, model: str, length: int) -> tuple:
        """The seeds whose run of this model and length was solved, in order."""
        return tuple(sorted(r["seed"] for r in self._found(model, length) if r["solved"]))

    def median_updates(self, model: str, length: int) -> float | None:
        """Median updates to solve over the solved runs; None if none was solved."""
        return _median_updates([(r["solved"], r["updates"]) for r in self._found(model, length)])

    def protocol_differences(self) -> dict:
        """``{name: (recorded, current default)}`` for every setting of :class:`Protocol`
        that differs from the record's; empty while the record is current."""
        now = dataclasses.asdict(Protocol())
        return {name: (self.protocol.get(name, "missing"), value) for name, value in now.items()
                if self.protocol.get(name, "missing") != value}


def recorded_adding_runs(path: str | Path | None = None) -> RecordedRuns:
    """The record written by ``benchmarks/adding_protocol.py --record`` (by default the one
    shipped as package data, :data:`RECORD`: T = 100, seeds 0–8).

    Explained in chapters/<lang>/05_comparison.
    """
    if path is None:
        text = resources.files("rnnbook.data").joinpath(RECORD).read_text(encoding="utf-8")
        where = f"rnnbook/data/{RECORD}"
    else:
        text, where = Path(path).read_text(encoding="utf-8"), str(path)
    raw = json.loads(text)
    missing = [k for k in _RECORD_KEYS if k not in raw]
    if missing:
        raise ValueError(v.say(f"{where} is not a record of benchmarks/adding_protocol.py: it "
                               f"lacks {', '.join(missing)}",
                               f"{where}는 benchmarks/adding_protocol.py의 기록이 아닙니다. 빠진 "
                               f"항목: {', '.join(missing)}"))
    for i, run in enumerate(raw["runs"]):
        lacking = [k for k in _RUN_KEYS if k not in run]
        if lacking:
            raise ValueError(v.say(f"{where}: run {i} lacks {', '.join(lacking)}",
                                   f"{where}: 실행 {i}에 빠진 항목: {', '.join(lacking)}"))
    return RecordedRuns(**{k: raw[k] for k in _RECORD_KEYS if k not in ("lengths", "seeds", "runs")},
                        lengths=tuple(raw["lengths"]), seeds=tuple(raw["seeds"]),
                        runs=tuple(raw["runs"]))
