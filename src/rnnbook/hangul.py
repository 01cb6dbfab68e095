"""Hangul syllables ↔ jamo, by the arithmetic of the Unicode Hangul Syllables block.

Every modern Hangul syllable is one code point of the block U+AC00–U+D7A3 (11,172
syllables), numbered from an initial consonant (choseong) L, a medial vowel (jungseong) M
and an optional final consonant (jongseong) F, as in equation (7.4) of chapter 07:

    S = 0xAC00 + (L · 21 + M) · 28 + F,    L ∈ [0, 19), M ∈ [0, 21), F ∈ [0, 28)

F = 0 means "no final consonant". The conjoining jamo are L → U+1100 + L,
M → U+1161 + M and, for F ≥ 1 only, F → U+11A7 + F (U+11A8 … U+11C2). The Unicode
Standard names the three indices L, V, T; the chapter uses M and F because V and T are
its vocabulary size and window length, and the constants below keep Unicode's names
(``V_BASE`` is the medial vowel's base, ``T_BASE`` the final consonant's). This is the
canonical decomposition that Unicode's NFD produces for these syllables (The Unicode
Standard, section 3.12, "Conjoining Jamo Behavior"); the tests compare with
``unicodedata``. Unlike NFD, :func:`to_jamo` leaves every other character alone (NFD
would also split letters such as "ë" into a base letter and a combining mark).

Explained in chapters/<lang>/07_language_model.
"""

from __future__ import annotations

from ._validate import say as _say

S_BASE, L_BASE, V_BASE, T_BASE = 0xAC00, 0x1100, 0x1161, 0x11A7
L_COUNT, V_COUNT, T_COUNT = 19, 21, 28
N_COUNT = V_COUNT * T_COUNT  # 588 syllables share one initial consonant
S_COUNT = L_COUNT * N_COUNT  # 11,172


def is_syllable(ch: str) -> bool:
    """True if ``ch`` is one character of the Hangul Syllables block U+AC00–U+D7A3.

    Explained in chapters/<lang>/07_language_model.
    """
    return isinstance(ch, str) and len(ch) == 1 and 0 <= ord(ch) - S_BASE < S_COUNT


def _check_char(name: str, ch) -> None:
    if not isinstance(ch, str):
        raise TypeError(_say(f"{name} must be a str, got {type(ch).__name__}",
                             f"{name}에는 str이 필요합니다. 받은 것: {type(ch).__name__}"))


def decompose(syllable: str) -> str:
    """The conjoining jamo of one Hangul syllable: 2 characters (L M) or 3 (L M F).

    L = s // 588, M = (s mod 588) // 28, F = s mod 28 with s = code point − 0xAC00.
    Example: "한" → "\\u1112\\u1161\\u11ab" (ㅎ ㅏ ㄴ), "가" → "\\u1100\\u1161".

    Explained in chapters/<lang>/07_language_model.
    """
    _check_char("syllable", syllable)
    if not is_syllable(syllable):
        raise ValueError(_say(f"syllable must be one character of the Hangul Syllables block "
                              f"U+AC00–U+D7A3, got {syllable!r}",
                              f"syllable에는 한글 음절 블록 U+AC00–U+D7A3의 문자 하나가 필요합니다. "
                              f"받은 값: {syllable!r}"))
    s = ord(syllable) - S_BASE
    lead, vowel, tail = s // N_COUNT, (s % N_COUNT) // T_COUNT, s % T_COUNT
    jamo = chr(L_BASE + lead) + chr(V_BASE + vowel)
    return jamo + chr(T_BASE + tail) if tail else jamo


def _index(ch: str, base: int, count: int, start: int = 0) -> int | None:
    k = ord(ch) - base
    return k if start <= k < count else None


def compose(jamo: str) -> str:
    """The syllable of 2 or 3 conjoining jamo (L M or L M F); the inverse of :func:`decompose`.

    Explained in chapters/<lang>/07_language_model.
    """
    _check_char("jamo", jamo)
    parts = [None, None, None]
    if len(jamo) in (2, 3):
        parts[0] = _index(jamo[0], L_BASE, L_COUNT)
        parts[1] = _index(jamo[1], V_BASE, V_COUNT)
        parts[2] = _index(jamo[2], T_BASE, T_COUNT, start=1) if len(jamo) == 3 else 0
    if None in parts:
        points = " ".join(f"U+{ord(c):04X}" for c in jamo)
        raise ValueError(_say(f"jamo must be an initial consonant U+1100–U+1112, a vowel "
                              f"U+1161–U+1175 and optionally a final consonant U+11A8–U+11C2, "
                              f"got {jamo!r} ({points or 'empty'})",
                              f"jamo는 초성 U+1100–U+1112, 중성 U+1161–U+1175, 그리고 있다면 종성 "
                              f"U+11A8–U+11C2여야 합니다. 받은 값: {jamo!r} ({points or '빈 문자열'})"))
    lead, vowel, tail = parts
    return chr(S_BASE + (lead * V_COUNT + vowel) * T_COUNT + tail)


def to_jamo(text: str) -> str:
    """``text`` with every Hangul syllable replaced by its conjoining jamo; other characters kept.

    Explained in chapters/<lang>/07_language_model.
    """
    _check_char("text", text)
    return "".join(decompose(ch) if is_syllable(ch) else ch for ch in text)


def from_jamo(text: str) -> str:
    """Recompose every L M (F) run of conjoining jamo in ``text`` into its syllable.

    A final consonant after L M is taken into the syllable. Jamo that do not form such a
    run (a lone vowel, say) are kept as they are, so ``from_jamo(to_jamo(t)) == t`` for any
    text ``t`` that contains no conjoining jamo of its own.

    Explained in chapters/<lang>/07_language_model.
    """
    _check_char("text", text)
    out, i, n = [], 0, len(text)
    while i < n:
        if (i + 1 < n and _index(text[i], L_BASE, L_COUNT) is not None
                and _index(text[i + 1], V_BASE, V_COUNT) is not None):
            k = 3 if i + 2 < n and _index(text[i + 2], T_BASE, T_COUNT, start=1) is not None else 2
            out.append(compose(text[i:i + k]))
            i += k
        else:
            out.append(text[i])
            i += 1
    return "".join(out)
