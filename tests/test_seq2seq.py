"""rnnbook.seq2seq: the toy task, teacher forcing vs greedy decoding, and the docstring back-links
of chapter 07's modules."""

import inspect

import numpy as np
import pytest
import torch

from rnnbook import hangul, lm, seq2seq


def test_reversal_batch_reverses_each_column():
    xs, ys = seq2seq.reversal_batch(4, 5, 10, np.random.default_rng(0))
    assert xs.shape == ys.shape == (5, 4)
    for b in range(4):
        assert ys[:, b].tolist() == xs[::-1, b].tolist()
    with pytest.raises(ValueError, match="length"):
        seq2seq.reversal_batch(4, 0, 10, np.random.default_rng(0))


def test_teacher_forcing_feeds_bos_then_the_true_outputs():
    torch.manual_seed(0)
    m = seq2seq.Seq2Seq(n_symbols=6, hidden_size=8, embed_size=4, cell="gru")
    xs = torch.tensor([[1, 2], [3, 4], [5, 0]])  # (n=3, B=2)
    ys = xs.flip(0)
    logits = m(xs, ys)
    assert logits.shape == (3, 2, 6)
    # the same logits, step by step: decoder reads BOS, y_1, y_2 from the encoder's state
    state = m.encode(xs)
    inputs = [torch.full((1, 2), 6), ys[:1], ys[1:2]]
    for t, y in enumerate(inputs):
        h, state = m.decoder(m.embed(y), state)
        assert torch.allclose(m.head(h)[0], logits[t], atol=1e-6)


def test_greedy_decoding_feeds_back_its_own_argmax():
    torch.manual_seed(1)
    m = seq2seq.Seq2Seq(n_symbols=5, hidden_size=8, embed_size=4, cell="lstm")
    xs = torch.tensor([[1], [2], [3], [4]])
    out = m.greedy(xs)
    assert out.shape == (4, 1)
    # decoding with teacher forcing on the greedy output reproduces the greedy output
    with torch.no_grad():
        assert torch.equal(m(xs, out).argmax(-1), out)


def test_training_learns_short_reversals():
    torch.manual_seed(0)
    m = seq2seq.Seq2Seq(n_symbols=4, hidden_size=32, embed_size=8, cell="lstm")
    losses = seq2seq.train_reversal(m, steps=150, max_length=3, batch_size=32, lr=1e-2)
    assert np.mean(losses[-10:]) < 0.1 < losses[0]
    exact, per_symbol = seq2seq.reversal_accuracy(m, 3, n=200)
    assert exact > 0.95 and per_symbol >= exact


def test_rejects_unknown_cell():
    with pytest.raises(ValueError, match="cell must be one of"):
        seq2seq.Seq2Seq(5, 8, cell="transformer")


@pytest.mark.parametrize("module", [lm, hangul, seq2seq])
def test_public_names_link_back_to_chapter_07(module):
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert "Explained in chapters/<lang>/07_language_model" in (obj.__doc__ or ""), name
