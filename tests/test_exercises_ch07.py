"""Chapter 07's exercises: the answers pass, and each wrong answer a learner might write
(written out here, independently of the checker's mistake models) gets its diagnosis."""

import math
import re
import unicodedata

import numpy as np
import pytest

from rnnbook.exercises import check


def _messages_filled(result):
    for message in result.messages.values():
        assert not re.search(r"\{[a-z_]+\}", message), message
    assert result.messages["ko"] != result.messages["en"]


# -------------------------------------------------------------- sample_temperature

def sample_ok(logits, temperature, n, rng):
    z = np.asarray(logits) / temperature
    p = np.exp(z - z.max())
    return rng.choice(len(p), size=n, p=p / p.sum())


def sample_loop(logits, temperature, n, rng):  # one draw at a time: the same draws
    z = np.asarray(logits) / temperature
    p = np.exp(z - z.max())
    p /= p.sum()
    return np.array([rng.choice(len(p), p=p) for _ in range(n)])


def sample_inverse_cdf(logits, temperature, n, rng):  # rng.random + searchsorted = rng.choice
    z = np.asarray(logits) / temperature
    p = np.exp(z - z.max())
    cdf = np.cumsum(p / p.sum())
    return np.searchsorted(cdf / cdf[-1], rng.random(n), side="right")


def sample_times(logits, temperature, n, rng):
    z = np.asarray(logits) * temperature
    p = np.exp(z - z.max())
    return rng.choice(len(p), size=n, p=p / p.sum())


def sample_ignores_t(logits, temperature, n, rng):
    z = np.asarray(logits)
    p = np.exp(z - z.max())
    return rng.choice(len(p), size=n, p=p / p.sum())


def sample_argmax(logits, temperature, n, rng):
    return np.full(n, int(np.argmax(logits)))


def sample_overflow(logits, temperature, n, rng):
    p = np.exp(np.asarray(logits) / temperature)
    return rng.choice(len(p), size=n, p=p / p.sum())


def sample_global(logits, temperature, n, rng):
    z = np.asarray(logits) / temperature
    p = np.exp(z - z.max())
    return np.random.default_rng(12345).choice(len(p), size=n, p=p / p.sum())


def sample_multinomial(logits, temperature, n, rng):
    z = np.asarray(logits) / temperature
    p = np.exp(z - z.max())
    counts = rng.multinomial(n, p / p.sum())
    return rng.permutation(np.repeat(np.arange(len(p)), counts))


def sample_uniform(logits, temperature, n, rng):
    return rng.integers(0, len(logits), n)


@pytest.mark.parametrize("fn", [sample_ok, sample_loop, sample_inverse_cdf])
def test_sample_temperature_answers_pass(fn):
    for lang in ("ko", "en"):
        result = check("sample_temperature", fn, lang=lang)
        assert result.passed, result.message


@pytest.mark.parametrize("fn, diagnosis", [
    (sample_times, "multiplied"), (sample_ignores_t, "ignored"), (sample_argmax, "argmax"),
    (sample_overflow, "overflow"), (sample_global, "generator"), (sample_multinomial, "generator"),
    (sample_uniform, "mismatch"), (lambda z, t, n, rng: list(map(float, sample_ok(z, t, n, rng))), "wrong_type"),
    (lambda z, t, n, rng: sample_ok(z, t, n, rng)[:-1], "wrong_type"),
    (lambda z, t, n, rng: None, "returned_none"),
])
def test_sample_temperature_names_the_mistake(fn, diagnosis):
    result = check("sample_temperature", fn, lang="en")
    assert result.status == "failed" and result.diagnosis == diagnosis, result.message
    _messages_filled(result)


# -------------------------------------------------------------- perplexity

def ppl_ok(losses):
    m = float(np.mean(losses))
    return m / math.log(2), math.exp(m)


def ppl_via_bits(losses):
    bpc = float(np.mean(losses)) / math.log(2)
    return bpc, 2 ** bpc


@pytest.mark.parametrize("fn", [ppl_ok, ppl_via_bits, lambda x: np.array(ppl_ok(x))])
def test_perplexity_answers_pass(fn):
    assert check("perplexity", fn, lang="ko").passed


