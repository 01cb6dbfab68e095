"""The chapters' training loop: it learns, it clips, it rejects bad options."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from rnnbook import data, train  # noqa: E402


def test_fit_learns_the_short_adding_problem_with_an_lstm():
    model = train.make_model("lstm", 2, 16, 1, seed=0)
    rng = np.random.default_rng(0)
    ev = data.adding_problem(256, 8, rng=1, dtype=np.float32)
    hist = train.fit(model, lambda s: data.adding_problem(64, 8, rng=rng, dtype=np.float32),
                     steps=400, lr=1e-2, eval_data=ev, eval_every=100)
    assert hist.eval_loss[0] > 0.05 and hist.final_eval < 0.02, hist.eval_loss
    assert len(hist.loss) == 400 == len(hist.grad_norm)


def test_make_model_is_seeded():
    a = train.make_model("gru", 3, 4, 2, seed=7)
    b = train.make_model("gru", 3, 4, 2, seed=7)
    for (n, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        assert torch.equal(p, q), n


def test_clip_scales_the_gradient_to_max_norm_and_records_the_raw_norm():
    model = train.make_model("rnn", 2, 8, 1, seed=0)
    xs, ys = data.adding_problem(16, 5, rng=0, dtype=np.float32)
    hist = train.fit(model, lambda s: (xs, ys * 1000), steps=1, lr=1e-3, clip=1e-3)
    applied = torch.sqrt(sum((p.grad.double() ** 2).sum() for p in model.parameters())).item()
    assert hist.grad_norm[0] > 1.0
    assert applied == pytest.approx(1e-3, rel=1e-4)


def test_forget_bias_sets_rows_h_to_2h():
    model = train.make_model("lstm", 3, 5, 1, seed=0, forget_bias=1.0)
    b_ih, b_hh = model.rnn.bias_ih_l0.detach(), model.rnn.bias_hh_l0.detach()
    assert torch.all(b_ih[5:10] == 1.0) and torch.all(b_hh[5:10] == 0.0)
    assert not torch.all(b_ih[:5] == 1.0)
    with pytest.raises(ValueError, match="LSTM only"):
        train.make_model("gru", 3, 5, 1, forget_bias=1.0)


def test_bad_options_are_named():
    with pytest.raises(ValueError, match="cell must be one of"):
        train.make_model("transformer", 1, 1, 1)
    with pytest.raises(ValueError, match="readout"):
        train.make_model("rnn", 1, 1, 1, readout="first")
    model = train.make_model("rnn", 1, 2, 1)
    with pytest.raises(ValueError, match="loss must be"):
        train.fit(model, lambda s: None, steps=1, loss="l1")


def test_targets_of_the_wrong_shape_are_refused_not_broadcast():
    """mse_loss would broadcast ys (B,) against predictions (B, 1) into a (B, B) loss."""
    model = train.make_model("rnn", 2, 4, 1, seed=0)
    xs, ys = data.adding_problem(8, 5, rng=0, dtype=np.float32)
    with pytest.raises(ValueError, match=r"ys must have the model output's shape \(8, 1\).*\(8,\)"):
        train.fit(model, lambda s: (xs, ys[:, 0]), steps=1)
    classifier = train.make_model("rnn", 3, 4, 3, seed=0, readout="all")
    tokens = np.zeros((5, 2, 3), np.float32)
    with pytest.raises(ValueError, match=r"class ids of shape \(5, 2\).*\(2, 5\)"):
        train.fit(classifier, lambda s: (tokens, np.zeros((2, 5), np.int64)), steps=1, loss="ce")
    train.fit(classifier, lambda s: (tokens, np.zeros((5, 2), np.int64)), steps=1, loss="ce")
