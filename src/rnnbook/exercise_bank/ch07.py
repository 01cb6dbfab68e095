"""Exercises of chapter 07 (a character-level language model; Hangul as jamo).

- ``sample_temperature``: ``fn(logits, temperature, n, rng) -> array (n,)`` of character ids
  drawn from softmax(logits / temperature) with ``rng.choice(V, size=n, p=p)``. Compared
  draw by draw with the same seeded generator; the usual mistakes (multiplying by the
  temperature, ignoring it, taking the argmax, overflow without subtracting the maximum,
  another generator call) are reproduced and named.
- ``perplexity``: ``fn(losses) -> (bits_per_char, perplexity)`` from per-character losses
  in nats; mistakes (sum instead of mean, mean of exponentials, base 2 and e mixed) named.
- ``hangul_decompose``: ``fn(syllable) -> str`` of 2 or 3 conjoining jamo;
  ``hangul_compose``: the inverse. Mistakes in the final-consonant (jongseong) offset and
  in the no-final-consonant case, and compatibility jamo, are named.
- ``temperature_effect``: ``fn() -> 0.1, 2.0 or "same"``: at which temperature do samples
  hold more distinct characters (higher entropy)? The notebook then runs the experiment.

References: C. E. Shannon (1951) for entropy per character; Unicode Standard section 3.12
for the Hangul syllable arithmetic (see :mod:`rnnbook.hangul`).
"""

from __future__ import annotations

import math
import unicodedata

import numpy as np

from .. import hangul
from ..exercises import Verdict, call_learner, register
from ..exercises._core import LearnerError

try:  # the grader draws fresh cases through case_seed where the package provides it
    from ..exercises import case_seed
except ImportError:  # pragma: no cover - older rnnbook.exercises without case_seed
    def case_seed(base: int) -> int:
        return base

RTOL = 1e-9


def _softmax(z, temperature=1.0):
    z = np.asarray(z, dtype=np.float64) / temperature
    e = np.exp(z - z.max())
    return e / e.sum()


# ---------------------------------------------------------------- sample_temperature

N_DRAWS = 30
N_DISTRIBUTION = 4000


def _sampling_cases():
    """(logits, temperature, seed) for the draw-by-draw comparison; the last has large logits."""
    rng = np.random.default_rng(case_seed(7_100))
    cases = [(2.0 * rng.standard_normal(V), T, case_seed(7_101 + j))
             for j, (V, T) in enumerate(((8, 1.0), (8, 0.5), (12, 2.0), (5, 0.8)))]
    big = 3.0 * rng.standard_normal(6) + 800.0  # exp(800 / 0.5) overflows float64
    return cases, (big, 0.5, case_seed(7_110))


def _draws(p, n, seed):
    return np.random.default_rng(seed).choice(p.size, size=n, p=p)


def _as_ids(got, n, V):
    """The learner's draws as an int array (n,), or None if they are not that."""
    try:
        a = np.asarray(got)
    except Exception:
        return None
    if a.shape != (n,) or a.dtype.kind not in "iu" or (a.size and (a.min() < 0 or a.max() >= V)):
        return None
    return a.astype(np.int64)


def _call_sampler(fn, logits, temperature, n, seed):
    rng = np.random.default_rng(seed)
    case = f"V={logits.size}, temperature={temperature}, n={n}"
    got = call_learner(fn, (logits.copy(), temperature, n, rng), case=case)
    return got, _as_ids(got, n, logits.size)


