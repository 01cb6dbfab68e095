"""rnnbook.torch_ref against torch.nn: same state_dict, same outputs, same gradients.

torch.nn's own modules are the referee. Every weight and bias is random and non-zero,
the computation runs in float64, and autograd differentiates both implementations.
"""

import ast
import inspect
import itertools
import zlib

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from rnnbook import torch_ref as R

# Forward values, final states and every gradient must agree this closely (float64).
TOL = 1e-10
DTYPE = torch.float64
# float32: both sides round differently along the recurrence; this is a few hundred ulps.
TOL32 = 2e-5
TOLS = {torch.float64: TOL, torch.float32: TOL32}

SEQUENCE_KINDS = {
    "rnn_tanh": (nn.RNN, R.RNN, {"nonlinearity": "tanh"}),
    "rnn_relu": (nn.RNN, R.RNN, {"nonlinearity": "relu"}),
    "lstm": (nn.LSTM, R.LSTM, {}),
    "gru": (nn.GRU, R.GRU, {}),
}
CELL_KINDS = {
    "rnn_tanh": (nn.RNNCell, R.RNNCell, {"nonlinearity": "tanh"}),
    "rnn_relu": (nn.RNNCell, R.RNNCell, {"nonlinearity": "relu"}),
    "lstm": (nn.LSTMCell, R.LSTMCell, {}),
    "gru": (nn.GRUCell, R.GRUCell, {}),
}
# (T, B, I, H): B=1, T=1, I != H, I == H and I == 1 all appear.
SEQ_SHAPES = [(1, 1, 3, 5), (4, 1, 1, 2), (1, 3, 4, 4), (5, 2, 6, 3)]
CELL_SHAPES = [(1, 3, 5), (1, 1, 1), (3, 4, 4), (2, 6, 3)]


def seed_of(*key):
    """A seed that depends on the test case but not on Python's per-run string hashing."""
    return zlib.crc32(repr(key).encode())


def randomise(module, gen):
    """Every parameter uniform in ±[0.1, 1]: random, non-zero, never a tiny bias."""
    with torch.no_grad():
        for p in module.parameters():
            magnitude = 0.1 + 0.9 * torch.rand(p.shape, generator=gen, dtype=p.dtype)
            sign = torch.where(torch.rand(p.shape, generator=gen) < 0.5, -1.0, 1.0)
            p.copy_(sign * magnitude)


def pair(kind_table, kind, direction, gen, *args, dtype=DTYPE, **kw):
    """(torch.nn module, our module) holding the same random parameters.

    ``direction`` "torch_to_ours" randomises the torch.nn module and loads its state into
    ours; "ours_to_torch" does the reverse.
    """
    torch_cls, our_cls, extra = kind_table[kind]
    ref = torch_cls(*args, **extra, **kw, dtype=dtype)
    ours = our_cls(*args, **extra, **kw, dtype=dtype)
    if direction == "torch_to_ours":
        randomise(ref, gen)
        ours.load_state_dict(ref.state_dict())
    else:
        randomise(ours, gen)
        ref.load_state_dict(ours.state_dict())
    for name, p in ref.state_dict().items():
        assert torch.equal(p, ours.state_dict()[name])
        assert bool((p != 0).all()), f"{name} has a zero entry"
    return ref, ours


def flatten(out):
    """Tensors of a nested (tensor | tuple) return value, in order."""
    if isinstance(out, torch.Tensor):
        return [out]
    return [t for item in out for t in flatten(item)]


