"""Synthetic tasks and the small real data set shipped with the package.

- "hello": next-character prediction on one word (chapter 01).
- The adding problem (Hochreiter & Schmidhuber 1997, experiment 4; in the
  form of Le, Jaitly & Hinton 2015, arXiv:1504.00941): a long sequence of
  random numbers, two of them marked; the target is the sum of the marked two.
- The copy task (Hochreiter & Schmidhuber 1997; Arjovsky et al. 2016).
- Monthly sunspot numbers 1749–2008 (NOAA NGDC, public domain), see data/README.md.
- The book's own prose (chapters 00–05 and the glossary, one snapshot per language), the
  text of chapter 07's language model, with a train/validation split by whole paragraphs.

Everything is time-major like torch.nn: inputs (T, B, I).
"""

from __future__ import annotations

import csv
from importlib import resources
from typing import NamedTuple

import numpy as np

from .._validate import check_size, say


def _rng(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    raise TypeError(say(f"rng must be a numpy Generator, an int seed or None, got {type(rng).__name__}",
                        f"rng에는 numpy Generator, 정수 시드 또는 None이 필요합니다. "
                        f"받은 것: {type(rng).__name__}"))


def one_hot(indices, n: int, dtype=np.float64) -> np.ndarray:
    """One-hot encode integer ``indices`` of any shape into shape ``indices.shape + (n,)``.

    Explained in chapters/<lang>/01_rnn.
    """
    idx = np.asarray(indices)
    if idx.dtype.kind not in "iu":
        raise TypeError(say(f"indices must be integers, got dtype {idx.dtype}",
                            f"indices는 정수여야 합니다. 받은 dtype: {idx.dtype}"))
    n = check_size("n", n)
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise ValueError(say(f"indices must lie in [0, {n}), got values in [{idx.min()}, {idx.max()}]",
                             f"indices는 [0, {n}) 안에 있어야 합니다. 받은 값의 범위: "
                             f"[{idx.min()}, {idx.max()}]"))
    return np.eye(n, dtype=dtype)[idx]


class CharTask(NamedTuple):
    """A next-character task: inputs (T, 1, V) one-hot, targets (T,) character ids."""

    vocab: str
    inputs: np.ndarray
    targets: np.ndarray


def hello(word: str = "hello") -> CharTask:
    """The "hello" task: read ``word[:-1]`` one character at a time, predict the next one.

    The vocabulary is the word's distinct characters in order of first
    appearance ("helo" for "hello"). Explained in chapters/<lang>/01_rnn.
    """
    if not isinstance(word, str) or len(word) < 2:
        raise ValueError(say(f"word must be a string of at least 2 characters, got {word!r}",
                             f"word에는 두 글자 이상의 문자열이 필요합니다. 받은 값: {word!r}"))
    vocab = "".join(dict.fromkeys(word))
    ids = np.array([vocab.index(ch) for ch in word])
    inputs = one_hot(ids[:-1], len(vocab))[:, None, :]  # (T, 1, V)
    return CharTask(vocab, inputs, ids[1:])


def adding_problem(n: int, length: int, rng=None, dtype=np.float64):
    """``n`` sequences of the adding problem: inputs (length, n, 2), targets (n, 1).

    Channel 0 holds numbers drawn from U(0, 1); channel 1 marks two positions,
    one in each half of the sequence. The target is the sum of the two marked
    numbers. Predicting the constant 1 (the target's mean) gives a mean squared
    error of 1/6 ≈ 0.167, the baseline a model must beat.
    Explained in chapters/<lang>/02_bptt_and_gradients.
    """
    n = check_size("n", n)
    length = check_size("length", length)
    if length < 2:
        raise ValueError(say(f"length must be at least 2 (one marker per half), got {length}",
                             f"length는 2 이상이어야 합니다(절반마다 표시 하나). 받은 값: {length}"))
    g = _rng(rng)
    values = g.random((length, n))
    half = length // 2
    first = g.integers(0, half, size=n)
    second = g.integers(half, length, size=n)
    marks = np.zeros((length, n))
    cols = np.arange(n)
    marks[first, cols] = 1.0
    marks[second, cols] = 1.0
    xs = np.stack([values, marks], axis=-1).astype(dtype)  # (length, n, 2)
    ys = (values[first, cols] + values[second, cols])[:, None].astype(dtype)  # (n, 1)
    return xs, ys


def copy_task(n: int, length: int, delay: int, n_symbols: int = 8, rng=None, dtype=np.float64):
    """The copy task: remember ``length`` symbols for ``delay`` steps, then repeat them.

    The ``delay`` steps are ``delay − 1`` blanks followed by the "recall now" cue.

    Returns inputs (length + delay + length, n, n_symbols + 2) one-hot and
    targets (length, n) symbol ids for the last ``length`` steps. Symbol
    ``n_symbols`` is the blank and ``n_symbols + 1`` the "recall now" cue.
    """
    n = check_size("n", n)
    length = check_size("length", length)
    n_symbols = check_size("n_symbols", n_symbols)
    delay = check_size("delay", delay)
    g = _rng(rng)
    symbols = g.integers(0, n_symbols, size=(length, n))
    blank, cue = n_symbols, n_symbols + 1
    ids = np.full((2 * length + delay, n), blank)
    ids[:length] = symbols
    ids[length + delay - 1] = cue
    return one_hot(ids, n_symbols + 2, dtype=dtype), symbols


class Series(NamedTuple):
    """A univariate time series: ``time`` (N,) as decimal years, ``values`` (N,).

    Explained in chapters/<lang>/01_rnn.
    """

    time: np.ndarray
    values: np.ndarray


def sunspots() -> Series:
    """Monthly mean sunspot numbers, January 1749 – December 2008 (3,120 months).

    Source: NOAA National Geophysical Data Center, public domain; see
    ``rnnbook/data/README.md``. Explained in chapters/<lang>/01_rnn.
    """
    text = resources.files(__package__).joinpath("sunspots_monthly.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    time = np.array([int(r["year"]) + (int(r["month"]) - 0.5) / 12 for r in rows])
    values = np.array([float(r["sunspots"]) for r in rows])
    return Series(time, values)


def windows(series, length: int, horizon: int = 1):
    """Cut a 1-D series into many-to-one examples.

    Returns inputs (length, N, 1) — ``length`` consecutive values — and
    targets (N, 1), the value ``horizon`` steps after each window's last value.

    Explained in chapters/<lang>/01_rnn.
    """
    x = np.asarray(series, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(say(f"series must be 1-D, got shape {x.shape}",
                             f"series는 1차원 배열이어야 합니다. 받은 모양: {x.shape}"))
    length = check_size("length", length)
    horizon = check_size("horizon", horizon)
    n = x.size - length - horizon + 1
    if n < 1:
        raise ValueError(say(f"series of {x.size} values is too short for length={length}, horizon={horizon}",
                             f"값이 {x.size}개인 series는 length={length}, horizon={horizon}에 "
                             f"쓰기에 너무 짧습니다"))
    idx = np.arange(length)[:, None] + np.arange(n)[None, :]  # (length, N)
    return x[idx][..., None], x[length + horizon - 1 :][:n, None]


BOOK_PAGE_MARK = "=== "


def book_pages(lang: str) -> list:
    """The shipped prose snapshot of one language: ``[(page, [paragraph, …]), …]``.

    ``book_text_<lang>.txt`` holds the Markdown prose of chapters 00–05 and the glossary
    as plain text, one paragraph per line, each page introduced by ``=== <page> ===``.
    It is written by ``python tools/book.py snapshot-text`` (whose docstring lists what
    is kept and what is dropped) and rewritten only on purpose, so that editing a chapter
    does not change chapter 07's outputs. Explained in chapters/<lang>/07_language_model.
    """
    from .. import check_lang

    check_lang(lang)
    text = resources.files(__package__).joinpath(f"book_text_{lang}.txt").read_text(encoding="utf-8")
    pages: list = []
    for line in text.splitlines():
        if line.startswith(BOOK_PAGE_MARK) and line.endswith(" ==="):
            pages.append((line[len(BOOK_PAGE_MARK):-4], []))
        elif line:
            if not pages:
                raise ValueError(say(f"book_text_{lang}.txt must start with a page line '=== … ==='",
                             f"book_text_{lang}.txt는 쪽 표시 줄 '=== … ==='로 시작해야 합니다."))
            pages[-1][1].append(line)
    return pages


def book_text(lang: str) -> str:
    """The whole prose snapshot of one language as one string, one paragraph per line.

    Explained in chapters/<lang>/07_language_model.
    """
    return "\n".join(p for _, paragraphs in book_pages(lang) for p in paragraphs) + "\n"


def validation_block(lengths, fraction: float) -> tuple:
    """The paragraphs ``[start, stop)`` of one page that go to validation.

    The block is contiguous and sits in the middle of the page: it starts at the first
    paragraph that begins at or after character ``(1 − fraction) / 2 · L`` of the page
    (L characters in all) and takes whole paragraphs until it holds at least
    ``fraction · L`` characters. ``lengths`` are the paragraphs' lengths in characters.
    The middle, not the end: chapters end with their reference lists.

    Explained in chapters/<lang>/07_language_model.
    """
    lengths = [int(n) for n in lengths]
    if not (isinstance(fraction, float) and 0.0 < fraction < 1.0):
        raise ValueError(say(f"fraction must be a float in (0, 1), got {fraction!r}",
                             f"fraction은 (0, 1) 구간의 실수여야 합니다. 받은 값: {fraction!r}"))
    if not lengths or min(lengths) < 0:
        raise ValueError(say(f"lengths must be a non-empty list of character counts, got {lengths!r}",
                             f"lengths는 문자 수를 담은, 비어 있지 않은 리스트여야 합니다. "
                             f"받은 값: {lengths!r}"))
    total = sum(lengths)
    begin, target = (1.0 - fraction) / 2 * total, fraction * total
    offset, start = 0, len(lengths)
    for i, n in enumerate(lengths):
        if offset >= begin:
            start = i
            break
        offset += n
    stop, held = start, 0
    while stop < len(lengths) and held < target:
        held += lengths[stop]
        stop += 1
    return start, stop


class TextSplit(NamedTuple):
    """Training and validation text; paragraphs end with a newline.

    Explained in chapters/<lang>/07_language_model.
    """

    train: str
    valid: str


def book_split(lang: str, valid_fraction: float = 0.1) -> TextSplit:
    """Split the prose snapshot by whole paragraphs: the middle block of every page
    (:func:`validation_block`) is validation, the rest is training.

    No paragraph is cut in two, so no sentence is split between the two sides; each page
    gives both sides text, so both cover every topic. The training text jumps over the
    hole (the paragraphs before and after the block become neighbours).

    Explained in chapters/<lang>/07_language_model.
    """
    train, valid = [], []
    for _, paragraphs in book_pages(lang):
        start, stop = validation_block([len(p) + 1 for p in paragraphs], valid_fraction)
        train += paragraphs[:start] + paragraphs[stop:]
        valid += paragraphs[start:stop]
    return TextSplit("".join(p + "\n" for p in train), "".join(p + "\n" for p in valid))
