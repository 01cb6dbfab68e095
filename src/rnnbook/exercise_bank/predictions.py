"""Prediction exercises of chapters 01–05: predict an experiment's outcome, then run it.

Each id is answered with a zero-argument function returning an option's label (or, for
``predict_gru_hidden``, a number); the outcome is measured by package code when the
check runs (:mod:`rnnbook.exercises._predict`). All experiments take well under a second.

- ``predict_memory`` (ch01): how much of a difference in the first input is left in an
  untrained RNN's state 49 steps later.
- ``predict_power_bound`` (ch02): ‖W_hh⁶⁰‖₂ against the bound σ_max(W_hh)⁶⁰.
- ``predict_forget_bias`` (ch03): the LSTM's direct cell-state path ∏ f over 50 steps
  at initialisation, forget-gate bias 1 against 0.
- ``predict_gru_closed`` (ch04): the GRU step's Jacobian when the update gate is closed.
- ``predict_gru_hidden`` (ch05): the GRU hidden size with the parameter count of an
  RNN with H = 64 (numeric).

References: Pascanu, Mikolov & Bengio (2013) for the norm bound; Jozefowicz, Zaremba &
Sutskever (2015) for the forget-gate bias; PyTorch's GRU documentation.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import data, gradients, numpy_ref
from ..exercises._predict import Option, choice, number

SEEDS = (0, 1, 2)


def _opt(label, en, ko, mis_en="", mis_ko=""):
    return Option(label, {"en": en, "ko": ko}, {"en": mis_en, "ko": mis_ko})


@functools.lru_cache(maxsize=None)
def memory_ratios(T: int = 50, H: int = 32, I: int = 4) -> tuple:
    """‖h_T − h'_T‖ / ‖h_1 − h'_1‖ of untrained RNNs (PyTorch's initialisation), one per
    seed, for two input sequences that differ only at step 1.

    Explained in chapters/<lang>/01_rnn.
    """
    out = []
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        params = numpy_ref.init_params("rnn", I, H, rng=rng)
        xs = rng.normal(size=(T, 1, I))
        other = xs.copy()
        other[0] += rng.normal(size=(1, I))
        hs, _, _ = numpy_ref.forward("rnn", xs, None, params)
        hs2, _, _ = numpy_ref.forward("rnn", other, None, params)
        gap = np.linalg.norm(hs - hs2, axis=(1, 2))  # (T,)
        out.append(float(gap[-1] / gap[0]))
    return tuple(out)


def _settle_memory():
    ratios = memory_ratios()
    worst = max(ratios)
    label = "b" if worst < 1e-2 else ("c" if min(ratios) > 1e2 else "a")
    return label, {"ratio": f"{worst:.0e}", "n": len(ratios)}


choice(
    "predict_memory",
    question={
        "en": ("An untrained RNN (H = 32, PyTorch's initialisation) reads two sequences of 50 "
               "random inputs that differ only at the first step. How does the distance "
               "between the two hidden states after step 50 compare with the distance after "
               "step 1?"),
        "ko": ("학습하지 않은 순환 신경망(H = 32, PyTorch의 초기화)이 첫 시간 단계만 다르고 나머지는 "
               "같은 무작위 입력 50개짜리 시퀀스 두 개를 읽는다. 50단계 뒤 두 은닉 상태의 거리는 "
               "1단계 뒤의 거리와 비교해 어떤가?"),
    },
    options=[
        _opt("a", "About the same: the state carries the difference along unchanged.",
             "거의 같다: 은닉 상태가 차이를 그대로 실어 나른다.",
             "A state that is overwritten at every step keeps only what W_hh and tanh let "
             "through; nothing forces the difference to survive.",
             "은닉 상태는 단계마다 새로 계산되므로 W_hh와 tanh가 통과시키는 만큼만 남습니다. "
             "차이가 그대로 남을 이유는 없습니다."),
        _opt("b", "Far smaller, below 1 % of it: the difference fades away.",
             "훨씬 작다(1 % 미만): 차이가 사라진다.", "", ""),
        _opt("c", "Far larger: every step amplifies the difference.",
             "훨씬 크다: 단계마다 차이가 커진다.",
             "tanh keeps every state inside (−1, 1), and with PyTorch's initialisation W_hh "
             "shrinks vectors more often than it stretches them.",
             "tanh는 은닉 상태를 (−1, 1) 안에 가두고, PyTorch의 초기화로 뽑은 W_hh는 벡터를 "
             "늘이기보다 줄이는 쪽입니다."),
    ],
    settle=_settle_memory,
    why={
        "en": ("Measured with {n} random networks: after 49 more steps at most {ratio} of the "
               "first difference is left. An untrained RNN forgets its early inputs; "
               "chapter 02 shows why, and what that does to the gradient."),
        "ko": ("무작위 신경망 {n}개로 측정하면 49단계 뒤에 첫 차이의 {ratio}배 이하만 남습니다. "
               "학습하지 않은 순환 신경망은 앞쪽 입력을 잊습니다. 그 까닭과 기울기에 미치는 "
               "영향은 02장에서 다룹니다."),
    },
)


@functools.lru_cache(maxsize=None)
def power_and_bound(k: int = 60, H: int = 32) -> tuple:
    """(‖W_hhᵏ‖₂, σ_max(W_hh)ᵏ, spectral radius ρ, σ_max) for W_hh drawn like PyTorch's,
    one tuple per seed of :data:`SEEDS`.

    Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    out = []
    for seed in SEEDS:
        W = numpy_ref.init_params("rnn", 2, H, rng=seed)["weight_hh"]
        sigma = float(np.linalg.norm(W, 2))
        rho = float(np.max(np.abs(np.linalg.eigvals(W))))
        out.append((float(np.linalg.norm(np.linalg.matrix_power(W, k), 2)), sigma ** k,
                    rho, sigma))
    return tuple(out)


def _settle_power():
    rows = power_and_bound()
    gaps = [bound / power for power, bound, _, _ in rows]
    if min(gaps) > 1e10:
        label = "b"
    elif any(power > bound * (1 + 1e-9) for power, bound, _, _ in rows):
        label = "c"
    else:
        label = "a"
    power, bound, rho, sigma = rows[0]
    return label, {"power": f"{power:.1e}", "bound": f"{bound:.1e}", "rho": f"{rho:.2f}",
                   "sigma": f"{sigma:.2f}", "gap": f"{min(gaps):.0e}"}


choice(
    "predict_power_bound",
    question={
        "en": ("Take W_hh of an RNN drawn like PyTorch's (H = 32). A linear RNN's 60-step "
               "Jacobian is W_hh⁶⁰. How does its norm ‖W_hh⁶⁰‖₂ compare with the bound "
               "σ_max(W_hh)⁶⁰?"),
        "ko": ("PyTorch처럼 뽑은 순환 신경망의 W_hh(H = 32)를 생각한다. 선형 순환 신경망의 60단계 "
               "야코비 행렬은 W_hh⁶⁰이다. 그 노름 ‖W_hh⁶⁰‖₂는 상한 σ_max(W_hh)⁶⁰과 비교해 어떤가?"),
    },
    options=[
        _opt("a", "About equal: the bound is tight.", "거의 같다: 상한이 빠듯하다.",
             "σ_max⁶⁰ is reached only if the direction W_hh stretches most were stretched again "
             "at every step; for a non-normal matrix it is not.",
             "σ_max⁶⁰에 이르려면 W_hh가 가장 크게 늘이는 방향이 매 단계 다시 그 방향이어야 합니다. "
             "정규 행렬이 아니면 그렇지 않습니다."),
        _opt("b", "Smaller by more than ten orders of magnitude.", "10자릿수 넘게 작다.", "", ""),
        _opt("c", "Larger than the bound.", "상한보다 크다.",
             "A bound cannot be exceeded: ‖AB‖₂ ≤ ‖A‖₂ ‖B‖₂ for any matrices, so "
             "‖W⁶⁰‖₂ ≤ ‖W‖₂⁶⁰ always.",
             "상한은 넘을 수 없습니다. 어떤 행렬이든 ‖AB‖₂ ≤ ‖A‖₂ ‖B‖₂이므로 항상 "
             "‖W⁶⁰‖₂ ≤ ‖W‖₂⁶⁰입니다."),
    ],
    settle=_settle_power,
    why={
        "en": ("For seed 0, ‖W_hh⁶⁰‖₂ = {power} while σ_max⁶⁰ = {bound} (σ_max = {sigma}); over "
               "the seeds the bound is at least {gap} times too large. Powers of W_hh shrink "
               "like ρ⁶⁰, the spectral radius ρ = {rho}, not like σ_max⁶⁰."),
        "ko": ("시드 0에서 ‖W_hh⁶⁰‖₂ = {power}이고 σ_max⁶⁰ = {bound}(σ_max = {sigma})입니다. "
               "모든 시드에서 상한이 {gap}배 이상 큽니다. W_hh의 거듭제곱은 σ_max⁶⁰이 아니라 "
               "스펙트럼 반지름 ρ = {rho}의 ρ⁶⁰처럼 줄어듭니다."),
    },
)


@functools.lru_cache(maxsize=None)
def direct_path_gain(T: int = 51, H: int = 32) -> tuple:
    """max over units of ∏_{k=2}^{T} f_k at initialisation, forget-gate bias 1 over bias 0,
    one ratio per seed, on one adding-problem sequence (rng 5) as in chapter 03.

    Explained in chapters/<lang>/03_lstm.
    """
    xs, _ = data.adding_problem(1, T, rng=5)
    out = []
    for seed in SEEDS:
        paths = []
        for bias in (0.0, 1.0):
            params = numpy_ref.init_params("lstm", 2, H, rng=seed)
            params["bias_ih"][H:2 * H] = bias
            params["bias_hh"][H:2 * H] = 0.0
            _, _, cache = numpy_ref.forward("lstm", xs, None, params)
            paths.append(float(cache.gates[1:, 0, H:2 * H].prod(axis=0).max()))
        out.append((paths[1] / paths[0], paths[0], paths[1]))
    return tuple(out)


def _settle_forget():
    rows = direct_path_gain()
    gains = [g for g, _, _ in rows]
    label = "c" if min(gains) > 1e6 else ("b" if min(gains) > 10 else "a")
    _, zero, one = rows[0]
    return label, {"gain": f"{min(gains):.0e}", "zero": f"{zero:.1e}", "one": f"{one:.1e}"}


choice(
    "predict_forget_bias",
    question={
        "en": ("At initialisation (H = 32, PyTorch's weights), the direct path of the LSTM's "
               "cell state over 50 steps is the product f_2 ⊙ ⋯ ⊙ f_51 of forget gates. How "
               "much larger is its largest entry with forget-gate bias 1 than with bias 0?"),
        "ko": ("초기화 직후(H = 32, PyTorch의 가중치) LSTM 셀 상태의 50단계 직접 경로는 망각 게이트의 "
               "곱 f_2 ⊙ ⋯ ⊙ f_51이다. 망각 게이트 편향이 1일 때 그 가장 큰 원소는 편향이 0일 때보다 "
               "얼마나 큰가?"),
    },
    options=[
        _opt("a", "Less than 10 times: a bias of 1 is a small change.",
             "10배 미만: 편향 1은 작은 변화다.",
             "The bias changes every factor of a product of 50: σ(1)/σ(0) ≈ 1.46 per step "
             "compounds to 1.46⁵⁰.",
             "편향은 50개 곱의 인수 하나하나를 바꿉니다. 단계마다 σ(1)/σ(0) ≈ 1.46배가 쌓여 "
             "1.46⁵⁰배가 됩니다."),
        _opt("b", "Between 10 and a million times.", "10배에서 백만 배 사이.",
             "Count the factors: about 1.46 per step over 50 steps is far more than a million.",
             "인수를 세어 보세요. 단계마다 약 1.46배씩 50단계면 백만 배를 훌쩍 넘습니다."),
        _opt("c", "More than a million times.", "백만 배 넘게 크다.", "", ""),
    ],
    settle=_settle_forget,
    why={
        "en": ("Measured on one adding-problem sequence: {zero} with bias 0, {one} with bias 1 "
               "(seed 0); over the seeds the gain is at least {gain}. With f ≈ σ(0) = 0.5 the "
               "path halves at every step; σ(1) ≈ 0.73 halves it only every 2.2 steps."),
        "ko": ("덧셈 문제 시퀀스 하나로 측정하면 편향 0에서 {zero}, 편향 1에서 {one}입니다(시드 0). "
               "모든 시드에서 {gain}배 이상 커집니다. f ≈ σ(0) = 0.5이면 경로가 단계마다 반으로 "
               "줄지만, σ(1) ≈ 0.73이면 2.2단계마다 반으로 줄 뿐입니다."),
    },
)


def closed_gate_jacobians(H: int = 4, I: int = 3, B: int = 2, seed: int = 0) -> dict:
    """A GRU step's Jacobian with the update gate forced shut (z ≈ 1) and wide open (z ≈ 0),
    through a bias of ±20 on the z rows; random weights otherwise.

    Explained in chapters/<lang>/04_gru.
    """
    rng = np.random.default_rng(seed)
    params = numpy_ref.init_params("gru", I, H, rng=rng)
    x, h = rng.normal(size=(B, I)), rng.uniform(-0.9, 0.9, size=(B, H))
    out = {}
    for name, bias in (("closed", 20.0), ("open", -20.0)):
        p = {k: v.copy() for k, v in params.items()}
        p["bias_hh"][H:2 * H] = bias
        out[name] = gradients.gru_step_jacobian(x, h, p)
    return out


def _settle_gru():
    J = closed_gate_jacobians()
    H = J["closed"].shape[1]
    off = float(np.max(np.abs(J["closed"] - np.eye(H))))
    label = "a" if off < 1e-6 else ("b" if np.max(np.abs(J["closed"])) < 1e-12 else "d")
    return label, {"off": f"{off:.0e}",
                   "open": f"{float(np.max(np.abs(J['open'] - np.eye(H)))):.2f}"}


choice(
    "predict_gru_closed",
    question={
        "en": ("A GRU step with its update gate closed, z = 1 in every unit. What is the "
               "step's Jacobian ∂h_t/∂h_{{t−1}}?"),
        "ko": ("갱신 게이트가 닫혀 모든 유닛에서 z = 1인 GRU 한 단계를 생각한다. 그 단계의 야코비 "
               "행렬 ∂h_t/∂h_{{t−1}}은 무엇인가?"),
    },
    options=[
        _opt("a", "The identity matrix I.", "단위 행렬 I.", "", ""),
        _opt("b", "The zero matrix: nothing of h_{{t−1}} passes.",
             "영행렬: h_{{t−1}}은 하나도 지나가지 못한다.",
             "z weighs the old state: h_t = (1 − z) ⊙ n + z ⊙ h_{{t−1}}, so z = 1 keeps all of it.",
             "z는 이전 상태에 곱해지는 무게입니다. h_t = (1 − z) ⊙ n + z ⊙ h_{{t−1}}이므로 z = 1이면 "
             "이전 상태가 전부 남습니다."),
        _opt("c", "diag(r) W_hn up to tanh', as in the RNN.",
             "순환 신경망처럼 tanh'을 곱한 diag(r) W_hn.",
             "The paths through n and z are multiplied by 1 − z and z(1 − z), both 0 when z = 1.",
             "n과 z를 거치는 경로에는 1 − z와 z(1 − z)가 곱해지는데, z = 1이면 둘 다 0입니다."),
        _opt("d", "It depends on the reset gate r.", "리셋 게이트 r에 따라 다르다.",
             "r acts only inside n, and n's share of h_t is 1 − z = 0.",
             "r은 n 안에서만 작용하는데, h_t에서 n이 차지하는 몫은 1 − z = 0입니다."),
    ],
    settle=_settle_gru,
    why={
        "en": ("With z = σ(20) = 1 − 2e-9 the Jacobian differs from I by at most {off}: the "
               "gradient passes unchanged, whatever the weights. With z ≈ 0 it differs from I "
               "by up to {open}. gradients.gru_jacobian_terms shows the four paths separately."),
        "ko": ("z = σ(20) = 1 − 2e-9이면 야코비 행렬과 I의 차이는 최대 {off}입니다. 가중치와 상관없이 기울기가 "
               "그대로 지나갑니다. z ≈ 0이면 I와 최대 {open}만큼 다릅니다. "
               "gradients.gru_jacobian_terms가 네 경로를 따로 보여 줍니다."),
    },
)


def equal_param_hidden(cell: str = "gru", rnn_hidden: int = 64, input_size: int = 2) -> int:
    """The hidden size H whose ``cell`` has the parameter count nearest to an RNN's with
    ``rnn_hidden`` units (recurrent layer only, :func:`rnnbook.numpy_ref.param_count`).

    Explained in chapters/<lang>/05_comparison.
    """
    target = numpy_ref.param_count("rnn", input_size, rnn_hidden)
    return min(range(1, 4 * rnn_hidden),
               key=lambda H: abs(numpy_ref.param_count(cell, input_size, H) - target))


def _settle_hidden():
    H = equal_param_hidden()
    return float(H), {"H": H, "gru": numpy_ref.param_count("gru", 2, H),
                      "rnn": numpy_ref.param_count("rnn", 2, 64)}


number(
    "predict_gru_hidden",
    question={
        "en": ("An RNN with I = 2 and H = 64 has some number of parameters. About what hidden "
               "size gives a GRU (I = 2) the same number? Answer with a number."),
        "ko": ("I = 2, H = 64인 순환 신경망의 파라미터 수와 같아지려면 GRU(I = 2)의 은닉 크기는 "
               "대략 얼마여야 하는가? 숫자로 답한다."),
    },
    settle=_settle_hidden,
    tol=2.0,
    why={
        "en": ("The RNN has {rnn} parameters, a GRU with H = {H} has {gru}. The count "
               "G·H·(I + H + 2) grows like G·H², so three gate blocks need about 1/√3 of the "
               "hidden units: 64/√3 ≈ 37."),
        "ko": ("순환 신경망의 파라미터는 {rnn}개, H = {H}인 GRU는 {gru}개입니다. 개수 "
               "G·H·(I + H + 2)는 G·H²처럼 늘어나므로, 게이트 블록이 셋이면 은닉 크기는 약 "
               "1/√3배면 됩니다: 64/√3 ≈ 37."),
    },
)
