"""Prediction exercises (chapters 01–05): the outcome is measured, not stored; the right
option passes, every wrong option fails with its own misconception in both languages,
bad answers get clear messages. The experiments are re-derived here independently."""

import numpy as np
import pytest

import nbcheck
from rnnbook import data, numpy_ref
from rnnbook.exercise_bank import predictions
from rnnbook.exercises import _core, check
from rnnbook.exercises._predict import Option, choice, number, question

CHOICES = {  # id → (right label, all labels)
    "predict_memory": ("b", "abc"),
    "predict_power_bound": ("b", "abc"),
    "predict_forget_bias": ("c", "abc"),
    "predict_gru_closed": ("a", "abcd"),
    "predict_init_gradient": ("c", "abcd"),
}


def test_outcomes_follow_from_independent_measurements():
    # ch01: the first input's trace after 49 steps
    assert max(predictions.memory_ratios()) < 1e-2
    # ch02: the power of W_hh against the bound, recomputed with eigen-decomposition-free code
    for power, bound, rho, sigma in predictions.power_and_bound():
        assert power < bound * 1e-10 and rho < sigma
    W = numpy_ref.init_params("rnn", 2, 32, rng=1)["weight_hh"]
    P = np.eye(32)
    for _ in range(60):
        P = W @ P
    assert np.linalg.svd(P, compute_uv=False)[0] == pytest.approx(
        predictions.power_and_bound()[1][0], rel=1e-6)
    # ch03: the direct path's gain is at least (σ(1)/σ(0))^50 / (spread of the gates)
    assert min(g for g, _, _ in predictions.direct_path_gain()) > 1e6
    # ch04: z closed → identity, z open → not
    J = predictions.closed_gate_jacobians()
    assert np.max(np.abs(J["closed"] - np.eye(4))) < 1e-8
    assert np.max(np.abs(J["open"] - np.eye(4))) > 0.1
    # ch05: before training, the gradient at h_1 is a vanishing share of that at h_40 in all
    # three cells (the margin to the options' 1e-5 is about 200×: measured at most 6e-08)
    measured = predictions.initial_gradient_ratios()
    for cell in ("rnn", "lstm", "gru"):
        gates = []
        for seed, ratio in zip(predictions.SEEDS, measured["ratio"][cell]):
            again, gate = _first_to_last_ratio(cell, seed)
            assert ratio == pytest.approx(again, rel=1e-6)
            assert again < predictions.VANISHED / 100
            gates.append(gate)
        if cell != "rnn":  # the range of f (LSTM) or z (GRU) over every seed, step and unit
            gates = np.concatenate(gates)
            lo, mean, hi = measured["gate"][cell]
            assert (lo, mean, hi) == pytest.approx((gates.min(), gates.mean(), gates.max()), rel=1e-9)
            assert 0.3 < lo < mean < hi < 0.7


def _first_to_last_ratio(cell, seed, T=40, B=32):
    """‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ with torch.nn's own module stepped one time step at a time
    (float64), and the gate that keeps the state (LSTM f, GRU z) computed from its weights."""
    import torch

    from rnnbook import train

    model = train.make_model(cell, 2, 32, 1, seed=seed).double()
    xs, ys = data.adding_problem(B, T, rng=123, dtype=np.float32)  # the batch, as the chapter draws it
    xs, ys = torch.from_numpy(xs).double(), torch.from_numpy(ys).double()
    rnn, H = model.rnn, model.rnn.hidden_size
    h = torch.zeros(1, B, H, dtype=torch.float64)
    state = (h, torch.zeros_like(h)) if cell == "lstm" else h
    hs, gates = [], []
    for t in range(T):
        prev = state[0] if cell == "lstm" else state
        if t > 0 and cell != "rnn":  # block 1 of the stacked weights: f of i, f, g, o; z of r, z, n
            pre = (xs[t] @ rnn.weight_ih_l0[H:2 * H].T + rnn.bias_ih_l0[H:2 * H]
                   + prev[0] @ rnn.weight_hh_l0[H:2 * H].T + rnn.bias_hh_l0[H:2 * H])
            gates.append(torch.sigmoid(pre).detach())
        _, state = rnn(xs[t:t + 1], state)
        hs.append(state[0] if cell == "lstm" else state)
    loss = torch.mean((model.head(hs[-1][0]) - ys) ** 2)
    grads = torch.autograd.grad(loss, hs)
    ratio = float(grads[0].norm() / grads[-1].norm())
    return ratio, (torch.stack(gates).numpy() if gates else None)


@pytest.mark.parametrize("exercise_id", sorted(CHOICES))
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_each_option_gets_its_own_answer(exercise_id, lang):
    right, labels = CHOICES[exercise_id]
    messages = set()
    for label in labels:
        result = check(exercise_id, lambda label=label: label, lang=lang)
        messages.add(result.message)
        if label == right:
            assert result.passed and result.diagnosis is None, result
        else:
            assert result.status == "failed", result
            assert result.diagnosis == f"{exercise_id}.{label}"
            assert result.details == {"answer": label, "outcome": right}
            assert f"({right})" in result.message and f"({label})" in result.message
    assert len(messages) == len(labels)  # every wrong option explains itself differently


@pytest.mark.parametrize("got, status", [("B", "passed"), (" (b) ", "passed"), ("b", "passed")])
def test_labels_are_read_leniently(got, status):
    assert check("predict_memory", lambda: got, lang="en").status == status


