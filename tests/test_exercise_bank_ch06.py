"""Chapter 06's exercises: right answers pass; each modelled mistake, written out the way a
learner would write it (independently of the checker's model), fails and is named in both
languages; unmodelled wrong answers fail with the generic message; bad return values and
in-place writes are reported."""

import numpy as np
import pytest

from rnnbook.exercise_bank import ch06
from rnnbook import exercises
from rnnbook.exercises import check


def arange_b(x):
    return np.arange(x.shape[1])


RIGHT = {
    "to_time_major": [
        lambda o: o.transpose(1, 0, 2),
        lambda o: np.swapaxes(o, 0, 1).copy(),
        lambda o: np.stack([o[:, t] for t in range(o.shape[1])]),
    ],
    "last_real_output": [
        lambda o, n: o[n - 1, arange_b(o)],
        lambda o, n: np.stack([o[k - 1, b] for b, k in enumerate(n)]),
        lambda o, n: np.take_along_axis(o, (n - 1)[None, :, None], axis=0)[0],
    ],
    "top_layer_final": [
        lambda h, L: np.concatenate([h[-2], h[-1]], axis=1),
        lambda h, L: h.reshape(L, 2, *h.shape[1:])[-1].transpose(1, 0, 2).reshape(h.shape[1], -1),
        lambda h, L: np.hstack([h[2 * L - 2], h[2 * L - 1]]),
    ],
    "masked_mean": [
        lambda l, n: float((l * (np.arange(l.shape[0])[:, None] < n)).sum()
                           / (np.arange(l.shape[0])[:, None] < n).sum()),
        lambda l, n: np.concatenate([l[:k, b] for b, k in enumerate(n)]).mean(),
        lambda l, n: sum(l[:k, b].sum() for b, k in enumerate(n)) / int(sum(n)),
    ],
}


def real_mask(l, n, shift=0):
    return np.arange(l.shape[0])[:, None] < np.asarray(n)[None, :] + shift


# (exercise, learner's wrong function, diagnosis, a phrase of the English message,
#  a phrase of the Korean message)
MISTAKES = [
    ("to_time_major", lambda o: o.reshape(o.shape[1], o.shape[0], o.shape[2]),
     "method.reshape", "samples are mixed", "샘플이 섞입니다"),
    ("to_time_major", lambda o: np.ascontiguousarray(o).reshape(o.shape[1], -1, o.shape[2]),
     "method.reshape", "transpose(1, 0, 2)", "축을 맞바꿔야"),
    ("to_time_major", lambda o: o.T, "method.full_transpose", "(F, T, B)", "(F, T, B)"),
    ("to_time_major", lambda o: np.swapaxes(o, 1, 2), "method.last_two", "(B, F, T)", "(B, F, T)"),
    ("to_time_major", lambda o: o.copy(), "method.unchanged", "unchanged", "그대로"),
    ("last_real_output", lambda o, n: o[-1], "step.padded_end", "output[-1]", "패딩"),
    ("last_real_output", lambda o, n: o[o.shape[0] - 1], "step.padded_end", "padded", "패딩"),
    ("last_real_output", lambda o, n: o[n, arange_b(o)], "step.one_past", "one step too far",
     "한 단계 지나칩니다"),
    ("last_real_output", lambda o, n: np.stack([o[k, b] for b, k in enumerate(n)]),
     "step.one_past", "n − 1", "n − 1"),
    ("last_real_output", lambda o, n: o[0], "step.first", "first time step", "첫 시간 단계"),
    ("last_real_output", lambda o, n: o[arange_b(o), n - 1], "axes.batch_first",
     "batch-first", "배치 우선"),
    ("last_real_output", lambda o, n: o[n - 1], "pair.False", "(B, B, F)", "(B, B, F)"),
    ("top_layer_final", lambda h, L: h[-1], "take.last_only", "h_n[-1] only", "h_n[-1]만"),
    ("top_layer_final", lambda h, L: h[-2], "take.forward_only", "forward direction",
     "정방향만"),
    ("top_layer_final", lambda h, L: np.concatenate([h[-1], h[-2]], axis=1),
     "order.backward_first", "swapped", "순서가 바뀌었습니다"),
    ("top_layer_final", lambda h, L: h[-2:].reshape(h.shape[1], 2 * h.shape[2]),
     "combine.reshape", "mixes samples", "샘플이 섞입니다"),
    ("top_layer_final", lambda h, L: h.reshape(2, L, *h.shape[1:])[:, -1].reshape(h.shape[1], -1),
     "layout.direction_major", "layer by layer", "층 순서로"),
    ("top_layer_final", lambda h, L: np.concatenate([h[0], h[1]], axis=1), "layout.bottom",
     "first layer", "첫 층"),
    ("masked_mean", lambda l, n: l.mean(), "mask.none", "padding included", "패딩을 포함한"),
    ("masked_mean", lambda l, n: float((l * real_mask(l, n, -1)).sum() / real_mask(l, n, -1).sum()),
     "mask.one_short", "drops the last real step", "실제 마지막 단계를 빼"),
    ("masked_mean", lambda l, n: float((l * real_mask(l, n, 1)).sum() / real_mask(l, n, 1).sum()),
     "mask.one_long", "one padded step", "패딩 단계 하나"),
    ("masked_mean", lambda l, n: float((l * real_mask(l, n)).sum() / l.size),
     "divide.all_positions", "T·B", "T·B"),
    ("masked_mean", lambda l, n: np.mean([l[:k, b].mean() for b, k in enumerate(n)]),
     "divide.per_sequence", "weighs a short sequence", "무겁게"),
    ("masked_mean", lambda l, n: (l * real_mask(l, n)).sum(axis=0).mean(), "divide.batch",
     "batch size B", "배치 크기 B"),
]