@register("sample_temperature", messages={
    "en": {
        "sample_temperature.wrong_type": ("Return {n} character ids, an integer array of shape "
                                          "({n},) with values in [0, {V}); for {case} your "
                                          "function returned {got}."),
        "sample_temperature.argmax": ("Every draw is the most probable character: you take the "
                                      "argmax instead of sampling. Draw from the distribution "
                                      "with `rng.choice(V, size=n, p=p)`."),
        "sample_temperature.multiplied": ("Your draws follow softmax(logits · T): you multiply "
                                          "by the temperature. Divide: softmax(logits / T), so "
                                          "that T < 1 sharpens the distribution and T > 1 "
                                          "flattens it."),
        "sample_temperature.ignored": ("Your draws follow softmax(logits) whatever the "
                                       "temperature: divide the logits by T before the softmax."),
        "sample_temperature.overflow": ("Correct for ordinary logits, but not for logits near "
                                        "800 ({detail}): exp(1600) overflows to inf and inf/inf "
                                        "is NaN. Subtract the largest logit before exp; the "
                                        "softmax does not change."),
        "sample_temperature.generator": ("Your draws have the right distribution but are not "
                                         "the draws of `rng.choice(V, size=n, p=p)` with the "
                                         "given generator (another call, another generator, or "
                                         "the global np.random). Use the rng argument exactly "
                                         "so that a seed reproduces the samples."),
        "sample_temperature.mismatch": ("For {case} your draws differ from those of "
                                        "softmax(logits / T) with `rng.choice` (first "
                                        "difference at draw {i}: {got} instead of {expected}), "
                                        "and their frequencies do not match p either."),
    },
    "ko": {
        "sample_temperature.wrong_type": ("문자 id {n}개, 즉 값이 [0, {V}) 범위인 모양 ({n},)의 정수 "
                                          "배열을 반환해야 합니다. {case}에서 반환된 것은 {got}입니다."),
        "sample_temperature.argmax": ("모든 추출 결과가 확률이 가장 큰 문자입니다. 샘플링 대신 "
                                      "argmax를 택했습니다. `rng.choice(V, size=n, p=p)`로 분포에서 "
                                      "뽑아야 합니다."),
        "sample_temperature.multiplied": ("추출 결과가 softmax(logits · T)를 따릅니다. 온도를 곱했습니다. "
                                          "softmax(logits / T)처럼 나누어야 T < 1일 때 분포가 "
                                          "뾰족해지고 T > 1일 때 평평해집니다."),
        "sample_temperature.ignored": ("온도와 상관없이 softmax(logits)를 따릅니다. softmax 전에 "
                                       "로짓을 T로 나누어야 합니다."),
        "sample_temperature.overflow": ("보통 크기의 로짓에서는 맞지만 800 근처의 로짓에서는 "
                                        "틀립니다({detail}). exp(1600)은 inf로 넘치고 inf/inf는 "
                                        "NaN입니다. exp 전에 가장 큰 로짓을 빼야 합니다. 그래도 "
                                        "softmax 값은 같습니다."),
        "sample_temperature.generator": ("분포는 맞지만 주어진 생성기로 `rng.choice(V, size=n, p=p)`를 "
                                         "부른 결과와 다릅니다(다른 호출, 다른 생성기, 또는 전역 "
                                         "np.random). 같은 시드로 같은 샘플이 나오도록 인자 rng를 "
                                         "그대로 써야 합니다."),
        "sample_temperature.mismatch": ("{case}에서 추출 결과가 softmax(logits / T)와 `rng.choice`로 "
                                        "뽑은 결과와 다르고(처음 다른 곳은 {i}번째 추출, {got}, 기대한 "
                                        "값은 {expected}), 빈도도 p와 맞지 않습니다."),
    },
})
def _check_sample_temperature(fn) -> Verdict:
    cases, big = _sampling_cases()
    answers = []
    for logits, T, seed in cases:
        got, ids = _call_sampler(fn, logits, T, N_DRAWS, seed)
        if got is None:
            return Verdict.fail("returned_none")
        if ids is None:
            from ..exercises._text import _describe
            return Verdict.fail("sample_temperature.wrong_type", diagnosis="wrong_type",
                                n=N_DRAWS, V=logits.size, got=_describe(got),
                                case=f"V={logits.size}, temperature={T}")
        answers.append(ids)

    def same_as(prob):
        return all(np.array_equal(a, _draws(prob(z, T), N_DRAWS, s))
                   for a, (z, T, s) in zip(answers, cases))

    if same_as(lambda z, T: _softmax(z, T)):
        logits, T, seed = big
        try:
            got, ids = _call_sampler(fn, logits, T, N_DRAWS, seed)
        except LearnerError as err:
            return Verdict.fail("sample_temperature.overflow", diagnosis="overflow",
                                detail=err.verdict.details.get("exception", "exception"))
        if ids is None or not np.array_equal(ids, _draws(_softmax(logits, T), N_DRAWS, seed)):
            return Verdict.fail("sample_temperature.overflow", diagnosis="overflow",
                                detail="wrong draws")
        return Verdict.ok(len(cases) + 1)
    if all(np.all(a == np.argmax(z)) for a, (z, _, _) in zip(answers, cases)):
        return Verdict.fail("sample_temperature.argmax", diagnosis="argmax")
    if same_as(lambda z, T: _softmax(z * T)):
        return Verdict.fail("sample_temperature.multiplied", diagnosis="multiplied")
    if same_as(lambda z, T: _softmax(z)):
        return Verdict.fail("sample_temperature.ignored", diagnosis="ignored")
    # The draws differ: are they at least drawn from the right distribution?
    logits, T, seed = cases[1]
    _, many = _call_sampler(fn, logits, T, N_DISTRIBUTION, seed)
    if many is not None:
        freq = np.bincount(many, minlength=logits.size) / N_DISTRIBUTION
        tv = {name: 0.5 * np.abs(freq - p).sum() for name, p in
              (("right", _softmax(logits, T)), ("multiplied", _softmax(logits * T)),
               ("ignored", _softmax(logits)))}
        best = min(tv, key=tv.get)
        if tv[best] < 0.04:
            return {"right": lambda: Verdict.fail("sample_temperature.generator",
                                                  diagnosis="generator"),
                    "multiplied": lambda: Verdict.fail("sample_temperature.multiplied",
                                                       diagnosis="multiplied"),
                    "ignored": lambda: Verdict.fail("sample_temperature.ignored",
                                                    diagnosis="ignored")}[best]()
    j = next(j for j, (a, (z, T, s)) in enumerate(zip(answers, cases))
             if not np.array_equal(a, _draws(_softmax(z, T), N_DRAWS, s)))
    z, T, s = cases[j]
    expected = _draws(_softmax(z, T), N_DRAWS, s)
    i = int(np.argmax(answers[j] != expected))
    return Verdict.fail("sample_temperature.mismatch", diagnosis="mismatch",
                        case=f"V={z.size}, temperature={T}", i=i, got=int(answers[j][i]),
                        expected=int(expected[i]))


