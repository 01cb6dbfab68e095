"""Synthetic tasks and the small real data set shipped with the package.

- "hello": next-character prediction on one word (chapter 01).
- The adding problem (Hochreiter & Schmidhuber 1997, experiment 4; in the
  form of Le, Jaitly & Hinton 2015, arXiv:1504.00941): a long sequence of
  random numbers, two of them marked; the target is the sum of the marked two.
- The copy task (Hochreiter & Schmidhuber 1997; Arjovsky et al. 2016).
- Monthly sunspot numbers 1749–2008 (NOAA NGDC, public domain), see data/README.md.

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
