"""Exercise of chapter 02: backpropagation through time for the plain tanh RNN.

- ``rnn_backward``: ``fn(dhs, xs, hs, params) -> dict``. The forward pass

      a_t = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh,    h_t = tanh(a_t),    t = 1 … T

  has already run: ``hs`` (T+1, B, H) holds h_0 … h_T (``hs[t]`` is h_t), ``xs`` (T, B, I)
  holds x_1 … x_T (``xs[t − 1]`` is x_t), ``params`` is PyTorch's layout
  (``weight_ih (H, I)``, ``weight_hh (H, H)``, ``bias_ih (H,)``, ``bias_hh (H,)``) and
  ``dhs`` (T, B, H) is the *direct* gradient of the loss on each state (``dhs[t − 1]`` =
  ∂L/∂h_t through the output at step t only). The learner returns the gradients of
  L = Σ_t Σ dhs[t − 1] ⊙ h_t with respect to ``weight_ih, weight_hh, bias_ih, bias_hh``,
  ``xs`` (T, B, I) and ``h0`` (B, H), each of its input's shape. The equations:

      dh_t  = dhs_t + da_{t+1} W_hh              (the carried gradient; da_{T+1} = 0)
      da_t  = dh_t ⊙ (1 − h_t²)                   (B, H)
      dW_ih = Σ_t da_tᵀ x_t        (H×B)(B×I);    dW_hh = Σ_t da_tᵀ h_{t−1}   (H×B)(B×H)
      db_ih = db_hh = Σ_t Σ_batch da_t;           dx_t = da_t W_ih;   dh_0 = da_1 W_hh

Checked against central differences of L through :func:`rnnbook.numpy_ref.forward`.
A wrong answer is compared with a model of the backward pass whose knobs are the usual
mistakes (:data:`MISTAKES`); the one or two knobs that reproduce it name the mistake.

References: Werbos (1990), "Backpropagation through time: what it does and how to do it";
cs231n's rnn_layers (step and sequence backward); Karpathy's min-char-rnn.
"""

from __future__ import annotations

import numpy as np

from .. import numpy_ref
from ..exercises import Verdict, case_seed, register
from ..exercises._backward import central_differences, check_backward, knob_search
from ..exercises._cases import _random_params

KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "xs", "h0")
CASES = ((4, 1, 3, 5), (5, 3, 2, 4), (3, 2, 4, 4))  # (T, B, I, H): B = 1, B > 1, I ≠ H, I = H
# knob → (value that reproduces the mistake, diagnosis code); the default of every knob
# in rnn_backward_model is the right backward pass.
MISTAKES = (
    ("carry", False, "rnn_bwd.no_carry"),
    ("tanh_derivative", False, "rnn_bwd.no_tanh_derivative"),
    ("derivative_at", "h_prev", "rnn_bwd.derivative_off_by_one"),
    ("accumulate", False, "rnn_bwd.overwrite"),
    ("dW_hh_state", "h_t", "rnn_bwd.h_t_for_h_prev"),
    ("bias", "hh_zero", "rnn_bwd.bias_hh_missing"),
    ("bias", "ih_zero", "rnn_bwd.bias_ih_missing"),
    ("bias", "halved", "rnn_bwd.bias_halved"),
    ("back_weight", "transposed", "rnn_bwd.weight_hh_transposed"),
    ("dW_hh_layout", "transposed", "rnn_bwd.dW_hh_transposed"),
    ("batch_mean", True, "rnn_bwd.batch_mean"),
)


