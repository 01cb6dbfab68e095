"""Checkers of the ``rnn_step``, ``lstm_step`` and ``gru_step`` exercises."""

from __future__ import annotations

import copy
from typing import Callable

from ._cases import (_close, _max_error, _mutated_verdict, _mutations, _outputs,
                     _reference, _step_cases, _structure)
from ._core import Verdict, _exception_verdict, _invoke, register
from ._mistakes import _probe_gru, _probe_lstm, _search_variants
from ._text import _Msg


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


for _cell in ("rnn", "lstm", "gru"):
    register(f"{_cell}_step", _step_checker(_cell))