# ---------------------------------------------------------------- perplexity

def _loss_cases():
    rng = np.random.default_rng(case_seed(7_200))
    return [rng.uniform(0.3, 4.0, n) for n in (2, 5, 17, 60)]


LN2 = math.log(2)
BPC_FORMS = {  # diagnosis: bits per character from losses in nats
    "right": lambda x: x.mean() / LN2,
    "bpc_nats": lambda x: x.mean(),             # nats reported as bits
    "bpc_times_ln2": lambda x: x.mean() * LN2,  # converted the wrong way
    "bpc_sum": lambda x: x.sum() / LN2,         # sum instead of mean
}
PPL_FORMS = {  # diagnosis: perplexity from losses in nats
    "right": lambda x: math.exp(x.mean()),
    "ppl_exp_sum": lambda x: math.exp(x.sum()),         # exp of the sum
    "ppl_mean_exp": lambda x: float(np.exp(x).mean()),  # mean of exponentials
    "ppl_base2": lambda x: 2.0 ** x.mean(),             # base 2 on nats
    "ppl_exp_bits": lambda x: math.exp(x.mean() / LN2),  # base e on bits
}


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= RTOL * max(abs(b), 1e-300)


@register("perplexity", messages={
    "en": {
        "perplexity.wrong_type": ("Return a pair of numbers (bits_per_char, perplexity); for "
                                  "{n} losses your function returned {got}."),
        "perplexity.bpc_nats": ("Your bits per character are the mean loss in nats. Losses "
                                "from cross-entropy use ln; divide by ln 2 to get bits."),
        "perplexity.bpc_times_ln2": ("Your bits per character are the mean loss times ln 2; "
                                     "converting nats to bits divides by ln 2."),
        "perplexity.bpc_sum": ("Your bits per character grow with the number of characters: "
                               "you sum the losses. Take the mean, then divide by ln 2."),
        "perplexity.ppl_exp_sum": ("Your perplexity is exp of the sum of the losses; it is exp "
                                   "of their mean, the geometric mean of 1/p over characters."),
        "perplexity.ppl_mean_exp": ("Your perplexity is the mean of exp(loss). Perplexity is "
                                    "exp of the mean loss; by Jensen's inequality the mean of "
                                    "exponentials is larger."),
        "perplexity.ppl_base2": ("Your perplexity is 2 ** (mean loss in nats): bases mixed. "
                                 "Either exp(mean nats) or 2 ** (bits per character)."),
        "perplexity.ppl_exp_bits": ("Your perplexity is exp(bits per character): bases mixed. "
                                    "Either exp(mean nats) or 2 ** (bits per character)."),
        "perplexity.mismatch": ("For {n} losses you return ({got}); expected ({expected})."),
    },
    "ko": {
        "perplexity.wrong_type": ("숫자 두 개의 쌍 (bits_per_char, perplexity)를 반환해야 합니다. "
                                  "손실 {n}개에서 반환된 것은 {got}입니다."),
        "perplexity.bpc_nats": ("문자당 비트가 나트 단위 평균 손실 그대로입니다. 교차 엔트로피 "
                                "손실은 ln으로 계산하므로 ln 2로 나누어야 비트가 됩니다."),
        "perplexity.bpc_times_ln2": ("문자당 비트를 평균 손실에 ln 2를 곱해 구했습니다. 나트를 "
                                     "비트로 바꿀 때는 ln 2로 나눕니다."),
        "perplexity.bpc_sum": ("문자당 비트가 문자 수에 따라 커집니다. 손실을 더했습니다. 평균을 "
                               "낸 뒤 ln 2로 나누어야 합니다."),
        "perplexity.ppl_exp_sum": ("퍼플렉서티를 손실 합의 exp로 구했습니다. 퍼플렉서티는 평균 "
                                   "손실의 exp, 즉 문자마다의 1/p의 기하 평균입니다."),
        "perplexity.ppl_mean_exp": ("퍼플렉서티를 exp(손실)의 평균으로 구했습니다. 퍼플렉서티는 "
                                    "평균 손실의 exp입니다. 옌센 부등식에 따라 exp의 평균이 더 "
                                    "큽니다."),
        "perplexity.ppl_base2": ("퍼플렉서티를 2 ** (나트 단위 평균 손실)로 구했습니다. 밑이 "
                                 "섞였습니다. exp(나트 평균)이나 2 ** (문자당 비트)여야 합니다."),
        "perplexity.ppl_exp_bits": ("퍼플렉서티를 exp(문자당 비트)로 구했습니다. 밑이 섞였습니다. "
                                    "exp(나트 평균)이나 2 ** (문자당 비트)여야 합니다."),
        "perplexity.mismatch": ("손실 {n}개에서 반환한 값은 ({got})이고 기대한 값은 "
                                "({expected})입니다."),
    },
})
def _check_perplexity(fn) -> Verdict:
    cases = _loss_cases()
    answers = []
    for losses in cases:
        got = call_learner(fn, (losses.copy(),), case=f"{losses.size} losses")
        if got is None:
            return Verdict.fail("returned_none")
        pair = None
        if isinstance(got, (tuple, list, np.ndarray)) and len(got) == 2:
            try:
                pair = tuple(float(np.asarray(v).reshape(())) for v in got)
            except (TypeError, ValueError):
                pair = None
        if pair is None or any(isinstance(v, (str, bool)) for v in got):
            from ..exercises._text import _describe
            return Verdict.fail("perplexity.wrong_type", diagnosis="wrong_type", n=losses.size,
                                got=_describe(got))
        answers.append(pair)

    def fits(forms, k):
        return [name for name, f in forms.items()
                if all(_close(a[k], f(x)) for a, x in zip(answers, cases))]

    bpc, ppl = fits(BPC_FORMS, 0), fits(PPL_FORMS, 1)
    if bpc[:1] == ["right"] and ppl[:1] == ["right"]:
        return Verdict.ok(len(cases))
    wrong = [names[0] for names in (bpc, ppl) if names and names[0] != "right"]
    if bpc and ppl and wrong:
        verdict = Verdict.fail(f"perplexity.{wrong[0]}", diagnosis="+".join(wrong))
        for extra in wrong[1:]:
            verdict.parts.append(Verdict.fail(f"perplexity.{extra}").parts[0])
        return verdict
    x, a = cases[1], answers[1]
    return Verdict.fail("perplexity.mismatch", diagnosis="mismatch", n=x.size,
                        got=f"{a[0]:.6g}, {a[1]:.6g}",
                        expected=f"{BPC_FORMS['right'](x):.6g}, {PPL_FORMS['right'](x):.6g}")


