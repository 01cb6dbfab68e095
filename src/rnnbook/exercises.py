"""Self-checking exercises: ``check(exercise_id, fn)`` runs a learner's function on fixed,
seeded test cases, compares it with :mod:`rnnbook.numpy_ref` and names the mistake it sees.

How a mistake is named: each step exercise has a small *model* of its cell whose knobs
are the known mistakes (gate order, an activation per gate, a missing bias, the GRU's
``1 − z`` on the wrong side, the reset gate before the matmul, …). When the learner's
outputs differ from the reference, the checker looks for the one or two knob settings
whose outputs equal the learner's on every test case and describes them. When none
fits, it *probes*: it solves the cell's last equation for one gate's value and checks
whether that value stays put when only the other gates' weights change — if it does,
that gate alone is wrong.

The checker never raises and never prints: the learner's output is captured, exceptions
become messages, and a failure inside the checker itself becomes an ``"error"`` result.
Results display as one deterministic block (``text/plain`` and ``text/html``), so
notebooks can store them and nbval can compare them.

Built-in ids and the learner's function each expects (chapters register more):

- ``rnn_step``, ``lstm_step``, ``gru_step``: the signatures of :mod:`rnnbook.numpy_ref`'s
  step functions, e.g. ``lstm_step(x, (h, c), params) -> (h_next, c_next)``.
- ``rnn_param_count``, ``lstm_param_count``, ``gru_param_count``:
  ``fn(input_size, hidden_size) -> int``, the parameter count of the torch.nn module.
- ``clip_grad_norm``: ``fn(grads, max_norm) -> list`` of arrays scaled by
  ``min(1, max_norm / ‖g‖)`` with ‖g‖ the norm of all gradients together; inputs unchanged.
- ``rnn_shapes``: ``fn(T, B, I, H) -> dict`` of shape tuples of a one-layer, time-major
  torch.nn.RNN: ``weight_ih, weight_hh, bias_ih, bias_hh, output, h_n``.
- ``textbook_gru_to_torch``: ``fn(params) -> params`` for PyTorch's GRU, from a GRU that
  weighs the past by ``1 − z`` (see :func:`rnnbook.conventions.textbook_gru_to_torch`).
- ``lstm_cell_backward``: ``fn(dh_next, dc_next, x, (h, c), params) -> dict`` with keys
  ``x, h, c, weight_ih, weight_hh, bias_ih, bias_hh``: the gradients of
  ``sum(dh_next ⊙ h_next) + sum(dc_next ⊙ c_next)`` for one LSTM step, checked against
  central differences.

Grading: when the environment variable ``RNNBOOK_GRADE_LOG`` names a file, every
``check`` call appends one JSON line to it (exercise id, status, diagnosis, the message
in every language); ``python -m rnnbook.grade`` sets it for the notebooks it runs.

References: PyTorch's torch.nn.RNN / LSTM / GRU documentation (equations and layout);
Cho et al. (2014) and Chung et al. (2014) for the GRU and its reset-gate variants;
Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent neural
networks", for clipping by the global gradient norm.
"""

from __future__ import annotations

import contextlib
import copy
import html
import io
import itertools
import json
import os
import re
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np

from . import LANGUAGES, current_lang
from . import _messages as M

__all__ = ["check", "register", "known_ids", "call_learner", "Result", "Verdict",
           "LearnerError", "GRADE_LOG_ENV"]

GRADE_LOG_ENV = "RNNBOOK_GRADE_LOG"
TOL = 1e-8          # learner vs reference: float64 rounding differs by ~1e-15, mistakes by ~1e-2
PROBE_TOL = 1e-6    # a gate value solved from the outputs, before vs after a perturbation

_ICONS = {"passed": "✅", "failed": "❌", "not_attempted": "⏳", "error": "⚠️"}
_COLOURS = {"passed": ("#2e7d32", "#edf7ee"), "failed": ("#c62828", "#fdecea"),
            "not_attempted": ("#6d6d6d", "#f3f3f3"), "error": ("#b26a00", "#fff4e5")}
_NUMPY_DIR = os.path.dirname(np.__file__)


# ------------------------------------------------------------------------ messages

class _Msg:
    """One sentence: a catalogue code and its arguments, rendered in any language."""

    def __init__(self, code: str, /, **args):
        self.code, self.args = code, args

    def render(self, lang: str, extra: Mapping | None = None) -> str:
        template = (extra or {}).get(lang, {}).get(self.code) or M.MESSAGES[lang][self.code]
        return template.format(**{k: _loc(v, lang, extra) for k, v in self.args.items()})


class _Gate:
    """A gate's (or the hidden state's) name in the glossary's words."""

    def __init__(self, cell: str, letter: str):
        self.cell, self.letter = cell, letter

    def render(self, lang: str, extra=None) -> str:
        return M.GATES[lang][self.cell][self.letter]


class _Act:
    """An activation's name; ``obj`` adds the Korean object particle."""

    def __init__(self, name: str, obj: bool = False):
        self.name, self.obj = name, obj

    def render(self, lang: str, extra=None) -> str:
        return (M.ACTIVATIONS_OBJ if self.obj else M.ACTIVATIONS)[lang][self.name]


class _Cell:
    def __init__(self, cell: str):
        self.cell = cell

    def render(self, lang: str, extra=None) -> str:
        return M.CELL_NAMES[lang][self.cell]


class _Join:
    """Items joined with "and" (or a separator); each item rendered in the language."""

    def __init__(self, items, sep: str = "and"):
        self.items, self.sep = list(items), sep

    def render(self, lang: str, extra=None) -> str:
        parts = [_loc(item, lang, extra) for item in self.items]
        if self.sep != "and":
            return M.WORDS[lang][self.sep].join(parts)
        if len(parts) <= 1:
            return "".join(parts)
        return ", ".join(parts[:-1]) + M.WORDS[lang]["and"] + parts[-1]


class _Swaps:
    """A wrong gate order, described as swapped pairs or as rows used for another gate."""

    def __init__(self, cell: str, perm: tuple):
        self.cell, self.perm = cell, perm

    def render(self, lang: str, extra=None) -> str:
        letters = _GATE_LETTERS[self.cell]
        phrases, seen = [], set()
        for start in range(len(self.perm)):
            if start in seen or self.perm[start] == start:
                continue
            cycle, k = [], start
            while k not in seen:
                seen.add(k)
                cycle.append(k)
                k = self.perm[k]
            if len(cycle) == 2:
                a, b = cycle
                phrases.append(_Msg("gate_order.swap", a=_Gate(self.cell, letters[a]),
                                    b=_Gate(self.cell, letters[b])))
            else:
                phrases += [_Msg("gate_order.move", src=_Gate(self.cell, letters[self.perm[r]]),
                                 dst=_Gate(self.cell, letters[r])) for r in cycle]
        return _Join(phrases, sep="sep").render(lang, extra)


