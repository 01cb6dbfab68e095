"""The ``rnn_backward`` exercise (chapter 02): right answers pass, every modelled mistake is
caught and named in both languages, unmodelled mistakes and wrong types get a generic message.

The learner-style answers below are written independently of the checker's mistake model
(0-based loop over ``reversed(range(T))``, the way a learner writes it); each flag turns
on one mistake the way it appears in real code.
"""

import numpy as np
import pytest

from rnnbook import numpy_ref
from rnnbook.exercise_bank import ch02_bptt
from rnnbook.exercises import check

TOL = 1e-12


def learner(dhs, xs, hs, params, *, carry=True, tanh_grad=True, off_by_one=False,
            overwrite=False, uses_h_t=False, bias="both", transposed_back=False,
            transposed_dW=False, mean=False):
    W_ih, W_hh = params["weight_ih"], params["weight_hh"]
    T, B, _ = xs.shape
    dW_ih, dW_hh = np.zeros_like(W_ih), np.zeros_like(W_hh)
    db = np.zeros(W_hh.shape[0])
    dxs = np.zeros_like(xs)
    dh_next = np.zeros_like(hs[0])
    for t in reversed(range(T)):              # step t + 1 in the book's numbering
        dh = dhs[t] + dh_next if carry else dhs[t]
        h_new = hs[t] if off_by_one else hs[t + 1]
        da = dh * (1 - h_new ** 2) if tanh_grad else dh
        h_old = hs[t + 1] if uses_h_t else hs[t]
        step_hh = h_old.T @ da if transposed_dW else da.T @ h_old
        if overwrite:
            dW_ih, dW_hh, db = da.T @ xs[t], step_hh, da.sum(axis=0)
        else:
            dW_ih, dW_hh, db = dW_ih + da.T @ xs[t], dW_hh + step_hh, db + da.sum(axis=0)
        dxs[t] = da @ W_ih
        dh_next = da @ (W_hh.T if transposed_back else W_hh)
    db_ih = {"both": db, "hh_only": np.zeros_like(db), "ih_only": db, "half": db / 2}[bias]
    db_hh = {"both": db, "hh_only": db, "ih_only": np.zeros_like(db), "half": db / 2}[bias]
    out = {"weight_ih": dW_ih, "weight_hh": dW_hh, "bias_ih": db_ih, "bias_hh": db_hh}
    if mean:
        out = {k: v / B for k, v in out.items()}
    return dict(out, xs=dxs, h0=dh_next)


def via_numpy_ref(dhs, xs, hs, params):
    _, _, cache = numpy_ref.forward("rnn", xs, hs[0], params)
    grads = numpy_ref.backward(dhs, cache)
    grads["h0"] = grads.pop("state0")
    return grads


def test_the_three_references_agree():
    """numpy_ref.backward, the checker's model and central differences give one answer."""
    for case in ch02_bptt.cases():
        exact = via_numpy_ref(*case)
        model = ch02_bptt.rnn_backward_model(*case)
        numerical = ch02_bptt.numerical_gradients(*case)
        for key in ch02_bptt.KEYS:
            assert np.max(np.abs(exact[key] - model[key])) < TOL, key
            assert np.max(np.abs(exact[key] - numerical[key])) < 1e-7, key


@pytest.mark.parametrize("fn", [learner, via_numpy_ref, ch02_bptt.rnn_backward_model])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_right_answers_pass(fn, lang):
    result = check("rnn_backward", fn, lang=lang)
    assert result.passed, result
    assert result.diagnosis is None