UNMODELLED = [
    ("to_time_major", lambda o: o.transpose(1, 0, 2)[::-1], "mismatch"),
    ("to_time_major", lambda o: o.transpose(1, 0, 2)[:, :, :1], "wrong_shape"),
    ("last_real_output", lambda o, n: o[n - 2, arange_b(o)], "mismatch"),
    ("last_real_output", lambda o, n: o.mean(axis=0), "mismatch"),
    ("top_layer_final", lambda h, L: h[-2:].sum(axis=0), "wrong_shape"),
    ("top_layer_final", lambda h, L: np.concatenate([h[-2], h[-1]], axis=1) * 2, "mismatch"),
    ("masked_mean", lambda l, n: float(np.median(l)), "mismatch"),
    ("masked_mean", lambda l, n: float((l * real_mask(l, n)).max()), "mismatch"),
]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("exercise, k", [(e, k) for e, fns in RIGHT.items()
                                         for k in range(len(fns))])
def test_right_answers_pass(exercise, k, lang):
    result = check(exercise, RIGHT[exercise][k], lang=lang, graded=False)
    assert result.passed, result.message
    assert result.message.startswith("Correct" if lang == "en" else "정답")


@pytest.mark.parametrize("exercise, fn, diagnosis, en, ko", MISTAKES,
                         ids=[f"{m[0]}-{m[2]}-{i}" for i, m in enumerate(MISTAKES)])
def test_modelled_mistakes_are_named(exercise, fn, diagnosis, en, ko):
    result_en = check(exercise, fn, lang="en", graded=False)
    result_ko = check(exercise, fn, lang="ko", graded=False)
    assert result_en.status == "failed"
    assert result_en.diagnosis == diagnosis, result_en.message
    assert en in result_en.message
    assert ko in result_ko.message, result_ko.message


def test_every_modelled_knob_has_a_learner_style_test():
    named = {f"{e}.{d}" for e, _, d, _, _ in MISTAKES}
    knob_codes = {code for code in ch06.MESSAGES["en"]
                  if code.count(".") == 2 and not code.startswith("ch06.")}
    assert knob_codes == named


def test_messages_exist_in_both_languages():
    assert set(ch06.MESSAGES["en"]) == set(ch06.MESSAGES["ko"])


@pytest.mark.parametrize("exercise, fn, diagnosis", UNMODELLED,
                         ids=[f"{u[0]}-{i}" for i, u in enumerate(UNMODELLED)])
def test_unmodelled_wrong_answers_fail_with_the_generic_message(exercise, fn, diagnosis):
    result = check(exercise, fn, lang="en", graded=False)
    assert result.status == "failed"
    assert result.diagnosis == diagnosis, result.message
    assert "known mistake" in result.message or "shape" in result.message
    if exercise == "masked_mean":
        assert "expected" in result.message


TWO = {"to_time_major": lambda f: (lambda o: f(o)),
       "last_real_output": lambda f: (lambda o, n: f(o)),
       "top_layer_final": lambda f: (lambda h, L: f(h))}


@pytest.mark.parametrize("exercise", ["to_time_major", "last_real_output", "top_layer_final"])
@pytest.mark.parametrize("returns, diagnosis", [
    (lambda x: None, "returned_none"),
    (lambda x: x.tolist(), "wrong_type"),
    (lambda x: 3.0, "wrong_type"),
    (lambda x: (x, x), "wrong_type"),
])
def test_bad_return_values(exercise, returns, diagnosis):
    result = check(exercise, TWO[exercise](returns), lang="en", graded=False)
    assert result.status == "failed"
    assert result.diagnosis == diagnosis


