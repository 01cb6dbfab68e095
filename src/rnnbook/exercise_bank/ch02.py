"""Exercises of chapter 02 (BPTT, vanishing and exploding gradients).

- ``gradient_factor``: ``fn(scale, k) -> float``, the spectral norm ‖∂h_{t+k}/∂h_t‖₂ of a
  linear RNN h_t = W_hh h_{t−1} + W_ih x_t whose recurrent weight is W_hh = scale · Q with
  Q orthogonal. Checked against the norm of the product of k step Jacobians measured with
  :func:`rnnbook.gradients.jacobian_norms`; the usual mistakes (scale · k, k − 1 or k + 1
  factors, k^scale) are named.

Reference: Pascanu, Mikolov & Bengio (2013), arXiv:1211.5063, section 2 (the product of
Jacobians and its norm).
"""

from __future__ import annotations

import numpy as np

from .. import gradients
from ..exercises import Verdict, call_learner, case_seed, grading_seed, register

H = 8
CASES = ((0.9, 10), (1.1, 10), (0.5, 3), (1.0, 25), (2.0, 1), (0.75, 40), (1.3, 7))
RTOL = 1e-9  # the measured norm equals scale**k to ~1e-14; a mistake is off by far more


def measured_factor(scale: float, k: int, seed: int = 0) -> float:
    """‖∂h_k/∂h_0‖₂ of a linear RNN with W_hh = scale · Q, from its k step Jacobians.

    Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((H, H)))
    hs = rng.standard_normal((k + 1, 1, H))  # a linear RNN's Jacobians ignore the states
    return float(gradients.jacobian_norms(gradients.step_jacobians(hs, scale * Q, "linear"))[0, 0])


MISTAKES = (  # (message code, the wrong formula)
    ("gradient_factor.times", lambda s, k: s * k),
    ("gradient_factor.one_less", lambda s, k: s ** (k - 1)),
    ("gradient_factor.one_more", lambda s, k: s ** (k + 1)),
    ("gradient_factor.swapped", lambda s, k: float(k) ** s),
    ("gradient_factor.no_power", lambda s, k: s),
)

MESSAGES = {
    "en": {
        "gradient_factor.wrong_type": ("Return one number (a float); your function returned "
                                       "{got} for scale={scale}, k={k}."),
        "gradient_factor.times": ("You return scale · k. The k Jacobians are multiplied, not "
                                  "added: each step multiplies the norm by scale, so k steps "
                                  "give scale**k."),
        "gradient_factor.one_less": ("You return scale**(k − 1): one factor is missing. "
                                     "∂h_{{t+k}}/∂h_t is a product of k Jacobians, J_{{t+k}} ⋯ J_{{t+1}}."),
        "gradient_factor.one_more": ("You return scale**(k + 1): one factor too many. "
                                     "∂h_{{t+k}}/∂h_t is a product of k Jacobians, J_{{t+k}} ⋯ J_{{t+1}}."),
        "gradient_factor.swapped": "You return k**scale; the base and the exponent are swapped.",
        "gradient_factor.no_power": ("You return scale for every k. The factor depends on the "
                                     "number of steps k."),
        "gradient_factor.mismatch": ("Wrong value for scale={scale}, k={k}: you return {got}, "
                                     "the measured norm of the Jacobian product is {expected}."),
    },
    "ko": {
        "gradient_factor.wrong_type": ("숫자(float) 하나를 반환해야 합니다. scale={scale}, k={k}에서 "
                                       "반환된 것은 {got}입니다."),
        "gradient_factor.times": ("scale · k를 반환했습니다. 야코비 행렬 k개는 더해지는 것이 아니라 "
                                  "곱해집니다. 한 단계마다 노름에 scale이 곱해지므로 k단계 뒤에는 "
                                  "scale**k입니다."),
        "gradient_factor.one_less": ("scale**(k − 1)을 반환했습니다. 인수 하나가 빠졌습니다. "
                                     "∂h_{{t+k}}/∂h_t는 야코비 행렬 k개의 곱 J_{{t+k}} ⋯ J_{{t+1}}입니다."),
        "gradient_factor.one_more": ("scale**(k + 1)을 반환했습니다. 인수 하나가 더 들어갔습니다. "
                                     "∂h_{{t+k}}/∂h_t는 야코비 행렬 k개의 곱 J_{{t+k}} ⋯ J_{{t+1}}입니다."),
        "gradient_factor.swapped": "k**scale을 반환했습니다. 밑과 지수가 바뀌었습니다.",
        "gradient_factor.no_power": ("k와 상관없이 scale을 반환했습니다. 배율은 단계 수 k에 따라 "
                                     "달라집니다."),
        "gradient_factor.mismatch": ("scale={scale}, k={k}에서 값이 틀렸습니다. 반환한 값은 {got}이고, "
                                     "측정한 야코비 행렬 곱의 노름은 {expected}입니다."),
    },
}


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= RTOL * max(abs(b), 1e-300)


def _cases() -> tuple:
    """CASES, plus three random ones while the grader draws fresh cases (see case_seed)."""
    if grading_seed() is None:
        return CASES
    rng = np.random.default_rng(case_seed(7_200))
    return CASES + tuple((round(float(rng.uniform(0.5, 1.5)), 2), int(rng.integers(2, 30)))
                         for _ in range(3))


@register("gradient_factor", messages=MESSAGES)
def _check_gradient_factor(fn) -> Verdict:
    cases = _cases()
    answers = []
    for scale, k in cases:
        got = call_learner(fn, (scale, k), case=f"scale={scale}, k={k}")
        if got is None:
            return Verdict.fail("returned_none")
        if isinstance(got, np.ndarray) and got.size == 1:
            got = got.reshape(())[()]
        if isinstance(got, bool) or not isinstance(got, (int, float, np.integer, np.floating)):
            return Verdict.fail("gradient_factor.wrong_type", diagnosis="wrong_type",
                                got=type(got).__name__, scale=scale, k=k)
        answers.append(float(got))
    measured = [measured_factor(scale, k) for scale, k in cases]
    if all(_close(a, m) for a, m in zip(answers, measured)):
        return Verdict.ok(len(cases))
    for code, formula in MISTAKES:
        if all(_close(a, formula(s, k)) for a, (s, k) in zip(answers, cases)):
            return Verdict.fail(code)
    j = next(j for j, (a, m) in enumerate(zip(answers, measured)) if not _close(a, m))
    scale, k = cases[j]
    return Verdict.fail("gradient_factor.mismatch", diagnosis="mismatch", scale=scale, k=k,
                        got=f"{answers[j]:.6g}", expected=f"{measured[j]:.6g}")
