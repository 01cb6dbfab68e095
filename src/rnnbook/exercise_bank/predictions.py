"""Prediction exercises of chapters 01–05: predict an experiment's outcome, then run it.

Each id is answered with a zero-argument function returning an option's label; the outcome
is measured by package code when the check runs (:mod:`rnnbook.exercises._predict`). All
experiments take well under a second.
(The framework's numeric predictions, :func:`rnnbook.exercises._predict.number`, are used
by no chapter at present.)

- ``predict_memory`` (ch01): how much of a difference in the first input is left in an
  untrained RNN's state 49 steps later.
- ``predict_power_bound`` (ch02): ‖W_hh⁶⁰‖₂ against the bound σ_max(W_hh)⁶⁰.
- ``predict_forget_bias`` (ch03): the LSTM's direct cell-state path ∏ f over 50 steps
  at initialisation, forget-gate bias 1 against 0.
- ``predict_gru_closed`` (ch04): the GRU step's Jacobian when the update gate is closed.
- ``predict_init_gradient`` (ch05): how much of the gradient at h_40 reaches h_1 on the
  adding problem before training, for the RNN, the LSTM and the GRU with PyTorch's
  initialisation.

References: Pascanu, Mikolov & Bengio (2013) for the norm bound; Jozefowicz, Zaremba &
Sutskever (2015) for the forget-gate bias; PyTorch's GRU documentation; Bengio, Simard &
Frasconi (1994) and Hochreiter & Schmidhuber (1997) for vanishing gradients.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import data, gradients, numpy_ref
from ..exercises._predict import Option, choice

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


@functools.lru_cache(maxsize=None)
def initial_gradient_ratios(T: int = 40, B: int = 32) -> dict:
    """‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ of untrained models on one adding-problem batch (needs torch).

    The models are built as :func:`rnnbook.experiments.adding_run` builds them, with the
    protocol's hidden size, but every one with PyTorch's initialisation (no forget-gate
    bias), one per seed of :data:`SEEDS`; the norms come from
    :func:`rnnbook.gradients.state_grad_norms` (float64), as in chapter 05's cell. Returns
    ``{"ratio": {cell: (one ratio per seed)}, "gate": {cell: (min, mean, max)}}``, the
    gates being the LSTM's forget gates f and the GRU's update gates z over steps 2 … T of
    the same batch (:func:`rnnbook.numpy_ref.forward` on the models' own weights).

    Explained in chapters/<lang>/05_comparison.
    """
    from .. import experiments, train

    H = experiments.Protocol().hidden_size
    xs, ys = data.adding_problem(B, T, rng=123, dtype=np.float32)  # (T, B, 2), (B, 1)
    ratio, gate = {}, {}
    for cell in ("rnn", "lstm", "gru"):
        ratio[cell], values = [], []
        for seed in SEEDS:
            model = train.make_model(cell, 2, H, 1, seed=seed)  # forget_bias=None: PyTorch's
            norms = gradients.state_grad_norms(model, xs, ys)  # (T,): ‖∂L/∂h_t‖, t = 1 … T
            ratio[cell].append(float(norms[0] / norms[-1]))
            if cell != "rnn":  # f is block 1 of i, f, g, o; z is block 1 of r, z, n
                params = {name.removesuffix("_l0"): w.detach().double().numpy()
                          for name, w in model.rnn.state_dict().items()}
                _, _, cache = numpy_ref.forward(cell, xs.astype(np.float64), None, params)
                values.append(cache.gates[1:, :, H:2 * H])  # (T − 1, B, H)
        ratio[cell] = tuple(ratio[cell])
        if values:
            v = np.concatenate(values)
            gate[cell] = (float(v.min()), float(v.mean()), float(v.max()))
    return {"ratio": ratio, "gate": gate}


VANISHED = 1e-5  # "less than a hundred-thousandth reaches h_1"; measured: at most 6e-08


def _settle_init_gradient():
    measured = initial_gradient_ratios()
    ratio, gate = measured["ratio"], measured["gate"]
    largest = {cell: max(r) for cell, r in ratio.items()}
    top = max(largest, key=largest.get)
    label = "c" if largest[top] < VANISHED else {"lstm": "a", "gru": "b", "rnn": "d"}[top]
    steps = 39  # h_40 back to h_1
    facts = {cell: f"{largest[cell]:.0e}" for cell in ratio}
    facts.update(n=len(SEEDS), per_step=f"{largest[top] ** (1 / steps):.2f}",
                 f_lo=f"{gate['lstm'][0]:.3f}", f_hi=f"{gate['lstm'][2]:.3f}",
                 z_lo=f"{gate['gru'][0]:.3f}", z_hi=f"{gate['gru'][2]:.3f}",
                 f_path=f"{gate['lstm'][2] ** steps:.0e}", z_path=f"{gate['gru'][2] ** steps:.0e}")
    return label, facts


choice(
    "predict_init_gradient",
    question={
        "en": ("Before any training, with PyTorch's default initialisation (H = 32), an RNN, "
               "an LSTM and a GRU read the same batch of adding-problem sequences of length "
               "T = 40. How much of the gradient at the last step reaches the first one, "
               "measured by the ratio ‖∂L/∂h_1‖ / ‖∂L/∂h_40‖?"),
        "ko": ("학습을 시작하기 전, PyTorch의 기본 초기화(H = 32) 그대로인 RNN, LSTM, GRU가 길이 "
               "T = 40인 덧셈 문제 시퀀스로 이루어진 같은 배치를 읽는다. 비율 "
               "‖∂L/∂h_1‖ / ‖∂L/∂h_40‖로 잴 때, 마지막 시간 단계의 기울기 가운데 얼마가 첫 "
               "시간 단계까지 돌아오는가?"),
    },
    options=[
        _opt("a", "Only the LSTM keeps a usable share (10⁻² or more): its cell state carries "
             "the gradient back.",
             "LSTM만 쓸 만한 몫(10⁻² 이상)을 돌려보낸다: 셀 상태가 기울기를 실어 나른다.",
             "The cell state's direct path multiplies the gradient by f at every time step, "
             "and at initialisation every forget gate lies between {f_lo} and {f_hi}: even "
             "{f_hi}³⁹ is only {f_path}. The LSTM's ratio is at most {lstm} (the GRU's {gru}, "
             "the RNN's {rnn}). The path carries the gradient only once f is close to 1.",
             "셀 상태의 직접 경로는 시간 단계마다 기울기에 f를 곱하는데, 초기화 직후의 망각 "
             "게이트는 모두 {f_lo}–{f_hi} 범위에 있습니다. {f_hi}³⁹만 해도 {f_path}에 "
             "불과합니다. LSTM의 비율은 가장 커도 {lstm}입니다(GRU는 {gru}, RNN은 {rnn}). 이 "
             "경로는 f가 1에 가까워진 뒤에야 기울기를 실어 나릅니다."),
        _opt("b", "Only the GRU keeps a usable share (10⁻² or more): its update gate z lets "
             "h_{{t−1}} through unchanged.",
             "GRU만 쓸 만한 몫(10⁻² 이상)을 돌려보낸다: 갱신 게이트 z가 h_{{t−1}}을 그대로 "
             "통과시킨다.",
             "h_t = (1 − z) ⊙ n + z ⊙ h_{{t−1}} passes h_{{t−1}} on scaled by z, and at "
             "initialisation every update gate lies between {z_lo} and {z_hi}, so along that "
             "path alone even {z_hi}³⁹ is only {z_path}. The GRU's ratio, with the paths "
             "through n and the gates, is at most {gru} (the RNN's {rnn}, the LSTM's {lstm}): "
             "far below 10⁻⁵.",
             "h_t = (1 − z) ⊙ n + z ⊙ h_{{t−1}}은 h_{{t−1}}에 z를 곱해 넘기는데, 초기화 직후의 "
             "갱신 게이트는 모두 {z_lo}–{z_hi} 범위에 있어서, 그 경로만 따지면 {z_hi}³⁹도 "
             "{z_path}에 불과합니다. n과 게이트를 거치는 경로까지 더한 GRU의 비율은 가장 커도 "
             "{gru}로(RNN은 {rnn}, LSTM은 {lstm}) 10⁻⁵에 한참 못 미칩니다."),
        _opt("c", "None keeps a usable share: in all three, less than 10⁻⁵ of the gradient "
             "reaches h_1.",
             "어느 모델도 쓸 만한 몫을 돌려보내지 못한다: 세 모델 모두 기울기의 10⁻⁵배도 h_1에 "
             "닿지 않는다.", "", ""),
        _opt("d", "Only the RNN keeps a usable share (10⁻² or more): it has no gates that "
             "multiply the gradient by numbers below 1.",
             "RNN만 쓸 만한 몫(10⁻² 이상)을 돌려보낸다: 기울기에 1보다 작은 수를 곱하는 "
             "게이트가 없다.",
             "Without gates, every time step multiplies the gradient by W_hh and the tanh "
             "derivative (chapter 02), and that shrinks it too. The RNN's ratio is at most "
             "{rnn}.",
             "게이트가 없어도 시간 단계마다 기울기에 W_hh와 tanh의 도함수가 곱해지고(02장), "
             "그것도 기울기를 줄입니다. RNN의 비율은 가장 커도 {rnn}입니다."),
    ],
    settle=_settle_init_gradient,
    why={
        "en": ("Measured with {n} seeds per model: the ratio is at most {rnn} for the RNN, "
               "{lstm} for the LSTM and {gru} for the GRU; even the largest means the gradient "
               "shrinks to about {per_step} of itself at every time step. At initialisation "
               "the gates sit near one half (f between {f_lo} and {f_hi}, z between {z_lo} "
               "and {z_hi}), so the paths they could keep open shrink as well. Gates do not "
               "keep the gradient alive by themselves; they must first open, which "
               "training does (a forget-gate bias of 1 opens the LSTM's path in part before "
               "training: chapter 03)."),
        "ko": ("모델마다 시드 {n}개로 측정한 비율의 최댓값은 RNN {rnn}, LSTM {lstm}, "
               "GRU {gru}입니다. 가장 큰 값이라도 기울기가 시간 단계마다 약 {per_step}배로 "
               "줄어든다는 뜻입니다. 초기화 직후의 게이트는 1/2 근처에 있어서(f는 {f_lo}–"
               "{f_hi}, z는 {z_lo}–{z_hi}) 게이트가 열어 둘 수 있는 경로도 함께 줄어듭니다. "
               "게이트가 있다고 기울기가 저절로 살아남지는 않습니다. 게이트가 먼저 "
               "열려야 하고, 그 일은 학습이 합니다(망각 게이트 편향 1은 학습 전에 LSTM의 경로를 "
               "일부만 열어 둡니다. 03장 참고)."),
    },
)
