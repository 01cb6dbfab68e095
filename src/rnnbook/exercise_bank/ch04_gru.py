"""Exercise of chapter 04 (optional): one GRU step's backward pass.

- ``gru_cell_backward``: ``fn(dh_next, x, h, params) -> dict`` with keys ``x, h,
  weight_ih, weight_hh, bias_ih, bias_hh``: the gradients of L = Σ dh_next ⊙ h' for one
  step of PyTorch's GRU (gate blocks r, z, n), each of its input's shape. With
  m = W_hn h + b_hn and σ' = σ(1 − σ), the backward pass beside the forward:

      h' = (1 − z) ⊙ n + z ⊙ h      dn = dh' ⊙ (1 − z),  dz = dh' ⊙ (h − n),  dh ∋ dh' ⊙ z
      n = tanh(a_n + r ⊙ m)         da_n = dn ⊙ (1 − n²),  dm = da_n ⊙ r,  dr = da_n ⊙ m
      z = σ(a_z), r = σ(a_r)        da_z = dz ⊙ σ'(z),  da_r = dr ⊙ σ'(r)
      (a = W_ih x + b_ih + W_hh h + b_hh for r, z; a_n = W_in x + b_in)

  so dW_ih = [da_r, da_z, da_n]ᵀ x, dW_hh = [da_r, da_z, dm]ᵀ h, db_ih = Σ [da_r, da_z,
  da_n], db_hh = Σ [da_r, da_z, dm], dx = [da_r, da_z, da_n] W_ih and
  dh = dh' ⊙ z + [da_r, da_z, dm] W_hh.

Checked against central differences through :func:`rnnbook.numpy_ref.gru_step`; the
mistakes of :data:`MISTAKES` are named by the knob of :func:`gru_backward_model` that
reproduces them.

References: PyTorch's torch.nn.GRU documentation (the equations); Cho et al. (2014) and
Chung et al. (2014) for the GRU and the reset gate applied before the matmul.
"""

from __future__ import annotations

import numpy as np

from .. import numpy_ref
from ..exercises import Verdict, case_seed, register
from ..exercises._backward import central_differences, check_backward, knob_search
from ..exercises._cases import _random_params

KEYS = ("x", "h", "weight_ih", "weight_hh", "bias_ih", "bias_hh")
CASES = ((1, 3, 2), (3, 2, 4), (2, 4, 4))  # (B, I, H): B = 1, B > 1, I ≠ H, I = H

MISTAKES = (
    ("reset", "outside", "gru_bwd.reset_outside"),
    ("reset", "before", "gru_bwd.reset_before"),
    ("z_side", "swapped", "gru_bwd.z_swapped"),
    ("direct", False, "gru_bwd.no_direct_path"),
    ("bias_hn", "like_in", "gru_bwd.bias_hn_like_in"),
    ("dz_sign", -1.0, "gru_bwd.dz_sign"),
    ("dr", False, "gru_bwd.no_reset_gradient"),
)


def _sig(a):
    return 1.0 / (1.0 + np.exp(-a))


