"""The ``step_cost`` exercise (5.1 of chapter 05): the count is measured from
torch.nn's own cells, every modelled mistake is named, other answers get the generic message."""

import pytest

pytest.importorskip("torch")
from rnnbook.exercise_bank import ch05_cost  # noqa: E402
from rnnbook.exercises import check  # noqa: E402

G = {"rnn": 1, "lstm": 4, "gru": 3}


def right(cell, input_size, hidden_size, batch):
    return batch * G[cell] * hidden_size * (input_size + hidden_size)


def test_the_measured_count_is_B_G_H_I_plus_H():
    for cell, I, H, B in ch05_cost.CASES:
        assert ch05_cost.measured_cost(cell, I, H, B) == B * G[cell] * H * (I + H)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_right_answers_pass(lang):
    assert check("step_cost", right, lang=lang).passed
    assert check("step_cost", lambda *a: float(right(*a)), lang=lang).passed


@pytest.mark.parametrize("fn, diagnosis, en_words, ko_words", [
    (lambda c, I, H, B: B * G[c] * H * I, "step_cost.no_hh", "hidden-to-hidden", "행렬 곱이 빠졌"),
    (lambda c, I, H, B: G[c] * H * (I + H), "step_cost.no_batch", "multiply by B", "B를 곱하세요"),
    (lambda c, I, H, B: B * H * (I + H), "step_cost.one_gate", "one gate block", "하나로"),
    (lambda c, I, H, B: B * {"rnn": 4, "lstm": 3, "gru": 4}[c] * H * (I + H),
     "step_cost.wrong_gates", "gate blocks is wrong", "블록 수가"),
    (lambda c, I, H, B: B * G[c] * H * (I + H + 2), "step_cost.params", "parameters", "파라미터"),
    (lambda c, I, H, B: G[c] * H * I, "step_cost.no_hh_no_batch", "Both", "모두 빠졌"),
])
def test_each_modelled_mistake_is_named(fn, diagnosis, en_words, ko_words):
    en, ko = check("step_cost", fn, lang="en"), check("step_cost", fn, lang="ko")
    assert en.diagnosis == ko.diagnosis == diagnosis and en.status == "failed"
    assert en_words in en.message and ko_words in ko.message


def test_unmodelled_answers_and_wrong_types():
    off = check("step_cost", lambda *a: right(*a) + 1, lang="en")
    assert off.diagnosis == "mismatch" and "cell='rnn', I=3, H=5, B=4" in off.message
    assert "you return 161" in off.message and "does 160 multiply-adds" in off.message
    assert check("step_cost", lambda *a: "320", lang="en").diagnosis == "wrong_type"
    assert check("step_cost", lambda *a: 2.5, lang="ko").diagnosis == "wrong_type"
    assert check("step_cost", lambda *a: None, lang="en").diagnosis == "returned_none"
