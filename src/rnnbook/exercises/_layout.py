"""Checkers of parameter layout: counts, torch.nn.RNN's shapes, textbook GRU → PyTorch GRU."""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np

from ._cases import (_PARAM_KEYS, TOL, _mutated_verdict, _mutations, _not_arrays_like,
                     _random_params)
from ._core import Verdict, call_learner, case_seed, grading_seed, register
from ._text import _Cell, _Join, _Msg, _describe

_COUNT_CASES = ((3, 5), (10, 20), (7, 4), (1, 2))
_SHAPE_CASES = ((5, 3, 4, 6), (1, 1, 2, 3), (7, 2, 8, 5))


def _graded_extra(base: int, n: int, high: int) -> list:
    """While grading (see ``case_seed``), ``n`` more random size tuples in 1..high; else none."""
    if grading_seed() is None:
        return []
    rng = np.random.default_rng(case_seed(base))
    return [tuple(int(v) for v in row) for row in rng.integers(1, high, size=(n, 3))]


def _count_checker(cell: str) -> Callable:
    G = {"rnn": 1, "lstm": 4, "gru": 3}[cell]

    def checker(fn) -> Verdict:
        from .. import numpy_ref
        gh = "H" if G == 1 else f"{G}·H"
        mistakes = [("count.one_bias", lambda I, H: G * H * (I + H + 1)),
                    ("count.no_bias", lambda I, H: G * H * (I + H)),
                    ("count.no_hh", lambda I, H: G * H * (I + 2))]
        if G > 1:
            mistakes.append(("count.no_gate_factor", lambda I, H: H * (I + H + 2)))
        wrong_g = [g for g in (3, 4) if g != G]
        cases = _COUNT_CASES + tuple((I, H) for I, H, _ in _graded_extra(7_600, 3, 40))
        answers = []
        for I, H in cases:
            label = f"input_size={I}, hidden_size={H}"
            got = call_learner(fn, (I, H), case=label)
            if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
                if got is None:
                    return Verdict.fail("returned_none")
                return Verdict.fail("count.wrong_type", got=_describe(got))
            answers.append(int(got))
        expected = [numpy_ref.param_count(cell, I, H) for I, H in cases]
        if answers == expected:
            return Verdict.ok(len(cases))
        for code, formula in mistakes:
            if answers == [formula(I, H) for I, H in cases]:
                return Verdict.fail(code, gh=gh, G=G, cellname=_Cell(cell))
        for g in wrong_g:
            if answers == [g * H * (I + H + 2) for I, H in cases]:
                return Verdict.fail("count.wrong_gates", got_g=g, G=G, cellname=_Cell(cell),
                                    details={"gates": g})
        k = next(j for j in range(len(answers)) if answers[j] != expected[j])
        I, H = cases[k]
        return Verdict.fail("count.mismatch", I=I, H=H, got=answers[k], expected=expected[k],
                            cellname=_Cell(cell))

    return checker


for _cell in ("rnn", "lstm", "gru"):
    register(f"{_cell}_param_count", _count_checker(_cell))


_SHAPE_KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "output", "h_n")


def _rnn_shapes_reference(T: int, B: int, I: int, H: int) -> dict:
    from .. import numpy_ref
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


def _not_a_mapping_of(got, keys, prefix: str) -> Verdict | None:
    """A failing verdict if ``got`` is None, not a mapping, or lacks some of ``keys``."""
    if got is None:
        return Verdict.fail("returned_none")
    if not isinstance(got, Mapping):
        return Verdict.fail(f"{prefix}.wrong_type", diagnosis="wrong_type", got=_describe(got),
                            keys=", ".join(keys))
    missing = [k for k in keys if k not in got]
    if missing:
        return Verdict.fail(f"{prefix}.missing_keys", keys=", ".join(missing),
                            details={"keys": tuple(missing)})
    return None


@register("rnn_shapes")
def _check_rnn_shapes(fn) -> Verdict:
    cases = _SHAPE_CASES + tuple((T, B, I, T + B) for T, B, I in _graded_extra(7_650, 2, 9))
    for T, B, I, H in cases:
        got = call_learner(fn, (T, B, I, H), case=f"T={T}, B={B}, I={I}, H={H}")
        problem = _not_a_mapping_of(got, _SHAPE_KEYS, "shapes")
        if problem:
            return problem
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


@register("textbook_gru_to_torch")
def _check_textbook_gru(fn) -> Verdict:
    from .. import conventions
    cases = ((3, 4), (5, 2))
    for k, (I, H) in enumerate(cases):
        textbook = _random_params(np.random.default_rng(case_seed(7_700 + k)), 3, I, H)
        used = {key: v.copy() for key, v in textbook.items()}
        got = call_learner(fn, (used,), case=f"I={I}, H={H}")
        mutated = _mutations(textbook, used, "params")
        if mutated:
            return _mutated_verdict(mutated)
        problem = _not_a_mapping_of(got, _PARAM_KEYS, "tb")
        if problem:
            return problem
        expected = conventions.textbook_gru_to_torch({key: v.copy()
                                                      for key, v in textbook.items()})
        problem = _not_arrays_like(got, expected, _PARAM_KEYS)
        if problem:
            return problem
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
