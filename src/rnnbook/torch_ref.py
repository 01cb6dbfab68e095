"""PyTorch RNN, LSTM and GRU written from their equations with plain tensor operations.

Drop-in twins of ``torch.nn.RNNCell``, ``LSTMCell``, ``GRUCell``, ``RNN``, ``LSTM`` and
``GRU``: the same constructor arguments, parameter names, initialisation, call signatures
and return shapes, so ``load_state_dict`` works in both directions. Nothing here calls
``torch.nn``'s recurrent modules or their fused kernels; every gate is a matmul, a sigmoid
or a tanh that the chapters show. autograd differentiates it.

Parameter layout (PyTorch's): ``weight_ih (G*H, I)``, ``weight_hh (G*H, H)``,
``bias_ih (G*H,)``, ``bias_hh (G*H,)`` with G = 1 (RNN), 4 (LSTM, gates i, f, g, o),
3 (GRU, gates r, z, n). Every parameter starts as U(-1/sqrt(H), 1/sqrt(H)), drawn in
the same order as ``torch.nn`` so the same seed gives the same weights.

The sequence modules support ``num_layers``, ``batch_first``, ``bidirectional`` (a
second set of parameters per layer with the suffix ``_reverse``, run from the last step to
the first; the two directions' outputs are concatenated, forward first) and ``dropout``
between layers (on every layer's output except the last one's, in training mode only,
drawing its mask exactly as ``torch.nn`` does on the CPU).

Not implemented (they raise ``NotImplementedError``): LSTM ``proj_size > 0`` and
``PackedSequence`` inputs.

References:
- PyTorch documentation, "Recurrent Layers":
  https://pytorch.org/docs/stable/nn.html#recurrent-layers
- Elman (1990), "Finding structure in time", Cognitive Science 14(2).
- Hochreiter & Schmidhuber (1997), "Long short-term memory", Neural Computation 9(8);
  Gers, Schmidhuber & Cummins (2000), "Learning to forget" (the forget gate).
- Cho et al. (2014), arXiv:1406.1078 (the GRU).
- Schuster & Paliwal (1997), "Bidirectional recurrent neural networks", IEEE Transactions
  on Signal Processing 45(11).
- Zaremba, Sutskever & Vinyals (2014), arXiv:1409.2329 (dropout on the connections
  between stacked layers only, which is what ``dropout`` does).
"""

from __future__ import annotations

import math
import numbers
import warnings

import torch
from torch import Tensor, nn

from ._validate import say

__all__ = ["RNNCell", "LSTMCell", "GRUCell", "RNN", "LSTM", "GRU"]

_NONLINEARITIES = ("tanh", "relu")
_SUFFIXES = ("", "_reverse")  # parameter-name suffix of the forward and reverse direction


# The three recurrences. ``gi = W_ih x + b_ih`` comes in precomputed so that a
# sequence module can project every time step's input in one matmul.


