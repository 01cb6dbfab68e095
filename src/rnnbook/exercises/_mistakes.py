"""Models of each cell whose knobs are the known mistakes, and probes for one wrong gate.

The step checkers look for the one or two knob settings that reproduce the learner's
outputs; when none does, a probe solves the cell's last equation for one gate's value
and checks whether it stays put when only the other gates' weights change.

References: PyTorch's torch.nn.RNN / LSTM / GRU documentation; Cho et al. (2014) and
Chung et al. (2014) for the GRU and its reset-gate variants.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass

import numpy as np

from ._cases import TOL, _WEIGHT_SCALE, _Case, _close, _outputs, _structure
from ._core import _invoke
from ._text import _GATE_LETTERS, _Act, _Gate, _Msg, _Swaps

PROBE_TOL = 1e-6    # a gate value solved from the outputs, before vs after a perturbation
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


_MODELS = {"rnn": _rnn_model, "lstm": _lstm_model, "gru": _gru_model}


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


def _stable(fn, cases, solve, perturb: str, cell: str, bounds=(0.0, 1.0)) -> bool:
    """Does the gate value ``solve`` recovers stay put when the ``perturb`` gates change,
    and stay inside the gate's range ``bounds`` (σ: (0, 1), tanh: (−1, 1))?

    The range test keeps a mistake elsewhere in the formula (``f ⊙ h`` for ``f ⊙ c``, an
    extra constant) from being blamed on the gate the solver happens to absorb it into.
    """
    lo, hi = bounds
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
        if not all(np.all((v[mask] > lo - PROBE_TOL) & (v[mask] < hi + PROBE_TOL))
                   for v in (v1, v2)):
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
            if _stable(fn, cases, solver(letter), "ifgo".replace(letter, ""), "lstm",
                       (-1.0, 1.0) if letter == "g" else (0.0, 1.0))]
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
    if _stable(fn, cases, solve_n, "z", "gru", (-1.0, 1.0)):
        if _stable(fn, cases, solve_r, "zn", "gru"):
            return "gru.gate_wrong", _Msg("probe.gate", gate=_Gate("gru", "r")), ("r",)
        return "gru.candidate_wrong", _Msg("probe.candidate"), ("n",)
    return None
