"""Tests of rnnbook.exercises: reference answers pass, a bank of learner-style wrong
answers fails with the right diagnosis in both languages, and nothing a learner's code
does (raising, printing, NaN, wrong shapes, in-place writes) escapes the checker.

The wrong answers are written out as a learner would write them, independently of the
checker's own mistake models.
"""

import functools
import sys

import numpy as np
import pytest

import rnnbook
from rnnbook import exercises, numpy_ref
from rnnbook.exercises import check

TOL = 1e-12          # the checker's own models vs numpy_ref, float64


def sig(a):
    return 1.0 / (1.0 + np.exp(-a))


def split(a, n):
    return np.split(a, n, axis=1)


def rnn_ok(x, h, params, nonlinearity="tanh"):
    a = x @ params["weight_ih"].T + params["bias_ih"] + h @ params["weight_hh"].T + params["bias_hh"]
    return np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0)


def lstm_ok(x, state, params):
    h, c = state
    a = x @ params["weight_ih"].T + params["bias_ih"] + h @ params["weight_hh"].T + params["bias_hh"]
    i, f, g, o = split(a, 4)
    c_next = sig(f) * c + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c_next), c_next


def gru_ok(x, h, params):
    gi = x @ params["weight_ih"].T + params["bias_ih"]
    gh = h @ params["weight_hh"].T + params["bias_hh"]
    i_r, i_z, i_n = split(gi, 3)
    h_r, h_z, h_n = split(gh, 3)
    r, z = sig(i_r + h_r), sig(i_z + h_z)
    n = np.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h


def clip_ok(grads, max_norm):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    scale = min(1.0, max_norm / (total + 1e-6))
    return [g * scale for g in grads]


def shapes_ok(T, B, I, H):
    return {"weight_ih": (H, I), "weight_hh": (H, H), "bias_ih": (H,), "bias_hh": (H,),
            "output": (T, B, H), "h_n": (1, B, H)}


REFERENCES = {
    "rnn_step": numpy_ref.rnn_step, "lstm_step": numpy_ref.lstm_step,
    "gru_step": numpy_ref.gru_step,
    "rnn_param_count": functools.partial(numpy_ref.param_count, "rnn"),
    "lstm_param_count": functools.partial(numpy_ref.param_count, "lstm"),
    "gru_param_count": functools.partial(numpy_ref.param_count, "gru"),
    "clip_grad_norm": clip_ok, "rnn_shapes": shapes_ok,
}


@pytest.mark.parametrize("exercise_id", sorted(REFERENCES))
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_reference_answers_pass(exercise_id, lang):
    result = check(exercise_id, REFERENCES[exercise_id], lang=lang)
    assert result.passed and result.status == "passed", result
    assert result.diagnosis is None


@pytest.mark.parametrize("exercise_id, fn", [("rnn_step", rnn_ok), ("lstm_step", lstm_ok),
                                             ("gru_step", gru_ok)])
def test_learner_style_answers_pass(exercise_id, fn):
    assert check(exercise_id, fn, lang="en").passed


def rnn_no_bias_hh(x, h, params, nonlinearity="tanh"):
    a = x @ params["weight_ih"].T + params["bias_ih"] + h @ params["weight_hh"].T
    return np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0)


def rnn_hh_untransposed(x, h, params, nonlinearity="tanh"):
    a = x @ params["weight_ih"].T + params["bias_ih"] + h @ params["weight_hh"] + params["bias_hh"]
    return np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0)


def rnn_always_tanh(x, h, params, nonlinearity="tanh"):
    a = x @ params["weight_ih"].T + params["bias_ih"] + h @ params["weight_hh"].T + params["bias_hh"]
    return np.tanh(a)


def rnn_branches_swapped(x, h, params, nonlinearity="tanh"):
    a = x @ params["weight_ih"].T + params["bias_ih"] + h @ params["weight_hh"].T + params["bias_hh"]
    return np.maximum(a, 0) if nonlinearity == "tanh" else np.tanh(a)


def rnn_sigmoid(x, h, params, nonlinearity="tanh"):
    a = x @ params["weight_ih"].T + params["bias_ih"] + h @ params["weight_hh"].T + params["bias_hh"]
    return sig(a) if nonlinearity == "tanh" else np.maximum(a, 0)


def rnn_one_example(x, h, params, nonlinearity="tanh"):
    # works on the first example only, then adds the batch axis back
    a = params["weight_ih"] @ x[0] + params["bias_ih"] + params["weight_hh"] @ h[0] + params["bias_hh"]
    out = np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0)
    return out.reshape(1, -1)


def rnn_overwrites_h(x, h, params, nonlinearity="tanh"):
    a = x @ params["weight_ih"].T + params["bias_ih"] + h @ params["weight_hh"].T + params["bias_hh"]
    h[:] = np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0)
    return h


def rnn_squeezed(x, h, params, nonlinearity="tanh"):
    return np.squeeze(rnn_ok(x, h, params, nonlinearity))


def rnn_column_major(x, h, params, nonlinearity="tanh"):
    a = (params["weight_ih"] @ x.T + params["weight_hh"] @ h.T
         + (params["bias_ih"] + params["bias_hh"])[:, None])
    return np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0)