def _affine(x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    """``x @ weight.T + bias``: x (N, K), weight (M, K), bias (M,) or None -> (N, M)."""
    if bias is None:
        return x @ weight.t()
    return torch.addmm(bias, x, weight.t())


def _rnn_update(gi: Tensor, h: Tensor, weight_hh: Tensor, bias_hh: Tensor | None,
                nonlinearity: str) -> Tensor:
    """h' = act(gi + W_hh h + b_hh), gi (B, H), h (B, H) -> (B, H)."""
    a = gi + _affine(h, weight_hh, bias_hh)
    return torch.tanh(a) if nonlinearity == "tanh" else torch.relu(a)


def _lstm_update(gi: Tensor, h: Tensor, c: Tensor, weight_hh: Tensor,
                 bias_hh: Tensor | None) -> tuple[Tensor, Tensor]:
    """(h', c') from gi (B, 4H) and the state h, c (B, H)."""
    gates = gi + _affine(h, weight_hh, bias_hh)  # (B, 4H)
    a_i, a_f, a_g, a_o = gates.chunk(4, dim=1)  # each (B, H)
    i = torch.sigmoid(a_i)
    f = torch.sigmoid(a_f)
    g = torch.tanh(a_g)
    o = torch.sigmoid(a_o)
    c_next = f * c + i * g
    h_next = o * torch.tanh(c_next)
    return h_next, c_next


def _gru_update(gi: Tensor, h: Tensor, weight_hh: Tensor, bias_hh: Tensor | None) -> Tensor:
    """h' from gi (B, 3H) and h (B, H); the reset gate acts after the hidden matmul."""
    gh = _affine(h, weight_hh, bias_hh)  # (B, 3H)
    gi_r, gi_z, gi_n = gi.chunk(3, dim=1)  # each (B, H)
    gh_r, gh_z, gh_n = gh.chunk(3, dim=1)  # each (B, H)
    r = torch.sigmoid(gi_r + gh_r)
    z = torch.sigmoid(gi_z + gh_z)
    # r multiplies W_hn h + b_hn, not h itself: PyTorch's (and cuDNN's) GRU.
    n = torch.tanh(gi_n + r * gh_n)
    return (1 - z) * n + z * h


def _check_size(owner: str, name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(say(f"{owner}: {name} must be an int, got {type(value).__name__} {value!r}",
                            f"{owner}: {name}에는 int가 필요합니다. "
                            f"받은 것: {type(value).__name__} {value!r}"))
    if value <= 0:
        raise ValueError(say(f"{owner}: {name} must be a positive int, got {value}",
                             f"{owner}: {name}에는 양의 정수가 필요합니다. 받은 값: {value}"))
    return int(value)


def _check_flag(owner: str, name: str, value) -> bool:
    if not isinstance(value, bool):
        raise TypeError(say(f"{owner}: {name} must be a bool, got {type(value).__name__} {value!r}",
                            f"{owner}: {name}에는 bool이 필요합니다. "
                            f"받은 것: {type(value).__name__} {value!r}"))
    return value


def _check_nonlinearity(owner: str, nonlinearity) -> str:
    if nonlinearity not in _NONLINEARITIES:
        raise ValueError(say(
            f"{owner}: nonlinearity must be one of {_NONLINEARITIES}, got {nonlinearity!r}",
            f"{owner}: nonlinearity는 {_NONLINEARITIES} 가운데 하나여야 합니다. "
            f"받은 값: {nonlinearity!r}"))
    return nonlinearity


def _check_tensor(owner: str, name: str, t, dtype: torch.dtype) -> Tensor:
    """A floating tensor of the parameters' dtype, free of NaN and inf."""
    if isinstance(t, nn.utils.rnn.PackedSequence):
        raise NotImplementedError(say(
            f"{owner}: PackedSequence inputs are not supported; pass a padded tensor",
            f"{owner}: PackedSequence 입력은 지원하지 않습니다. 패딩한 텐서를 넘기세요"))
    if not isinstance(t, Tensor):
        raise TypeError(say(f"{owner}: {name} must be a torch.Tensor, got {type(t).__name__}",
                            f"{owner}: {name}에는 torch.Tensor가 필요합니다. "
                            f"받은 것: {type(t).__name__}"))
    if not t.is_floating_point():
        raise TypeError(say(
            f"{owner}: {name} must be a floating-point tensor, got dtype {t.dtype}",
            f"{owner}: {name}은(는) 부동소수점 텐서여야 합니다. 받은 dtype: {t.dtype}"))
    if t.dtype != dtype:
        raise TypeError(say(
            f"{owner}: {name} has dtype {t.dtype} but the parameters are {dtype}; "
            f"expected {dtype} (convert the tensor with .to({dtype}) or the module "
            f"with .to({t.dtype}))",
            f"{owner}: {name}의 dtype은 {t.dtype}인데 파라미터의 dtype은 {dtype}입니다. "
            f"{name}의 dtype은 {dtype}이어야 합니다(텐서를 .to({dtype})로 바꾸거나 모듈을 "
            f".to({t.dtype})로 바꾸세요)"))
    if not bool(torch.isfinite(t).all()):
        raise ValueError(say(f"{owner}: {name} contains NaN or inf; expected finite values",
                             f"{owner}: {name}에 NaN이나 inf가 들어 있습니다. "
                             f"값은 모두 유한해야 합니다"))
    return t


def _check_input(owner: str, input, dtype: torch.dtype, input_size: int,
                 batched: str, unbatched: str) -> Tensor:
    """The ``input`` tensor, with len(batched) dims or one fewer, and input_size last."""
    x = _check_tensor(owner, "input", input, dtype)
    n = batched.count(",") + 1
    if x.dim() not in (n - 1, n):
        raise ValueError(say(
            f"{owner}: input must be {n}-D {batched} or {n - 1}-D {unbatched}, got {x.dim()}-D "
            f"with shape {tuple(x.shape)}",
            f"{owner}: input은 {n}차원 {batched} 또는 {n - 1}차원 {unbatched}여야 합니다. "
            f"받은 것: {x.dim()}차원, 모양 {tuple(x.shape)}"))
    if x.shape[-1] != input_size:
        raise ValueError(say(
            f"{owner}: input's last dimension must be input_size = {input_size}, "
            f"got shape {tuple(x.shape)}",
            f"{owner}: input의 마지막 차원은 input_size(= {input_size})여야 합니다. "
            f"받은 모양: {tuple(x.shape)}"))
    return x


def _check_shape(owner: str, name: str, t: Tensor, expected: tuple, meaning: str,
                 hint: str = "") -> None:
    """Raise unless t has shape ``expected``; ``meaning`` and ``hint`` come in the reader's
    language already (see ``say``)."""
    if tuple(t.shape) != expected:
        raise ValueError(say(
            f"{owner}: {name} must have shape {meaning} = {expected}, got {tuple(t.shape)}"
            f"{hint}",
            f"{owner}: {name}의 모양은 {meaning} = {expected}여야 합니다. "
            f"받은 모양: {tuple(t.shape)}{hint}"))


def _dropout(x: Tensor, p: float) -> Tensor:
    """Inverted dropout: keep each entry with probability 1 - p and divide it by 1 - p.

    The mask comes from ``empty_like(x).bernoulli_(1 - p)``, the same draws as torch.nn's
    recurrent layers make on the CPU, so the same seed drops the same entries.
    """
    if p == 1:
        return x * 0.0
    mask = torch.empty_like(x).bernoulli_(1 - p)  # 1 = kept
    return x * mask.div_(1 - p)


def _init_uniform(module: nn.Module, hidden_size: int) -> None:
    """U(-1/sqrt(H), 1/sqrt(H)) for every parameter, in registration order (as torch.nn)."""
    bound = 1.0 / math.sqrt(hidden_size)
    with torch.no_grad():
        for p in module.parameters():
            p.uniform_(-bound, bound)


class _CellBase(nn.Module):
    """Parameters, initialisation and input checks shared by the three cells."""

    _num_gates = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device=None, dtype=None) -> None:
        super().__init__()
        owner = type(self).__name__
        self.input_size = _check_size(owner, "input_size", input_size)
        self.hidden_size = _check_size(owner, "hidden_size", hidden_size)
        self.bias = _check_flag(owner, "bias", bias)
        factory = {"device": device, "dtype": dtype}
        GH = self._num_gates * self.hidden_size
        self.weight_ih = nn.Parameter(torch.empty(GH, self.input_size, **factory))
        self.weight_hh = nn.Parameter(torch.empty(GH, self.hidden_size, **factory))
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(GH, **factory))
            self.bias_hh = nn.Parameter(torch.empty(GH, **factory))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every parameter from U(-1/sqrt(H), 1/sqrt(H)), as torch.nn does."""
        _init_uniform(self, self.hidden_size)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            s += ", bias=False"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _input(self, input) -> tuple[Tensor, bool]:
        """Check ``input`` (B, I) or (I,); return it as (B, I) and whether it was batched."""
        x = _check_input(type(self).__name__, input, self.weight_ih.dtype, self.input_size,
                         "(B, I)", "(I,)")
        batched = x.dim() == 2
        return (x if batched else x.unsqueeze(0)), batched  # (B, I)

    def _state(self, name: str, t, B: int, batched: bool) -> Tensor:
        """Check one state tensor against (B, H) or (H,); return it as (B, H)."""
        owner = type(self).__name__
        t = _check_tensor(owner, name, t, self.weight_ih.dtype)
        H = self.hidden_size
        if batched:
            _check_shape(owner, name, t, (B, H), "(B, H)")
            return t
        _check_shape(owner, name, t, (H,), say("(H,) for an unbatched input",
                                              "배치 차원이 없는 입력에서는 (H,)"))
        return t.unsqueeze(0)  # (1, H)

    def _state_or_zeros(self, hx, B: int, batched: bool) -> Tensor:
        """``hx`` checked by :meth:`_state`, or zeros (B, H) when it is None."""
        if hx is None:
            return self.weight_ih.new_zeros(B, self.hidden_size)
        return self._state("hx", hx, B, batched)


class RNNCell(_CellBase):
    """Elman RNN cell, the twin of ``torch.nn.RNNCell``.

    Equation (``act`` is tanh or relu):

        h' = act(weight_ih x + bias_ih + weight_hh h + bias_hh)

    Shapes: input ``(B, I)`` or ``(I,)``; hx ``(B, H)`` or ``(H,)``, zeros if None;
    returns h' with hx's shape. Parameters: ``weight_ih (H, I)``, ``weight_hh (H, H)``,
    ``bias_ih (H,)``, ``bias_hh (H,)``.

    Explained in chapters/<lang>/01_rnn.
    """

    _num_gates = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device=None, dtype=None) -> None:
        self.nonlinearity = _check_nonlinearity("RNNCell", nonlinearity)
        super().__init__(input_size, hidden_size, bias, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, batched = self._input(input)  # (B, I)
        h = self._state_or_zeros(hx, x.shape[0], batched)  # (B, H)
        gi = _affine(x, self.weight_ih, self.bias_ih)  # (B, H)
        h_next = _rnn_update(gi, h, self.weight_hh, self.bias_hh, self.nonlinearity)
        return h_next if batched else h_next.squeeze(0)


class LSTMCell(_CellBase):
    """LSTM cell, the twin of ``torch.nn.LSTMCell``.

    Equations, with the gate pre-activations split in the order i, f, g, o:

        a_i, a_f, a_g, a_o = weight_ih x + bias_ih + weight_hh h + bias_hh
        i = sigmoid(a_i)   f = sigmoid(a_f)   g = tanh(a_g)   o = sigmoid(a_o)
        c' = f * c + i * g
        h' = o * tanh(c')

    Shapes: input ``(B, I)`` or ``(I,)``; hx a tuple ``(h, c)`` of ``(B, H)`` or ``(H,)``,
    zeros if None; returns ``(h', c')`` with the same shapes. Parameters:
    ``weight_ih (4H, I)``, ``weight_hh (4H, H)``, ``bias_ih (4H,)``, ``bias_hh (4H,)``.

    Explained in chapters/<lang>/03_lstm.
    """

    _num_gates = 4

    def forward(self, input: Tensor,
                hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        x, batched = self._input(input)  # (B, I)
        B = x.shape[0]
        if hx is None:
            h = c = self.weight_ih.new_zeros(B, self.hidden_size)
        else:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                length = isinstance(hx, (tuple, list))
                raise TypeError(say(
                    f"LSTMCell: hx must be a tuple (h, c) of two tensors, got "
                    f"{type(hx).__name__}" + (f" of length {len(hx)}" if length else ""),
                    f"LSTMCell: hx는 텐서 두 개의 튜플 (h, c)여야 합니다. 받은 것: "
                    f"{type(hx).__name__}" + (f" (길이 {len(hx)})" if length else "")))
            h = self._state("hx[0] (h)", hx[0], B, batched)  # (B, H)
            c = self._state("hx[1] (c)", hx[1], B, batched)  # (B, H)
        gi = _affine(x, self.weight_ih, self.bias_ih)  # (B, 4H)
        h_next, c_next = _lstm_update(gi, h, c, self.weight_hh, self.bias_hh)
        if not batched:
            return h_next.squeeze(0), c_next.squeeze(0)
        return h_next, c_next


class GRUCell(_CellBase):
    """GRU cell, the twin of ``torch.nn.GRUCell`` (reset gate after the hidden matmul).

    Equations, with rows of the weights in the order r, z, n:

        r  = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
        z  = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
        n  = tanh(W_in x + b_in + r * (W_hn h + b_hn))
        h' = (1 - z) * n + z * h

    where ``weight_ih = [W_ir; W_iz; W_in]``, ``weight_hh = [W_hr; W_hz; W_hn]`` and the
    biases likewise. Shapes: input ``(B, I)`` or ``(I,)``; hx ``(B, H)`` or ``(H,)``, zeros
    if None; returns h' with hx's shape. Parameters: ``weight_ih (3H, I)``,
    ``weight_hh (3H, H)``, ``bias_ih (3H,)``, ``bias_hh (3H,)``.

    Explained in chapters/<lang>/04_gru.
    """

    _num_gates = 3

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, batched = self._input(input)  # (B, I)
        h = self._state_or_zeros(hx, x.shape[0], batched)  # (B, H)
        gi = _affine(x, self.weight_ih, self.bias_ih)  # (B, 3H)
        h_next = _gru_update(gi, h, self.weight_hh, self.bias_hh)
        return h_next if batched else h_next.squeeze(0)


class _SequenceBase(nn.Module):
    """Parameters, checks and the time loop shared by RNN, LSTM and GRU."""

    _num_gates = 1
    _has_cell_state = False

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device=None, dtype=None) -> None:
        super().__init__()
        owner = type(self).__name__
        self.input_size = _check_size(owner, "input_size", input_size)
        self.hidden_size = _check_size(owner, "hidden_size", hidden_size)
        self.num_layers = _check_size(owner, "num_layers", num_layers)
        self.bias = _check_flag(owner, "bias", bias)
        self.batch_first = _check_flag(owner, "batch_first", batch_first)
        if (isinstance(dropout, bool) or not isinstance(dropout, numbers.Real)
                or not 0 <= dropout <= 1):
            raise ValueError(say(f"{owner}: dropout must be a number in [0, 1], got {dropout!r}",
                                 f"{owner}: dropout은 [0, 1] 범위의 수여야 합니다. "
                                 f"받은 값: {dropout!r}"))
        self.dropout = float(dropout)
        if self.dropout > 0 and self.num_layers == 1:
            # torch.nn warns the same way: with one layer there is no "between".
            warnings.warn(say(
                f"{owner}: dropout acts between stacked layers only, so dropout={dropout} "
                f"with num_layers=1 has no effect; expected num_layers > 1",
                f"{owner}: 드롭아웃은 층과 층 사이에만 적용되므로 num_layers=1에서는 "
                f"dropout={dropout}도 아무 효과가 없습니다. num_layers가 1보다 커야 합니다"),
                stacklevel=3)
        self.bidirectional = _check_flag(owner, "bidirectional", bidirectional)
        self.num_directions = 2 if self.bidirectional else 1
        factory = {"device": device, "dtype": dtype}
        GH = self._num_gates * self.hidden_size
        # Registration order = torch.nn's (layer by layer, forward then reverse), so
        # reset_parameters draws the same numbers from the same seed.
        for layer in range(self.num_layers):
            layer_input = (self.input_size if layer == 0
                           else self.num_directions * self.hidden_size)
            for suffix in _SUFFIXES[:self.num_directions]:
                name = f"l{layer}{suffix}"
                self.register_parameter(
                    f"weight_ih_{name}", nn.Parameter(torch.empty(GH, layer_input, **factory)))
                self.register_parameter(
                    f"weight_hh_{name}",
                    nn.Parameter(torch.empty(GH, self.hidden_size, **factory)))
                if self.bias:
                    self.register_parameter(
                        f"bias_ih_{name}", nn.Parameter(torch.empty(GH, **factory)))
                    self.register_parameter(
                        f"bias_hh_{name}", nn.Parameter(torch.empty(GH, **factory)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every parameter from U(-1/sqrt(H), 1/sqrt(H)), as torch.nn does."""
        _init_uniform(self, self.hidden_size)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s

    def _layer_params(self, layer: int, direction: int = 0
                      ) -> tuple[Tensor, Tensor, Tensor | None, Tensor | None]:
        """(weight_ih, weight_hh, bias_ih, bias_hh) of one layer and direction (0 forward,
        1 reverse); biases None if bias=False."""
        return tuple(getattr(self, f"{name}_l{layer}{_SUFFIXES[direction]}", None)
                     for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))

    def _input(self, input) -> tuple[Tensor, bool]:
        """Check the input; return it time-major (T, B, I) and whether it was batched."""
        owner = type(self).__name__
        layout = "(B, T, I)" if self.batch_first else "(T, B, I)"
        x = _check_input(owner, input, self.weight_ih_l0.dtype, self.input_size, layout, "(T, I)")
        batched = x.dim() == 3
        if not batched:
            x = x.unsqueeze(1)  # (T, 1, I); batch_first does not apply to unbatched input
        elif self.batch_first:
            x = x.transpose(0, 1)  # (B, T, I) -> (T, B, I)
        if x.shape[0] == 0:
            raise ValueError(say(
                f"{owner}: input must have at least one time step, got T = 0",
                f"{owner}: input에는 시간 단계가 하나 이상 있어야 합니다. 받은 것: T = 0"))
        return x, batched

    def _state(self, name: str, t, B: int, batched: bool) -> Tensor:
        """Check one state tensor against (L·D, B, H) or (L·D, H); return it as (L·D, B, H).

        D is the number of directions; batch_first never applies to the states.
        """
        owner = type(self).__name__
        t = _check_tensor(owner, name, t, self.weight_ih_l0.dtype)
        LD, H = self.num_layers * self.num_directions, self.hidden_size
        layers = "num_layers" if self.num_directions == 1 else "2·num_layers"
        why = "" if self.num_directions == 1 else " for bidirectional=True"
        why_ko = "" if self.num_directions == 1 else "bidirectional=True"
        if batched:
            hint = ""
            if self.batch_first and tuple(t.shape) == (B, LD, H) != (LD, B, H):
                hint = say("; batch_first=True applies to input and output only, never to "
                           "h_0/c_0",
                           ". batch_first=True는 입력과 출력에만 적용되고 h_0/c_0에는 "
                           "적용되지 않습니다")
            meaning_ko = f"{why_ko}일 때 ({layers}, B, H)" if why_ko else f"({layers}, B, H)"
            _check_shape(owner, name, t, (LD, B, H),
                         say(f"({layers}, B, H){why}", meaning_ko), hint)
            return t
        when_ko = "배치 차원이 없는 입력" + (f"이고 {why_ko}일 때" if why_ko else "에서는")
        _check_shape(owner, name, t, (LD, H),
                     say(f"({layers}, H) for an unbatched input{why}", f"{when_ko} ({layers}, H)"))
        return t.unsqueeze(1)  # (L·D, 1, H)

    def _initial_state(self, hx, x: Tensor, batched: bool) -> list[Tensor]:
        """The initial state as a list of (L·D, B, H) tensors: [h0] or [h0, c0]."""
        owner = type(self).__name__
        B = x.shape[1]
        if hx is None:
            zeros = x.new_zeros(self.num_layers * self.num_directions, B, self.hidden_size)
            return [zeros, zeros] if self._has_cell_state else [zeros]
        if not self._has_cell_state:
            return [self._state("hx", hx, B, batched)]
        if not isinstance(hx, (tuple, list)) or len(hx) != 2:
            length = isinstance(hx, (tuple, list))
            raise TypeError(say(
                f"{owner}: hx must be a tuple (h_0, c_0) of two tensors, got "
                f"{type(hx).__name__}" + (f" of length {len(hx)}" if length else ""),
                f"{owner}: hx는 텐서 두 개의 튜플 (h_0, c_0)여야 합니다. 받은 것: "
                f"{type(hx).__name__}" + (f" (길이 {len(hx)})" if length else "")))
        return [self._state("hx[0] (h_0)", hx[0], B, batched),
                self._state("hx[1] (c_0)", hx[1], B, batched)]

    def _step(self, gi: Tensor, state: list[Tensor], weight_hh: Tensor,
              bias_hh: Tensor | None) -> list[Tensor]:
        raise NotImplementedError

    def _direction(self, x: Tensor, state: list[Tensor], layer: int,
                   direction: int) -> tuple[Tensor, list[Tensor]]:
        """Run one layer in one direction over x (T, B, K) from ``state`` (each (B, H)).

        Returns the hidden states (T, B, H), each stored at the time step it belongs to
        (also for the reverse direction, which visits t = T-1, ..., 0), and the final state.
        """
        T, B, K = x.shape
        weight_ih, weight_hh, bias_ih, bias_hh = self._layer_params(layer, direction)
        # All T input projections in one matmul; only W_hh h stays inside the loop.
        gi = _affine(x.reshape(T * B, K), weight_ih, bias_ih)  # (T*B, G*H)
        gi = gi.reshape(T, B, gi.shape[1])  # (T, B, G*H)
        hs = [None] * T
        for t in (range(T) if direction == 0 else range(T - 1, -1, -1)):
            state = self._step(gi[t], state, weight_hh, bias_hh)
            hs[t] = state[0]
        return torch.stack(hs), state  # (T, B, H)

    def forward(self, input: Tensor, hx=None):
        x, batched = self._input(input)  # (T, B, I)
        state0 = self._initial_state(hx, x, batched)  # each (L*D, B, H)
        D = self.num_directions
        finals = []  # one final state per (layer, direction), in h_n's order
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(D):
                k = layer * D + direction
                out, final = self._direction(x, [s[k] for s in state0], layer, direction)
                outputs.append(out)
                finals.append(final)
            x = outputs[0] if D == 1 else torch.cat(outputs, dim=2)  # (T, B, D*H)
            if self.training and self.dropout > 0 and layer < self.num_layers - 1:
                x = _dropout(x, self.dropout)  # the next layer's input only
        output = x
        # [h_n] or [h_n, c_n], each (L*D, B, H)
        state_n = [torch.stack([f[k] for f in finals]) for k in range(len(state0))]
        if not batched:
            output = output.squeeze(1)  # (T, D*H)
            state_n = [s.squeeze(1) for s in state_n]  # each (L*D, H)
        elif self.batch_first:
            output = output.transpose(0, 1)  # (B, T, D*H)
        if self._has_cell_state:
            return output, (state_n[0], state_n[1])
        return output, state_n[0]