# ---------------------------------------------------------------- Hangul

SYLLABLES = ("가", "한", "글", "각", "힣", "의", "뷁", "까", "닭", "쏴", "값", "요")


def _jamo_code(ch: str) -> str:
    return " ".join(f"U+{ord(c):04X}" for c in ch)


def _decompose_model(tail_base=hangul.T_BASE, always_tail=False, tail_from=1):
    """decompose with the known mistakes as knobs: another tail base, a tail for T = 0,
    or the tail test starting at ``tail_from`` (``T > 1`` drops ㄱ)."""
    def fn(s):
        k = ord(s) - hangul.S_BASE
        L, V, T = k // hangul.N_COUNT, k % hangul.N_COUNT // hangul.T_COUNT, k % hangul.T_COUNT
        out = chr(hangul.L_BASE + L) + chr(hangul.V_BASE + V)
        return out + chr(tail_base + T) if (always_tail or T >= tail_from) else out
    return fn


DECOMPOSE_MISTAKES = (
    ("hangul_decompose.tail_offset", _decompose_model(tail_base=hangul.T_BASE + 1)),
    ("hangul_decompose.always_tail", _decompose_model(always_tail=True)),
    ("hangul_decompose.tail_from_two", _decompose_model(tail_from=2)),
)


def _compose_model(tail_base=hangul.T_BASE, missing_tail=0):
    def fn(j):
        L, V = ord(j[0]) - hangul.L_BASE, ord(j[1]) - hangul.V_BASE
        T = ord(j[2]) - tail_base if len(j) == 3 else missing_tail
        return chr(hangul.S_BASE + (L * hangul.V_COUNT + V) * hangul.T_COUNT + T)
    return fn


