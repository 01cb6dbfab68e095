"""A character-level language model, its count-based baselines, and sampling (needs torch).

The model reads characters one at a time and predicts the next one:

    e_t = E[x_t]                      embedding, E (V, D)
    h_t = cell(e_t, h_{t−1})          torch.nn RNN, LSTM or GRU, hidden size H
    z_t = W_hy h_t + b_y              logits (V,)
    p(x_{t+1} = v | x_{≤t}) = softmax(z_t)_v

Training minimises the cross-entropy −log p(x_{t+1}) averaged over characters, with
truncated backpropagation through time: the text is cut into B contiguous streams, each
read in windows of T characters; the state at the end of one window is carried into the
next (so the model sees the past) but detached (so gradients stop at the window's edge).

Quality is measured in bits per character, bpc = mean(−log₂ p), and perplexity
2^bpc = exp(mean(−ln p)), on validation text (Shannon 1951; Graves 2013). The baselines
are count models with add-k smoothing: a unigram p(c) and a bigram p(c | previous c).

References: A. Karpathy, min-char-rnn / char-rnn (2015); A. Graves (2013), "Generating
sequences with recurrent neural networks", arXiv:1308.0850; C. E. Shannon (1951),
"Prediction and entropy of printed English".

Explained in chapters/<lang>/07_language_model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from ._validate import check_size, say
from .train import CELLS


class Vocab:
    """The characters of a text, sorted by code point; ``encode``/``decode`` map text ↔ ids.

    Explained in chapters/<lang>/07_language_model.
    """

    def __init__(self, *texts: str):
        for t in texts:
            if not isinstance(t, str):
                raise TypeError(say(f"texts must be str, got {type(t).__name__}",
                                    f"texts에는 str이 필요합니다. 받은 것: {type(t).__name__}"))
        self.chars = "".join(sorted(set("".join(texts))))
        if not self.chars:
            raise ValueError(say("the texts hold no characters; a vocabulary needs at least one",
                                 "texts에 문자가 하나도 없습니다. 어휘에는 문자가 하나 이상 "
                                 "있어야 합니다."))
        self._index = {ch: i for i, ch in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        """Ids (N,) int64 of the characters of ``text``."""
        missing = sorted(set(text) - set(self._index))
        if missing:
            raise ValueError(say(f"characters not in the vocabulary: {''.join(missing[:20])!r}",
                                 f"어휘에 없는 문자: {''.join(missing[:20])!r}"))
        return np.fromiter((self._index[ch] for ch in text), dtype=np.int64, count=len(text))

    def decode(self, ids) -> str:
        """The text of ids (any iterable of ints in [0, V))."""
        return "".join(self.chars[int(i)] for i in ids)


class CharLM(nn.Module):
    """Embedding → one torch.nn recurrent layer → linear head over the vocabulary.

    forward(ids (T, B) int64, state) → logits (T, B, V), state.

    Explained in chapters/<lang>/07_language_model.
    """

    def __init__(self, cell: str, vocab_size: int, hidden_size: int, embed_size: int):
        super().__init__()
        if cell not in CELLS:
            raise ValueError(say(f"cell must be one of {sorted(CELLS)}, got {cell!r}",
                             f"cell은 {sorted(CELLS)} 가운데 하나여야 합니다. 받은 값: {cell!r}"))
        self.cell = cell
        self.embed = nn.Embedding(check_size("vocab_size", vocab_size),
                                  check_size("embed_size", embed_size))
        self.rnn = CELLS[cell](embed_size, check_size("hidden_size", hidden_size))
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, ids: torch.Tensor, state=None):
        hs, state = self.rnn(self.embed(ids), state)  # (T, B, D) → (T, B, H)
        return self.head(hs), state                    # (T, B, V)


def make_lm(cell: str, vocab_size: int, hidden_size: int, embed_size: int = 32,
            seed: int = 0) -> CharLM:
    """A :class:`CharLM` whose initial weights depend only on ``seed``.

    Explained in chapters/<lang>/07_language_model.
    """
    torch.manual_seed(seed)
    return CharLM(cell, vocab_size, hidden_size, embed_size)


def lm_param_count(cell: str, vocab_size: int, hidden_size: int, embed_size: int) -> int:
    """Parameters of :class:`CharLM`: V·D + G·H·(D + H + 2) + H·V + V.

    Explained in chapters/<lang>/07_language_model.
    """
    G = {"rnn": 1, "gru": 3, "lstm": 4}[cell]
    V, H, D = vocab_size, hidden_size, embed_size
    return V * D + G * H * (D + H + 2) + H * V + V


def hidden_for_params(cell: str, n_params: int, vocab_size: int, embed_size: int) -> int:
    """The hidden size H whose :func:`lm_param_count` is closest to ``n_params``.

    Explained in chapters/<lang>/07_language_model.
    """
    check_size("n_params", n_params)
    return min(range(1, 4096), key=lambda H: abs(lm_param_count(cell, vocab_size, H, embed_size)
                                                 - n_params))


def streams(ids, batch_size: int) -> np.ndarray:
    """Cut ids (N,) into ``batch_size`` contiguous streams, shape (N // B, B), time-major.

    Column b is characters [b·L, (b+1)·L) of the text, L = N // B; the last N mod B
    characters are dropped. Window k of the training loop is rows [k·T, (k+1)·T].

    Explained in chapters/<lang>/07_language_model.
    """
    ids = np.asarray(ids)
    B = check_size("batch_size", batch_size)
    L = ids.size // B
    if L < 2:
        raise ValueError(say(f"{ids.size} ids are too few for {B} streams of at least 2",
                             f"id {ids.size}개로는 길이 2 이상인 스트림 {B}개를 만들 수 없습니다."))
    return ids[: L * B].reshape(B, L).T.copy()  # (L, B)


def _detach(state):
    if state is None:
        return None
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


@dataclass
class LMHistory:
    """What :func:`train_lm` recorded: loss per update (nats) and validation bpc.

    Explained in chapters/<lang>/07_language_model.
    """

    loss: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    eval_step: list = field(default_factory=list)
    eval_bpc: list = field(default_factory=list)


def train_lm(model: CharLM, ids, steps: int, batch_size: int = 16, seq_len: int = 32,
             lr: float = 3e-3, clip: float = 1.0, valid_ids=None, eval_every: int = 100,
             callback=None) -> LMHistory:
    """Train with Adam and truncated BPTT: windows of ``seq_len`` characters, state carried.

    - ``ids`` (N,): the training text's ids, cut into ``batch_size`` streams (:func:`streams`).
    - Each update reads the next window of every stream; the state from the previous window
      is carried and detached. After the last window the streams start again with a zero
      state (a new pass over the text).
    - ``clip``: the gradient's global norm is clipped to this value (chapter 02).
    - ``valid_ids``: evaluated with :func:`evaluate` every ``eval_every`` updates and at
      the end; ``callback(step, model)`` is called at the same points.

    Explained in chapters/<lang>/07_language_model.
    """
    steps = check_size("steps", steps)
    T = check_size("seq_len", seq_len)
    data = torch.from_numpy(streams(ids, batch_size))  # (L, B)
    n_windows = (data.shape[0] - 1) // T
    if n_windows < 1:
        raise ValueError(say(f"streams of {data.shape[0]} characters are too short for seq_len={T}",
                             f"문자 {data.shape[0]}개짜리 스트림은 seq_len={T}에 비해 너무 짧습니다."))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    hist, state = LMHistory(), None
    for step in range(steps):
        k = step % n_windows
        if k == 0:
            state = None
        xs, ys = data[k * T:(k + 1) * T], data[k * T + 1:(k + 1) * T + 1]  # (T, B) each
        logits, state = model(xs, _detach(state))
        loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), ys.reshape(-1))
        opt.zero_grad()
        loss.backward()
        norm = nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        hist.loss.append(loss.item())
        hist.grad_norm.append(norm.item())
        if (step + 1) % eval_every == 0 or step + 1 == steps:
            if valid_ids is not None:
                hist.eval_step.append(step + 1)
                hist.eval_bpc.append(bits(evaluate(model, valid_ids)))
            if callback is not None:
                callback(step + 1, model)
    return hist


@torch.no_grad()
def evaluate(model: CharLM, ids, chunk: int = 1024) -> float:
    """Mean cross-entropy in nats of predicting ids[1:] from everything before them.

    The text is read as one stream (batch size 1) in chunks of ``chunk`` characters with the
    state carried, so every prediction sees the whole text before it.

    Explained in chapters/<lang>/07_language_model.
    """
    ids = torch.as_tensor(np.asarray(ids), dtype=torch.long)
    if ids.ndim != 1 or ids.numel() < 2:
        raise ValueError(say(f"ids must be 1-D with at least 2 ids, got shape {tuple(ids.shape)}",
                             f"ids는 id가 2개 이상인 1차원 배열이어야 합니다. "
                             f"받은 모양: {tuple(ids.shape)}"))
    total, state = 0.0, None
    was_training = model.training
    model.eval()
    for start in range(0, ids.numel() - 1, chunk):
        xs = ids[start:start + chunk]
        ys = ids[start + 1:start + chunk + 1]
        xs = xs[: ys.numel()]
        logits, state = model(xs[:, None], state)  # (T, 1, V)
        total += nn.functional.cross_entropy(logits[:, 0].double(), ys, reduction="sum").item()
    model.train(was_training)
    return total / (ids.numel() - 1)


def bits(nats: float) -> float:
    """Nats → bits: divide by ln 2. Explained in chapters/<lang>/07_language_model."""
    return nats / math.log(2)


def perplexity(nats: float) -> float:
    """exp(mean cross-entropy in nats) = 2^(bits per character).

    Explained in chapters/<lang>/07_language_model.
    """
    return math.exp(nats)


def _counts_check(train_ids, valid_ids, vocab_size, k):
    V = check_size("vocab_size", vocab_size)
    if not (isinstance(k, (int, float)) and k > 0):
        raise ValueError(say(f"k must be a positive number (add-k smoothing), got {k!r}",
                             f"k에는 양수가 필요합니다(add-k 평활화). 받은 값: {k!r}"))
    a, b = np.asarray(train_ids), np.asarray(valid_ids)
    for name, x in (("train_ids", a), ("valid_ids", b)):
        if x.ndim != 1 or x.size < 2 or x.dtype.kind not in "iu":
            raise ValueError(say(f"{name} must be 1-D integer ids, at least 2, got {x.dtype} {x.shape}",
                                 f"{name}은 정수 id가 2개 이상인 1차원 배열이어야 합니다. "
                                 f"받은 것: {x.dtype} {x.shape}"))
        if x.min() < 0 or x.max() >= V:
            raise ValueError(say(f"{name} must lie in [0, {V}), got [{x.min()}, {x.max()}]",
                                 f"{name}의 값은 [0, {V}) 안에 있어야 합니다. "
                                 f"받은 범위: [{x.min()}, {x.max()}]"))
    return a, b, V


def unigram_nll(train_ids, valid_ids, vocab_size: int, k: float = 1.0) -> float:
    """Mean nats of the add-k unigram model on valid_ids[1:].

    p(c) = (n(c) + k) / (N + k·V), counts n from the training ids (N of them).

    Explained in chapters/<lang>/07_language_model.
    """
    a, b, V = _counts_check(train_ids, valid_ids, vocab_size, k)
    p = (np.bincount(a, minlength=V) + k) / (a.size + k * V)
    return float(-np.mean(np.log(p[b[1:]])))


def bigram_nll(train_ids, valid_ids, vocab_size: int, k: float = 1.0) -> float:
    """Mean nats of the add-k bigram model on valid_ids[1:], each given the one before it.

    p(c | a) = (n(a, c) + k) / (n(a, ·) + k·V), pair counts from the training ids.

    Explained in chapters/<lang>/07_language_model.
    """
    a, b, V = _counts_check(train_ids, valid_ids, vocab_size, k)
    pairs = np.zeros((V, V))
    np.add.at(pairs, (a[:-1], a[1:]), 1.0)
    p = (pairs + k) / (pairs.sum(axis=1, keepdims=True) + k * V)
    return float(-np.mean(np.log(p[b[:-1], b[1:]])))


def softmax_t(logits, temperature: float = 1.0) -> np.ndarray:
    """softmax(z / τ) in float64, with the maximum subtracted first (no overflow).

    Explained in chapters/<lang>/07_language_model.
    """
    z = np.asarray(logits, dtype=np.float64)
    if not (isinstance(temperature, (int, float)) and temperature > 0):
        raise ValueError(say(f"temperature must be a positive number, got {temperature!r}",
                             f"temperature에는 양수가 필요합니다. 받은 값: {temperature!r}"))
    z = z / temperature
    e = np.exp(z - z.max())
    return e / e.sum()


def next_char(logits, rng: np.random.Generator, temperature: float = 1.0,
              top_k: int | None = None, top_p: float | None = None, greedy: bool = False) -> int:
    """One character id drawn from softmax(logits / τ), optionally truncated.

    - ``greedy``: the argmax (no randomness).
    - ``top_k``: keep the k most probable characters, renormalise.
    - ``top_p`` (nucleus sampling, Holtzman et al. 2020): keep the most probable characters
      until their probability reaches ``top_p``, renormalise.
    - Exactly one draw ``rng.choice(V, p=p)``, so a seeded ``rng`` reproduces the samples.

    Explained in chapters/<lang>/07_language_model.
    """
    z = np.asarray(logits, dtype=np.float64)
    if z.ndim != 1:
        raise ValueError(say(f"logits must be 1-D (V,), got shape {z.shape}",
                             f"logits는 (V,) 모양의 1차원 배열이어야 합니다. 받은 모양: {z.shape}"))
    if greedy:
        return int(np.argmax(z))
    p = softmax_t(z, temperature)
    if top_k is not None or top_p is not None:
        order = np.argsort(-p, kind="stable")
        keep = np.zeros(p.size, dtype=bool)
        n = p.size
        if top_k is not None:
            n = min(n, check_size("top_k", top_k))
        if top_p is not None:
            if not 0.0 < top_p <= 1.0:
                raise ValueError(say(f"top_p must lie in (0, 1], got {top_p!r}",
                                     f"top_p는 (0, 1] 안에 있어야 합니다. 받은 값: {top_p!r}"))
            n = min(n, int(np.searchsorted(np.cumsum(p[order]), top_p)) + 1)
        keep[order[:n]] = True
        p = np.where(keep, p, 0.0)
        p /= p.sum()
    return int(rng.choice(p.size, p=p))


@torch.no_grad()
def generate(model: CharLM, vocab: Vocab, prefix: str, n: int, seed: int = 0,
             **how) -> str:
    """``prefix`` followed by ``n`` characters the model generates after reading it.

    The prefix warms the state up (the model reads it first); each generated character is
    fed back in. ``how`` goes to :func:`next_char` (temperature, top_k, top_p, greedy);
    ``seed`` seeds the NumPy generator of the draws.

    Explained in chapters/<lang>/07_language_model.
    """
    if not prefix:
        raise ValueError(say("prefix must hold at least one character to start from",
                             "prefix에는 생성을 시작할 문자가 하나 이상 있어야 합니다."))
    n = check_size("n", n)
    rng = np.random.default_rng(seed)
    was_training = model.training
    model.eval()
    ids = torch.from_numpy(vocab.encode(prefix))[:, None]  # (T, 1)
    logits, state = model(ids, None)
    out = []
    for _ in range(n):
        c = next_char(logits[-1, 0].double().numpy(), rng, **how)
        out.append(c)
        logits, state = model(torch.tensor([[c]]), state)
    model.train(was_training)
    return prefix + vocab.decode(out)