def gru_backward_model(dh_next, x, h, params, *, reset="after", z_side="torch", direct=True,
                       bias_hn="hh", dz_sign=1.0, dr=True) -> dict:
    """One GRU step's backward pass with the mistakes of :data:`MISTAKES` as knobs.

    The forward values are always right; each knob changes one derivative the way the
    mistake does. Explained in chapters/<lang>/04_gru.
    """
    H = h.shape[1]
    W_ih, W_hh = params["weight_ih"], params["weight_hh"]
    ax = x @ W_ih.T + params["bias_ih"]  # (B, 3H)
    ah = h @ W_hh.T + params["bias_hh"]  # (B, 3H)
    r = _sig(ax[:, :H] + ah[:, :H])
    z = _sig(ax[:, H:2 * H] + ah[:, H:2 * H])
    m = ah[:, 2 * H:]  # W_hn h + b_hn
    n = np.tanh(ax[:, 2 * H:] + r * m)
    keep, new = (z, 1.0 - z) if z_side == "torch" else (1.0 - z, z)
    dn = dh_next * new                            # h' = (1 − z) ⊙ n + z ⊙ h
    dz = dz_sign * dh_next * ((h - n) if z_side == "torch" else (n - h))
    da_n = dn * (1.0 - n * n)                     # n = tanh(a_n + r ⊙ m)
    W_hn = W_hh[2 * H:]
    if reset == "before":                         # as if n = tanh(a_n + W_hn (r ⊙ h) + b_hn)
        back = da_n @ W_hn                        # (B, H): gradient reaching r ⊙ h
        dm, d_r, dh_n = da_n, back * h, back * r
    else:
        dm = da_n * r if reset == "after" else da_n   # "outside": the factor r is dropped
        d_r, dh_n = da_n * m, None
    if not dr:
        d_r = np.zeros_like(d_r)
    da_r, da_z = d_r * r * (1.0 - r), dz * z * (1.0 - z)
    dax = np.concatenate([da_r, da_z, da_n], axis=1)  # (B, 3H)
    dah = np.concatenate([da_r, da_z, dm], axis=1)    # (B, 3H)
    dW_hh = dah.T @ h                                  # (3H×B)(B×H)
    if reset == "before":
        dW_hh[2 * H:] = da_n.T @ (r * h)
        dh = dah[:, :2 * H] @ W_hh[:2 * H] + dh_n
    else:
        dh = dah @ W_hh
    db_hh = dah.sum(axis=0)
    if bias_hn == "like_in":                      # b_hn's gradient taken as b_in's: no r
        db_hh[2 * H:] = da_n.sum(axis=0)
    if direct:
        dh = dh + dh_next * keep                  # the direct path z ⊙ h
    return {"x": dax @ W_ih, "h": dh, "weight_ih": dax.T @ x, "weight_hh": dW_hh,
            "bias_ih": dax.sum(axis=0), "bias_hh": db_hh}