def compare(ref, ours, inputs, gen, seed=None):
    """Run both modules on ``inputs``, backpropagate one random loss, compare everything.

    ``inputs`` is a list of tensors (input, then the state tensors, if any); the state is
    passed as a tuple for LSTM modules. The tolerance follows the inputs' dtype. ``seed``
    reseeds torch's global generator before each forward pass (dropout draws from it).
    """
    dtype = inputs[0].dtype
    tol = TOLS[dtype]
    runs = []
    for module in (ref, ours):
        if seed is not None:
            torch.manual_seed(seed)
        leaves = [t.detach().clone().requires_grad_(True) for t in inputs]
        x, states = leaves[0], leaves[1:]
        if not states:
            out = module(x)
        elif len(states) == 1:
            out = module(x, states[0])
        else:
            out = module(x, tuple(states))
        runs.append((out, leaves))

    (out_ref, leaves_ref), (out_ours, leaves_ours) = runs
    assert type(out_ref) is type(out_ours)
    flat_ref, flat_ours = flatten(out_ref), flatten(out_ours)
    assert len(flat_ref) == len(flat_ours)
    weights = [torch.randn(t.shape, generator=gen, dtype=dtype) for t in flat_ref]
    for a, b in zip(flat_ref, flat_ours):
        assert a.shape == b.shape
        assert a.dtype == b.dtype == dtype
        torch.testing.assert_close(b, a, rtol=0, atol=tol)

    for flat in (flat_ref, flat_ours):
        sum((w * t).sum() for w, t in zip(weights, flat)).backward()
    params_ours = dict(ours.named_parameters())
    for name, p in ref.named_parameters():
        torch.testing.assert_close(params_ours[name].grad, p.grad, rtol=0, atol=tol,
                                   msg=f"gradient of {name}")
    for k, (a, b) in enumerate(zip(leaves_ref, leaves_ours)):
        torch.testing.assert_close(b.grad, a.grad, rtol=0, atol=tol,
                                   msg=f"gradient of input #{k}")
    return out_ref, out_ours


def run_case(kind, shape, num_layers, bidirectional, batch_first, with_hx, direction,
             dtype=DTYPE, **kw):
    """Compare one configuration with torch.nn; check the documented shapes of the result."""
    T, B, I, H = shape
    D = 2 if bidirectional else 1
    gen = torch.Generator().manual_seed(
        seed_of(kind, shape, num_layers, bidirectional, str(dtype)))
    ref, ours = pair(SEQUENCE_KINDS, kind, direction, gen, I, H, num_layers,
                     batch_first=batch_first, bidirectional=bidirectional, dtype=dtype, **kw)
    xs_shape = (B, T, I) if batch_first else (T, B, I)
    inputs = [torch.randn(xs_shape, generator=gen, dtype=dtype)]
    if with_hx:
        n_states = 2 if kind == "lstm" else 1
        # batch_first never applies to the states: always (layers * directions, B, H).
        inputs += [torch.randn(num_layers * D, B, H, generator=gen, dtype=dtype)
                   for _ in range(n_states)]
    out_ref, out_ours = compare(ref, ours, inputs, gen)
    output = out_ours[0]
    assert output.shape == ((B, T, D * H) if batch_first else (T, B, D * H))
    for s in flatten(out_ours[1]):
        assert s.shape == (num_layers * D, B, H)
    return ours, inputs, out_ours


@pytest.mark.parametrize("direction", ["torch_to_ours", "ours_to_torch"])
@pytest.mark.parametrize("with_hx", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("num_layers", [1, 2, 3])
@pytest.mark.parametrize("shape", SEQ_SHAPES, ids=str)
@pytest.mark.parametrize("kind", SEQUENCE_KINDS)
def test_sequence_matches_torch(kind, shape, num_layers, bidirectional, batch_first, with_hx,
                                direction):
    run_case(kind, shape, num_layers, bidirectional, batch_first, with_hx, direction)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("num_layers", [1, 2, 3])
@pytest.mark.parametrize("kind", SEQUENCE_KINDS)
def test_sequence_matches_torch_in_float32(kind, num_layers, bidirectional, batch_first):
    run_case(kind, (5, 2, 6, 3), num_layers, bidirectional, batch_first, True,
             "torch_to_ours", dtype=torch.float32)


@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(sorted(SEQUENCE_KINDS)), T=st.integers(1, 6),
       B=st.integers(1, 4), I=st.integers(1, 5), H=st.integers(1, 5),
       num_layers=st.integers(1, 3), bidirectional=st.booleans(), batch_first=st.booleans(),
       with_hx=st.booleans())
def test_random_shapes_match_torch(kind, T, B, I, H, num_layers, bidirectional, batch_first,
                                   with_hx):
    run_case(kind, (T, B, I, H), num_layers, bidirectional, batch_first, with_hx,
             "torch_to_ours")