MISTAKES = [  # (learner flags, diagnosis, words in en, words in ko)
    ({"carry": False}, "rnn_bwd.no_carry", "from the future", "미래에서 오는"),
    ({"tanh_grad": False}, "rnn_bwd.no_tanh_derivative", "tanh derivative", "도함수"),
    ({"off_by_one": True}, "rnn_bwd.derivative_off_by_one", "off by one", "어긋남"),
    ({"overwrite": True}, "rnn_bwd.overwrite", "overwritten", "덮어써서"),
    ({"uses_h_t": True}, "rnn_bwd.h_t_for_h_prev", "h_{t−1} belongs", "h_{t−1} 대신 h_t"),
    ({"bias": "ih_only"}, "rnn_bwd.bias_hh_missing", "bias_hh gets no gradient", "bias_hh의 기울기"),
    ({"bias": "hh_only"}, "rnn_bwd.bias_ih_missing", "bias_ih gets no gradient", "bias_ih의 기울기"),
    ({"bias": "half"}, "rnn_bwd.bias_halved", "split in half", "반씩"),
    ({"transposed_back": True}, "rnn_bwd.weight_hh_transposed", "transposed", "전치"),
    ({"transposed_dW": True}, "rnn_bwd.dW_hh_transposed", "(out, in)", "(출력, 입력)"),
    ({"mean": True}, "rnn_bwd.batch_mean", "batch size", "배치 크기"),
]


@pytest.mark.parametrize("flags, diagnosis, en_words, ko_words", MISTAKES)
def test_each_modelled_mistake_is_caught_and_named(flags, diagnosis, en_words, ko_words):
    def fn(*args):
        return learner(*args, **flags)
    en = check("rnn_backward", fn, lang="en")
    ko = check("rnn_backward", fn, lang="ko")
    assert en.status == ko.status == "failed"
    assert en.diagnosis == ko.diagnosis == diagnosis, en
    assert en_words in en.message and "Wrong gradients" in en.message, en.message
    assert ko_words in ko.message and "기울기가 틀렸습니다" in ko.message, ko.message


def test_two_mistakes_at_once_are_both_named():
    def fn(*args):
        return learner(*args, carry=False, bias="ih_only")
    result = check("rnn_backward", fn, lang="en")
    assert result.diagnosis == "rnn_bwd.no_carry+rnn_bwd.bias_hh_missing", result


def test_an_unmodelled_mistake_gets_the_generic_message():
    def sign_flip(*args):
        grads = learner(*args)
        return dict(grads, xs=-grads["xs"])
    result = check("rnn_backward", sign_flip, lang="en")
    assert result.diagnosis == "rnn_bwd.mismatch", result
    assert result.details["keys"] == ("xs",)
    assert "Wrong gradients: xs" in result.message


@pytest.mark.parametrize("fn, diagnosis, words", [
    (lambda *a: None, "returned_none", "None"),
    (lambda *a: [1, 2], "wrong_type", "list"),
    (lambda *a: {k: v for k, v in learner(*a).items() if k != "h0"}, "bwd.missing_keys", "h0"),
    (lambda *a: dict(learner(*a), bias_ih=learner(*a)["bias_ih"].tolist()), "wrong_type",
     "bias_ih should be a NumPy array"),
    (lambda *a: dict(learner(*a), xs=learner(*a)["xs"][0]), "wrong_shape", "xs has shape"),
    (lambda *a: dict(learner(*a), h0=learner(*a)["h0"] * np.nan), "nonfinite", "NaN"),
])
def test_wrong_types_and_shapes_are_reported(fn, diagnosis, words):
    result = check("rnn_backward", fn, lang="en")
    assert result.status == "failed" and result.diagnosis == diagnosis, result
    assert words in result.message, result.message
    assert check("rnn_backward", fn, lang="ko").diagnosis == diagnosis


def test_in_place_writes_and_stubs_are_reported():
    def writes_into_dhs(dhs, xs, hs, params):
        grads = learner(dhs, xs, hs, params)
        dhs *= 0.0
        return grads

    def stub(dhs, xs, hs, params):
        raise NotImplementedError

    mutated = check("rnn_backward", writes_into_dhs, lang="en")
    assert mutated.diagnosis == "mutated_input" and "dhs" in mutated.message
    assert check("rnn_backward", stub, lang="en").status == "not_attempted"
