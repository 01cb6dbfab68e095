"""rnnbook.hangul against Python's own Unicode database (unicodedata's NFD and NFC)."""

import unicodedata

import pytest

from rnnbook import data, hangul

ALL_SYLLABLES = [chr(c) for c in range(0xAC00, 0xD7A4)]


def test_the_block_has_11172_syllables():
    assert len(ALL_SYLLABLES) == 11172 == hangul.S_COUNT
    assert all(unicodedata.name(s).startswith("HANGUL SYLLABLE") for s in ALL_SYLLABLES)
    assert not hangul.is_syllable("\uabff") and not hangul.is_syllable("\ud7a4")


def test_decompose_equals_nfd_on_every_syllable():
    for s in ALL_SYLLABLES:
        assert hangul.decompose(s) == unicodedata.normalize("NFD", s), s


def test_compose_equals_nfc_and_round_trips_on_every_syllable():
    for s in ALL_SYLLABLES:
        jamo = unicodedata.normalize("NFD", s)
        assert hangul.compose(jamo) == unicodedata.normalize("NFC", jamo) == s, s


def test_known_syllables_by_name():
    # 한 = HIEUH + A + NIEUN (final); 가 has no final consonant
    assert [unicodedata.name(j) for j in hangul.decompose("한")] == [
        "HANGUL CHOSEONG HIEUH", "HANGUL JUNGSEONG A", "HANGUL JONGSEONG NIEUN"]
    assert [unicodedata.name(j) for j in hangul.decompose("가")] == [
        "HANGUL CHOSEONG KIYEOK", "HANGUL JUNGSEONG A"]
    assert [unicodedata.name(j) for j in hangul.decompose("힣")] == [
        "HANGUL CHOSEONG HIEUH", "HANGUL JUNGSEONG I", "HANGUL JONGSEONG HIEUH"]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_text_round_trip_on_the_book_text(lang):
    text = data.book_text(lang)
    jamo = hangul.to_jamo(text)
    assert hangul.from_jamo(jamo) == text
    syllables = [ch for ch in text if hangul.is_syllable(ch)]
    if lang == "ko":
        assert len(set(syllables)) > 500
        assert len(jamo) == len(text) + sum(len(hangul.decompose(s)) - 1 for s in syllables)
    for s in set(syllables):  # every syllable of the text, one by one
        assert hangul.compose(hangul.decompose(s)) == s


def test_to_jamo_keeps_other_characters_unlike_nfd():
    text = "Merriënboer, LSTM 셀 (cell) 2014"
    jamo = hangul.to_jamo(text)
    assert "ë" in jamo and unicodedata.normalize("NFD", text) != jamo
    assert hangul.from_jamo(jamo) == text
    assert hangul.to_jamo("abc") == "abc"


def test_from_jamo_keeps_incomplete_runs():
    lone_vowel, lone_tail = "\u1161", "\u11ab"
    assert hangul.from_jamo(lone_vowel + "x" + lone_tail) == lone_vowel + "x" + lone_tail
    assert hangul.from_jamo("\u1100") == "\u1100"
    assert hangul.from_jamo("\u1100\u1161\u11a8\u11a8") == "각\u11a8"


@pytest.mark.parametrize("bad", ["", "ab", "a", "ㄱ", "\u1100", "가나"])
def test_decompose_rejects_what_is_not_one_syllable(bad):
    with pytest.raises(ValueError, match="Hangul Syllables block"):
        hangul.decompose(bad)


@pytest.mark.parametrize("bad", ["", "\u1100", "\u1161\u1100", "\u1100\u1161\u11a7",
                                 "\u1100\u1161\u1100", "가", "\u1100\u1161\u11a8\u11a8", "ㄱㅏ"])
def test_compose_rejects_what_is_not_a_jamo_run(bad):
    with pytest.raises(ValueError, match="initial consonant"):
        hangul.compose(bad)


@pytest.mark.parametrize("fn", [hangul.decompose, hangul.compose, hangul.to_jamo, hangul.from_jamo])
def test_non_strings_are_type_errors(fn):
    with pytest.raises(TypeError, match="must be a str"):
        fn(0xAC00)