COMPOSE_MISTAKES = (
    ("hangul_compose.tail_offset", _compose_model(tail_base=hangul.T_BASE + 1)),
    ("hangul_compose.missing_tail_one", _compose_model(missing_tail=1)),
)

HANGUL_MESSAGES = {
    "en": {
        "hangul.wrong_type": "Return a str; for {case} your function returned {got}.",
        "hangul.mismatch": ("For {case} you return {got}; expected {expected}."),
        "hangul_decompose.tail_offset": ("Your final consonants are one code point too far: "
                                         "T = 1 (ㄱ) is U+11A8, so the final jamo is "
                                         "chr(0x11A7 + T), not chr(0x11A8 + T)."),
        "hangul_decompose.always_tail": ("For a syllable without a final consonant (T = 0) "
                                         "you still append chr(0x11A7 + 0) = U+11A7, which is "
                                         "not a jamo. Append the final jamo only when T > 0."),
        "hangul_decompose.tail_from_two": ("The final ㄱ (T = 1) is missing, as in 각 → {got}: "
                                           "the test for a final consonant is T > 0 (T = 0 "
                                           "means none), not T > 1."),
        "hangul_decompose.compat": ("You return compatibility jamo (U+3131–U+318E, the ones "
                                    "on a keyboard) such as {got}; decomposition gives the "
                                    "conjoining jamo U+1100–U+11FF, as unicodedata's NFD does."),
        "hangul_compose.tail_offset": ("Your syllables come out one final consonant early: "
                                       "T = ord(final) − 0x11A7, since U+11A8 (ㄱ) is T = 1."),
        "hangul_compose.missing_tail_one": ("Without a final jamo you use T = 1 (ㄱ), as in "
                                            "{case} → {got}; no final consonant is T = 0."),
    },
    "ko": {
        "hangul.wrong_type": "str을 반환해야 합니다. {case}에서 반환된 것은 {got}입니다.",
        "hangul.mismatch": "{case}에서 반환한 값은 {got}이고 기대한 값은 {expected}입니다.",
        "hangul_decompose.tail_offset": ("종성이 코드 포인트 하나만큼 밀렸습니다. T = 1(ㄱ)이 "
                                         "U+11A8이므로 종성 자모는 chr(0x11A8 + T)가 아니라 "
                                         "chr(0x11A7 + T)입니다."),
        "hangul_decompose.always_tail": ("종성이 없는 음절(T = 0)에도 chr(0x11A7 + 0) = U+11A7을 "
                                         "붙였습니다. U+11A7은 자모가 아닙니다. T > 0일 때만 종성 "
                                         "자모를 붙여야 합니다."),
        "hangul_decompose.tail_from_two": ("각 → {got}처럼 종성 ㄱ(T = 1)이 빠졌습니다. 종성이 "
                                           "있는지는 T > 1이 아니라 T > 0으로 판단합니다(T = 0이 "
                                           "종성 없음)."),
        "hangul_decompose.compat": ("{got}처럼 호환용 자모(U+3131–U+318E, 자판의 자모)를 "
                                    "반환했습니다. 분해 결과는 unicodedata의 NFD와 같은 첫가끝 "
                                    "자모 U+1100–U+11FF입니다."),
        "hangul_compose.tail_offset": ("만든 음절의 종성이 하나 앞당겨졌습니다. U+11A8(ㄱ)이 "
                                       "T = 1이므로 T = ord(종성) − 0x11A7입니다."),
        "hangul_compose.missing_tail_one": ("{case} → {got}처럼 종성 자모가 없을 때 T = 1(ㄱ)을 "
                                            "썼습니다. 종성이 없으면 T = 0입니다."),
    },
}


