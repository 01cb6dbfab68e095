"""Checkers of the ``rnn_step``, ``lstm_step`` and ``gru_step`` exercises."""

from __future__ import annotations

import copy
from typing import Callable

import numpy as np

from ._cases import (_close, _max_error, _mutated_verdict, _mutations, _outputs,
                     _reference, _step_cases, _structure)
from ._core import CallTimeLimit, Verdict, _exception_verdict, _invoke, register
from ._mistakes import _probe_gru, _probe_lstm, _search_variants
from ._text import _Join, _Msg

F32_TOL = 1e-5      # float32 rounding (eps ≈ 1.2e-7) through a few operations, far below a mistake


def _close32(a: tuple, b: tuple) -> bool:
    return all(x.shape == y.shape and np.allclose(x, y, rtol=F32_TOL, atol=F32_TOL)
               for x, y in zip(a, b))


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
        if isinstance(call.exc, (NotImplementedError, CallTimeLimit)):
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
    for case, (kind, payload) in zip(cases, status):
        if kind == "structure":
            code, msg = payload
            note = [] if "case" in msg.args else [_Msg("case_note", case=case.label)]
            return Verdict("failed", [msg] + note, code)

    outs = [payload for _, payload in status]
    if cell == "lstm" and all(_close(o[::-1], r) for o, r in zip(outs, refs)):
        return Verdict("failed", [_Msg("lstm.swapped_hc")], "lstm.swapped_hc")
    copied = _returns_input(cell, cases, outs)
    if copied is not None:
        return copied
    found = _search_variants(cell, cases, outs)
    if found:
        return Verdict("failed", _variant_sentences(found), "+".join(v.code for v in found),
                       dict(found[0].details, codes=tuple(v.code for v in found)))
    return _mismatch_verdict(cell, fn, cases, outs, refs)


def _returns_input(cell, cases, outs):
    """A verdict when the outputs are the input state (or, for the GRU, the candidate n)."""
    states = [case.args[1] for case in cases]
    if cell == "lstm":
        if all(_close(o, tuple(s)) for o, s in zip(outs, states)):
            return Verdict("failed", [_Msg("returns_state", what="(h_next, c_next)")],
                           "returns_state")
        return None
    if all(_close(o, (s,)) for o, s in zip(outs, states)):
        return Verdict("failed", [_Msg("returns_state", what="h_next")], "returns_state")
    if cell == "gru":
        from ._mistakes import _gru_parts
        if all(_close(o, (_gru_parts(*case.args)[2],)) for o, case in zip(outs, cases)):
            return Verdict("failed", [_Msg("gru.returns_n")], "gru.returns_n")
    return None


def _variant_sentences(found) -> list:
    """The sentences of the variants found; several missing activations make one sentence."""
    none = [v for v in found if v.msg.code == "activation.none"]
    if len(none) < 2 or len({v.msg.args["expected"].name for v in none}) != 1:
        return [v.msg for v in found]
    first = none[0].msg.args
    merged = _Msg("activation.none_many", gate=_Join(v.msg.args["gate"] for v in none),
                  expected=first["expected"], expected_obj=first["expected_obj"])
    return [merged] + [v.msg for v in found if v not in none]


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
    if all(_close32(o, r) for o, r in zip(outs, refs)):
        j = names.index(wrong[0])
        k = next(k for k in range(len(cases)) if not _close((outs[k][j],), (refs[k][j],)))
        err = max(_max_error((o[j],), (r[j],)) for o, r in zip(outs, refs))
        return Verdict("failed", [_Msg("float32", what=names[j], err=f"{err:.1e}",
                                       case=cases[k].label)], "float32", details)
    probe = {"lstm": _probe_lstm, "gru": _probe_gru}.get(cell)
    found = probe(fn, cases, outs) if probe else None
    if found is None:
        return Verdict("failed", parts, "mismatch", details)
    code, msg, gates = found
    return Verdict("failed", [msg] + parts, code, dict(details, gates=gates))


for _cell in ("rnn", "lstm", "gru"):
    register(f"{_cell}_step", _step_checker(_cell))