def _loc(value, lang: str, extra=None) -> str:
    if hasattr(value, "render"):
        return value.render(lang, extra)
    return str(value)


def _type_name(value) -> str:
    kind = type(value)
    if kind.__module__ == "builtins":
        return kind.__qualname__
    return f"{kind.__module__.split('.')[0]}.{kind.__qualname__}"


def _describe(value) -> str:
    """A short, language-neutral description of a returned value."""
    if isinstance(value, np.ndarray):
        return f"ndarray, shape={value.shape}"
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__}, len={len(value)}"
    return _type_name(value)


def _clean(text: str, limit: int = 160) -> str:
    """First line of an exception message, without memory addresses, shortened."""
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", str(text)).strip().splitlines()
    text = text[0] if text else ""
    return text if len(text) <= limit else text[:limit - 1] + "…"


# ------------------------------------------------------------------------- results

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


def _invoke(fn: Callable, args: tuple, kwargs: dict | None = None) -> _Call:
    """Call learner code with its printing, warnings and float errors kept out of sight."""
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink), \
            warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return _Call(value=fn(*args, **(kwargs or {})))
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # SystemExit too: a learner's sys.exit() is a result
            return _Call(exc=exc)


def _exception_verdict(exc: BaseException, case: str) -> Verdict:
    if isinstance(exc, NotImplementedError):
        return Verdict("not_attempted", [_Msg("not_attempted")], "not_attempted")
    where = ""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if f.filename != __file__ and not f.filename.startswith(_NUMPY_DIR)]
    if frames:
        last = frames[-1]
        where = _Msg("exception.where", func=last.name, line=last.lineno,
                     code=_clean(last.line or "", 80))
    return Verdict("failed", [_Msg("exception", etype=type(exc).__name__,
                                   emsg=_clean(exc), where=where, case=case)],
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


# ------------------------------------------------------------------------ registry

@dataclass
class _Exercise:
    checker: Callable
    messages: dict


_REGISTRY: dict[str, _Exercise] = {}


def register(exercise_id: str, checker: Callable | None = None, *,
             messages: Mapping | None = None):
    """Register ``checker(fn) -> Verdict`` under ``exercise_id``; usable as a decorator.

    ``messages`` maps each language to ``{code: template}`` for the codes this checker
    uses beyond the built-in catalogue (:mod:`rnnbook._messages`). Inside the checker,
    call the learner through :func:`call_learner`.

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
        _REGISTRY[exercise_id] = _Exercise(func, messages)
        return func

    return add if checker is None else add(checker)


def _load_chapters() -> None:
    """Import :mod:`rnnbook.exercise_bank`, whose chapter modules register their ids."""
    try:
        from . import exercise_bank
        exercise_bank.load_all()
    except Exception:  # a broken chapter module must not break the built-in exercises
        pass


def known_ids() -> tuple:
    """The registered exercise ids (built in and the chapters' own), sorted."""
    _load_chapters()
    return tuple(sorted(_REGISTRY))


def check(exercise_id: str, fn: Callable, lang: str | None = None) -> Result:
    """Check the learner's ``fn`` for ``exercise_id``; return a :class:`Result`.

    ``lang`` ("ko" | "en") defaults to the one chosen by :func:`rnnbook.setup`.
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
    result = _result(str(exercise_id), verdict, lang, extra)
    _log(result)
    return result


def _result(exercise_id: str, verdict: Verdict, lang: str, extra: Mapping) -> Result:
    messages = {}
    for each in LANGUAGES:
        try:
            messages[each] = " ".join(part.render(each, extra) for part in verdict.parts)
        except Exception as exc:  # a broken template must not hide the verdict
            messages[each] = f"{verdict.diagnosis or verdict.status} ({_clean(exc)})"
    return Result(exercise_id, verdict.status, lang, messages, verdict.diagnosis,
                  dict(verdict.details))


def _log(result: Result) -> None:
    path = os.environ.get(GRADE_LOG_ENV)
    if not path:
        return
    record = {"exercise_id": result.exercise_id, "status": result.status,
              "passed": result.passed, "diagnosis": result.diagnosis,
              "messages": dict(result.messages)}
    try:
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps(record, ensure_ascii=False) + "\n")
    except OSError:
        pass


# ------------------------------------------------------- cell models with mistakes

_GATE_LETTERS = {"rnn": "h", "lstm": "ifgo", "gru": "rzn"}
_DEFAULT_ACTS = {"lstm": ("sigmoid", "sigmoid", "tanh", "sigmoid"),
                 "gru": ("sigmoid", "sigmoid", "tanh")}


def _act(name: str, a: np.ndarray) -> np.ndarray:
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-a))
    if name == "tanh":
        return np.tanh(a)
    if name == "relu":
        return np.maximum(a, 0.0)
    return a


def _biases(p: dict, bias: str):
    zero = np.zeros_like(p["bias_ih"])
    return (p["bias_ih"] if bias in ("both", "no_hh") else zero,
            p["bias_hh"] if bias in ("both", "no_ih") else zero)


def _rnn_model(x, h, p, nonlinearity="tanh", *, act_tanh="tanh", act_relu="relu",
               bias="both", hh="transposed", h_term=True):
    b_ih, b_hh = _biases(p, bias)
    W_hh = p["weight_hh"].T if hh == "transposed" else p["weight_hh"]
    a = x @ p["weight_ih"].T + b_ih + b_hh + (h @ W_hh if h_term else 0.0)  # (B, H)
    return _act(act_tanh if nonlinearity == "tanh" else act_relu, a)


def _lstm_model(x, state, p, *, perm=(0, 1, 2, 3), act_i="sigmoid", act_f="sigmoid",
                act_g="tanh", act_o="sigmoid", bias="both", h_from="tanh_c"):
    h, c = state
    H = h.shape[1]
    b_ih, b_hh = _biases(p, bias)
    a = x @ p["weight_ih"].T + b_ih + h @ p["weight_hh"].T + b_hh  # (B, 4H)
    blocks = [a[:, k * H:(k + 1) * H] for k in perm]
    i, f, g, o = (_act(name, blk) for name, blk in zip((act_i, act_f, act_g, act_o), blocks))
    c_next = f * c + i * g
    cell = {"tanh_c": np.tanh(c_next), "c": c_next, "old_c": np.tanh(c)}[h_from]
    return o * cell, c_next


def _gru_model(x, h, p, *, perm=(0, 1, 2), act_r="sigmoid", act_z="sigmoid", act_n="tanh",
               bias="both", z_side="torch", reset="after"):
    H = h.shape[1]
    b_ih, b_hh = _biases(p, bias)
    rows = [slice(k * H, (k + 1) * H) for k in perm]
    ax = [x @ p["weight_ih"][s].T + b_ih[s] for s in rows]  # 3 × (B, H)
    W_hn, b_hn = p["weight_hh"][rows[2]], b_hh[rows[2]]
    r = _act(act_r, ax[0] + h @ p["weight_hh"][rows[0]].T + b_hh[rows[0]])
    z = _act(act_z, ax[1] + h @ p["weight_hh"][rows[1]].T + b_hh[rows[1]])
    hidden = {"after": lambda: r * (h @ W_hn.T + b_hn),
              "before": lambda: (r * h) @ W_hn.T + b_hn,
              "bias_outside": lambda: r * (h @ W_hn.T) + b_hn,
              "none": lambda: h @ W_hn.T + b_hn}[reset]()
    n = _act(act_n, ax[2] + hidden)
    return (1.0 - z) * n + z * h if z_side == "torch" else z * n + (1.0 - z) * h


@dataclass(frozen=True)
class _Variant:
    """One known mistake: a knob of the cell model, its diagnosis code and sentence."""

    knob: str
    value: object
    code: str
    msg: _Msg
    details: tuple = ()


def _variants(cell: str) -> list:
    out = []
    letters = _GATE_LETTERS[cell]
    if cell in ("lstm", "gru"):
        for perm in itertools.permutations(range(len(letters))):
            if perm != tuple(range(len(letters))):
                moved = tuple(letters[k] for k in range(len(letters)) if perm[k] != k)
                order = "".join(letters[k] for k in perm)
                out.append(_Variant("perm", perm, f"{cell}.gate_order",
                                    _Msg("gate_order", swaps=_Swaps(cell, perm),
                                         order=", ".join(letters)),
                                    (("gates", moved), ("order", order))))
        for letter, right in zip(letters, _DEFAULT_ACTS[cell]):
            for wrong in ("tanh" if right == "sigmoid" else "sigmoid", "identity"):
                out.append(_activation_variant(cell, f"act_{letter}", letter, right, wrong))
    else:
        for wrong in ("relu", "sigmoid", "identity"):
            out.append(_activation_variant(cell, "act_tanh", "h", "tanh", wrong))
        out.append(_Variant("act_relu", "tanh", "rnn.ignores_nonlinearity",
                            _Msg("rnn.ignores_nonlinearity")))
        for wrong in ("sigmoid", "identity"):
            out.append(_activation_variant(cell, "act_relu", "h", "relu", wrong))
    for bias in ("no_ih", "no_hh", "none"):
        key = {"no_ih": "no_bias_ih", "no_hh": "no_bias_hh", "none": "no_bias"}[bias]
        out.append(_Variant("bias", bias, f"{cell}.{key}", _Msg(key)))
    extra = {
        "rnn": [("hh", "plain", "rnn.hh_not_transposed"), ("h_term", False, "rnn.no_hh")],
        "lstm": [("h_from", "c", "lstm.no_tanh_c"), ("h_from", "old_c", "lstm.h_from_old_c")],
        "gru": [("z_side", "flipped", "gru.z_flipped"), ("reset", "before", "gru.reset_before"),
                ("reset", "bias_outside", "gru.reset_bias_outside"),
                ("reset", "none", "gru.no_reset")],
    }[cell]
    out += [_Variant(knob, value, code, _Msg(code)) for knob, value, code in extra]
    return out


def _activation_variant(cell, knob, letter, right, wrong) -> _Variant:
    gate = _Gate(cell, letter)
    if wrong == "identity":
        msg = _Msg("activation.none", gate=gate, expected=_Act(right),
                   expected_obj=_Act(right, obj=True))
    else:
        msg = _Msg("activation", gate=gate, expected=_Act(right), got=_Act(wrong),
                   got_obj=_Act(wrong, obj=True))
    return _Variant(knob, wrong, f"{cell}.activation", msg,
                    (("gate", letter), ("got", wrong), ("expected", right)))


# ------------------------------------------------------------------ step exercises

_MODELS = {"rnn": _rnn_model, "lstm": _lstm_model, "gru": _gru_model}
_STEP_SHAPES = ((1, 3, 5), (4, 3, 5), (3, 6, 2), (1, 4, 3))   # (B, I, H): B = 1, B > 1, I ≠ H
_WEIGHT_SCALE = 0.8


@dataclass
class _Case:
    B: int
    I: int
    H: int
    args: tuple
    kwargs: dict

    @property
    def label(self) -> str:
        extra = "".join(f', {k}="{v}"' for k, v in self.kwargs.items())
        return f"B={self.B}, I={self.I}, H={self.H}{extra}"


def _random_params(rng, G: int, I: int, H: int) -> dict:
    shapes = {"weight_ih": (G * H, I), "weight_hh": (G * H, H),
              "bias_ih": (G * H,), "bias_hh": (G * H,)}
    return {k: rng.uniform(-_WEIGHT_SCALE, _WEIGHT_SCALE, size=s) for k, s in shapes.items()}


def _step_cases(cell: str) -> list:
    G = len(_GATE_LETTERS[cell]) if cell != "rnn" else 1
    cases = []
    for k, (B, I, H) in enumerate(_STEP_SHAPES):
        rng = np.random.default_rng(7_000 + 100 * G + k)
        p = _random_params(rng, G, I, H)
        x = rng.normal(size=(B, I))
        h = rng.uniform(-0.9, 0.9, size=(B, H))
        if cell == "lstm":
            args = (x, (h, rng.normal(size=(B, H))), p)
        else:
            args = (x, h, p)
        kwargs = {"nonlinearity": "relu"} if cell == "rnn" and k >= 2 else {}
        cases.append(_Case(B, I, H, args, kwargs))
    return cases


def _reference(cell: str, case: _Case):
    from . import numpy_ref
    step = {"rnn": numpy_ref.rnn_step, "lstm": numpy_ref.lstm_step, "gru": numpy_ref.gru_step}
    return step[cell](*copy.deepcopy(case.args), **case.kwargs)


def _outputs(cell: str, value) -> tuple:
    return tuple(value) if cell == "lstm" else (value,)


def _max_error(a: tuple, b: tuple) -> float:
    return max(float(np.max(np.abs(x - y))) if x.size else 0.0 for x, y in zip(a, b))


def _close(a: tuple, b: tuple) -> bool:
    return all(x.shape == y.shape and np.allclose(x, y, rtol=TOL, atol=TOL)
               for x, y in zip(a, b))


def _mutations(original, used, name: str) -> list:
    """Names of the inputs the learner changed (arrays compared bit for bit)."""
    if isinstance(original, np.ndarray):
        same = (isinstance(used, np.ndarray) and used.shape == original.shape
                and np.array_equal(used, original, equal_nan=True))
        return [] if same else [name]
    if isinstance(original, dict):
        if not isinstance(used, dict) or set(used) != set(original):
            return [name]
        return sum((_mutations(original[k], used[k], f"{name}['{k}']") for k in original), [])
    if isinstance(original, tuple):
        names = ("h", "c") if len(original) == 2 else ()
        if not isinstance(used, (tuple, list)) or len(used) != len(original):
            return [name]
        return sum((_mutations(o, u, n) for o, u, n in zip(original, used, names)), [])
    return []


def _array_problem(value, B: int, H: int, what: str):
    """A sentence saying what is wrong with one returned array's type, shape or values."""
    if not isinstance(value, np.ndarray):
        return _Msg("wrong_type", what=what, expected=_Word("array"), got=_describe(value))
    if value.shape != (B, H):
        if value.shape == (H,) and B == 1:
            return _Msg("dropped_batch", what=what, got=value.shape, expected=(B, H))
        if value.shape == (H, B):
            return _Msg("transposed", what=what, got=value.shape, expected=(B, H))
        return _Msg("wrong_shape", what=what, got=value.shape, expected=(B, H))
    if value.dtype != np.float64:
        return _Msg("wrong_dtype", what=what, got=str(value.dtype))
    if not np.all(np.isfinite(value)):
        return _Msg("nonfinite", what=what, case="{case}")
    return None


class _Word:
    def __init__(self, key: str):
        self.key = key

    def render(self, lang: str, extra=None) -> str:
        return M.WORDS[lang][self.key]


def _structure(cell: str, value, case: _Case):
    """Return (outputs, None) or (None, (diagnosis code, sentence))."""
    B, H = case.B, case.H
    if value is None:
        return None, ("returned_none", _Msg("returned_none"))
    if cell == "lstm":
        if isinstance(value, np.ndarray):
            if value.shape == (B, H):
                return None, ("lstm.only_h", _Msg("lstm.only_h"))
            return None, ("lstm.structure", _Msg("lstm.structure", got=_describe(value)))
        if isinstance(value, list) and len(value) == 2:
            return None, ("lstm.list", _Msg("lstm.list"))
        if not isinstance(value, tuple) or len(value) != 2:
            return None, ("lstm.structure", _Msg("lstm.structure", got=_describe(value)))
        names = ("h_next", "c_next")
    else:
        value, names = (value,), ("h_next",)
    for array, name in zip(value, names):
        problem = _array_problem(array, B, H, name)
        if problem is not None:
            if problem.code == "nonfinite":
                problem.args["case"] = case.label
            return None, (problem.code, problem)
    return tuple(value), None


def _step_checker(cell: str) -> Callable:
    def checker(fn) -> Verdict:
        return _check_step(cell, fn)
    checker.__name__ = f"check_{cell}_step"
    return checker


def _check_step(cell: str, fn) -> Verdict:
    cases = _step_cases(cell)
    refs = [_outputs(cell, _reference(cell, case)) for case in cases]
    calls, mutated = [], []
    for case in cases:
        used = copy.deepcopy(case.args)
        call = _invoke(fn, used, case.kwargs)
        if isinstance(call.exc, NotImplementedError):
            return _exception_verdict(call.exc, case.label)
        calls.append(call)
        for name in sum((_mutations(o, u, n) for o, u, n in
                         zip(case.args, used, ("x", "state" if cell == "lstm" else "h",
                                               "params"))), []):
            if name not in mutated:
                mutated.append(name)

    # Per case: ("ok" | "exception" | "structure" | "mismatch", payload)
    status = []
    for case, call, ref in zip(cases, calls, refs):
        if call.exc is not None:
            status.append(("exception", _exception_verdict(call.exc, case.label)))
            continue
        outs, problem = _structure(cell, call.value, case)
        if problem is not None:
            status.append(("structure", problem))
        elif _close(outs, ref):
            status.append(("ok", outs))
        else:
            status.append(("mismatch", outs))

    if all(kind == "ok" for kind, _ in status):
        if mutated:
            return _mutated_verdict(mutated)
        return Verdict("passed", [_Msg("passed.step", n=len(cases))])

    single = [k for k, case in enumerate(cases) if case.B == 1]
    batch = [k for k, case in enumerate(cases) if case.B > 1]
    if all(status[k][0] == "ok" for k in single) and all(status[k][0] != "ok" for k in batch):
        k = batch[0]
        return Verdict("failed", [_Msg("batch1_only", case=cases[k].label,
                                       problem=_problem_sentence(cell, status[k], cases[k],
                                                                 refs[k]))],
                       "batch1_only", {"case": cases[k].label})

    for kind, payload in status:
        if kind == "exception":
            return payload
    if mutated:
        return _mutated_verdict(mutated)
    for kind, payload in status:
        if kind == "structure":
            code, msg = payload
            return Verdict("failed", [msg], code)

    outs = [payload for _, payload in status]
    if cell == "lstm" and all(_close(o[::-1], r) for o, r in zip(outs, refs)):
        return Verdict("failed", [_Msg("lstm.swapped_hc")], "lstm.swapped_hc")
    found = _search_variants(cell, cases, outs)
    if found:
        return Verdict("failed", [v.msg for v in found], "+".join(v.code for v in found),
                       dict(found[0].details, codes=tuple(v.code for v in found)))
    return _mismatch_verdict(cell, fn, cases, outs, refs)


def _problem_sentence(cell, state, case, ref) -> _Msg:
    kind, payload = state
    if kind == "exception":
        return payload.parts[0]
    if kind == "structure":
        return payload[1]
    names = ("h_next", "c_next") if cell == "lstm" else ("h_next",)
    k = next(j for j, (o, r) in enumerate(zip(payload, ref)) if not _close((o,), (r,)))
    return _Msg("mismatch", what=names[k], err=f"{_max_error((payload[k],), (ref[k],)):.1e}",
                case=case.label)


def _mutated_verdict(names: list) -> Verdict:
    return Verdict("failed", [_Msg("mutated_input", names=", ".join(names))],
                   "mutated_input", {"inputs": tuple(names)})


def _search_variants(cell: str, cases: list, outs: list) -> list:
    """The first one or two known mistakes that reproduce every learner output."""
    model = _MODELS[cell]
    variants = _variants(cell)

    def matches(combo) -> bool:
        knobs = {v.knob: v.value for v in combo}
        with np.errstate(all="ignore"):
            return all(_close(out, _outputs(cell, model(*copy.deepcopy(case.args),
                                                         **case.kwargs, **knobs)))
                       for case, out in zip(cases, outs))

    for v in variants:
        if matches((v,)):
            return [v]
    for a, b in itertools.combinations(variants, 2):
        if a.knob != b.knob and matches((a, b)):
            return [a, b]
    return []


def _mismatch_verdict(cell, fn, cases, outs, refs) -> Verdict:
    names = ("h_next", "c_next") if cell == "lstm" else ("h_next",)
    parts, wrong = [], []
    for j, name in enumerate(names):
        bad = [k for k in range(len(cases)) if not _close((outs[k][j],), (refs[k][j],))]
        if bad:
            err = max(_max_error((outs[k][j],), (refs[k][j],)) for k in bad)
            parts.append(_Msg("mismatch", what=name, err=f"{err:.1e}", case=cases[bad[0]].label))
            wrong.append(name)
        else:
            parts.append(_Msg("mismatch.other_ok", what=name))
    details = {"outputs": tuple(wrong)}
    probe = {"lstm": _probe_lstm, "gru": _probe_gru}.get(cell)
    found = probe(fn, cases, outs) if probe else None
    if found is None:
        return Verdict("failed", parts, "mismatch", details)
    code, msg, gates = found
    return Verdict("failed", [msg] + parts, code, dict(details, gates=gates))


# -------------------------------------------------- probing: which gate is wrong?

def _perturbed(params: dict, cell: str, letters: str, seed: int) -> dict:
    """Copy of ``params`` with fresh random rows for the gate blocks in ``letters``."""
    rng = np.random.default_rng(seed)
    H = params["weight_hh"].shape[1]
    out = {k: v.copy() for k, v in params.items()}
    for letter in letters:
        k = _GATE_LETTERS[cell].index(letter)
        for name, value in out.items():
            rows = value[k * H:(k + 1) * H]
            rows[...] = rng.uniform(-_WEIGHT_SCALE, _WEIGHT_SCALE, size=rows.shape)
    return out


def _lstm_gates(x, h, p) -> tuple:
    H = h.shape[1]
    a = x @ p["weight_ih"].T + p["bias_ih"] + h @ p["weight_hh"].T + p["bias_hh"]  # (B, 4H)
    s = [a[:, k * H:(k + 1) * H] for k in range(4)]
    return _act("sigmoid", s[0]), _act("sigmoid", s[1]), np.tanh(s[2]), _act("sigmoid", s[3])


def _stable(fn, cases, solve, perturb: str, cell: str) -> bool:
    """Does the gate value ``solve`` recovers stay put when the ``perturb`` gates change?"""
    compared = 0
    for k, case in enumerate(cases):
        x, state, p = case.args
        p2 = _perturbed(p, cell, perturb, seed=9_000 + k)
        call = _invoke(fn, copy.deepcopy((x, state, p2)))
        if call.exc is not None:
            return False
        outs, problem = _structure(cell, call.value, case)
        if problem is not None:
            return False
        with np.errstate(all="ignore"):
            v1, ok1 = solve(case.outs, x, state, p)
            v2, ok2 = solve(outs, x, state, p2)
        mask = ok1 & ok2 & np.isfinite(v1) & np.isfinite(v2)
        if not np.allclose(v1[mask], v2[mask], rtol=PROBE_TOL, atol=PROBE_TOL):
            return False
        compared += int(mask.sum())
    return compared > 0


def _with_outs(cases, outs) -> list:
    return [_ProbeCase(c.B, c.I, c.H, c.args, c.kwargs, o) for c, o in zip(cases, outs)]


@dataclass
class _ProbeCase(_Case):
    outs: tuple = ()


def _probe_lstm(fn, cases, outs):
    cases = _with_outs(cases, outs)
    big = 0.05

    def solve_o(o_l, x, state, p):
        h, c = state
        i, f, g, _ = _lstm_gates(x, h, p)
        t = np.tanh(f * c + i * g)
        return o_l[0] / t, np.abs(t) > big

    def solver(letter):
        def solve(o_l, x, state, p):
            h, c = state
            i, f, g, _ = _lstm_gates(x, h, p)
            c_l = o_l[1]
            if letter == "i":
                return (c_l - f * c) / g, np.abs(g) > big
            if letter == "f":
                return (c_l - i * g) / c, np.abs(c) > big
            return (c_l - f * c) / i, np.abs(i) > big
        return solve

    def c_right(case):
        x, (h, c), p = case.args
        i, f, g, _ = _lstm_gates(x, h, p)
        return np.allclose(case.outs[1], f * c + i * g, rtol=TOL, atol=TOL)

    if all(c_right(case) for case in cases):
        if _stable(fn, cases, solve_o, "ifg", "lstm"):
            return "lstm.gate_wrong", _Msg("probe.gate", gate=_Gate("lstm", "o")), ("o",)
        return "lstm.h_wrong", _Msg("probe.h_only"), ()
    hits = [letter for letter in "ifg"
            if _stable(fn, cases, solver(letter), "ifgo".replace(letter, ""), "lstm")]
    if len(hits) == 1:
        return "lstm.gate_wrong", _Msg("probe.gate", gate=_Gate("lstm", hits[0])), tuple(hits)
    return None


def _gru_parts(x, h, p) -> tuple:
    H = h.shape[1]
    ax = x @ p["weight_ih"].T + p["bias_ih"]  # (B, 3H)
    ah = h @ p["weight_hh"].T + p["bias_hh"]  # (B, 3H)
    r = _act("sigmoid", ax[:, :H] + ah[:, :H])
    z = _act("sigmoid", ax[:, H:2 * H] + ah[:, H:2 * H])
    n = np.tanh(ax[:, 2 * H:] + r * ah[:, 2 * H:])
    return r, z, n, ax[:, 2 * H:], ah[:, 2 * H:]


def _probe_gru(fn, cases, outs):
    cases = _with_outs(cases, outs)
    big = 0.05

    def solve_z(o_l, x, h, p):
        _, _, n, _, _ = _gru_parts(x, h, p)
        return (o_l[0] - n) / (h - n), np.abs(h - n) > big

    def solve_n(o_l, x, h, p):
        _, z, _, _, _ = _gru_parts(x, h, p)
        return (o_l[0] - z * h) / (1.0 - z), np.abs(1.0 - z) > big

    def solve_r(o_l, x, h, p):
        n_l, ok = solve_n(o_l, x, h, p)
        _, _, _, ax_n, ah_n = _gru_parts(x, h, p)
        inside = np.abs(n_l) < 1.0 - 1e-6
        return (np.arctanh(np.where(inside, n_l, 0.0)) - ax_n) / ah_n, \
            ok & inside & (np.abs(ah_n) > big)

    if _stable(fn, cases, solve_z, "rn", "gru"):
        return "gru.gate_wrong", _Msg("probe.gate", gate=_Gate("gru", "z")), ("z",)
    if _stable(fn, cases, solve_n, "z", "gru"):
        if _stable(fn, cases, solve_r, "zn", "gru"):
            return "gru.gate_wrong", _Msg("probe.gate", gate=_Gate("gru", "r")), ("r",)
        return "gru.candidate_wrong", _Msg("probe.candidate"), ("n",)
    return None


for _cell in ("rnn", "lstm", "gru"):
    register(f"{_cell}_step", _step_checker(_cell))


# ------------------------------------------------------------- parameter counts

_COUNT_CASES = ((3, 5), (10, 20), (7, 4), (1, 2))


def _count_checker(cell: str) -> Callable:
    G = {"rnn": 1, "lstm": 4, "gru": 3}[cell]

    def checker(fn) -> Verdict:
        from . import numpy_ref
        gh = "H" if G == 1 else f"{G}·H"
        mistakes = [("count.one_bias", lambda I, H: G * H * (I + H + 1)),
                    ("count.no_bias", lambda I, H: G * H * (I + H)),
                    ("count.no_hh", lambda I, H: G * H * (I + 2))]
        if G > 1:
            mistakes.append(("count.no_gate_factor", lambda I, H: H * (I + H + 2)))
        wrong_g = [g for g in (3, 4) if g != G]
        answers = []
        for I, H in _COUNT_CASES:
            label = f"input_size={I}, hidden_size={H}"
            got = call_learner(fn, (I, H), case=label)
            if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
                if got is None:
                    return Verdict.fail("returned_none")
                return Verdict.fail("count.wrong_type", got=_describe(got))
            answers.append(int(got))
        expected = [numpy_ref.param_count(cell, I, H) for I, H in _COUNT_CASES]
        if answers == expected:
            return Verdict.ok(len(_COUNT_CASES))
        for code, formula in mistakes:
            if answers == [formula(I, H) for I, H in _COUNT_CASES]:
                return Verdict.fail(code, gh=gh, G=G, cellname=_Cell(cell))
        for g in wrong_g:
            if answers == [g * H * (I + H + 2) for I, H in _COUNT_CASES]:
                return Verdict.fail("count.wrong_gates", got_g=g, G=G, cellname=_Cell(cell),
                                    details={"gates": g})
        k = next(j for j in range(len(answers)) if answers[j] != expected[j])
        I, H = _COUNT_CASES[k]
        return Verdict.fail("count.mismatch", I=I, H=H, got=answers[k], expected=expected[k],
                            cellname=_Cell(cell))

    return checker


for _cell in ("rnn", "lstm", "gru"):
    register(f"{_cell}_param_count", _count_checker(_cell))


# ---------------------------------------------------------------- gradient clipping

_CLIP_EPS = 1e-6    # torch.nn.utils.clip_grad_norm_ adds it to the norm


def _clip_cases() -> list:
    rng = np.random.default_rng(7_500)
    shapes = ((3, 4), (4,), (2, 2, 3))
    big = [rng.normal(size=s) * 3.0 for s in shapes]
    small = [rng.normal(size=s) * 0.05 for s in shapes]
    return [(big, 1.0), (small, 5.0), ([rng.normal(size=(5,)) * 2.0], 0.5)]


def _clip_reference(grads, max_norm, *, per_tensor=False, always=False, by_value=False,
                    norm="l2", inverted=False):
    if by_value:
        return [np.clip(g, -max_norm, max_norm) for g in grads]
    if per_tensor:
        return [g * min(1.0, max_norm / (np.sqrt(np.sum(g * g)) + _CLIP_EPS)) for g in grads]
    squares = [float(np.sum(g * g)) for g in grads]
    total = {"l2": np.sqrt(sum(squares)), "sum": sum(np.sqrt(s) for s in squares),
             "squared": sum(squares)}[norm]
    scale = max_norm / (total + _CLIP_EPS)
    if inverted:
        scale = 1.0 / scale
    if not always and total <= max_norm:
        scale = 1.0
    return [g * scale for g in grads]


@register("clip_grad_norm")
def _check_clip(fn) -> Verdict:
    mistakes = [("clip.per_tensor", {"per_tensor": True}), ("clip.always_scale", {"always": True}),
                ("clip.by_value", {"by_value": True}), ("clip.sum_of_norms", {"norm": "sum"}),
                ("clip.squared_norm", {"norm": "squared"}), ("clip.inverted", {"inverted": True})]
    cases = _clip_cases()
    answers, mutated = [], []
    for grads, max_norm in cases:
        label = f"{len(grads)} arrays, max_norm={max_norm}"
        used = [g.copy() for g in grads]
        got = call_learner(fn, (used, max_norm), case=label)
        if any(not np.array_equal(g, u) for g, u in zip(grads, used)):
            mutated.append("grads")
        if got is None:
            return Verdict.fail("clip.returned_none", diagnosis="returned_none")
        if not isinstance(got, (list, tuple)):
            return Verdict.fail("clip.wrong_type", diagnosis="wrong_type", got=_describe(got))
        if len(got) != len(grads):
            return Verdict.fail("clip.wrong_length", diagnosis="wrong_length", got=len(got),
                                expected=len(grads))
        for k, (g, ref) in enumerate(zip(got, grads)):
            if not isinstance(g, np.ndarray):
                return Verdict.fail("wrong_type", what=f"[{k}]", expected=_Word("array"),
                                    got=_describe(g))
            if g.shape != ref.shape:
                return Verdict.fail("clip.wrong_shape", diagnosis="wrong_shape", k=k,
                                    got=g.shape, expected=ref.shape)
            if not np.all(np.isfinite(g)):
                return Verdict.fail("nonfinite", what=f"[{k}]", case=label)
        answers.append(list(got))
    if mutated:
        return _mutated_verdict(["grads"])

    def same(outs, refs) -> bool:
        return all(np.allclose(o, r, rtol=1e-5, atol=1e-12) for o, r in zip(outs, refs))

    if all(same(a, _clip_reference(*case)) for a, case in zip(answers, cases)):
        return Verdict.ok(len(cases))
    for code, knobs in mistakes:
        if all(same(a, _clip_reference(*case, **knobs)) for a, case in zip(answers, cases)):
            return Verdict.fail(code)
    for (grads, max_norm), a in zip(cases, answers):
        refs = _clip_reference(grads, max_norm)
        for k, (o, r) in enumerate(zip(a, refs)):
            if not same([o], [r]):
                return Verdict.fail("clip.mismatch", diagnosis="mismatch", k=k,
                                    err=f"{float(np.max(np.abs(o - r))):.1e}",
                                    case=f"{len(grads)} arrays, max_norm={max_norm}")
    return Verdict.ok(len(cases))


# ------------------------------------------------------------ shapes of torch.nn.RNN

_SHAPE_KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "output", "h_n")


def _rnn_shapes_reference(T: int, B: int, I: int, H: int) -> dict:
    from . import numpy_ref
    p = numpy_ref.init_params("rnn", I, H, rng=0)
    hs, h_T, _ = numpy_ref.forward("rnn", np.zeros((T, B, I)), None, p)
    shapes = {k: p[k].shape for k in _SHAPE_KEYS[:4]}
    # torch.nn.RNN returns h_n with a leading (num_layers · num_directions) axis.
    return dict(shapes, output=hs.shape, h_n=(1,) + h_T.shape)


def _as_shape(value):
    if isinstance(value, (tuple, list)) and all(
            isinstance(d, (int, np.integer)) and not isinstance(d, bool) for d in value):
        return tuple(int(d) for d in value)
    return None


@register("rnn_shapes")
def _check_rnn_shapes(fn) -> Verdict:
    cases = ((5, 3, 4, 6), (1, 1, 2, 3), (7, 2, 8, 5))
    for T, B, I, H in cases:
        got = call_learner(fn, (T, B, I, H), case=f"T={T}, B={B}, I={I}, H={H}")
        if got is None:
            return Verdict.fail("returned_none")
        if not isinstance(got, Mapping):
            return Verdict.fail("shapes.wrong_type", diagnosis="wrong_type", got=_describe(got))
        missing = [k for k in _SHAPE_KEYS if k not in got]
        if missing:
            return Verdict.fail("shapes.missing_keys", keys=", ".join(missing),
                                details={"keys": tuple(missing)})
        expected = _rnn_shapes_reference(T, B, I, H)
        parts, codes, keys = [], [], []
        for key in _SHAPE_KEYS:
            shape = _as_shape(got[key])
            if shape is None:
                return Verdict.fail("shapes.bad_value", key=key, got=_describe(got[key]),
                                    details={"keys": (key,)})
            if shape == expected[key]:
                continue
            keys.append(key)
            parts.append(_Msg("shapes.wrong", key=key, got=shape, expected=expected[key]))
            hint = _shape_hint(key, shape, expected[key], T, B, H)
            if hint:
                codes.append(f"rnn_shapes.{hint}")
                parts.append(_Msg(f"shapes.hint.{hint}"))
        if keys:
            parts.insert(0, _Msg("shapes.case", T=T, B=B, I=I, H=H))
            return Verdict("failed", parts, codes[0] if codes else "rnn_shapes.wrong",
                           {"keys": tuple(keys)})
    return Verdict.ok(len(cases))


def _shape_hint(key, shape, expected, T, B, H):
    if key.startswith("weight") and shape == expected[::-1]:
        return "weight_transposed"
    if key == "output" and shape == (B, T, H):
        return "batch_first"
    if key == "h_n" and shape == (B, H):
        return "h_n_layers"
    if key.startswith("bias") and shape in ((1, H), (H, 1)):
        return "bias_2d"
    return None


# ------------------------------------------------------ textbook GRU → PyTorch GRU

_PARAM_KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


@register("textbook_gru_to_torch")
def _check_textbook_gru(fn) -> Verdict:
    from . import conventions
    cases = ((3, 4), (5, 2))
    for k, (I, H) in enumerate(cases):
        textbook = _random_params(np.random.default_rng(7_700 + k), 3, I, H)
        used = {key: v.copy() for key, v in textbook.items()}
        got = call_learner(fn, (used,), case=f"I={I}, H={H}")
        if _mutations(textbook, used, "params"):
            return _mutated_verdict(_mutations(textbook, used, "params"))
        if got is None:
            return Verdict.fail("returned_none")
        if not isinstance(got, Mapping):
            return Verdict.fail("tb.wrong_type", diagnosis="wrong_type", got=_describe(got))
        missing = [key for key in _PARAM_KEYS if key not in got]
        if missing:
            return Verdict.fail("tb.missing_keys", keys=", ".join(missing),
                                details={"keys": tuple(missing)})
        expected = conventions.textbook_gru_to_torch({key: v.copy()
                                                      for key, v in textbook.items()})
        for key in _PARAM_KEYS:
            value = got[key]
            if not isinstance(value, np.ndarray):
                return Verdict.fail("wrong_type", what=key, expected=_Word("array"),
                                    got=_describe(value))
            if value.shape != expected[key].shape:
                return Verdict.fail("tb.wrong_shape", diagnosis="wrong_shape", key=key,
                                    got=value.shape, expected=expected[key].shape)
        found = _textbook_blocks(got, textbook, expected, H)
        if found:
            return found
    return Verdict.ok(len(cases))


def _textbook_blocks(got, textbook, expected, H):
    """Group the wrong (key, gate block) pairs by what went wrong with them."""
    problems: dict = {}
    for key in _PARAM_KEYS:
        for k, letter in enumerate("rzn"):
            rows = slice(k * H, (k + 1) * H)
            mine, tb, ref = got[key][rows], textbook[key][rows], expected[key][rows]
            if np.allclose(mine, ref, rtol=TOL, atol=TOL):
                continue
            if letter == "z" and np.allclose(mine, tb, rtol=TOL, atol=TOL):
                kind = "tb.not_negated"
            elif letter == "z" and np.allclose(mine, 1.0 - tb, rtol=TOL, atol=TOL):
                kind = "tb.one_minus"
            elif letter != "z" and np.allclose(mine, -tb, rtol=TOL, atol=TOL):
                kind = "tb.negated_wrongly"
            else:
                kind = "tb.wrong_block"
            keys, gates = problems.setdefault(kind, ([], []))
            if key not in keys:
                keys.append(key)
            if letter not in gates:
                gates.append(letter)
    if not problems:
        return None
    parts = [_Msg(kind, keys=_Join(keys), gates=", ".join(gates))
             for kind, (keys, gates) in problems.items()]
    first = next(iter(problems))
    return Verdict("failed", parts, first, {"keys": tuple(problems[first][0]),
                                            "gates": tuple(problems[first][1])})


# ---------------------------------------------------------- LSTM step, backward

_BWD_KEYS = ("x", "h", "c", "weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _lstm_backward_model(dh_next, dc_next, x, state, p, *, dh_into_dc=True) -> dict:
    """Gradients of sum(dh_next ⊙ h') + sum(dc_next ⊙ c') for one LSTM step."""
    h, c = state
    i, f, g, o = _lstm_gates(x, h, p)
    c_next = f * c + i * g
    t = np.tanh(c_next)
    dc_total = dc_next + (dh_next * o * (1.0 - t * t) if dh_into_dc else 0.0)
    da = np.concatenate([dc_total * g * i * (1.0 - i), dc_total * c * f * (1.0 - f),
                         dc_total * i * (1.0 - g * g), dh_next * t * o * (1.0 - o)], axis=1)
    return {"x": da @ p["weight_ih"], "h": da @ p["weight_hh"], "c": dc_total * f,
            "weight_ih": da.T @ x, "weight_hh": da.T @ h, "bias_ih": da.sum(0),
            "bias_hh": da.sum(0)}


def _numerical_lstm_backward(dh_next, dc_next, x, state, p, eps: float = 1e-6) -> dict:
    """The same gradients by central differences through numpy_ref.lstm_step."""
    from . import numpy_ref
    h, c = state
    inputs = {"x": x, "h": h, "c": c, **p}

    def loss() -> float:
        h1, c1 = numpy_ref.lstm_step(inputs["x"], (inputs["h"], inputs["c"]),
                                     {k: inputs[k] for k in _PARAM_KEYS})
        return float(np.sum(dh_next * h1) + np.sum(dc_next * c1))

    grads = {}
    for key in _BWD_KEYS:
        arr = inputs[key] = inputs[key].copy()
        grad = np.empty_like(arr)
        for idx in np.ndindex(arr.shape):
            old = arr[idx]
            arr[idx] = old + eps
            up = loss()
            arr[idx] = old - eps
            grad[idx] = (up - loss()) / (2 * eps)
            arr[idx] = old
        grads[key] = grad
    return grads


@register("lstm_cell_backward")
def _check_lstm_backward(fn) -> Verdict:
    """Learner's ``fn(dh_next, dc_next, x, (h, c), params) -> dict`` of gradients.

    The dict holds ``x, h, c, weight_ih, weight_hh, bias_ih, bias_hh``, each the gradient of
    ``sum(dh_next ⊙ h') + sum(dc_next ⊙ c')`` with the shape of that input.
    """
    cases = ((1, 3, 2), (3, 2, 4))
    for k, (B, I, H) in enumerate(cases):
        rng = np.random.default_rng(7_900 + k)
        p = _random_params(rng, 4, I, H)
        x, h, c = rng.normal(size=(B, I)), rng.uniform(-0.9, 0.9, (B, H)), rng.normal(size=(B, H))
        dh_next, dc_next = rng.normal(size=(B, H)), rng.normal(size=(B, H))
        args = (dh_next, dc_next, x, (h, c), p)
        used = copy.deepcopy(args)
        label = f"B={B}, I={I}, H={H}"
        got = call_learner(fn, used, case=label)
        names = sum((_mutations(o, u, n) for o, u, n in
                     zip(args, used, ("dh_next", "dc_next", "x", "state", "params"))), [])
        if names:
            return _mutated_verdict(names)
        if got is None:
            return Verdict.fail("returned_none")
        if not isinstance(got, Mapping):
            return Verdict.fail("bwd.wrong_type", diagnosis="wrong_type", got=_describe(got),
                                keys=", ".join(_BWD_KEYS))
        missing = [key for key in _BWD_KEYS if key not in got]
        if missing:
            return Verdict.fail("bwd.missing_keys", keys=", ".join(missing),
                                details={"keys": tuple(missing)})
        expected = _numerical_lstm_backward(*args)
        for key in _BWD_KEYS:
            if not isinstance(got[key], np.ndarray):
                return Verdict.fail("wrong_type", what=key, expected=_Word("array"),
                                    got=_describe(got[key]))
            if got[key].shape != expected[key].shape:
                return Verdict.fail("tb.wrong_shape", diagnosis="wrong_shape", key=key,
                                    got=got[key].shape, expected=expected[key].shape)

        def same(a, b) -> bool:
            return np.allclose(a, b, rtol=1e-5, atol=1e-7)

        wrong = [key for key in _BWD_KEYS if not same(got[key], expected[key])]
        if not wrong:
            continue
        err = max(float(np.max(np.abs(got[key] - expected[key]))) for key in wrong)
        parts = [_Msg("bwd.wrong", keys=", ".join(wrong), err=f"{err:.1e}", case=label)]
        mutant = _lstm_backward_model(*args, dh_into_dc=False)
        if all(same(got[key], mutant[key]) for key in _BWD_KEYS):
            return Verdict("failed", parts + [_Msg("bwd.dh_into_dc")], "lstm_bwd.dh_into_dc",
                           {"keys": tuple(wrong)})
        gates = [letter for j, letter in enumerate("ifgo")
                 if any(not same(got[key][j * H:(j + 1) * H], expected[key][j * H:(j + 1) * H])
                        for key in _PARAM_KEYS)]
        if gates and len(gates) < 4:
            parts.append(_Msg("bwd.gate_rows", gates=_Join(_Gate("lstm", g) for g in gates)))
            return Verdict("failed", parts, "lstm_bwd.gate_rows",
                           {"keys": tuple(wrong), "gates": tuple(gates)})
        return Verdict("failed", parts, "lstm_bwd.mismatch", {"keys": tuple(wrong)})
    return Verdict.ok(len(cases))