def lstm_fi_swapped(x, state, params):
    h, c = state
    a = x @ params["weight_ih"].T + params["bias_ih"] + h @ params["weight_hh"].T + params["bias_hh"]
    f, i, g, o = split(a, 4)
    c_next = sig(f) * c + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c_next), c_next


def lstm_cs231n_order(x, state, params):
    h, c = state
    a = x @ params["weight_ih"].T + params["bias_ih"] + h @ params["weight_hh"].T + params["bias_hh"]
    i, f, o, g = split(a, 4)
    c_next = sig(f) * c + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c_next), c_next


def lstm_all_sigmoid(x, state, params):
    h, c = state
    a = x @ params["weight_ih"].T + params["bias_ih"] + h @ params["weight_hh"].T + params["bias_hh"]
    i, f, g, o = (sig(part) for part in split(a, 4))
    c_next = f * c + i * g
    return o * np.tanh(c_next), c_next


def lstm_forget_tanh(x, state, params):
    h, c = state
    a = x @ params["weight_ih"].T + params["bias_ih"] + h @ params["weight_hh"].T + params["bias_hh"]
    i, f, g, o = split(a, 4)
    c_next = np.tanh(f) * c + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c_next), c_next


def lstm_no_tanh_on_c(x, state, params):
    h, c = state
    a = x @ params["weight_ih"].T + params["bias_ih"] + h @ params["weight_hh"].T + params["bias_hh"]
    i, f, g, o = split(a, 4)
    c_next = sig(f) * c + sig(i) * np.tanh(g)
    return sig(o) * c_next, c_next


def lstm_old_c(x, state, params):
    h, c = state
    a = x @ params["weight_ih"].T + params["bias_ih"] + h @ params["weight_hh"].T + params["bias_hh"]
    i, f, g, o = split(a, 4)
    c_next = sig(f) * c + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c), c_next


def lstm_c_h(x, state, params):
    h_next, c_next = lstm_ok(x, state, params)
    return c_next, h_next


def lstm_only_h(x, state, params):
    return lstm_ok(x, state, params)[0]


def lstm_list(x, state, params):
    return list(lstm_ok(x, state, params))


def lstm_no_bias_ih(x, state, params):
    h, c = state
    a = x @ params["weight_ih"].T + h @ params["weight_hh"].T + params["bias_hh"]
    i, f, g, o = split(a, 4)
    c_next = sig(f) * c + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c_next), c_next


def lstm_updates_c(x, state, params):
    h, c = state
    a = x @ params["weight_ih"].T + params["bias_ih"] + h @ params["weight_hh"].T + params["bias_hh"]
    i, f, g, o = split(a, 4)
    c *= sig(f)
    c += sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c), c


def lstm_cell_update_uses_h(x, state, params):
    # a typo in the cell update: f ⊙ h instead of f ⊙ c; the forget gate itself is right
    h, c = state
    i, f, g, o = split(x @ params["weight_ih"].T + params["bias_ih"]
                       + h @ params["weight_hh"].T + params["bias_hh"], 4)
    c_next = sig(f) * h + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c_next), c_next


def lstm_cell_update_plus_one(x, state, params):
    h, c = state
    i, f, g, o = split(x @ params["weight_ih"].T + params["bias_ih"]
                       + h @ params["weight_hh"].T + params["bias_hh"], 4)
    c_next = sig(f) * c + sig(i) * np.tanh(g) + 1.0
    return sig(o) * np.tanh(c_next), c_next


def lstm_forget_ignores_h(x, state, params):
    # the forget gate looks at the input only: not one of the checker's known mistakes
    h, c = state
    H = h.shape[1]
    W_ih, W_hh, b = params["weight_ih"], params["weight_hh"], params["bias_ih"] + params["bias_hh"]
    a = x @ W_ih.T + h @ W_hh.T + b
    i, _, g, o = split(a, 4)
    f = x @ W_ih[H:2 * H].T + b[H:2 * H]
    c_next = sig(f) * c + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c_next), c_next


def lstm_output_gate_one_bias(x, state, params):
    h, c = state
    H = h.shape[1]
    a = x @ params["weight_ih"].T + params["bias_ih"] + h @ params["weight_hh"].T + params["bias_hh"]
    i, f, g, o = split(a, 4)
    o = o - params["bias_hh"][3 * H:]
    c_next = sig(f) * c + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c_next), c_next


def gru_z_flipped(x, h, params):
    gi = x @ params["weight_ih"].T + params["bias_ih"]
    gh = h @ params["weight_hh"].T + params["bias_hh"]
    i_r, i_z, i_n = split(gi, 3)
    h_r, h_z, h_n = split(gh, 3)
    r, z = sig(i_r + h_r), sig(i_z + h_z)
    n = np.tanh(i_n + r * h_n)
    return z * n + (1 - z) * h