def _compat(jamo: str) -> str:
    """Conjoining jamo → the compatibility jamo of the same letter (ᄀ, ᆨ → ㄱ), by name."""
    return "".join(unicodedata.lookup("HANGUL LETTER " + unicodedata.name(c).split(" ", 2)[2])
                   for c in jamo)


def _check_strings(fn, inputs, reference, mistakes, compat_ok=False):
    answers = []
    for x in inputs:
        case = f"{x!r} ({_jamo_code(x)})"
        got = call_learner(fn, (x,), case=case)
        if got is None:
            return Verdict.fail("returned_none")
        if not isinstance(got, str):
            from ..exercises._text import _describe
            return Verdict.fail("hangul.wrong_type", diagnosis="wrong_type", case=case,
                                got=_describe(got))
        answers.append(got)
    expected = [reference(x) for x in inputs]
    if answers == expected:
        return Verdict.ok(len(inputs))
    for code, model in mistakes:
        if answers == [model(x) for x in inputs]:
            j = next(j for j, x in enumerate(inputs) if model(x) != reference(x))
            example = inputs.index("각") if "각" in inputs else j
            return Verdict.fail(code, diagnosis=code.split(".", 1)[1],
                                case=f"{inputs[j]!r}", got=f"{answers[example]!r} "
                                f"({_jamo_code(answers[example])})")
    if compat_ok and answers == [_compat(e) for e in expected]:
        return Verdict.fail("hangul_decompose.compat", diagnosis="compat",
                            got=f"{answers[0]!r} ({_jamo_code(answers[0])})")
    j = next(j for j, (a, e) in enumerate(zip(answers, expected)) if a != e)
    return Verdict.fail("hangul.mismatch", diagnosis="mismatch",
                        case=f"{inputs[j]!r} ({_jamo_code(inputs[j])})",
                        got=f"{answers[j]!r} ({_jamo_code(answers[j]) or 'empty'})",
                        expected=f"{expected[j]!r} ({_jamo_code(expected[j])})")


def _syllables():
    rng = np.random.default_rng(case_seed(7_300))
    extra = [chr(hangul.S_BASE + int(k)) for k in rng.integers(0, hangul.S_COUNT, 4)]
    return list(SYLLABLES) + extra


@register("hangul_decompose", messages=HANGUL_MESSAGES)
def _check_hangul_decompose(fn) -> Verdict:
    return _check_strings(fn, _syllables(), hangul.decompose, DECOMPOSE_MISTAKES, compat_ok=True)