def test_bidirectional_layout_by_hand():
    """The layout documented for torch.nn, rebuilt from one-layer, one-direction pieces.

    Layer l's reverse direction is a forward module run on the time-reversed input; its
    outputs, flipped back, are the second half of the output; h_n holds [l0 forward,
    l0 reverse, l1 forward, l1 reverse], and layer 1 reads the concatenation.
    """
    T, B, I, H = 5, 3, 2, 4
    gen = torch.Generator().manual_seed(21)
    ref, ours = pair(SEQUENCE_KINDS, "gru", "torch_to_ours", gen, I, H, 2,
                     bidirectional=True, batch_first=True)
    x = torch.randn(B, T, I, generator=gen, dtype=DTYPE)
    output, h_n = ours(x)

    def single(layer, suffix, inp):
        one = R.GRU(inp.shape[-1], H, dtype=DTYPE)
        one.load_state_dict({f"{k}_l0": getattr(ours, f"{k}_l{layer}{suffix}")
                             for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")})
        return one(inp)  # time-major

    x_tm = x.transpose(0, 1)  # (T, B, I)
    finals, inp = [], x_tm
    for layer in range(2):
        fwd, h_fwd = single(layer, "", inp)
        rev, h_rev = single(layer, "_reverse", inp.flip(0))
        inp = torch.cat([fwd, rev.flip(0)], dim=2)  # (T, B, 2H), forward first
        finals += [h_fwd[0], h_rev[0]]
    torch.testing.assert_close(output, inp.transpose(0, 1), rtol=0, atol=TOL)
    torch.testing.assert_close(h_n, torch.stack(finals), rtol=0, atol=TOL)
    # output[:, -1] is the top layer's forward final state but not its reverse one, which
    # ends at t = 0: the confusion of output[-1] with h_n[-1].
    torch.testing.assert_close(output[:, -1, :H], h_n[-2], rtol=0, atol=TOL)
    torch.testing.assert_close(output[:, 0, H:], h_n[-1], rtol=0, atol=TOL)
    assert not torch.allclose(output[:, -1, H:], h_n[-1])


@pytest.mark.parametrize("with_hx", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("kind", SEQUENCE_KINDS)
def test_sequence_unbatched_matches_torch(kind, num_layers, bidirectional, batch_first,
                                          with_hx):
    T, I, H = 4, 3, 5
    D = 2 if bidirectional else 1
    gen = torch.Generator().manual_seed(7)
    ref, ours = pair(SEQUENCE_KINDS, kind, "torch_to_ours", gen, I, H, num_layers,
                     batch_first=batch_first, bidirectional=bidirectional)
    inputs = [torch.randn(T, I, generator=gen, dtype=DTYPE)]
    if with_hx:
        n_states = 2 if kind == "lstm" else 1
        inputs += [torch.randn(num_layers * D, H, generator=gen, dtype=DTYPE)
                   for _ in range(n_states)]
    _, out_ours = compare(ref, ours, inputs, gen)
    assert out_ours[0].shape == (T, D * H)
    for s in flatten(out_ours[1]):
        assert s.shape == (num_layers * D, H)


# Dropout between layers. torch.nn's mask is random, so it is compared three ways: with
# the same seed (the same draws: equal to 1e-10, gradients included), in eval mode (no
# dropout at all) and by the statistics of the mask.

@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("num_layers", [2, 3])
@pytest.mark.parametrize("kind", SEQUENCE_KINDS)
def test_dropout_in_training_matches_torch_with_the_same_seed(kind, num_layers,
                                                              bidirectional):
    T, B, I, H = 6, 3, 4, 5
    gen = torch.Generator().manual_seed(seed_of("dropout", kind, num_layers, bidirectional))
    ref, ours = pair(SEQUENCE_KINDS, kind, "torch_to_ours", gen, I, H, num_layers,
                     dropout=0.4, bidirectional=bidirectional)
    assert ref.training and ours.training
    x = torch.randn(T, B, I, generator=gen, dtype=DTYPE)
    out_ref, out_ours = compare(ref, ours, [x], gen, seed=123)
    # ... and the dropout did something: without it the output differs.
    ours.eval()
    assert not torch.allclose(ours(x)[0], out_ours[0].detach())


@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("kind", SEQUENCE_KINDS)
def test_dropout_is_off_in_eval_mode(kind, bidirectional):
    gen = torch.Generator().manual_seed(seed_of("eval", kind, bidirectional))
    ref, ours = pair(SEQUENCE_KINDS, kind, "torch_to_ours", gen, 3, 4, 3, dropout=0.5,
                     bidirectional=bidirectional)
    plain = SEQUENCE_KINDS[kind][1](3, 4, 3, bidirectional=bidirectional, dtype=DTYPE,
                                    **SEQUENCE_KINDS[kind][2])
    plain.load_state_dict(ours.state_dict())
    ref.eval(), ours.eval()
    x = torch.randn(5, 2, 3, generator=gen, dtype=DTYPE)
    compare(ref, ours, [x], gen)
    for a, b in zip(flatten(ours(x)), flatten(plain(x))):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
def test_dropout_acts_between_layers_only(bidirectional):
    """Training mode changes what layers above the first see, never the first layer."""
    D = 2 if bidirectional else 1
    torch.manual_seed(0)
    lstm = R.LSTM(3, 4, 3, dropout=0.5, bidirectional=bidirectional, dtype=DTYPE)
    x = torch.randn(6, 2, 3, dtype=DTYPE)
    _, (h_train, c_train) = lstm(x)
    lstm.eval()
    _, (h_eval, c_eval) = lstm(x)
    torch.testing.assert_close(h_train[:D], h_eval[:D], rtol=0, atol=0)
    torch.testing.assert_close(c_train[:D], c_eval[:D], rtol=0, atol=0)
    for k in range(D, 3 * D):
        assert not torch.allclose(h_train[k], h_eval[k])


def test_dropout_one_zeroes_the_next_layers_input():
    """With p = 1 layer 1 reads zeros: it equals a one-layer model of its weights on zeros."""
    T, B, I, H = 4, 2, 3, 5
    gen = torch.Generator().manual_seed(4)
    ref, ours = pair(SEQUENCE_KINDS, "gru", "torch_to_ours", gen, I, H, 2, dropout=1.0)
    top = R.GRU(H, H, dtype=DTYPE)
    top.load_state_dict({f"{k}_l0": getattr(ours, f"{k}_l1")
                         for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")})
    x = torch.randn(T, B, I, generator=gen, dtype=DTYPE)
    compare(ref, ours, [x], gen)
    torch.testing.assert_close(ours(x)[0], top(torch.zeros(T, B, H, dtype=DTYPE))[0],
                               rtol=0, atol=TOL)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_mask_statistics(p):
    """Inverted dropout: a fraction p of entries is zeroed, the rest scaled by 1/(1 - p);
    a fresh mask for every entry (time steps included) and every call."""
    n = 200_000
    torch.manual_seed(1)
    x = torch.ones(50, 40, 100, dtype=DTYPE)  # (T, B, H), n entries
    y = R._dropout(x, p)
    kept = y != 0
    # Binomial(n, 1 - p): 6 standard deviations
    assert abs(kept.double().mean().item() - (1 - p)) < 6 * (p * (1 - p) / n) ** 0.5
    torch.testing.assert_close(y[kept], torch.full_like(y[kept], 1 / (1 - p)), rtol=0,
                               atol=1e-12)
    # not one mask shared by all time steps (that would be variational dropout)
    assert not torch.equal(kept[0], kept[1])
    assert not torch.equal(kept, R._dropout(x, p) != 0)
    assert torch.equal(x, torch.ones_like(x))  # the input itself is untouched


def test_dropout_with_one_layer_warns_like_torch():
    with pytest.warns(UserWarning, match="num_layers=1"):
        R.LSTM(3, 4, dropout=0.3)
    with pytest.warns(UserWarning, match="num_layers=1"):
        nn.LSTM(3, 4, dropout=0.3)


@pytest.mark.parametrize("kind", SEQUENCE_KINDS)
def test_sequence_without_bias_matches_torch(kind):
    gen = torch.Generator().manual_seed(3)
    ref, ours = pair(SEQUENCE_KINDS, kind, "ours_to_torch", gen, 3, 4, 2, bias=False)
    assert list(ours.state_dict()) == list(ref.state_dict())
    assert not any("bias" in name for name in ours.state_dict())
    compare(ref, ours, [torch.randn(3, 2, 3, generator=gen, dtype=DTYPE)], gen)


@pytest.mark.parametrize("direction", ["torch_to_ours", "ours_to_torch"])
@pytest.mark.parametrize("with_hx", [False, True])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", CELL_SHAPES, ids=str)
@pytest.mark.parametrize("kind", CELL_KINDS)
def test_cell_matches_torch(kind, shape, bias, batched, with_hx, direction):
    B, I, H = shape
    gen = torch.Generator().manual_seed(seed_of(kind, shape))
    ref, ours = pair(CELL_KINDS, kind, direction, gen, I, H, bias=bias)
    lead = (B,) if batched else ()
    inputs = [torch.randn(*lead, I, generator=gen, dtype=DTYPE)]
    if with_hx:
        n_states = 2 if kind == "lstm" else 1
        inputs += [torch.randn(*lead, H, generator=gen, dtype=DTYPE) for _ in range(n_states)]
    _, out_ours = compare(ref, ours, inputs, gen)
    for s in flatten(out_ours):
        assert s.shape == (*lead, H)


@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("num_layers", [1, 3])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("kind", SEQUENCE_KINDS)
def test_sequence_state_dict_and_init_like_torch(kind, bias, num_layers, bidirectional):
    torch_cls, our_cls, extra = SEQUENCE_KINDS[kind]
    I, H = 3, 7
    torch.manual_seed(11)
    ref = torch_cls(I, H, num_layers, bias=bias, bidirectional=bidirectional, **extra)
    torch.manual_seed(11)
    ours = our_cls(I, H, num_layers, bias=bias, bidirectional=bidirectional, **extra)
    assert any(k.endswith("_reverse") for k in ours.state_dict()) == bidirectional
    sd_ref, sd_ours = ref.state_dict(), ours.state_dict()
    assert list(sd_ours) == list(sd_ref)
    for name in sd_ref:
        assert sd_ours[name].shape == sd_ref[name].shape
        assert sd_ours[name].dtype == sd_ref[name].dtype
        # Same draws in the same order: the same seed gives the same weights.
        assert torch.equal(sd_ours[name], sd_ref[name]), name
        assert sd_ours[name].abs().max() <= 1 / H ** 0.5
    n_ref = sum(p.numel() for p in ref.parameters())
    assert sum(p.numel() for p in ours.parameters()) == n_ref


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("kind", CELL_KINDS)
def test_cell_state_dict_and_init_like_torch(kind, bias):
    torch_cls, our_cls, extra = CELL_KINDS[kind]
    torch.manual_seed(5)
    ref = torch_cls(4, 6, bias=bias, **extra)
    torch.manual_seed(5)
    ours = our_cls(4, 6, bias=bias, **extra)
    assert list(ours.state_dict()) == list(ref.state_dict())
    for name, p in ref.state_dict().items():
        assert torch.equal(ours.state_dict()[name], p), name
    assert (ours.bias_ih is None) == (not bias)
    n_ref = sum(p.numel() for p in ref.parameters())
    assert sum(p.numel() for p in ours.parameters()) == n_ref


def test_positional_arguments_follow_torch():
    # nn.RNN(input_size, hidden_size, num_layers, nonlinearity, bias, batch_first)
    ours = R.RNN(3, 4, 2, "relu", False, True)
    ref = nn.RNN(3, 4, 2, "relu", False, True)
    settings_ = (ours.num_layers, ours.nonlinearity, ours.bias, ours.batch_first)
    assert settings_ == (2, "relu", False, True)
    assert list(ours.state_dict()) == list(ref.state_dict())
    # nn.LSTM / nn.GRU(input_size, hidden_size, num_layers, bias, batch_first)
    for our_cls in (R.LSTM, R.GRU):
        m = our_cls(3, 4, 2, False, True)
        assert (m.num_layers, m.bias, m.batch_first) == (2, False, True)
    # nn.RNNCell(input_size, hidden_size, bias, nonlinearity)
    cell = R.RNNCell(3, 4, False, "relu")
    assert (cell.bias, cell.nonlinearity) == (False, "relu")
    assert repr(R.LSTM(3, 4, 2, batch_first=True)) == repr(nn.LSTM(3, 4, 2, batch_first=True))
    # nn.LSTM / nn.GRU(..., batch_first, dropout, bidirectional)
    for our_cls, torch_cls in ((R.LSTM, nn.LSTM), (R.GRU, nn.GRU)):
        m = our_cls(3, 4, 2, True, False, 0.25, True)
        assert (m.dropout, m.bidirectional) == (0.25, True)
        assert repr(m) == repr(torch_cls(3, 4, 2, True, False, 0.25, True))
        assert list(m.state_dict()) == list(torch_cls(3, 4, 2, True, False, 0.25,
                                                      True).state_dict())
    assert repr(R.GRUCell(3, 4, bias=False)) == repr(nn.GRUCell(3, 4, bias=False))


def test_float32_follows_module_dtype():
    gen = torch.Generator().manual_seed(0)
    ref = nn.LSTM(3, 4)
    ours = R.LSTM(3, 4)
    randomise(ref, gen)
    ours.load_state_dict(ref.state_dict())
    x = torch.randn(5, 2, 3, generator=gen)
    out, (h, c) = ours(x)
    assert out.dtype == h.dtype == c.dtype == torch.float32
    torch.testing.assert_close(out, ref(x)[0], rtol=0, atol=1e-5)


def test_no_torch_recurrent_kernels_used():
    """The module builds every gate itself: no torch.nn recurrent module, no _VF kernel."""
    tree = ast.parse(inspect.getsource(R))
    forbidden = {"_VF", "RNNBase", "RNNCellBase", "rnn_tanh", "rnn_relu", "lstm", "gru",
                 "rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell", "functional"}
    torch_modules = {"RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            assert node.attr not in forbidden, node.attr
            if isinstance(node.value, ast.Name) and node.value.id == "nn":
                assert node.attr not in torch_modules, f"nn.{node.attr}"
        if isinstance(node, ast.ImportFrom):
            names = {a.name for a in node.names}
            assert not names & (forbidden | torch_modules), names


# Bad input: every error names the argument and says what it got and what it expected.

def test_bad_constructor_arguments():
    with pytest.raises(TypeError, match="input_size must be an int, got float"):
        R.LSTM(3.0, 4)
    with pytest.raises(ValueError, match="hidden_size must be a positive int, got 0"):
        R.GRUCell(3, 0)
    with pytest.raises(ValueError, match="num_layers must be a positive int, got -1"):
        R.RNN(3, 4, -1)
    with pytest.raises(TypeError, match="batch_first must be a bool, got str"):
        R.GRU(3, 4, batch_first="yes")
    with pytest.raises(ValueError, match="nonlinearity must be one of .* got 'sigmoid'"):
        R.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="nonlinearity must be one of .* got 'sigmoid'"):
        R.RNNCell(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="dropout must be a number in \\[0, 1\\], got 2"):
        R.LSTM(3, 4, 2, dropout=2)
    with pytest.raises(ValueError, match="dropout must be a number in \\[0, 1\\], got True"):
        R.LSTM(3, 4, 2, dropout=True)
    with pytest.raises(TypeError, match="bidirectional must be a bool, got int 1"):
        R.GRU(3, 4, bidirectional=1)
    with pytest.raises(NotImplementedError, match="proj_size.*got proj_size=2, expected 0"):
        R.LSTM(3, 4, proj_size=2)


def z(*shape, dtype=DTYPE):
    return torch.zeros(shape, dtype=dtype)


F64 = {"dtype": DTYPE}
NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize("call, error, pattern", [
    (lambda: R.LSTM(3, 4, **F64)(z(2, 1, 1, 3)), ValueError,
     r"LSTM: input must be 3-D \(T, B, I\) or 2-D \(T, I\), got 4-D with shape \(2, 1, 1, 3\)"),
    (lambda: R.LSTM(3, 4, batch_first=True, **F64)(z(2)), ValueError,
     r"input must be 3-D \(B, T, I\) or 2-D \(T, I\), got 1-D"),
    (lambda: R.GRU(3, 4, batch_first=True, **F64)(z(2, 5)), ValueError,
     r"input's last dimension must be input_size = 3, got shape \(2, 5\)"),
    (lambda: R.GRU(3, 4, **F64)(z(0, 2, 3)), ValueError,
     r"at least one time step, got T = 0"),
    (lambda: R.RNN(3, 4, 2, **F64)(z(5, 2, 3), z(2, 3, 4)), ValueError,
     r"hx must have shape \(num_layers, B, H\) = \(2, 2, 4\), got \(2, 3, 4\)"),
    (lambda: R.RNN(3, 4, 2, batch_first=True, **F64)(z(2, 5, 3), z(2, 5, 4)), ValueError,
     r"hx must have shape \(num_layers, B, H\) = \(2, 2, 4\), got \(2, 5, 4\)"),
    (lambda: R.RNN(3, 4, 2, **F64)(z(5, 3), z(2, 1, 4)), ValueError,
     r"hx must have shape \(num_layers, H\) for an unbatched input = \(2, 4\), got \(2, 1, 4\)"),
    (lambda: R.GRU(3, 4, 2, bidirectional=True, **F64)(z(5, 2, 3), z(2, 2, 4)), ValueError,
     r"GRU: hx must have shape \(2·num_layers, B, H\) for bidirectional=True = \(4, 2, 4\), "
     r"got \(2, 2, 4\)"),
    (lambda: R.LSTM(3, 4, bidirectional=True, **F64)(z(5, 2, 3), (z(2, 2, 4), z(1, 2, 4))),
     ValueError, r"hx\[1\] \(c_0\) must have shape \(2·num_layers, B, H\) for "
     r"bidirectional=True = \(2, 2, 4\), got \(1, 2, 4\)"),
    (lambda: R.RNN(3, 4, bidirectional=True, **F64)(z(5, 3), z(1, 4)), ValueError,
     r"hx must have shape \(2·num_layers, H\) for an unbatched input for "
     r"bidirectional=True = \(2, 4\), got \(1, 4\)"),
    (lambda: R.GRU(3, 4, 2, batch_first=True, **F64)(z(5, 7, 3), z(5, 2, 4)), ValueError,
     r"hx must have shape \(num_layers, B, H\) = \(2, 5, 4\), got \(5, 2, 4\); "
     r"batch_first=True applies to input and output only, never to h_0/c_0"),
    (lambda: R.LSTM(3, 4, **F64)(z(5, 2, 3), z(1, 2, 4)), TypeError,
     r"hx must be a tuple \(h_0, c_0\) of two tensors, got Tensor"),
    (lambda: R.LSTM(3, 4, **F64)(z(5, 2, 3), (z(1, 2, 4), z(1, 2, 5))), ValueError,
     r"hx\[1\] \(c_0\) must have shape .* = \(1, 2, 4\), got \(1, 2, 5\)"),
    (lambda: R.LSTM(3, 4, **F64)(z(5, 2, 3, dtype=torch.float32)), TypeError,
     r"input has dtype torch.float32 but the parameters are torch.float64; expected"),
    (lambda: R.GRU(3, 4, **F64)(z(5, 2, 3), z(1, 2, 4, dtype=torch.float32)), TypeError,
     r"hx has dtype torch.float32 but the parameters are torch.float64"),
    (lambda: R.LSTM(3, 4, **F64)(z(5, 2, 3, dtype=torch.int64)), TypeError,
     r"input must be a floating-point tensor, got dtype torch.int64"),
    (lambda: R.GRU(3, 4, **F64)([[0.0, 1.0, 2.0]]), TypeError,
     r"input must be a torch.Tensor, got list"),
    (lambda: R.GRU(3, 4, **F64)(z(5, 2, 3) + NAN), ValueError, r"input contains NaN or inf"),
    (lambda: R.GRU(3, 4, **F64)(z(5, 2, 3), z(1, 2, 4) - INF), ValueError,
     r"hx contains NaN or inf"),
    (lambda: R.GRUCell(3, 4, **F64)(z(2, 3), z(1, 4)), ValueError,
     r"GRUCell: hx must have shape \(B, H\) = \(2, 4\), got \(1, 4\)"),
    (lambda: R.GRUCell(3, 4, **F64)(z(3), z(1, 4)), ValueError,
     r"hx must have shape \(H,\) for an unbatched input = \(4,\), got \(1, 4\)"),
    (lambda: R.RNNCell(3, 4, **F64)(z(1, 2, 3)), ValueError,
     r"RNNCell: input must be 2-D \(B, I\) or 1-D \(I,\), got 3-D"),
    (lambda: R.RNNCell(3, 4, **F64)(z(2, 4)), ValueError,
     r"input's last dimension must be input_size = 3, got shape \(2, 4\)"),
    (lambda: R.LSTMCell(3, 4, **F64)(z(2, 3), (z(2, 4),)), TypeError,
     r"LSTMCell: hx must be a tuple \(h, c\) of two tensors, got tuple of length 1"),
    (lambda: R.LSTMCell(3, 4, **F64)(z(2, 3), (z(2, 4), z(2, 4, dtype=torch.float32))),
     TypeError, r"hx\[1\] \(c\) has dtype torch.float32 but the parameters are torch.float64"),
    (lambda: R.LSTMCell(3, 4, **F64)(z(2, 3), (z(2, 4) + INF, z(2, 4))), ValueError,
     r"hx\[0\] \(h\) contains NaN or inf"),
])
def test_bad_call_arguments(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_packed_sequence_is_refused():
    packed = nn.utils.rnn.pack_padded_sequence(torch.zeros(3, 2, 4), torch.tensor([3, 2]))
    with pytest.raises(NotImplementedError, match="PackedSequence"):
        R.LSTM(4, 5)(packed)


@settings(max_examples=60, deadline=None)
@given(x_shape=st.lists(st.integers(0, 4), min_size=0, max_size=4),
       h_shape=st.one_of(st.none(), st.lists(st.integers(0, 4), min_size=0, max_size=4)))
def test_fuzzed_shapes_raise_value_error_or_match_torch(x_shape, h_shape):
    """Any input/hx shape either works exactly as torch.nn.GRU or raises a ValueError
    naming the argument; never a broadcasting error, never a silent broadcast."""
    I, H, L = 3, 2, 2
    x = torch.ones(x_shape, dtype=DTYPE)
    hx = None if h_shape is None else torch.ones(h_shape, dtype=DTYPE)
    ours = R.GRU(I, H, L, dtype=DTYPE)
    batched = len(x_shape) == 3
    valid = (len(x_shape) in (2, 3) and x_shape[-1] == I and x_shape[0] > 0
             and (hx is None or list(h_shape) == ([L, x_shape[1], H] if batched else [L, H])))
    if not valid:
        with pytest.raises(ValueError, match=r"^GRU: (input|hx)"):
            ours(x, hx)
        return
    ref = nn.GRU(I, H, L, dtype=DTYPE)
    ref.load_state_dict(ours.state_dict())
    for a, b in zip(flatten(ref(x, hx)), flatten(ours(x, hx))):
        assert a.shape == b.shape
        torch.testing.assert_close(b, a, rtol=0, atol=TOL)


def test_the_comparison_can_fail():
    """The referee notices a wrong gate order: swap LSTM's g and o blocks in our copy."""
    gen = torch.Generator().manual_seed(1)
    ref, ours = pair(SEQUENCE_KINDS, "lstm", "torch_to_ours", gen, 3, 4)
    with torch.no_grad():
        w = ours.weight_hh_l0
        w.copy_(torch.cat([w[:8], w[12:], w[8:12]]))
    with pytest.raises(AssertionError):
        compare(ref, ours, [torch.randn(3, 2, 3, generator=gen, dtype=DTYPE)], gen)


def test_parametrisation_covers_required_cases():
    shapes = list(itertools.chain(SEQ_SHAPES, [(1, *s) for s in CELL_SHAPES]))
    assert any(T == 1 for T, *_ in SEQ_SHAPES)
    assert any(B == 1 for _, B, *_ in shapes)
    assert any(I != H for *_, I, H in shapes)


@pytest.mark.parametrize("name", R.__all__)
def test_public_classes_link_back_to_a_chapter(name):
    chapter = {"RNN": "01_rnn", "LSTM": "03_lstm", "GRU": "04_gru"}[name.replace("Cell", "")]
    assert f"Explained in chapters/<lang>/{chapter}." in getattr(R, name).__doc__
    if "Cell" not in name:
        assert "explained in\n    chapters/<lang>/06_in_practice." in getattr(R, name).__doc__