class RNN(_SequenceBase):
    """Stacked Elman RNN over a sequence, the twin of ``torch.nn.RNN``.

    For each layer l and time step t (``act`` is tanh or relu; layer 0 reads the input,
    layer l > 0 reads layer l - 1's output, with dropout applied to it in training mode):

        h_t = act(weight_ih_l{l} x_t + bias_ih_l{l} + weight_hh_l{l} h_{t-1} + bias_hh_l{l})

    If bidirectional, the parameters ``*_l{l}_reverse`` run the same recurrence from
    t = T-1 down to 0 (h_{t+1} in place of h_{t-1}), and layer l's output at t is
    ``[forward h_t ; reverse h_t]``.

    Call ``rnn(input, hx=None) -> (output, h_n)``. Shapes, with D = 2 if bidirectional
    else 1: input ``(T, B, I)`` (``(B, T, I)`` if batch_first) or unbatched ``(T, I)``;
    hx ``(num_layers*D, B, H)`` or ``(num_layers*D, H)``, zeros if None, ordered layer by
    layer and forward before reverse within a layer (batch_first never applies to it);
    output: the last layer's h_t for every t, both directions concatenated, ``(T, B, D*H)``
    (``(B, T, D*H)`` if batch_first) or ``(T, D*H)``; h_n like hx.

    Explained in chapters/<lang>/01_rnn. Layers, directions and dropout are explained in
    chapters/<lang>/06_in_practice.
    """

    _num_gates = 1

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None) -> None:
        self.nonlinearity = _check_nonlinearity("RNN", nonlinearity)
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device=device, dtype=dtype)

    def _step(self, gi, state, weight_hh, bias_hh):
        return [_rnn_update(gi, state[0], weight_hh, bias_hh, self.nonlinearity)]