@register("hangul_compose", messages=HANGUL_MESSAGES)
def _check_hangul_compose(fn) -> Verdict:
    inputs = [hangul.decompose(s) for s in _syllables()]
    return _check_strings(fn, inputs, hangul.compose, COMPOSE_MISTAKES)


# ---------------------------------------------------------------- temperature_effect

def _entropies():
    """Entropy in bits of softmax(z / T) at T = 0.1 and 2.0 for a fixed set of logits."""
    z = np.random.default_rng(7_400).standard_normal(60) * 0.5
    return {T: float(-(p * np.log2(np.maximum(p, 1e-300))).sum())
            for T, p in ((0.1, _softmax(z, 0.1)), (2.0, _softmax(z, 2.0)))}


@register("temperature_effect", messages={
    "en": {
        "temperature_effect.passed": ("Correct: dividing the logits by T = 2.0 flattens the "
                                      "distribution, so samples hold more distinct characters. "
                                      "For 60 random logits the entropy is {low} bits at "
                                      "T = 0.1 and {high} bits at T = 2.0. The next cell "
                                      "measures it on the model."),
        "temperature_effect.low": ("Not 0.1: dividing the logits by 0.1 multiplies their "
                                   "differences by 10, so nearly all probability goes to the "
                                   "most probable character and samples repeat it. For 60 "
                                   "random logits the entropy is {low} bits at T = 0.1 and "
                                   "{high} bits at T = 2.0."),
        "temperature_effect.same": ("Not the same: the temperature changes the distribution the "
                                    "characters are drawn from (entropy {low} bits at T = 0.1, "
                                    "{high} bits at T = 2.0 for 60 random logits)."),
        "temperature_effect.wrong_type": ("Answer with 0.1, 2.0 or \"same\"; your function "
                                          "returned {got}."),
    },
    "ko": {
        "temperature_effect.passed": ("정답입니다. 로짓을 T = 2.0으로 나누면 분포가 평평해지므로 "
                                      "샘플에 서로 다른 문자가 더 많이 나옵니다. 무작위 로짓 60개에서 "
                                      "엔트로피는 T = 0.1일 때 {low}비트, T = 2.0일 때 {high}비트입니다. "
                                      "다음 셀에서 모델로 측정합니다."),
        "temperature_effect.low": ("0.1이 아닙니다. 로짓을 0.1로 나누면 로짓 사이의 차이가 10배가 "
                                   "되어 확률이 거의 모두 가장 그럴듯한 문자에 몰리고, 샘플은 그 "
                                   "문자를 되풀이합니다. 무작위 로짓 60개에서 엔트로피는 T = 0.1일 때 "
                                   "{low}비트, T = 2.0일 때 {high}비트입니다."),
        "temperature_effect.same": ("같지 않습니다. 온도는 문자를 뽑는 분포 자체를 바꿉니다(무작위 "
                                    "로짓 60개에서 엔트로피는 T = 0.1일 때 {low}비트, T = 2.0일 때 "
                                    "{high}비트)."),
        "temperature_effect.wrong_type": ("0.1, 2.0, \"same\" 가운데 하나로 답해야 합니다. 반환된 "
                                          "것은 {got}입니다."),
    },
})
def _check_temperature_effect(fn) -> Verdict:
    got = call_learner(fn, (), case="()")
    if got is None:
        return Verdict.fail("returned_none")
    h = _entropies()
    numbers = dict(low=f"{h[0.1]:.2f}", high=f"{h[2.0]:.2f}")
    answer = got.strip().lower() if isinstance(got, str) else got
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        answer = {0.1: "low", 2.0: "high"}.get(round(float(answer), 6))
    elif answer != "same":
        answer = None
    if answer == "high":
        verdict = Verdict.ok(1, code="temperature_effect.passed")
        verdict.parts[0].args.update(numbers)
        return verdict
    if answer in ("low", "same"):
        return Verdict.fail(f"temperature_effect.{answer}", diagnosis=answer, **numbers)
    from ..exercises._text import _describe
    return Verdict.fail("temperature_effect.wrong_type", diagnosis="wrong_type",
                        got=repr(got) if isinstance(got, (str, int, float)) else _describe(got))
