"""rnnbook.lm: counts by hand, sampling laws, the carried and detached state of truncated BPTT."""

import math

import numpy as np
import pytest
import torch

from rnnbook import lm


def test_vocab_round_trip_and_errors():
    v = lm.Vocab("hello", "world")
    assert v.chars == "dehlorw" and len(v) == 7
    assert v.decode(v.encode("hello world".replace(" ", ""))) == "helloworld"
    assert v.encode("dew").tolist() == [0, 1, 6]
    with pytest.raises(ValueError, match="not in the vocabulary: 'xz'"):
        v.encode("xyz".replace("y", "") + "d")
    with pytest.raises(TypeError, match="must be str"):
        lm.Vocab(["a"])
    with pytest.raises(ValueError, match="at least one"):
        lm.Vocab("")


def test_param_count_matches_torch_and_matching_sizes():
    for cell in ("rnn", "lstm", "gru"):
        m = lm.make_lm(cell, 50, 24, 8)
        assert sum(p.numel() for p in m.parameters()) == lm.lm_param_count(cell, 50, 24, 8)
        H = lm.hidden_for_params(cell, 20_000, 50, 8)
        here = lm.lm_param_count(cell, 50, H, 8)
        assert all(abs(here - 20_000) <= abs(lm.lm_param_count(cell, 50, h, 8) - 20_000)
                   for h in (H - 1, H + 1))


def test_unigram_and_bigram_by_hand():
    # vocabulary a=0, b=1, c=2; training text "aab"; add-one smoothing
    train, V = np.array([0, 0, 1]), 3
    # unigram: p(a) = 3/6, p(b) = 2/6, p(c) = 1/6; validation "acb" predicts c then b
    valid = np.array([0, 2, 1])
    assert lm.unigram_nll(train, valid, V, k=1) == pytest.approx(-(math.log(1 / 6) + math.log(2 / 6)) / 2)
    # bigram: row a has n(a,a)=1, n(a,b)=1 → p(b|a) = 2/5; row b is empty → p(c|b) = 1/3
    valid = np.array([0, 1, 2])
    assert lm.bigram_nll(train, valid, V, k=1) == pytest.approx(-(math.log(2 / 5) + math.log(1 / 3)) / 2)
    # k = 0.5: p(a|a) = 1.5/3.5
    assert lm.bigram_nll(train, np.array([0, 0]), V, k=0.5) == pytest.approx(-math.log(1.5 / 3.5))


@pytest.mark.parametrize("bad, match", [(dict(k=0), "add-k"), (dict(vocab_size=1), r"\[0, 1\)"),
                                        (dict(valid_ids=np.array([0.5, 1.0])), "integer ids")])
def test_baselines_reject_bad_input(bad, match):
    args = dict(train_ids=np.array([0, 1, 1]), valid_ids=np.array([1, 0]), vocab_size=2, k=1.0)
    args.update(bad)
    with pytest.raises(ValueError, match=match):
        lm.bigram_nll(**args)


def test_bits_and_perplexity():
    for nats in (0.1, 1.0, math.log(226)):
        assert lm.perplexity(nats) == pytest.approx(2 ** lm.bits(nats), rel=1e-12)
    assert lm.bits(math.log(2)) == pytest.approx(1.0)
    assert lm.perplexity(math.log(226)) == pytest.approx(226)  # a uniform guess over 226 chars


def test_softmax_t_has_no_overflow_and_temperature_orders_entropy():
    p = lm.softmax_t(np.array([1000.0, 999.0, 0.0]))
    assert np.all(np.isfinite(p)) and p[0] == pytest.approx(1 / (1 + math.exp(-1)))
    z = np.random.default_rng(0).standard_normal(30)

    def entropy(p):
        return -np.sum(p * np.log(p))

    hs = [entropy(lm.softmax_t(z, t)) for t in (0.1, 0.5, 1.0, 2.0, 10.0)]
    assert all(a < b for a, b in zip(hs, hs[1:])) and hs[-1] < math.log(30)
    with pytest.raises(ValueError, match="temperature must be a positive"):
        lm.softmax_t(z, 0)