def gru_reset_before(x, h, params):
    H = h.shape[1]
    W_ih, W_hh, b_ih, b_hh = (params[k] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
    r = sig(x @ W_ih[:H].T + b_ih[:H] + h @ W_hh[:H].T + b_hh[:H])
    z = sig(x @ W_ih[H:2 * H].T + b_ih[H:2 * H] + h @ W_hh[H:2 * H].T + b_hh[H:2 * H])
    n = np.tanh(x @ W_ih[2 * H:].T + b_ih[2 * H:] + (r * h) @ W_hh[2 * H:].T + b_hh[2 * H:])
    return (1 - z) * n + z * h


def gru_cho_2014(x, h, params):
    # Cho et al.'s original: reset before the matmul and h' = z h + (1 - z) n
    H = h.shape[1]
    W_ih, W_hh, b_ih, b_hh = (params[k] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
    r = sig(x @ W_ih[:H].T + b_ih[:H] + h @ W_hh[:H].T + b_hh[:H])
    z = sig(x @ W_ih[H:2 * H].T + b_ih[H:2 * H] + h @ W_hh[H:2 * H].T + b_hh[H:2 * H])
    n = np.tanh(x @ W_ih[2 * H:].T + b_ih[2 * H:] + (r * h) @ W_hh[2 * H:].T + b_hh[2 * H:])
    return z * n + (1 - z) * h


def gru_zr_order(x, h, params):
    gi = x @ params["weight_ih"].T + params["bias_ih"]
    gh = h @ params["weight_hh"].T + params["bias_hh"]
    i_z, i_r, i_n = split(gi, 3)
    h_z, h_r, h_n = split(gh, 3)
    r, z = sig(i_r + h_r), sig(i_z + h_z)
    n = np.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h


def gru_no_reset(x, h, params):
    a = x @ params["weight_ih"].T + params["bias_ih"] + h @ params["weight_hh"].T + params["bias_hh"]
    r, z, n = split(a, 3)
    z = sig(z)
    return (1 - z) * np.tanh(n) + z * h


def gru_candidate_sigmoid(x, h, params):
    gi = x @ params["weight_ih"].T + params["bias_ih"]
    gh = h @ params["weight_hh"].T + params["bias_hh"]
    i_r, i_z, i_n = split(gi, 3)
    h_r, h_z, h_n = split(gh, 3)
    r, z = sig(i_r + h_r), sig(i_z + h_z)
    n = sig(i_n + r * h_n)
    return (1 - z) * n + z * h


def gru_reset_ignores_h(x, h, params):
    gi = x @ params["weight_ih"].T + params["bias_ih"]
    gh = h @ params["weight_hh"].T + params["bias_hh"]
    i_r, i_z, i_n = split(gi, 3)
    H = h.shape[1]
    _, h_z, h_n = split(gh, 3)
    r = sig(i_r + params["bias_hh"][:H])
    z = sig(i_z + h_z)
    n = np.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h


def gru_update_ignores_x(x, h, params):
    gi = x @ params["weight_ih"].T + params["bias_ih"]
    gh = h @ params["weight_hh"].T + params["bias_hh"]
    i_r, i_z, i_n = split(gi, 3)
    h_r, h_z, h_n = split(gh, 3)
    r, z = sig(i_r + h_r), sig(h_z)
    n = np.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h


def gru_float32(x, h, params):
    return gru_ok(x, h, params).astype(np.float32)


# (exercise, wrong answer, diagnosis, details that must match, words in en, words in ko)
BANK = [
    ("rnn_step", rnn_no_bias_hh, "rnn.no_bias_hh", {}, ["bias_hh"], ["bias_hh", "편향"]),
    ("rnn_step", rnn_hh_untransposed, "rnn.hh_not_transposed", {}, ["weight_hh", "transpose"],
     ["weight_hh", "전치"]),
    ("rnn_step", rnn_always_tanh, "rnn.ignores_nonlinearity", {}, ["nonlinearity"],
     ["nonlinearity"]),
    ("rnn_step", rnn_branches_swapped, "rnn.activation+rnn.ignores_nonlinearity", {},
     ["ReLU instead of tanh", 'With nonlinearity="relu" your function applies tanh'],
     ["relu", 'nonlinearity="relu"일 때 tanh를 적용합니다']),
    ("rnn_step", rnn_sigmoid, "rnn.activation", {"gate": "h", "got": "sigmoid"},
     ["sigmoid", "hidden state"], ["시그모이드", "은닉 상태"]),
    ("rnn_step", rnn_one_example, "batch1_only", {}, ["batch size 1", "B=4"],
     ["배치 크기가 1", "B=4"]),
    ("rnn_step", rnn_overwrites_h, "mutated_input", {"inputs": ("h",)}, ["in place", "h"],
     ["제자리"]),
    ("rnn_step", rnn_squeezed, "dropped_batch", {}, ["batch axis"], ["배치 축"]),
    ("rnn_step", rnn_column_major, "transposed", {}, ["transposed", "(5, 1)"], ["전치"]),
    ("lstm_step", lstm_fi_swapped, "lstm.gate_order", {"gates": ("i", "f")},
     ["forget gate", "input gate", "swapped"], ["망각 게이트", "입력 게이트", "뒤바뀌었습니다"]),
    ("lstm_step", lstm_cs231n_order, "lstm.gate_order", {"gates": ("g", "o")},
     ["output gate", "candidate cell state"], ["출력 게이트", "후보 셀 상태"]),
    ("lstm_step", lstm_all_sigmoid, "lstm.activation", {"gate": "g", "got": "sigmoid"},
     ["candidate cell state", "sigmoid", "tanh"], ["후보 셀 상태", "시그모이드", "tanh"]),
    ("lstm_step", lstm_forget_tanh, "lstm.activation", {"gate": "f", "got": "tanh"},
     ["forget gate", "tanh"], ["망각 게이트", "tanh"]),
    ("lstm_step", lstm_no_tanh_on_c, "lstm.no_tanh_c", {}, ["tanh", "cell state"],
     ["셀 상태", "tanh"]),
    ("lstm_step", lstm_old_c, "lstm.h_from_old_c", {}, ["old cell state"], ["이전 셀 상태"]),
    ("lstm_step", lstm_c_h, "lstm.swapped_hc", {}, ["(h_next, c_next)"], ["(h_next, c_next)"]),
    ("lstm_step", lstm_only_h, "lstm.only_h", {}, ["only h_next"], ["h_next만"]),
    ("lstm_step", lstm_list, "lstm.list", {}, ["tuple", "list"], ["튜플", "리스트"]),
    ("lstm_step", lstm_no_bias_ih, "lstm.no_bias_ih", {}, ["bias_ih"], ["bias_ih", "편향"]),
    ("lstm_step", lstm_updates_c, "mutated_input", {"inputs": ("c",)}, ["in place"],
     ["제자리"]),
    ("lstm_step", lstm_forget_ignores_h, "lstm.gate_wrong", {"gates": ("f",)},
     ["forget gate", "c_next is wrong"], ["망각 게이트", "c_next 값이 틀렸습니다"]),
    # not a gate: the probe must not blame the forget gate it would solve for
    ("lstm_step", lstm_cell_update_uses_h, "mismatch", {"outputs": ("h_next", "c_next")},
     ["c_next is wrong"], ["c_next 값이 틀렸습니다"]),
    ("lstm_step", lstm_cell_update_plus_one, "mismatch", {"outputs": ("h_next", "c_next")},
     ["c_next is wrong"], ["c_next 값이 틀렸습니다"]),
    ("lstm_step", lstm_output_gate_one_bias, "lstm.gate_wrong", {"gates": ("o",)},
     ["output gate", "c_next is right"], ["출력 게이트", "c_next 값은 맞습니다"]),
    ("gru_step", gru_z_flipped, "gru.z_flipped", {}, ["update gate", "(1 − z) ⊙ n + z ⊙ h"],
     ["갱신 게이트", "(1 − z) ⊙ n + z ⊙ h"]),
    ("gru_step", gru_reset_before, "gru.reset_before", {}, ["reset gate", "before the matmul"],
     ["리셋 게이트", "행렬 곱 앞"]),
    ("gru_step", gru_cho_2014, "gru.z_flipped+gru.reset_before", {},
     ["update gate", "reset gate"], ["갱신 게이트", "리셋 게이트"]),
    ("gru_step", gru_zr_order, "gru.gate_order", {"gates": ("r", "z")},
     ["reset gate", "update gate", "swapped"], ["리셋 게이트", "갱신 게이트"]),
    ("gru_step", gru_no_reset, "gru.no_reset", {}, ["reset gate"], ["리셋 게이트"]),
    ("gru_step", gru_candidate_sigmoid, "gru.activation", {"gate": "n", "got": "sigmoid"},
     ["candidate", "sigmoid"], ["후보", "시그모이드"]),
    ("gru_step", gru_reset_ignores_h, "gru.gate_wrong", {"gates": ("r",)}, ["reset gate"],
     ["리셋 게이트"]),
    ("gru_step", gru_update_ignores_x, "gru.gate_wrong", {"gates": ("z",)}, ["update gate"],
     ["갱신 게이트"]),
    ("gru_step", gru_float32, "wrong_dtype", {}, ["float32", "float64"], ["float32", "float64"]),
    ("lstm_param_count", lambda I, H: 4 * H * (I + H) + 4 * H, "count.one_bias", {},
     ["bias_hh"], ["bias_hh"]),
    ("gru_param_count", lambda I, H: H * (I + H) + 2 * H, "count.no_gate_factor", {},
     ["3 gate blocks"], ["게이트 블록이 3개"]),
    ("lstm_param_count", lambda I, H: 3 * H * (I + H + 2), "count.wrong_gates", {"gates": 3},
     ["3 gate blocks"], ["3개"]),
    ("rnn_param_count", lambda I, H: H * (I + H), "count.no_bias", {}, ["biases"], ["편향"]),
    ("clip_grad_norm", lambda gs, m: [g * min(1, m / np.linalg.norm(g)) for g in gs],
     "clip.per_tensor", {}, ["global norm"], ["전체 노름"]),
    ("clip_grad_norm", lambda gs, m: [np.clip(g, -m, m) for g in gs], "clip.by_value", {},
     ["by value"], ["값 기준"]),
    ("clip_grad_norm",
     lambda gs, m: [g * m / np.sqrt(sum(np.sum(k * k) for k in gs)) for g in gs],
     "clip.always_scale", {}, ["below max_norm"], ["max_norm보다 작은"]),
    ("rnn_shapes", lambda T, B, I, H: dict(shapes_ok(T, B, I, H), output=(B, T, H)),
     "rnn_shapes.batch_first", {"keys": ("output",)}, ["batch_first"], ["batch_first"]),
    ("rnn_shapes", lambda T, B, I, H: dict(shapes_ok(T, B, I, H), h_n=(B, H)),
     "rnn_shapes.h_n_layers", {"keys": ("h_n",)}, ["h_n"], ["h_n", "층"]),
    ("rnn_shapes", lambda T, B, I, H: dict(shapes_ok(T, B, I, H), weight_ih=(I, H)),
     "rnn_shapes.weight_transposed", {"keys": ("weight_ih",)}, ["(out, in)"], ["(출력, 입력)"]),
]


@pytest.mark.parametrize("exercise_id, fn, diagnosis, details, en_words, ko_words", BANK,
                         ids=[f"{row[0]}-{row[2]}-{k}" for k, row in enumerate(BANK)])
def test_wrong_answer_is_diagnosed(exercise_id, fn, diagnosis, details, en_words, ko_words):
    en = check(exercise_id, fn, lang="en")
    ko = check(exercise_id, fn, lang="ko")
    assert en.status == ko.status == "failed" and not en.passed, en
    assert en.diagnosis == ko.diagnosis == diagnosis, (en.diagnosis, en.message)
    for key, value in details.items():
        assert en.details.get(key) == value, en.details
    for word in en_words:
        assert word in en.message, (word, en.message)
    for word in ko_words:
        assert word in ko.message, (word, ko.message)
    assert en.message != ko.message


def test_bank_is_big_enough():
    assert sum(1 for row in BANK if row[0].endswith("_step")) >= 20


def raises_value_error(x, h, params, nonlinearity="tanh"):
    raise ValueError("shapes do not match")


def not_attempted(x, h, params):
    raise NotImplementedError


def returns_none(x, h, params):
    h_next = gru_ok(x, h, params)  # noqa: F841 - the forgotten return is the point


def chatty(x, h, params):
    print("debug: computing the step", x.shape)
    print("warning!", file=sys.stderr)
    return gru_ok(x, h, params)


def returns_nan(x, h, params):
    return np.full_like(h, np.nan)


def wrong_shape(x, h, params):
    return np.zeros((h.shape[1], h.shape[1] + 1))


def exits(x, h, params):
    sys.exit(3)


def bad_matmul(x, h, params):
    return np.tanh(x @ params["weight_ih"] + h @ params["weight_hh"].T)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_exception_is_reported_with_type_message_and_line(lang):
    result = check("rnn_step", raises_value_error, lang=lang)
    assert result.status == "failed" and result.diagnosis == "exception"
    assert "ValueError" in result.message and "shapes do not match" in result.message
    assert "raises_value_error" in result.message
    assert "Traceback" not in result.message
    assert "rnnbook/exercises" not in result.message and "_core.py" not in result.message


def test_numpy_error_names_the_learners_line():
    result = check("gru_step", bad_matmul, lang="en")
    assert result.diagnosis == "exception" and "ValueError" in result.message
    assert "bad_matmul" in result.message and 'params["weight_ih"]' in result.message


@pytest.mark.parametrize("lang, words", [("ko", "아직 풀지 않았습니다"), ("en", "Not attempted yet")])
def test_not_implemented_means_not_attempted(lang, words):
    result = check("gru_step", not_attempted, lang=lang)
    assert result.status == "not_attempted" and not result.passed
    assert words in result.message and repr(result).startswith("⏳ gru_step")


def test_none_is_reported():
    result = check("gru_step", returns_none, lang="en")
    assert result.diagnosis == "returned_none" and "return" in result.message


def test_printing_is_captured(capsys):
    result = check("gru_step", chatty, lang="en")
    assert result.passed
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_nan_is_reported():
    result = check("gru_step", returns_nan, lang="en")
    assert result.diagnosis == "nonfinite" and "NaN" in result.message


def test_wrong_shape_is_reported():
    result = check("gru_step", wrong_shape, lang="en")
    assert result.diagnosis == "wrong_shape" and "(5, 6)" in result.message


def test_sys_exit_is_survived():
    result = check("gru_step", exits, lang="en")
    assert result.diagnosis == "exception" and "SystemExit" in result.message


def test_wrong_type_is_reported():
    result = check("gru_step", lambda x, h, p: gru_ok(x, h, p).tolist(), lang="en")
    assert result.diagnosis == "wrong_type" and "list" in result.message


def test_lstm_tuple_with_wrong_item():
    result = check("lstm_step", lambda x, s, p: (lstm_ok(x, s, p)[0], None), lang="en")
    assert result.diagnosis == "wrong_type" and "c_next" in result.message


def test_params_mutation_is_reported():
    def scales_weights(x, h, params):
        params["weight_hh"] *= 1.0 + 1e-3
        return gru_ok(x, h, params)
    result = check("gru_step", scales_weights, lang="en")
    assert result.diagnosis == "mutated_input"
    assert result.details["inputs"] == ("params['weight_hh']",)


def test_clip_in_place_is_reported():
    def clip_in_place(grads, max_norm):
        clipped = clip_ok(grads, max_norm)
        for g, c in zip(grads, clipped):
            g[...] = c
        return grads
    result = check("clip_grad_norm", clip_in_place, lang="en")
    assert result.diagnosis == "mutated_input"


def test_unknown_id_and_non_callable_are_errors():
    unknown = check("lstm_stpe", lstm_ok, lang="en")
    assert unknown.status == "error" and "lstm_step" in unknown.message
    assert check(["not", "hashable"], lstm_ok, lang="en").status == "error"
    not_callable = check("lstm_step", 42, lang="ko")
    assert not_callable.status == "error" and "int" in not_callable.message


def test_broken_checker_becomes_error_result():
    exercises.register("test_broken_checker", lambda fn: 1 / 0)
    result = check("test_broken_checker", lambda: None, lang="en")
    assert result.status == "error" and "ZeroDivisionError" in result.message


def test_chapters_register_their_own_exercises():
    messages = {"en": {"double.wrong": "Expected {expected}, got {got}."},
                "ko": {"double.wrong": "기대한 값은 {expected}인데 {got}입니다."}}

    @exercises.register("test_double", messages=messages)
    def _check(fn):
        got = exercises.call_learner(fn, (3,), case="x=3")
        if got != 6:
            return exercises.Verdict.fail("double.wrong", expected=6, got=got)
        return exercises.Verdict.ok(1)

    assert check("test_double", lambda x: 2 * x, lang="en").passed
    wrong = check("test_double", lambda x: x + 2, lang="ko")
    assert wrong.message == "기대한 값은 6인데 5입니다." and wrong.diagnosis == "double.wrong"
    assert check("test_double", lambda x: 1 / 0, lang="en").diagnosis == "exception"
    assert "test_double" in exercises.known_ids()
    with pytest.raises(ValueError):
        exercises.register("test_bad_messages", _check, messages={"en": {}})


def test_display_is_deterministic_and_clean():
    results = [check("lstm_step", lstm_fi_swapped, lang="ko") for _ in range(2)]
    assert repr(results[0]) == repr(results[1]) and str(results[0]) == repr(results[0])
    page = results[0]._repr_html_()
    assert page == results[1]._repr_html_()
    assert page.startswith("<div") and "id=" not in page and "0x" not in page
    assert "❌ lstm_step" in page and "망각 게이트" in page
    assert repr(results[0]).startswith("❌ lstm_step — 게이트 순서가 틀렸습니다")


def test_html_escapes_and_formats_code():
    page = check("gru_step", returns_none, lang="en")._repr_html_()
    assert "<code>return</code>" in page
    raised = check("rnn_step", lambda x, h, p, nonlinearity="tanh": [][0] < 1, lang="en")
    assert "&lt;" in raised._repr_html_() and "< 1" not in raised._repr_html_()


def test_lang_follows_setup(monkeypatch):
    monkeypatch.setitem(rnnbook._state, "lang", "ko")
    assert check("gru_step", not_attempted).lang == "ko"
    monkeypatch.setitem(rnnbook._state, "lang", "en")
    assert check("gru_step", not_attempted).message.startswith("Not attempted")


def test_demonstrations_are_shown_like_any_check():
    demo = check("gru_step", gru_z_flipped, lang="en", graded=False)
    assert demo.status == "failed" and demo.diagnosis == "gru.z_flipped"


def test_grading_cases_draw_new_values_and_notebook_cases_stay_fixed():
    first = [c.args[0] for c in exercises._step_cases("gru")]
    with exercises.grading_cases(12345):
        graded = [c.args[0] for c in exercises._step_cases("gru")]
        assert check("gru_step", gru_ok).passed
        assert check("gru_step", gru_z_flipped).diagnosis == "gru.z_flipped"
    again = [c.args[0] for c in exercises._step_cases("gru")]
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not any(np.array_equal(a, b) for a, b in zip(first, graded))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_mistake_models_default_to_the_reference(cell):
    model = exercises._MODELS[cell]
    for case in exercises._step_cases(cell):
        ours = model(*case.args, **case.kwargs)
        ref = exercises._reference(cell, case)
        for a, b in zip(exercises._outputs(cell, ours), exercises._outputs(cell, ref)):
            np.testing.assert_allclose(a, b, rtol=TOL, atol=TOL)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_every_known_mistake_is_named_as_itself(cell):
    model = exercises._MODELS[cell]
    for variant in exercises._variants(cell):
        fn = functools.partial(model, **{variant.knob: variant.value})
        result = check(f"{cell}_step", fn, lang="en")
        assert result.diagnosis == variant.code, (variant, result.message)
        assert dict(variant.details).items() <= result.details.items()


def textbook_ok(params):
    H = params["weight_hh"].shape[1]
    out = {k: v.copy() for k, v in params.items()}
    for v in out.values():
        v[H:2 * H] *= -1
    return out


def textbook_weights_only(params):
    H = params["weight_hh"].shape[1]
    out = {k: v.copy() for k, v in params.items()}
    out["weight_ih"][H:2 * H] *= -1
    out["weight_hh"][H:2 * H] *= -1
    return out


def textbook_negate_all(params):
    return {k: -v for k, v in params.items()}


def textbook_one_minus(params):
    H = params["weight_hh"].shape[1]
    out = {k: v.copy() for k, v in params.items()}
    for v in out.values():
        v[H:2 * H] = 1 - v[H:2 * H]
    return out


def textbook_in_place(params):
    H = params["weight_hh"].shape[1]
    for v in params.values():
        v[H:2 * H] *= -1
    return params


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_textbook_gru_reference_passes(lang):
    from rnnbook import conventions
    assert check("textbook_gru_to_torch", conventions.textbook_gru_to_torch, lang=lang).passed
    assert check("textbook_gru_to_torch", textbook_ok, lang=lang).passed


@pytest.mark.parametrize("fn, diagnosis, keys, gates, en_word, ko_word", [
    (textbook_weights_only, "tb.not_negated", ("bias_ih", "bias_hh"), ("z",), "negate", "부호"),
    (textbook_negate_all, "tb.negated_wrongly", ("weight_ih", "weight_hh", "bias_ih", "bias_hh"),
     ("r", "n"), "only the z rows", "z 행뿐"),
    (textbook_one_minus, "tb.one_minus", ("weight_ih", "weight_hh", "bias_ih", "bias_hh"), ("z",),
     "1 − W", "1 − W"),
    (lambda p: {k: v.copy() for k, v in p.items()}, "tb.not_negated",
     ("weight_ih", "weight_hh", "bias_ih", "bias_hh"), ("z",), "σ(−a) = 1 − σ(a)", "σ(−a)"),
])
def test_textbook_gru_mistakes(fn, diagnosis, keys, gates, en_word, ko_word):
    en = check("textbook_gru_to_torch", fn, lang="en")
    ko = check("textbook_gru_to_torch", fn, lang="ko")
    assert en.diagnosis == ko.diagnosis == diagnosis, en.message
    assert en.details["keys"] == keys and en.details["gates"] == gates
    assert en_word in en.message and ko_word in ko.message


def test_textbook_gru_in_place_is_reported():
    result = check("textbook_gru_to_torch", textbook_in_place, lang="en")
    assert result.diagnosis == "mutated_input"


def lstm_backward(dh_next, dc_next, x, state, params, *, dh_path=True, df_factor=True):
    h, c = state
    a = x @ params["weight_ih"].T + params["bias_ih"] + h @ params["weight_hh"].T + params["bias_hh"]
    ai, af, ag, ao = split(a, 4)
    i, f, g, o = sig(ai), sig(af), np.tanh(ag), sig(ao)
    tc = np.tanh(f * c + i * g)
    dc = dc_next + (dh_next * o * (1 - tc ** 2) if dh_path else 0)
    df = dc * c * (f * (1 - f) if df_factor else (1 - f))
    da = np.hstack([dc * g * i * (1 - i), df, dc * i * (1 - g ** 2), dh_next * tc * o * (1 - o)])
    return {"x": da @ params["weight_ih"], "h": da @ params["weight_hh"], "c": dc * f,
            "weight_ih": da.T @ x, "weight_hh": da.T @ h, "bias_ih": da.sum(0),
            "bias_hh": da.sum(0)}


def test_lstm_backward_reference_passes():
    assert check("lstm_cell_backward", lstm_backward, lang="en").passed


@pytest.mark.parametrize("fn, diagnosis, details, en_word, ko_word", [
    (functools.partial(lstm_backward, dh_path=False), "lstm_bwd.dh_into_dc", {},
     "h_next = o ⊙ tanh(c_next)", "h_next = o ⊙ tanh(c_next)"),
    (functools.partial(lstm_backward, df_factor=False), "lstm_bwd.gate_rows", {"gates": ("f",)},
     "forget gate", "망각 게이트"),
    (lambda *a: {k: v for k, v in lstm_backward(*a).items() if k != "bias_hh"},
     "bwd.missing_keys", {"keys": ("bias_hh",)}, "bias_hh", "bias_hh"),
    (lambda *a: dict(lstm_backward(*a), x=lstm_backward(*a)["x"].T), "wrong_shape", {},
     "(3, 1)", "(3, 1)"),
])
def test_lstm_backward_mistakes(fn, diagnosis, details, en_word, ko_word):
    en = check("lstm_cell_backward", fn, lang="en")
    ko = check("lstm_cell_backward", fn, lang="ko")
    assert en.diagnosis == ko.diagnosis == diagnosis, en.message
    for key, value in details.items():
        assert en.details[key] == value
    assert en_word in en.message and ko_word in ko.message


def test_lstm_backward_gradient_that_is_not_an_array():
    def as_list(*args):
        grads = lstm_backward(*args)
        return dict(grads, bias_ih=grads["bias_ih"].tolist())
    en = check("lstm_cell_backward", as_list, lang="en")
    ko = check("lstm_cell_backward", as_list, lang="ko")
    assert en.diagnosis == ko.diagnosis == "wrong_type", en.message
    assert "bias_ih should be a NumPy array" in en.message and "list" in en.message
    assert "bias_ih의 타입이 틀렸습니다" in ko.message


def test_lstm_backward_in_place_is_reported():
    def writes_into_dc(dh_next, dc_next, x, state, params):
        grads = lstm_backward(dh_next, dc_next, x, state, params)
        dc_next *= 0
        return grads
    result = check("lstm_cell_backward", writes_into_dc, lang="en")
    assert result.diagnosis == "mutated_input" and result.details["inputs"] == ("dc_next",)


# --- messages named in issue 13 ---------------------------------------------------------

def _gru_no_update(x, h, params):
    return h.copy()


def _gru_candidate_only(x, h, params):
    H = h.shape[1]
    a = x @ params["weight_ih"].T + params["bias_ih"]
    b = h @ params["weight_hh"].T + params["bias_hh"]
    r = 1 / (1 + np.exp(-(a[:, :H] + b[:, :H])))
    return np.tanh(a[:, 2 * H:] + r * b[:, 2 * H:])


def _gru_float32(x, h, params):
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    return numpy_ref.gru_step(x.astype(np.float32), h.astype(np.float32), p32).astype(np.float64)


@pytest.mark.parametrize("fn, code, words", [
    (_gru_no_update, "returns_state", "equals the previous state"),
    (_gru_candidate_only, "gru.returns_n", "equals the candidate n"),
    (_gru_float32, "float32", "float32 rounding"),
])
def test_outputs_equal_to_an_input_or_float32_are_not_blamed_on_a_gate(fn, code, words):
    result = check("gru_step", fn, lang="en")
    assert result.diagnosis == code and words in result.message
    assert "update gate" not in result.message
    assert "z" not in check("gru_step", fn, lang="ko").message.split("h_next")[0]


def test_shape_messages_name_the_test_case():
    def relu_wrong_shape(x, h, params, nonlinearity="tanh"):
        out = numpy_ref.rnn_step(x, h, params, nonlinearity=nonlinearity)
        return out.T if nonlinearity == "relu" else out
    result = check("rnn_step", relu_wrong_shape, lang="en")
    assert 'nonlinearity="relu"' in result.message and "transposed" in result.message


def test_in_place_message_names_no_h_next_where_there_is_none():
    def clip_in_place(grads, max_norm):
        for g in grads:
            g *= 0.5
        return [g.copy() for g in grads]
    for lang in ("en", "ko"):
        result = check("clip_grad_norm", clip_in_place, lang=lang)
        assert result.diagnosis == "mutated_input" and "h_next" not in result.message


def test_two_missing_activations_make_one_sentence():
    def no_sigmoids(x, h, params):
        H = h.shape[1]
        a = x @ params["weight_ih"].T + params["bias_ih"]
        b = h @ params["weight_hh"].T + params["bias_hh"]
        r, z = a[:, :H] + b[:, :H], a[:, H:2 * H] + b[:, H:2 * H]
        return (1 - z) * np.tanh(a[:, 2 * H:] + r * b[:, 2 * H:]) + z * h
    for lang, word in (("en", "Missing activation"), ("ko", "활성화 함수가 빠졌습니다")):
        message = check("gru_step", no_sigmoids, lang=lang).message
        assert message.count(word) == 1 and ("reset" in message or "리셋" in message)


def test_korean_case_labels_are_korean():
    message = check("clip_grad_norm", lambda g, m: [x * 2 for x in g], lang="ko").message
    assert "arrays" not in message and "배열 3개" in message


def test_an_exception_whose_str_raises_is_the_learners():
    class Odd(Exception):
        def __str__(self):
            raise RuntimeError("no text")

    def raises_odd(x, h, params):
        raise Odd()
    result = check("gru_step", raises_odd, lang="en")
    assert result.status == "failed" and result.diagnosis == "exception"
    assert "Odd" in result.message and "rnnbook" not in result.message


def test_an_endless_loop_is_stopped(monkeypatch):
    import time
    monkeypatch.setattr(exercises._core, "CALL_LIMIT", 0.5)

    def forever(x, h, params):
        while True:
            pass
    start = time.monotonic()
    result = check("gru_step", forever, lang="ko")
    assert result.diagnosis == "time_limit" and "0.5초" in result.message
    assert time.monotonic() - start < 5


@pytest.mark.parametrize("module", ["ch02_bptt", "ch04_gru"])
def test_backward_exercises_draw_new_cases_when_graded(module):
    """rnn_backward and gru_cell_backward, like every checker, take their random test values
    from case_seed: fixed in a notebook, new in every grading run."""
    import importlib

    bank = importlib.import_module(f"rnnbook.exercise_bank.{module}")

    def arrays(cases):
        return [a for case in cases for a in case if isinstance(a, np.ndarray)]

    first = arrays(bank.cases())
    with exercises.grading_cases(12345):
        graded = arrays(bank.cases())
    again = arrays(bank.cases())
    assert len(first) == len(graded) > 0
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not any(a.shape == b.shape and np.array_equal(a, b) for a, b in zip(first, graded) if a.size > 1)