def numerical_gradients(dh_next, x, h, params) -> dict:
    """The same gradients by central differences of Σ dh_next ⊙ h' through numpy_ref.

    Explained in chapters/<lang>/04_gru.
    """
    def loss(inputs) -> float:
        p = {k: inputs[k] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
        return float(np.sum(dh_next * numpy_ref.gru_step(inputs["x"], inputs["h"], p)))

    return central_differences(loss, {"x": x, "h": h, **params}, KEYS)


def cases() -> list:
    """The checker's seeded cases ``(dh_next, x, h, params)``.

    Explained in chapters/<lang>/04_gru.
    """
    out = []
    for k, (B, I, H) in enumerate(CASES):
        rng = np.random.default_rng(case_seed(8_400 + k))
        params = _random_params(rng, 3, I, H)
        out.append((rng.normal(size=(B, H)), rng.normal(size=(B, I)),
                    rng.uniform(-0.9, 0.9, size=(B, H)), params))
    return out


MESSAGES = {
    "en": {
        "gru_bwd.reset_outside": (
            "The gradient of W_hn h + b_hn misses the factor r: n = tanh(a_n + r ⊙ (W_hn h + "
            "b_hn)), so the gradient reaching W_hn h + b_hn is da_n ⊙ r, not da_n."),
        "gru_bwd.reset_before": (
            "You differentiate the reset gate as if it acted before the matmul, "
            "W_hn (r ⊙ h) + b_hn. PyTorch applies it after: r ⊙ (W_hn h + b_hn), so "
            "dr = da_n ⊙ (W_hn h + b_hn) and W_hn's gradient is (da_n ⊙ r)ᵀ h."),
        "gru_bwd.z_swapped": (
            "z and 1 − z are swapped: in h' = (1 − z) ⊙ n + z ⊙ h the old state is weighed "
            "by z, so dh gets dh' ⊙ z, n gets dh' ⊙ (1 − z) and z gets dh' ⊙ (h − n)."),
        "gru_bwd.no_direct_path": (
            "The direct path is missing from h's gradient: h' = … + z ⊙ h, so dh also "
            "receives dh' ⊙ z, besides what comes back through W_hh."),
        "gru_bwd.bias_hn_like_in": (
            "bias_hn's gradient is taken like bias_in's. bias_hn sits inside the reset gate, "
            "r ⊙ (W_hn h + b_hn), so it receives da_n ⊙ r, not da_n."),
        "gru_bwd.dz_sign": (
            "The update gate's gradient has the wrong sign: ∂h'/∂z = h − n, not n − h."),
        "gru_bwd.no_reset_gradient": (
            "The reset gate gets no gradient: r multiplies W_hn h + b_hn inside n, so "
            "dr = da_n ⊙ (W_hn h + b_hn), then da_r = dr ⊙ r ⊙ (1 − r)."),
    },
    "ko": {
        "gru_bwd.reset_outside": (
            "W_hn h + b_hn의 기울기에 r이 빠졌습니다. n = tanh(a_n + r ⊙ (W_hn h + b_hn))이므로 "
            "W_hn h + b_hn에 도달하는 기울기는 da_n이 아니라 da_n ⊙ r입니다."),
        "gru_bwd.reset_before": (
            "리셋 게이트를 행렬 곱 앞에서 적용한 것처럼(W_hn (r ⊙ h) + b_hn) 미분했습니다. "
            "PyTorch는 행렬 곱 뒤에 적용하므로(r ⊙ (W_hn h + b_hn)) dr = da_n ⊙ (W_hn h + b_hn)이고 "
            "W_hn의 기울기는 (da_n ⊙ r)ᵀ h입니다."),
        "gru_bwd.z_swapped": (
            "z와 1 − z가 뒤바뀌었습니다. h' = (1 − z) ⊙ n + z ⊙ h에서 이전 상태에 곱해지는 것은 "
            "z이므로 dh는 dh' ⊙ z를, n은 dh' ⊙ (1 − z)를, z는 dh' ⊙ (h − n)을 받습니다."),
        "gru_bwd.no_direct_path": (
            "h의 기울기에서 직접 경로가 빠졌습니다. h' = … + z ⊙ h이므로 dh는 W_hh를 거쳐 "
            "돌아오는 기울기 외에 dh' ⊙ z도 받습니다."),
        "gru_bwd.bias_hn_like_in": (
            "bias_hn의 기울기를 bias_in처럼 계산했습니다. bias_hn은 리셋 게이트 안, "
            "r ⊙ (W_hn h + b_hn)에 있으므로 da_n이 아니라 da_n ⊙ r을 받습니다."),
        "gru_bwd.dz_sign": (
            "갱신 게이트 기울기의 부호가 틀렸습니다: ∂h'/∂z = n − h가 아니라 h − n입니다."),
        "gru_bwd.no_reset_gradient": (
            "리셋 게이트가 기울기를 받지 않습니다. r은 n 안에서 W_hn h + b_hn에 곱해지므로 "
            "dr = da_n ⊙ (W_hn h + b_hn)이고, 그다음 da_r = dr ⊙ r ⊙ (1 − r)입니다."),
    },
}


@register("gru_cell_backward", messages=MESSAGES)
def _check_gru_backward(fn) -> Verdict:
    """Learner's ``fn(dh_next, x, h, params) -> dict`` of gradients (see the module docstring)."""
    return check_backward(
        fn, cases=cases(), labels=["B={}, I={}, H={}".format(*shape) for shape in CASES],
        arg_names=("dh_next", "x", "h", "params"), keys=KEYS, numerical=numerical_gradients,
        diagnose=knob_search(gru_backward_model, MISTAKES, "gru_bwd"))