def test_next_char_is_seeded_and_small_temperature_is_greedy():
    z = np.random.default_rng(1).standard_normal(40)
    draws = lambda seed, **kw: [lm.next_char(z, rng, **kw) for rng in [np.random.default_rng(seed)] for _ in range(50)]
    assert draws(3) == draws(3) and draws(3) != draws(4)
    greedy = int(np.argmax(z))
    assert set(draws(5, temperature=1e-3)) == {greedy}
    assert set(draws(5, top_k=1)) == {greedy} and set(draws(5, top_p=1e-9)) == {greedy}
    assert lm.next_char(z, None, greedy=True) == greedy


def test_next_char_follows_the_distribution_and_truncates():
    z = np.log(np.array([0.5, 0.3, 0.15, 0.05]))
    rng = np.random.default_rng(0)
    counts = np.bincount([lm.next_char(z, rng) for _ in range(20_000)], minlength=4) / 20_000
    assert np.allclose(counts, [0.5, 0.3, 0.15, 0.05], atol=0.015)
    counts = np.bincount([lm.next_char(z, rng, top_k=2) for _ in range(20_000)], minlength=4) / 20_000
    assert np.allclose(counts, [0.625, 0.375, 0, 0], atol=0.015)
    counts = np.bincount([lm.next_char(z, rng, top_p=0.9) for _ in range(20_000)], minlength=4) / 20_000
    assert counts[3] == 0 and np.allclose(counts[:3], np.array([0.5, 0.3, 0.15]) / 0.95, atol=0.015)


def test_streams_are_contiguous_columns():
    s = lm.streams(np.arange(23), 4)
    assert s.shape == (5, 4)
    assert s[:, 1].tolist() == [5, 6, 7, 8, 9]
    with pytest.raises(ValueError, match="too few"):
        lm.streams(np.arange(5), 4)


def test_evaluate_carries_the_state_across_chunks():
    m = lm.make_lm("gru", 5, 7, 3, seed=1)
    ids = np.random.default_rng(0).integers(0, 5, 40)
    with torch.no_grad():
        logits, _ = m(torch.from_numpy(ids)[:, None])
        nll = torch.nn.functional.cross_entropy(logits[:-1, 0].double(), torch.from_numpy(ids[1:])).item()
    assert lm.evaluate(m, ids, chunk=7) == pytest.approx(nll, rel=1e-6)
    assert lm.evaluate(m, ids, chunk=1024) == pytest.approx(nll, rel=1e-6)


def test_train_lm_carries_a_detached_state_and_restarts_each_pass():
    m = lm.make_lm("lstm", 4, 6, 3, seed=0)
    seen, returned = [], []
    forward = m.forward

    def spy(ids, state=None):
        seen.append(state)
        logits, out = forward(ids, state)
        returned.append(out)
        return logits, out

    m.forward = spy
    ids = np.tile([0, 1, 2, 3, 1], 20)  # 100 ids → 2 streams of 50 → 4 windows of 12
    lm.train_lm(m, ids, steps=6, batch_size=2, seq_len=12, eval_every=100)
    assert seen[0] is None and seen[4] is None  # a new pass starts from a zero state
    for k in (1, 2, 3, 5):
        for a, b in zip(seen[k], returned[k - 1]):
            assert not a.requires_grad and b.requires_grad and torch.equal(a, b)


def test_train_lm_learns_a_periodic_text_and_clips():
    text = "abcd" * 200
    v = lm.Vocab(text)
    ids = v.encode(text)
    m = lm.make_lm("gru", len(v), 16, 8, seed=0)
    hist = lm.train_lm(m, ids, steps=60, batch_size=4, seq_len=8, lr=1e-2, clip=0.5,
                       valid_ids=ids[:100], eval_every=30)
    assert hist.eval_step == [30, 60] and hist.eval_bpc[-1] < 0.1
    assert lm.generate(m, v, "ab", 6, greedy=True) == "abcdabcd"


def test_generate_is_seeded_and_keeps_the_prefix():
    v = lm.Vocab("abcdefgh ")
    m = lm.make_lm("rnn", len(v), 8, 4, seed=2)
    a = lm.generate(m, v, "abc", 30, seed=1)
    assert a == lm.generate(m, v, "abc", 30, seed=1) and a.startswith("abc") and len(a) == 33
    assert a != lm.generate(m, v, "abc", 30, seed=2)
    assert lm.generate(m, v, "abc", 30, seed=1, temperature=1e-4) == lm.generate(m, v, "abc", 30, greedy=True)
    with pytest.raises(ValueError, match="prefix"):
        lm.generate(m, v, "", 3)
