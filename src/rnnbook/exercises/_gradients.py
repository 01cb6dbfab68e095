"""Checkers of gradients: clipping by the global norm and one LSTM step's backward pass.

References: Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent
neural networks", for clipping by the global gradient norm; torch.nn.utils.clip_grad_norm_.
"""

from __future__ import annotations

import numpy as np

from ._backward import Answers, central_differences, check_backward, close
from ._cases import _PARAM_KEYS, _mutated_verdict, _random_params
from ._core import Verdict, call_learner, case_seed, register
from ._mistakes import _lstm_gates
from ._text import _Gate, _Join, _Msg, _Word, _describe

_CLIP_EPS = 1e-6    # torch.nn.utils.clip_grad_norm_ adds it to the norm


class _ClipCase:
    """A clipping test case's label in the reader's language: "3 arrays, max_norm=1.0"."""

    def __init__(self, n: int, max_norm: float):
        self.n, self.max_norm = n, max_norm

    def render(self, lang: str, extra=None) -> str:
        return _Word("arrays").render(lang).format(n=self.n) + f", max_norm={self.max_norm}"


def _clip_cases() -> list:
    rng = np.random.default_rng(case_seed(7_500))
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
        label = _ClipCase(len(grads), max_norm)
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
                                    case=_ClipCase(len(grads), max_norm))
    return Verdict.ok(len(cases))


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


def _numerical_lstm_backward(dh_next, dc_next, x, state, p) -> dict:
    """The same gradients by central differences through numpy_ref.lstm_step."""
    from .. import numpy_ref
    h, c = state

    def loss(inputs) -> float:
        h1, c1 = numpy_ref.lstm_step(inputs["x"], (inputs["h"], inputs["c"]),
                                     {k: inputs[k] for k in _PARAM_KEYS})
        return float(np.sum(dh_next * h1) + np.sum(dc_next * c1))

    return central_differences(loss, {"x": x, "h": h, "c": c, **p}, _BWD_KEYS)


def _lstm_backward_cases() -> tuple:
    """The seeded cases ``(dh_next, dc_next, x, (h, c), params)`` and their labels."""
    cases, labels = [], []
    for k, (B, I, H) in enumerate(((1, 3, 2), (3, 2, 4))):
        rng = np.random.default_rng(case_seed(7_900 + k))
        p = _random_params(rng, 4, I, H)
        x, h, c = rng.normal(size=(B, I)), rng.uniform(-0.9, 0.9, (B, H)), rng.normal(size=(B, H))
        dh_next, dc_next = rng.normal(size=(B, H)), rng.normal(size=(B, H))
        cases.append((dh_next, dc_next, x, (h, c), p))
        labels.append(f"B={B}, I={I}, H={H}")
    return cases, labels


def _diagnose_lstm_backward(answers: Answers) -> tuple:
    """The first wrong case's mistake: the missing path h_next → c_next, else the gates
    whose rows of the parameter gradients are wrong (when not all four are)."""
    got, expected = answers.got[answers.first], answers.expected[answers.first]
    case = answers.cases[answers.first]
    mutant = _lstm_backward_model(*case, dh_into_dc=False)
    if all(close(got[key], mutant[key]) for key in _BWD_KEYS):
        return "lstm_bwd.dh_into_dc", [_Msg("bwd.dh_into_dc")], {}
    H = case[0].shape[1]                   # dh_next is (B, H); gate j owns rows j·H … (j+1)·H
    gates = [letter for j, letter in enumerate("ifgo")
             if any(not close(got[key][j * H:(j + 1) * H], expected[key][j * H:(j + 1) * H])
                    for key in _PARAM_KEYS)]
    if gates and len(gates) < 4:
        return ("lstm_bwd.gate_rows",
                [_Msg("bwd.gate_rows", gates=_Join(_Gate("lstm", g) for g in gates))],
                {"gates": tuple(gates)})
    return "lstm_bwd.mismatch", [], {}


@register("lstm_cell_backward")
def _check_lstm_backward(fn) -> Verdict:
    """Learner's ``fn(dh_next, dc_next, x, (h, c), params) -> dict`` of gradients.

    The dict holds ``x, h, c, weight_ih, weight_hh, bias_ih, bias_hh``, each the gradient of
    ``sum(dh_next ⊙ h') + sum(dc_next ⊙ c')`` with the shape of that input. The diagnosis
    looks at the first wrong case only, and NaN or inf counts as a wrong value there.
    """
    cases, labels = _lstm_backward_cases()
    return check_backward(fn, cases=cases, labels=labels,
                          arg_names=("dh_next", "dc_next", "x", "state", "params"),
                          keys=_BWD_KEYS, numerical=_numerical_lstm_backward,
                          diagnose=_diagnose_lstm_backward, check_finite=False,
                          stop_at_first_wrong=True)