@pytest.mark.parametrize("fn, diagnosis, en_words, ko_words", [
    (lambda: 2, "wrong_type", "as a string", "문자열"),
    (lambda: ["b"], "wrong_type", "list", "list"),
    (lambda: None, "returned_none", "None", "None"),
    (lambda: "e", "unknown_option", "'e' is not one of the options 'a', 'b', 'c'", "보기"),
])
def test_bad_choices_are_named(fn, diagnosis, en_words, ko_words):
    en, ko = check("predict_memory", fn, lang="en"), check("predict_memory", fn, lang="ko")
    assert en.diagnosis == ko.diagnosis == diagnosis and en.status == "failed"
    assert en_words in en.message and ko_words in ko.message


def test_a_function_that_needs_arguments_or_is_a_stub_is_reported():
    needs = check("predict_memory", lambda x: "b", lang="en")
    assert needs.diagnosis == "exception" and "TypeError" in needs.message

    def stub():
        raise NotImplementedError
    assert check("predict_memory", stub, lang="en").status == "not_attempted"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_answer_to_the_init_gradient_prediction_quotes_the_measurement(lang):
    ratios = predictions.initial_gradient_ratios()["ratio"]
    for label in "abcd":
        message = check("predict_init_gradient", lambda label=label: label, lang=lang).message
        for cell in ("rnn", "lstm", "gru"):
            assert f"{max(ratios[cell]):.0e}" in message
        if lang == "ko":
            assert not nbcheck.english_sentences(message), message
    en = {check("predict_init_gradient", lambda k=k: k, lang="en").message for k in "abcd"}
    ko = {check("predict_init_gradient", lambda k=k: k, lang="ko").message for k in "abcd"}
    assert not en & ko


@pytest.mark.parametrize("fn, diagnosis", [(lambda: 3, "wrong_type"), (lambda: "e", "unknown_option"),
                                           (lambda: None, "returned_none")])
def test_bad_answers_to_the_init_gradient_prediction(fn, diagnosis):
    en = check("predict_init_gradient", fn, lang="en")
    ko = check("predict_init_gradient", fn, lang="ko")
    assert en.status == ko.status == "failed" and en.diagnosis == ko.diagnosis == diagnosis
    assert en.message != ko.message


@pytest.fixture
def numeric(scratch_registry):
    """A numeric prediction (no chapter uses one at present) whose outcome is 36."""
    number("test_predict_number", question={"en": "How many?", "ko": "몇 개인가?"},
           settle=lambda: (36.0, {"v": 36}), tol=2.0,
           why={"en": "The experiment counts {v}.", "ko": "실험으로 세면 {v}개입니다."})
    return "test_predict_number"


@pytest.mark.parametrize("value, status, diagnosis", [
    (36, "passed", None), (37.9, "passed", None), (np.float64(34.5), "passed", None),
    (np.array([35]), "passed", None), (39, "failed", "test_predict_number.too_high"),
    (20, "failed", "test_predict_number.too_low"), ("36", "failed", "wrong_type"),
    (True, "failed", "wrong_type"), (float("nan"), "failed", "wrong_type"),
])
def test_numeric_prediction(numeric, value, status, diagnosis):
    for lang in ("en", "ko"):
        result = check(numeric, lambda: value, lang=lang)
        assert (result.status, result.diagnosis) == (status, diagnosis), result
    if status == "failed" and diagnosis != "wrong_type":
        en = check(numeric, lambda: value, lang="en").message
        ko = check(numeric, lambda: value, lang="ko").message
        assert ("too high" in en) == (value > 36) and ("너무 큽니다" in ko) == (value > 36)
        assert "counts 36" in en and "36개" in ko


def test_questions_list_their_options_in_both_languages():
    text = question("predict_gru_closed", "en")
    assert text.splitlines()[0].startswith("A GRU step") and "(d) It depends" in text
    assert "h_{t−1}" in question("predict_gru_closed", "ko")
    with pytest.raises(KeyError, match="not a prediction exercise"):
        question("rnn_step")


@pytest.fixture
def scratch_registry(monkeypatch):
    """Exercises registered by a test vanish after it."""
    monkeypatch.setattr(_core, "_REGISTRY", dict(_core._REGISTRY))


def test_the_framework_refuses_incomplete_texts(scratch_registry):
    with pytest.raises(ValueError, match="why must give one text per language"):
        choice("test_predict_incomplete", question={"en": "?", "ko": "?"},
               options=[Option("a", {"en": "A", "ko": "A"}, {"en": "", "ko": ""})],
               settle=lambda: ("a", {}), why={"en": "only English"})
    with pytest.raises(ValueError, match="tol must be positive"):
        number("test_predict_tol", question={"en": "?", "ko": "?"}, settle=lambda: (1.0, {}),
               tol=0.0, why={"en": "", "ko": ""})


def test_the_outcome_is_settled_when_checking_not_stored(scratch_registry):
    state = {"outcome": "a"}
    choice("test_predict_live", question={"en": "?", "ko": "?"},
           options=[Option(k, {"en": k.upper(), "ko": k.upper()}, {"en": "m", "ko": "m"})
                    for k in "ab"],
           settle=lambda: (state["outcome"], {}), why={"en": "w", "ko": "w"})
    assert check("test_predict_live", lambda: "a", lang="en").passed
    state["outcome"] = "b"
    assert not check("test_predict_live", lambda: "a", lang="en").passed