def rnn_backward_model(dhs, xs, hs, params, *, carry=True, tanh_derivative=True,
                       derivative_at="h_t", accumulate=True, dW_hh_state="h_prev",
                       bias="both", back_weight="plain", dW_hh_layout="plain",
                       batch_mean=False) -> dict:
    """BPTT for the tanh RNN with the mistakes of :data:`MISTAKES` as knobs (defaults: right).

    Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    T, B, _ = xs.shape
    W_ih, W_hh = params["weight_ih"], params["weight_hh"]
    grads = {"weight_ih": np.zeros_like(W_ih), "weight_hh": np.zeros_like(W_hh)}
    db = np.zeros_like(params["bias_ih"])
    dxs = np.zeros_like(xs)
    carried = np.zeros_like(hs[0])                   # da_{t+1} W_hh, the gradient from the future
    for t in range(T, 0, -1):
        dh = dhs[t - 1] + (carried if carry else 0.0)            # dh_t
        h_at = hs[t] if derivative_at == "h_t" else hs[t - 1]
        da = dh * (1.0 - h_at * h_at) if tanh_derivative else dh  # da_t = dh_t ⊙ (1 − h_t²)
        h_in = hs[t - 1] if dW_hh_state == "h_prev" else hs[t]
        dW_hh = da.T @ h_in if dW_hh_layout == "plain" else h_in.T @ da   # (H×B)(B×H)
        steps = {"weight_ih": da.T @ xs[t - 1], "weight_hh": dW_hh}        # (H×B)(B×I)
        for key, value in steps.items():
            grads[key] = grads[key] + value if accumulate else value
        db = db + da.sum(axis=0) if accumulate else da.sum(axis=0)
        dxs[t - 1] = da @ W_ih                                    # dx_t = da_t W_ih
        carried = da @ (W_hh if back_weight == "plain" else W_hh.T)   # into dh_{t−1}
    share = {"both": (1.0, 1.0), "hh_zero": (1.0, 0.0), "ih_zero": (0.0, 1.0),
             "halved": (0.5, 0.5)}[bias]
    grads["bias_ih"], grads["bias_hh"] = share[0] * db, share[1] * db
    if batch_mean:
        grads = {key: value / B for key, value in grads.items()}
    return dict(grads, xs=dxs, h0=carried)


def numerical_gradients(dhs, xs, hs, params) -> dict:
    """The same gradients by central differences of L = Σ dhs ⊙ h_{1…T} through numpy_ref.

    Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    def loss(inputs) -> float:
        p = {k: inputs[k] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
        states, _, _ = numpy_ref.forward("rnn", inputs["xs"], inputs["h0"], p)
        return float(np.sum(dhs * states))

    return central_differences(loss, {"xs": xs, "h0": hs[0], **params}, KEYS)


def cases() -> list:
    """The checker's test cases: ``(dhs, xs, hs, params)`` tuples, seeded.

    Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    out = []
    for k, (T, B, I, H) in enumerate(CASES):
        rng = np.random.default_rng(case_seed(8_200 + k))
        params = _random_params(rng, 1, I, H)
        xs = rng.normal(size=(T, B, I))
        h0 = rng.uniform(-0.9, 0.9, size=(B, H))
        states, _, _ = numpy_ref.forward("rnn", xs, h0, params)
        hs = np.concatenate([h0[None], states])          # (T+1, B, H): h_0 … h_T
        dhs = rng.normal(size=(T, B, H))
        out.append((dhs, xs, hs, params))
    return out


MESSAGES = {
    "en": {
        "rnn_bwd.no_carry": (
            "The gradient from the future is missing: dL/dh_t is the direct part dhs[t−1] "
            "plus what flows back from step t+1, da_{{t+1}} W_hh. Keep that product from one "
            "iteration of your backward loop and add it to dhs in the next."),
        "rnn_bwd.no_tanh_derivative": (
            "The tanh derivative is missing: before the weights, multiply by "
            "1 − h_t², da_t = dh_t ⊙ (1 − h_t²)."),
        "rnn_bwd.derivative_off_by_one": (
            "The tanh derivative is taken one step too early (off by one in time): "
            "h_t = tanh(a_t), so da_t = dh_t ⊙ (1 − h_t²) uses hs[t], the state step t "
            "produced, not hs[t−1], the state it read."),
        "rnn_bwd.overwrite": (
            "The weight and bias gradients are overwritten at every step, so only one step's "
            "share is left. The same weights act at every step (parameter sharing), so their "
            "gradient is a sum over t: dW_hh += da_tᵀ h_{{t−1}}, and likewise for the others."),
        "rnn_bwd.h_t_for_h_prev": (
            "weight_hh's gradient uses h_t where h_{{t−1}} belongs: step t multiplies W_hh by "
            "the state it reads, so dW_hh = Σ_t da_tᵀ h_{{t−1}}, (H×B)(B×H)."),
        "rnn_bwd.bias_hh_missing": (
            "bias_hh gets no gradient. bias_ih and bias_hh are both added to a_t, so each "
            "receives the same gradient, Σ over time and batch of da_t."),
        "rnn_bwd.bias_ih_missing": (
            "bias_ih gets no gradient. bias_ih and bias_hh are both added to a_t, so each "
            "receives the same gradient, Σ over time and batch of da_t."),
        "rnn_bwd.bias_halved": (
            "The bias gradient is split in half between bias_ih and bias_hh. Each bias is "
            "added to a_t in full, so each receives the whole Σ of da_t."),
        "rnn_bwd.weight_hh_transposed": (
            "The gradient sent back to h_{{t−1}} uses weight_hh transposed. In row-vector "
            "form a_t = … + h_{{t−1}} W_hhᵀ, so dh_{{t−1}} gets da_t W_hh: "
            "`da @ params['weight_hh']`."),
        "rnn_bwd.dW_hh_transposed": (
            "weight_hh's gradient is transposed: PyTorch stores W_hh as (out, in), so "
            "dW_hh = Σ_t da_tᵀ h_{{t−1}} (`da.T @ h_prev`), not h_{{t−1}}ᵀ da_t."),
        "rnn_bwd.batch_mean": (
            "The parameter gradients are divided by the batch size. L here is a sum over the "
            "batch (Σ dhs ⊙ h), so sum the examples' contributions without averaging."),
    },
    "ko": {
        "rnn_bwd.no_carry": (
            "미래에서 오는 기울기가 빠졌습니다. dL/dh_t는 직접 받은 dhs[t−1]에 시간 단계 t+1에서 거꾸로 "
            "흘러오는 da_{{t+1}} W_hh를 더한 값입니다. 역전파 반복문의 한 바퀴에서 이 곱을 남겨 두고 "
            "다음 바퀴에서 dhs에 더하세요."),
        "rnn_bwd.no_tanh_derivative": (
            "tanh의 도함수가 빠졌습니다. 가중치를 곱하기 전에 1 − h_t²를 곱해야 합니다: "
            "da_t = dh_t ⊙ (1 − h_t²)."),
        "rnn_bwd.derivative_off_by_one": (
            "tanh의 도함수를 한 시간 단계 앞의 상태로 계산했습니다(시간 인덱스가 하나 어긋남). "
            "h_t = tanh(a_t)이므로 da_t = dh_t ⊙ (1 − h_t²)에는 t 단계가 읽은 hs[t−1]이 아니라 "
            "t 단계가 만든 hs[t]가 들어갑니다."),
        "rnn_bwd.overwrite": (
            "가중치와 편향의 기울기를 단계마다 덮어써서 한 단계의 몫만 남았습니다. 같은 가중치가 "
            "모든 단계에 쓰이므로(파라미터 공유) 기울기는 t에 대한 합입니다: "
            "dW_hh += da_tᵀ h_{{t−1}}, 다른 파라미터도 마찬가지입니다."),
        "rnn_bwd.h_t_for_h_prev": (
            "weight_hh의 기울기에 h_{{t−1}} 대신 h_t를 썼습니다. t 단계에서 W_hh가 곱해지는 것은 "
            "그 단계가 읽은 상태이므로 dW_hh = Σ_t da_tᵀ h_{{t−1}}, (H×B)(B×H)입니다."),
        "rnn_bwd.bias_hh_missing": (
            "bias_hh의 기울기가 없습니다. bias_ih와 bias_hh는 둘 다 a_t에 더해지므로 둘 다 같은 "
            "기울기, 곧 시간과 배치에 대한 da_t의 합을 받습니다."),
        "rnn_bwd.bias_ih_missing": (
            "bias_ih의 기울기가 없습니다. bias_ih와 bias_hh는 둘 다 a_t에 더해지므로 둘 다 같은 "
            "기울기, 곧 시간과 배치에 대한 da_t의 합을 받습니다."),
        "rnn_bwd.bias_halved": (
            "편향의 기울기를 bias_ih와 bias_hh에 반씩 나눴습니다. 두 편향은 a_t에 각각 통째로 "
            "더해지므로 각각 da_t의 합 전체를 받습니다."),
        "rnn_bwd.weight_hh_transposed": (
            "h_{{t−1}}로 돌려보내는 기울기에 weight_hh의 전치를 썼습니다. 행 벡터로 쓰면 "
            "a_t = … + h_{{t−1}} W_hhᵀ이므로 dh_{{t−1}}은 da_t W_hh를 받습니다: "
            "`da @ params['weight_hh']`."),
        "rnn_bwd.dW_hh_transposed": (
            "weight_hh의 기울기가 전치되었습니다. PyTorch는 W_hh를 (출력, 입력) 모양으로 "
            "저장하므로 dW_hh = Σ_t da_tᵀ h_{{t−1}}(`da.T @ h_prev`)이고, h_{{t−1}}ᵀ da_t가 "
            "아닙니다."),
        "rnn_bwd.batch_mean": (
            "파라미터의 기울기를 배치 크기로 나눴습니다. 여기서 L은 배치에 대한 합"
            "(Σ dhs ⊙ h)이므로 예제마다의 기여를 평균 내지 말고 더하세요."),
    },
}


@register("rnn_backward", messages=MESSAGES)
def _check_rnn_backward(fn) -> Verdict:
    """Learner's ``fn(dhs, xs, hs, params) -> dict`` of gradients (see the module docstring)."""
    all_cases = cases()
    labels = ["T={}, B={}, I={}, H={}".format(*shape) for shape in CASES]
    return check_backward(fn, cases=all_cases, labels=labels,
                          arg_names=("dhs", "xs", "hs", "params"), keys=KEYS,
                          numerical=numerical_gradients,
                          diagnose=knob_search(rnn_backward_model, MISTAKES, "rnn_bwd"))
