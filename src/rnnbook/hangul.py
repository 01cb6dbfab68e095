"""Hangul syllables ↔ jamo, by the arithmetic of the Unicode Hangul Syllables block.

Every modern Hangul syllable is one code point of the block U+AC00–U+D7A3 (11,172
syllables), numbered from an initial consonant (choseong) L, a vowel (jungseong) V and an
optional final consonant (jongseong) T:

    S = 0xAC00 + (L · 21 + V) · 28 + T,    L ∈ [0, 19), V ∈ [0, 21), T ∈ [0, 28)

T = 0 means "no final consonant". The conjoining jamo are L → U+1100 + L,
V → U+1161 + V and, for T ≥ 1 only, T → U+11A7 + T (U+11A8 … U+11C2). This is the
canonical decomposition that Unicode's NFD produces for these syllables (The Unicode
Standard, section 3.12, "Conjoining Jamo Behavior"); the tests compare with
``unicodedata``. Unlike NFD, :func:`to_jamo` leaves every other character alone (NFD
would also split letters such as "ë" into a base letter and a combining mark).

Explained in chapters/<lang>/07_language_model.
"""

from __future__ import annotations

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
        raise TypeError(f"{name} must be a str, got {type(ch).__name__}")


def decompose(syllable: str) -> str:
    """The conjoining jamo of one Hangul syllable: 2 characters (L V) or 3 (L V T).

    L = s // 588, V = (s mod 588) // 28, T = s mod 28 with s = code point − 0xAC00.
    Example: "한" → "\\u1112\\u1161\\u11ab" (ㅎ ㅏ ㄴ), "가" → "\\u1100\\u1161".

    Explained in chapters/<lang>/07_language_model.
    """
    _check_char("syllable", syllable)
    if not is_syllable(syllable):
        raise ValueError(f"syllable must be one character of the Hangul Syllables block "
                         f"U+AC00–U+D7A3, got {syllable!r}")
    s = ord(syllable) - S_BASE
    lead, vowel, tail = s // N_COUNT, (s % N_COUNT) // T_COUNT, s % T_COUNT
    jamo = chr(L_BASE + lead) + chr(V_BASE + vowel)
    return jamo + chr(T_BASE + tail) if tail else jamo


def _index(ch: str, base: int, count: int, start: int = 0) -> int | None:
    k = ord(ch) - base
    return k if start <= k < count else None


def compose(jamo: str) -> str:
    """The syllable of 2 or 3 conjoining jamo (L V or L V T); the inverse of :func:`decompose`.

    Explained in chapters/<lang>/07_language_model.
    """
    _check_char("jamo", jamo)
    parts = [None, None, None]
    if len(jamo) in (2, 3):
        parts[0] = _index(jamo[0], L_BASE, L_COUNT)
        parts[1] = _index(jamo[1], V_BASE, V_COUNT)
        parts[2] = _index(jamo[2], T_BASE, T_COUNT, start=1) if len(jamo) == 3 else 0
    if None in parts:
        raise ValueError(f"jamo must be an initial consonant U+1100–U+1112, a vowel "
                         f"U+1161–U+1175 and optionally a final consonant U+11A8–U+11C2, got "
                         f"{jamo!r} ({' '.join(f'U+{ord(c):04X}' for c in jamo) or 'empty'})")
    lead, vowel, tail = parts
    return chr(S_BASE + (lead * V_COUNT + vowel) * T_COUNT + tail)


def to_jamo(text: str) -> str:
    """``text`` with every Hangul syllable replaced by its conjoining jamo; other characters kept.

    Explained in chapters/<lang>/07_language_model.
    """
    _check_char("text", text)
    return "".join(decompose(ch) if is_syllable(ch) else ch for ch in text)


def from_jamo(text: str) -> str:
    """Recompose every L V (T) run of conjoining jamo in ``text`` into its syllable.

    A final consonant after L V is taken into the syllable. Jamo that do not form such a
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