class LSTM(_SequenceBase):
    """Stacked LSTM over a sequence, the twin of ``torch.nn.LSTM``.

    For each layer l and time step t (layer 0 reads the input, layer l > 0 reads layer
    l - 1's h_t), with the pre-activations split in the order i, f, g, o:

        a_i, a_f, a_g, a_o = (weight_ih_l{l} x_t + bias_ih_l{l}
                              + weight_hh_l{l} h_{t-1} + bias_hh_l{l})
        i = sigmoid(a_i)   f = sigmoid(a_f)   g = tanh(a_g)   o = sigmoid(a_o)
        c_t = f * c_{t-1} + i * g
        h_t = o * tanh(c_t)

    Call ``lstm(input, hx=None) -> (output, (h_n, c_n))``. Shapes, with D = 2 if
    bidirectional else 1: input ``(T, B, I)`` (``(B, T, I)`` if batch_first) or unbatched
    ``(T, I)``; hx a tuple ``(h_0, c_0)`` of ``(num_layers*D, B, H)`` or
    ``(num_layers*D, H)``, zeros if None (layer by layer, forward before reverse; never
    batch-first); output ``(T, B, D*H)`` (``(B, T, D*H)`` if batch_first) or ``(T, D*H)``;
    h_n, c_n like h_0.

    Explained in chapters/<lang>/03_lstm. Layers, directions and dropout are explained in
    chapters/<lang>/06_in_practice.
    """

    _num_gates = 4
    _has_cell_state = True

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0,
                 device=None, dtype=None) -> None:
        if proj_size != 0:
            raise NotImplementedError(say(
                f"LSTM: proj_size > 0 (LSTM with projections) is not implemented in "
                f"rnnbook.torch_ref; got proj_size={proj_size!r}, expected 0",
                f"LSTM: proj_size > 0(투영이 있는 LSTM)은 rnnbook.torch_ref에 구현되어 있지 "
                f"않으므로 proj_size는 0이어야 합니다. 받은 값: proj_size={proj_size!r}"))
        self.proj_size = 0
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device=device, dtype=dtype)

    def _step(self, gi, state, weight_hh, bias_hh):
        return list(_lstm_update(gi, state[0], state[1], weight_hh, bias_hh))