@pytest.mark.parametrize("returns, diagnosis", [
    (lambda l, n: None, "returned_none"),
    (lambda l, n: [1.0], "wrong_type"),
    (lambda l, n: np.ones(2), "wrong_type"),
    (lambda l, n: "0.5", "wrong_type"),
    (lambda l, n: True, "wrong_type"),
])
def test_masked_mean_needs_one_number(returns, diagnosis):
    result = check("masked_mean", returns, lang="en", graded=False)
    assert result.status == "failed"
    assert result.diagnosis == diagnosis


def test_masked_mean_cases_hold_large_values_at_the_padding():
    for losses, lengths in ch06._masked_mean_args():
        pad = ~real_mask(losses, lengths)
        assert np.all(losses[pad] >= 5) and np.all(losses[~pad] < 1)
    assert any(len(n) == 1 for _, n in ch06.MASKED_MEAN_CASES)


@pytest.mark.parametrize("exercise", RIGHT)
def test_stub_is_not_attempted_and_errors_are_reported(exercise):
    def stub(*args):
        raise NotImplementedError

    def broken(*args):
        raise TypeError("bad operand")

    assert check(exercise, stub, graded=False).status == "not_attempted"
    result = check(exercise, broken, lang="en", graded=False)
    assert result.status == "failed" and result.diagnosis == "exception"
    assert "TypeError" in result.message


def test_an_index_error_that_no_model_explains_is_reported_as_an_exception():
    def wrong(o, n):
        return o[n + 5, arange_b(o)]

    result = check("last_real_output", wrong, lang="en", graded=False)
    assert result.diagnosis == "exception"
    assert "IndexError" in result.message


def test_in_place_writes_are_reported():
    def writes(o, n):
        o[:] = 0.0
        return o[n - 1, arange_b(o)]

    result = check("last_real_output", writes, lang="en", graded=False)
    assert result.diagnosis == "mutated_input"


def test_the_reshape_mistake_is_right_for_one_sample_only():
    """The checker's cases include B = 1, where reshape equals transpose, and B > 1 with
    B = T, where the shape is right and only the values show the mistake."""
    shapes = ch06.TIME_MAJOR_CASES
    assert any(B == 1 for B, _, _ in shapes)
    assert any(B == T > 1 for B, T, _ in shapes)
    (x,), = [a for a, s in zip(ch06._time_major_args(), shapes) if s[0] == s[1] > 1]
    assert not np.array_equal(x.reshape(x.shape[1], x.shape[0], -1), x.transpose(1, 0, 2))


def test_last_real_cases_are_padded_with_zeros_and_include_full_lengths():
    for (output, lengths), (T, _) in zip(ch06._last_real_args(), ch06.LAST_REAL_CASES):
        assert output.shape[0] == T
        for b, n in enumerate(lengths):
            assert np.all(output[n:, b] == 0) and np.all(output[:n, b] != 0)
    assert any(max(n) < T for T, n in ch06.LAST_REAL_CASES)
    assert any(max(n) == T for T, n in ch06.LAST_REAL_CASES)
    assert any(len(n) == 1 for _, n in ch06.LAST_REAL_CASES)


ARGS = {"to_time_major": ch06._time_major_args, "last_real_output": ch06._last_real_args,
        "top_layer_final": ch06._top_layer_args, "masked_mean": ch06._masked_mean_args}


@pytest.mark.parametrize("exercise", RIGHT)
def test_grading_draws_new_cases_so_a_table_of_the_notebooks_cases_fails(exercise):
    """Outside grading the cases are fixed (the notebook's stored results never change);
    under the grader they are new, right answers still pass, mistakes are still named,
    and a function that looks up the notebook's answers fails."""
    right = RIGHT[exercise][0]
    table = {args[0].tobytes(): right(*args) for args in ARGS[exercise]()}

    def lookup(*args):
        return table[args[0].tobytes()]  # KeyError on a case it has not seen

    first = ARGS[exercise]()
    assert check(exercise, lookup, lang="en", graded=False).passed
    with exercises.grading_cases(2026):
        graded = ARGS[exercise]()
        assert check(exercise, right, lang="en", graded=False).passed
        assert not check(exercise, lookup, lang="en", graded=False).passed
        mistake = next(m for m in MISTAKES if m[0] == exercise)
        assert check(exercise, mistake[1], lang="en", graded=False).diagnosis == mistake[2]
    again = ARGS[exercise]()
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(first, again))
    assert not any(np.array_equal(a[0], b[0]) for a, b in zip(first, graded))
