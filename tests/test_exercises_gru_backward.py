"""The ``gru_cell_backward`` exercise (chapter 04): right answers pass, each modelled mistake
is caught and named in both languages, other wrong answers get the generic message.

The learner-style answer is written independently of the checker's model (gate by gate,
the way chapter 04 writes the forward pass); each flag puts in one mistake."""

import numpy as np
import pytest

from rnnbook import numpy_ref
from rnnbook.exercise_bank import ch04_gru
from rnnbook.exercises import check


def sig(a):
    return 1.0 / (1.0 + np.exp(-a))


def learner(dh_next, x, h, params, *, drop_r=False, reset_first=False, swap_z=False,
            no_skip=False, hn_like_in=False, flip_dz=False, no_dr=False):
    W_ir, W_iz, W_in = np.split(params["weight_ih"], 3)
    W_hr, W_hz, W_hn = np.split(params["weight_hh"], 3)
    b_ir, b_iz, b_in = np.split(params["bias_ih"], 3)
    b_hr, b_hz, b_hn = np.split(params["bias_hh"], 3)
    r = sig(x @ W_ir.T + b_ir + h @ W_hr.T + b_hr)
    z = sig(x @ W_iz.T + b_iz + h @ W_hz.T + b_hz)
    hn = h @ W_hn.T + b_hn
    n = np.tanh(x @ W_in.T + b_in + r * hn)
    d_n = dh_next * (z if swap_z else 1 - z)
    d_z = dh_next * (n - h if swap_z else h - n)
    if flip_dz:
        d_z = -d_z
    g_n = d_n * (1 - n ** 2)
    if reset_first:
        back = g_n @ W_hn
        g_hn, d_r = g_n, back * h
    else:
        g_hn = g_n if drop_r else g_n * r
        d_r = g_n * hn
    if no_dr:
        d_r = 0 * d_r
    g_r, g_z = d_r * r * (1 - r), d_z * z * (1 - z)
    dW_hn = g_n.T @ (r * h) if reset_first else g_hn.T @ h
    dh = g_r @ W_hr + g_z @ W_hz + (back * r if reset_first else g_hn @ W_hn)
    if not no_skip:
        dh = dh + dh_next * (1 - z if swap_z else z)
    db_hn = g_n.sum(0) if hn_like_in else g_hn.sum(0)
    return {
        "x": g_r @ W_ir + g_z @ W_iz + g_n @ W_in, "h": dh,
        "weight_ih": np.concatenate([g_r.T @ x, g_z.T @ x, g_n.T @ x]),
        "weight_hh": np.concatenate([g_r.T @ h, g_z.T @ h, dW_hn]),
        "bias_ih": np.concatenate([g_r.sum(0), g_z.sum(0), g_n.sum(0)]),
        "bias_hh": np.concatenate([g_r.sum(0), g_z.sum(0), db_hn]),
    }


def via_numpy_ref(dh_next, x, h, params):
    """numpy_ref's own GRU backward, on a sequence of length 1."""
    _, _, cache = numpy_ref.forward("gru", x[None], h, params)
    grads = numpy_ref.backward(dh_next[None], cache)
    return {"x": grads["xs"][0], "h": grads["state0"],
            **{k: grads[k] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}}


def test_the_references_agree():
    for case in ch04_gru.cases():
        model, exact = ch04_gru.gru_backward_model(*case), via_numpy_ref(*case)
        numerical = ch04_gru.numerical_gradients(*case)
        for key in ch04_gru.KEYS:
            assert np.max(np.abs(model[key] - exact[key])) < 1e-12, key
            assert np.max(np.abs(numerical[key] - exact[key])) < 1e-7, key


@pytest.mark.parametrize("fn", [learner, via_numpy_ref])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_right_answers_pass(fn, lang):
    result = check("gru_cell_backward", fn, lang=lang)
    assert result.passed and result.diagnosis is None, result


@pytest.mark.parametrize("flags, diagnosis, en_words, ko_words", [
    ({"drop_r": True}, "gru_bwd.reset_outside", "misses the factor r", "r이 빠졌습니다"),
    ({"reset_first": True}, "gru_bwd.reset_before", "before the matmul", "행렬 곱 앞에서"),
    ({"swap_z": True}, "gru_bwd.z_swapped", "swapped", "뒤바뀌었습니다"),
    ({"no_skip": True}, "gru_bwd.no_direct_path", "direct path", "직접 경로"),
    ({"hn_like_in": True}, "gru_bwd.bias_hn_like_in", "like bias_in's", "bias_in처럼"),
    ({"flip_dz": True}, "gru_bwd.dz_sign", "wrong sign", "부호"),
    ({"no_dr": True}, "gru_bwd.no_reset_gradient", "reset gate gets no gradient", "리셋 게이트가"),
])
def test_each_modelled_mistake_is_caught_and_named(flags, diagnosis, en_words, ko_words):
    def fn(*args):
        return learner(*args, **flags)
    en, ko = check("gru_cell_backward", fn, lang="en"), check("gru_cell_backward", fn, lang="ko")
    assert en.status == ko.status == "failed"
    assert en.diagnosis == ko.diagnosis == diagnosis, en
    assert en_words in en.message and ko_words in ko.message, (en.message, ko.message)


def test_unmodelled_mistakes_and_wrong_types():
    def doubled_x(*args):
        grads = learner(*args)
        return dict(grads, x=2 * grads["x"])
    generic = check("gru_cell_backward", doubled_x, lang="en")
    assert generic.diagnosis == "gru_bwd.mismatch" and generic.details["keys"] == ("x",)
    assert check("gru_cell_backward", lambda *a: (1, 2), lang="en").diagnosis == "wrong_type"
    short = check("gru_cell_backward", lambda *a: {"x": learner(*a)["x"]}, lang="ko")
    assert short.diagnosis == "bwd.missing_keys" and "weight_ih" in short.message
    bad = check("gru_cell_backward", lambda *a: dict(learner(*a), h=learner(*a)["h"].T),
                lang="en")
    assert bad.diagnosis == "wrong_shape"
