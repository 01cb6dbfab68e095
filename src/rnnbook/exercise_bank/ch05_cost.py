"""Exercise 5.1 of chapter 05: the multiply-adds of one time step.

- ``step_cost``: ``fn(cell, input_size, hidden_size, batch) -> int``, the multiply-adds of
  one forward time step of ``torch.nn``'s cell ("rnn", "lstm" or "gru") on a batch. The
  reference is measured, not typed in: :func:`rnnbook.compare.count_step_ops` watches the
  ATen operations of ``torch.nn.{RNN,LSTM,GRU}Cell`` for one sequence, and a batch of B
  sequences does B times that work. Each gate block is one (H × I) and one (H × H) matmul
  per sequence, so the count is B · G · H · (I + H) with G = 1, 4, 3.

Mistakes are named by the formula that reproduces them (:data:`MISTAKES`).

Reference: Appleyard, Kočiský & Blunsom (2016), arXiv:1604.01946, for the matmuls of a
recurrent layer.
"""

from __future__ import annotations

import functools

import numpy as np

from ..exercises import Verdict, call_learner, register
from ..exercises._text import _describe

CASES = (("rnn", 3, 5, 4), ("lstm", 2, 8, 3), ("gru", 6, 4, 5), ("lstm", 10, 7, 1),
         ("gru", 3, 9, 2), ("rnn", 1, 2, 7))   # (cell, I, H, B)
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


@functools.lru_cache(maxsize=None)
def measured_cost(cell: str, input_size: int, hidden_size: int, batch: int) -> int:
    """B × the multiply-adds that :func:`rnnbook.compare.count_step_ops` counts for one
    sequence (needs torch).

    Explained in chapters/<lang>/05_comparison.
    """
    from ..compare import count_step_ops
    return batch * count_step_ops(cell, input_size, hidden_size)["multiply_adds"]


def _wrong_gates(cell, I, H, B):
    """The count with the gate blocks of another cell (LSTM ↔ GRU, or one block only)."""
    G = GATES[cell]
    other = {1: 4, 4: 3, 3: 4}[G]
    return B * other * H * (I + H)


MISTAKES = (  # (diagnosis code, formula(cell, I, H, B))
    ("step_cost.no_hh", lambda c, I, H, B: B * GATES[c] * H * I),
    ("step_cost.no_batch", lambda c, I, H, B: GATES[c] * H * (I + H)),
    ("step_cost.one_gate", lambda c, I, H, B: B * H * (I + H)),
    ("step_cost.wrong_gates", _wrong_gates),
    ("step_cost.params", lambda c, I, H, B: B * GATES[c] * H * (I + H + 2)),
    ("step_cost.no_hh_no_batch", lambda c, I, H, B: GATES[c] * H * I),
)

MESSAGES = {
    "en": {
        "step_cost.wrong_type": ("Return an int; for cell={cell!r}, I={I}, H={H}, B={B} your "
                                 "function returned {got}."),
        "step_cost.no_hh": ("The hidden-to-hidden matmul is missing: every gate block also "
                            "multiplies the (H × H) weight_hh by h, H · H multiply-adds per "
                            "block and sequence."),
        "step_cost.no_batch": ("The batch is missing: each of the B sequences does the whole "
                               "step's work, so multiply by B."),
        "step_cost.one_gate": ("You count one gate block for every cell: the LSTM has 4 (i, f, "
                               "g, o), the GRU 3 (r, z, n), each with its own rows of "
                               "weight_ih and weight_hh."),
        "step_cost.wrong_gates": ("The number of gate blocks is wrong: the LSTM has 4 (i, f, g, "
                                  "o) and the GRU 3 (r, z, n)."),
        "step_cost.params": ("You count the parameters (biases included) times B. A bias is "
                             "added, not multiplied: only the weights take part in "
                             "multiply-adds, G · H · (I + H) per sequence."),
        "step_cost.no_hh_no_batch": ("Both the hidden-to-hidden matmul (H · H per gate block) "
                                     "and the batch factor B are missing."),
        "step_cost.mismatch": ("Wrong count for cell={cell!r}, I={I}, H={H}, B={B}: you return "
                               "{got}, torch.nn's cell does {expected} multiply-adds."),
    },
    "ko": {
        "step_cost.wrong_type": ("정수(int)를 반환해야 합니다. cell={cell!r}, I={I}, H={H}, B={B}에서 "
                                 "반환된 것은 {got}입니다."),
        "step_cost.no_hh": ("은닉 상태끼리의 행렬 곱이 빠졌습니다. 게이트 블록마다 (H × H) 모양의 "
                            "weight_hh도 h에 곱하므로, 블록 하나와 시퀀스 하나마다 H · H번의 "
                            "곱셈-덧셈이 더 있습니다."),
        "step_cost.no_batch": ("배치가 빠졌습니다. 시퀀스 B개가 저마다 한 단계의 계산을 모두 하므로 "
                               "B를 곱하세요."),
        "step_cost.one_gate": ("어느 셀이든 게이트 블록을 하나로 셌습니다. LSTM은 4개(i, f, g, o), "
                               "GRU는 3개(r, z, n)이고, 블록마다 weight_ih와 weight_hh의 행이 "
                               "따로 있습니다."),
        "step_cost.wrong_gates": ("게이트 블록 수가 틀렸습니다. LSTM은 4개(i, f, g, o), GRU는 "
                                  "3개(r, z, n)입니다."),
        "step_cost.params": ("편향까지 포함한 파라미터 수에 B를 곱했습니다. 편향은 곱해지지 않고 "
                             "더해지기만 하므로, 곱셈-덧셈에는 가중치만 들어갑니다: 시퀀스 "
                             "하나당 G · H · (I + H)."),
        "step_cost.no_hh_no_batch": ("은닉 상태끼리의 행렬 곱(게이트 블록마다 H · H)과 배치 "
                                     "크기 B가 모두 빠졌습니다."),
        "step_cost.mismatch": ("cell={cell!r}, I={I}, H={H}, B={B}에서 개수가 틀렸습니다. 반환값은 "
                               "{got}인데, torch.nn의 셀은 곱셈-덧셈을 {expected}번 합니다."),
    },
}


@register("step_cost", messages=MESSAGES)
def _check_step_cost(fn) -> Verdict:
    answers = []
    for cell, I, H, B in CASES:
        got = call_learner(fn, (cell, I, H, B), case=f"cell={cell!r}, I={I}, H={H}, B={B}")
        if got is None:
            return Verdict.fail("returned_none")
        if isinstance(got, (float, np.floating)) and float(got).is_integer():
            got = int(got)
        if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
            return Verdict.fail("step_cost.wrong_type", diagnosis="wrong_type", cell=cell,
                                I=I, H=H, B=B, got=_describe(got))
        answers.append(int(got))
    expected = [measured_cost(*case) for case in CASES]
    if answers == expected:
        return Verdict.ok(len(CASES))
    for code, formula in MISTAKES:
        if answers == [formula(*case) for case in CASES]:
            return Verdict.fail(code)
    k = next(j for j, (a, e) in enumerate(zip(answers, expected)) if a != e)
    cell, I, H, B = CASES[k]
    return Verdict.fail("step_cost.mismatch", diagnosis="mismatch", cell=cell, I=I, H=H, B=B,
                        got=answers[k], expected=expected[k])
