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


def pair(kind_table, kind, direction, gen, *args, **kw):
    """(torch.nn module, our module) holding the same random parameters.

    ``direction`` "torch_to_ours" randomises the torch.nn module and loads its state into
    ours; "ours_to_torch" does the reverse.
    """
    torch_cls, our_cls, extra = kind_table[kind]
    ref = torch_cls(*args, **extra, **kw, dtype=DTYPE)
    ours = our_cls(*args, **extra, **kw, dtype=DTYPE)
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


def compare(ref, ours, inputs, gen):
    """Run both modules on ``inputs``, backpropagate one random loss, compare everything.

    ``inputs`` is a list of tensors (input, then the state tensors, if any); the state is
    passed as a tuple for LSTM modules.
    """
    runs = []
    for module in (ref, ours):
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
    weights = [torch.randn(t.shape, generator=gen, dtype=DTYPE) for t in flat_ref]
    for a, b in zip(flat_ref, flat_ours):
        assert a.shape == b.shape
        assert a.dtype == b.dtype == DTYPE
        torch.testing.assert_close(b, a, rtol=0, atol=TOL)

    for flat in (flat_ref, flat_ours):
        sum((w * t).sum() for w, t in zip(weights, flat)).backward()
    params_ours = dict(ours.named_parameters())
    for name, p in ref.named_parameters():
        torch.testing.assert_close(params_ours[name].grad, p.grad, rtol=0, atol=TOL,
                                   msg=f"gradient of {name}")
    for k, (a, b) in enumerate(zip(leaves_ref, leaves_ours)):
        torch.testing.assert_close(b.grad, a.grad, rtol=0, atol=TOL,
                                   msg=f"gradient of input #{k}")
    return out_ref, out_ours


@pytest.mark.parametrize("direction", ["torch_to_ours", "ours_to_torch"])
@pytest.mark.parametrize("with_hx", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("shape", SEQ_SHAPES, ids=str)
@pytest.mark.parametrize("kind", SEQUENCE_KINDS)
def test_sequence_matches_torch(kind, shape, num_layers, batch_first, with_hx, direction):
    T, B, I, H = shape
    gen = torch.Generator().manual_seed(seed_of(kind, shape, num_layers))
    ref, ours = pair(SEQUENCE_KINDS, kind, direction, gen, I, H, num_layers,
                     batch_first=batch_first)
    xs_shape = (B, T, I) if batch_first else (T, B, I)
    inputs = [torch.randn(xs_shape, generator=gen, dtype=DTYPE)]
    if with_hx:
        n_states = 2 if kind == "lstm" else 1
        inputs += [torch.randn(num_layers, B, H, generator=gen, dtype=DTYPE)
                   for _ in range(n_states)]
    out_ref, out_ours = compare(ref, ours, inputs, gen)
    output = out_ours[0]
    assert output.shape == ((B, T, H) if batch_first else (T, B, H))
    for s in flatten(out_ours[1]):
        assert s.shape == (num_layers, B, H)


@pytest.mark.parametrize("with_hx", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("kind", SEQUENCE_KINDS)
def test_sequence_unbatched_matches_torch(kind, num_layers, batch_first, with_hx):
    T, I, H = 4, 3, 5
    gen = torch.Generator().manual_seed(7)
    ref, ours = pair(SEQUENCE_KINDS, kind, "torch_to_ours", gen, I, H, num_layers,
                     batch_first=batch_first)
    inputs = [torch.randn(T, I, generator=gen, dtype=DTYPE)]
    if with_hx:
        n_states = 2 if kind == "lstm" else 1
        inputs += [torch.randn(num_layers, H, generator=gen, dtype=DTYPE)
                   for _ in range(n_states)]
    _, out_ours = compare(ref, ours, inputs, gen)
    assert out_ours[0].shape == (T, H)
    for s in flatten(out_ours[1]):
        assert s.shape == (num_layers, H)


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


@pytest.mark.parametrize("num_layers", [1, 3])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("kind", SEQUENCE_KINDS)
def test_sequence_state_dict_and_init_like_torch(kind, bias, num_layers):
    torch_cls, our_cls, extra = SEQUENCE_KINDS[kind]
    I, H = 3, 7
    torch.manual_seed(11)
    ref = torch_cls(I, H, num_layers, bias=bias, **extra)
    torch.manual_seed(11)
    ours = our_cls(I, H, num_layers, bias=bias, **extra)
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
    with pytest.raises(NotImplementedError, match="dropout.*got dropout=0.5, expected 0"):
        R.LSTM(3, 4, 2, dropout=0.5)
    with pytest.raises(ValueError, match="dropout must be a number in \\[0, 1\\], got 2"):
        R.LSTM(3, 4, 2, dropout=2)
    with pytest.raises(NotImplementedError, match="bidirectional=True.*expected False"):
        R.GRU(3, 4, bidirectional=True)
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