@pytest.mark.parametrize("fn, diagnosis", [
    (lambda x: (np.mean(x) / math.log(2), math.exp(np.sum(x))), "ppl_exp_sum"),
    (lambda x: (np.mean(x) / math.log(2), np.mean(np.exp(x))), "ppl_mean_exp"),
    (lambda x: (np.mean(x) / math.log(2), 2 ** np.mean(x)), "ppl_base2"),
    (lambda x: (np.mean(x) / math.log(2), math.exp(np.mean(x) / math.log(2))), "ppl_exp_bits"),
    (lambda x: (np.mean(x), math.exp(np.mean(x))), "bpc_nats"),
    (lambda x: (np.mean(x) * math.log(2), math.exp(np.mean(x))), "bpc_times_ln2"),
    (lambda x: (np.sum(x) / math.log(2), math.exp(np.sum(x))), "bpc_sum+ppl_exp_sum"),
    (lambda x: (np.mean(x), 2 ** np.mean(x)), "bpc_nats+ppl_base2"),
    (lambda x: (np.median(x), 1.0), "mismatch"),
    (lambda x: math.exp(np.mean(x)), "wrong_type"),
    (lambda x: ("1", "2"), "wrong_type"),
])
def test_perplexity_names_the_mistake(fn, diagnosis):
    result = check("perplexity", fn, lang="en")
    assert result.status == "failed" and result.diagnosis == diagnosis, result.message
    _messages_filled(result)


# -------------------------------------------------------------- Hangul

def decompose_nfd(s):
    return unicodedata.normalize("NFD", s)


def decompose_arith(s, tail_base=0x11A7, tail_test=lambda t: t > 0, always=False):
    k = ord(s) - 0xAC00
    lead, vowel, tail = k // 588, (k % 588) // 28, k % 28
    out = chr(0x1100 + lead) + chr(0x1161 + vowel)
    return out + chr(tail_base + tail) if (always or tail_test(tail)) else out


COMPAT_LEADS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
COMPAT_VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
COMPAT_TAILS = " ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"


def decompose_compat(s):
    k = ord(s) - 0xAC00
    out = COMPAT_LEADS[k // 588] + COMPAT_VOWELS[(k % 588) // 28]
    return out + COMPAT_TAILS[k % 28] if k % 28 else out


def test_hangul_answers_pass():
    assert check("hangul_decompose", decompose_nfd, lang="ko").passed
    assert check("hangul_decompose", decompose_arith, lang="en").passed
    assert check("hangul_compose", lambda j: unicodedata.normalize("NFC", j), lang="ko").passed


@pytest.mark.parametrize("fn, diagnosis", [
    (lambda s: decompose_arith(s, tail_base=0x11A8), "tail_offset"),
    (lambda s: decompose_arith(s, always=True), "always_tail"),
    (lambda s: decompose_arith(s, tail_test=lambda t: t > 1), "tail_from_two"),
    (decompose_compat, "compat"),
    (lambda s: decompose_arith(s)[::-1], "mismatch"),
    (lambda s: list(decompose_nfd(s)), "wrong_type"),
])
def test_hangul_decompose_names_the_mistake(fn, diagnosis):
    result = check("hangul_decompose", fn, lang="ko")
    assert result.status == "failed" and result.diagnosis == diagnosis, result.message
    _messages_filled(result)


def compose_arith(j, tail_base=0x11A7, no_tail=0):
    lead, vowel = ord(j[0]) - 0x1100, ord(j[1]) - 0x1161
    tail = ord(j[2]) - tail_base if len(j) == 3 else no_tail
    return chr(0xAC00 + (lead * 21 + vowel) * 28 + tail)


@pytest.mark.parametrize("fn, diagnosis", [
    (lambda j: compose_arith(j, tail_base=0x11A8), "tail_offset"),
    (lambda j: compose_arith(j, no_tail=1), "missing_tail_one"),
    (lambda j: chr(0xAC00 + ((ord(j[0]) - 0x1100) * 21 + ord(j[1]) - 0x1161) * 27), "mismatch"),
])
def test_hangul_compose_names_the_mistake(fn, diagnosis):
    result = check("hangul_compose", fn, lang="en")
    assert result.status == "failed" and result.diagnosis == diagnosis, result.message
    _messages_filled(result)


# -------------------------------------------------------------- temperature_effect

@pytest.mark.parametrize("answer, status, diagnosis", [
    (2.0, "passed", None), (2, "passed", None), ("same", "failed", "same"),
    (0.1, "failed", "low"), ("0.1", "failed", "wrong_type"), ([2.0], "failed", "wrong_type"),
])
def test_temperature_effect(answer, status, diagnosis):
    result = check("temperature_effect", lambda: answer, lang="ko")
    assert result.status == status and result.diagnosis == diagnosis, result.message
    _messages_filled(result)
    if status == "passed":
        low, high = map(float, re.findall(r"(\d+\.\d+)비트", result.messages["ko"]))
        assert low < high


def test_stubs_are_not_attempted():
    def stub(*args):
        raise NotImplementedError

    for exercise_id in ("sample_temperature", "perplexity", "hangul_decompose", "hangul_compose",
                        "temperature_effect"):
        assert check(exercise_id, stub).status == "not_attempted", exercise_id