class GRU(_SequenceBase):
    """Stacked GRU over a sequence, the twin of ``torch.nn.GRU``.

    For each layer l and time step t (layer 0 reads the input, layer l > 0 reads layer
    l - 1's h_t), with rows in the order r, z, n as in :class:`GRUCell`:

        r   = sigmoid(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
        z   = sigmoid(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
        n   = tanh(W_in x_t + b_in + r * (W_hn h_{t-1} + b_hn))
        h_t = (1 - z) * n + z * h_{t-1}

    Call ``gru(input, hx=None) -> (output, h_n)``. Shapes, with D = 2 if bidirectional
    else 1: input ``(T, B, I)`` (``(B, T, I)`` if batch_first) or unbatched ``(T, I)``;
    hx ``(num_layers*D, B, H)`` or ``(num_layers*D, H)``, zeros if None (layer by layer,
    forward before reverse; never batch-first); output ``(T, B, D*H)`` (``(B, T, D*H)``
    if batch_first) or ``(T, D*H)``; h_n like hx.

    Explained in chapters/<lang>/04_gru. Layers, directions and dropout are explained in
    chapters/<lang>/06_in_practice.
    """

    _num_gates = 3

    def _step(self, gi, state, weight_hh, bias_hh):
        return [_gru_update(gi, state[0], weight_hh, bias_hh)]
