"""A small recurrent encoder–decoder for a toy task: reverse a string (needs torch).

The encoder reads the input; its last state is the only thing the decoder receives. The
decoder is a language model over the output that starts from that state:

    s = encoder(x_1 … x_n)                 final state, fixed size H
    decoder: y_0 = BOS,  p(y_t | y_<t, s) = softmax(W h_t + b),  h_t = cell(E[y_{t−1}], h_{t−1}),  h_0 = s

Training uses teacher forcing (the decoder reads the true y_{t−1}); decoding is greedy
(it reads its own argmax). Output length = input length, so no end symbol is needed.

References: Sutskever, Vinyals & Le (2014), "Sequence to sequence learning with neural
networks", arXiv:1409.3215; Cho et al. (2014), arXiv:1406.1078; Bahdanau, Cho & Bengio
(2015), arXiv:1409.0473 (attention, which removes the fixed-size bottleneck).

Explained in chapters/<lang>/07_language_model.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ._validate import check_size, say
from .train import CELLS


def reversal_batch(batch_size: int, length: int, n_symbols: int, rng) -> tuple:
    """Random strings and their reversals: inputs (length, B) and targets (length, B), ids.

    Explained in chapters/<lang>/07_language_model.
    """
    B, n = check_size("batch_size", batch_size), check_size("length", length)
    xs = rng.integers(0, check_size("n_symbols", n_symbols), size=(n, B))
    return xs, xs[::-1].copy()


class Seq2Seq(nn.Module):
    """Encoder and decoder, each an embedding and one torch.nn recurrent layer.

    Symbols are 0 … n_symbols − 1; id n_symbols is BOS, the decoder's first input.

    Explained in chapters/<lang>/07_language_model.
    """

    def __init__(self, n_symbols: int, hidden_size: int, embed_size: int = 16, cell: str = "gru"):
        super().__init__()
        if cell not in CELLS:
            raise ValueError(say(f"cell must be one of {sorted(CELLS)}, got {cell!r}",
                             f"cell은 {sorted(CELLS)} 가운데 하나여야 합니다. 받은 값: {cell!r}"))
        self.n_symbols = check_size("n_symbols", n_symbols)
        self.embed = nn.Embedding(n_symbols + 1, check_size("embed_size", embed_size))
        self.encoder = CELLS[cell](embed_size, check_size("hidden_size", hidden_size))
        self.decoder = CELLS[cell](embed_size, hidden_size)
        self.head = nn.Linear(hidden_size, n_symbols)

    def encode(self, xs: torch.Tensor):
        _, state = self.encoder(self.embed(xs))  # xs (n, B) → state (1, B, H) (a pair for LSTM)
        return state

    def _bos(self, B: int) -> torch.Tensor:
        return torch.full((1, B), self.n_symbols, dtype=torch.long)

    def forward(self, xs: torch.Tensor, ys: torch.Tensor) -> torch.Tensor:
        """Teacher forcing: logits (n, B, n_symbols) of y_t given the true y_<t."""
        inputs = torch.cat([self._bos(xs.shape[1]), ys[:-1]])  # (n, B): BOS, y_1 … y_{n−1}
        hs, _ = self.decoder(self.embed(inputs), self.encode(xs))
        return self.head(hs)

    @torch.no_grad()
    def greedy(self, xs: torch.Tensor) -> torch.Tensor:
        """Greedy decoding: ids (n, B), each step fed the previous step's argmax."""
        state, y, out = self.encode(xs), self._bos(xs.shape[1]), []
        for _ in range(xs.shape[0]):
            h, state = self.decoder(self.embed(y), state)
            y = self.head(h).argmax(-1)  # (1, B)
            out.append(y)
        return torch.cat(out)


def train_reversal(model: Seq2Seq, steps: int, max_length: int, batch_size: int = 32,
                   lr: float = 3e-3, clip: float = 1.0, seed: int = 0) -> list:
    """Train on random strings of lengths 1 … max_length (one length per batch) with Adam.

    Returns the loss of every update (nats per output symbol).

    Explained in chapters/<lang>/07_language_model.
    """
    rng = np.random.default_rng(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(check_size("steps", steps)):
        n = int(rng.integers(1, check_size("max_length", max_length) + 1))
        xs, ys = map(torch.from_numpy, reversal_batch(batch_size, n, model.n_symbols, rng))
        logits = model(xs, ys)
        loss = nn.functional.cross_entropy(logits.reshape(-1, model.n_symbols), ys.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        losses.append(loss.item())
    return losses


def reversal_accuracy(model: Seq2Seq, length: int, n: int = 500, seed: int = 1) -> tuple:
    """(exact-match accuracy, per-symbol accuracy) of greedy decoding on ``n`` new strings.

    Explained in chapters/<lang>/07_language_model.
    """
    xs, ys = reversal_batch(n, length, model.n_symbols, np.random.default_rng(seed))
    pred = model.greedy(torch.from_numpy(xs)).numpy()
    return float(np.mean(np.all(pred == ys, axis=0))), float(np.mean(pred == ys))
