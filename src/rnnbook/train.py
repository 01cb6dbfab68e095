"""A small training loop for the chapters' experiments (needs torch).

One recurrent layer (``torch.nn`` RNN, LSTM or GRU: the C++ kernels keep the
experiments fast; ``rnnbook.torch_ref`` is shown equal to them in the chapters)
and a linear read-out, trained with Adam.

Explained in chapters/<lang>/01_rnn and 02_bptt_and_gradients.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from ._validate import say

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class SeqModel(nn.Module):
    """Recurrent layer + linear read-out.

    readout="last": y = W_hy h_T + b_y, shape (B, O) (many-to-one);
    readout="all":  y_t = W_hy h_t + b_y, shape (T, B, O) (synchronised many-to-many).

    Explained in chapters/<lang>/01_rnn.
    """

    def __init__(self, cell: str, input_size: int, hidden_size: int, output_size: int,
                 readout: str = "last", forget_bias: float | None = None):
        super().__init__()
        if cell not in CELLS:
            raise ValueError(say(f"cell must be one of {sorted(CELLS)}, got {cell!r}",
                                 f"cell의 값은 {sorted(CELLS)} 가운데 하나여야 합니다. 받은 값: {cell!r}"))
        if readout not in ("last", "all"):
            raise ValueError(say(f"readout must be 'last' or 'all', got {readout!r}",
                                 f"readout의 값은 'last' 또는 'all'이어야 합니다. 받은 값: {readout!r}"))
        self.cell, self.readout = cell, readout
        self.rnn = CELLS[cell](input_size, hidden_size)
        self.head = nn.Linear(hidden_size, output_size)
        if forget_bias is not None:
            if cell != "lstm":
                raise ValueError(say(f"forget_bias applies to an LSTM only, not to {cell!r}",
                                     f"forget_bias는 LSTM에만 쓸 수 있습니다. 받은 셀: {cell!r}"))
            set_forget_bias(self.rnn, forget_bias)

    def forward(self, xs: torch.Tensor, state=None):
        hs, _ = self.rnn(xs, state)  # (T, B, H)
        return self.head(hs[-1] if self.readout == "last" else hs)


def set_forget_bias(lstm: nn.LSTM, value: float) -> None:
    """Set the forget gate's total bias to ``value`` (b_if = value, b_hf = 0).

    PyTorch's gate order is i, f, g, o, so the forget rows are H:2H.
    Jozefowicz, Zaremba & Sutskever (2015) recommend a value of 1.

    Explained in chapters/<lang>/03_lstm.
    """
    H = lstm.hidden_size
    with torch.no_grad():
        for name, p in lstm.named_parameters():
            if name.startswith("bias_ih"):
                p[H : 2 * H] = value
            elif name.startswith("bias_hh"):
                p[H : 2 * H] = 0.0


def make_model(cell: str, input_size: int, hidden_size: int, output_size: int, seed: int = 0,
               readout: str = "last", forget_bias: float | None = None,
               dtype: torch.dtype = torch.float32) -> SeqModel:
    """A :class:`SeqModel` whose initial weights depend only on ``seed``.

    Explained in chapters/<lang>/01_rnn.
    """
    torch.manual_seed(seed)
    return SeqModel(cell, input_size, hidden_size, output_size, readout, forget_bias).to(dtype)


@dataclass
class History:
    """What :func:`fit` recorded: per-step training loss and gradient norm, plus evaluations.

    Explained in chapters/<lang>/01_rnn.
    """

    loss: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    eval_step: list = field(default_factory=list)
    eval_loss: list = field(default_factory=list)

    @property
    def final_eval(self) -> float:
        return self.eval_loss[-1] if self.eval_loss else float("nan")


def _as_tensor(a, dtype):
    return a if isinstance(a, torch.Tensor) else torch.as_tensor(np.asarray(a), dtype=dtype)


def fit(model: nn.Module, make_batch, steps: int, lr: float = 1e-2, loss: str = "mse",
        clip: float | None = None, eval_data=None, eval_every: int = 50,
        target_loss: float | None = None) -> History:
    """Train ``model`` with Adam for ``steps`` steps on batches from ``make_batch(step)``.

    - ``make_batch(step) -> (xs, ys)``: xs (T, B, I), ys (B, O) or, for
      cross-entropy, class ids (B,) / (T, B); NumPy arrays or tensors.
    - ``loss``: "mse" or "ce" (cross-entropy over the last dimension).
    - ``clip``: if given, clip the gradient's global norm to this value
      (Pascanu, Mikolov & Bengio 2013).
    - ``eval_data``: (xs, ys) evaluated every ``eval_every`` steps and at the end.
    - ``target_loss``: stop early once the evaluation loss falls below it.

    Explained in chapters/<lang>/01_rnn.
    """
    if loss not in ("mse", "ce"):
        raise ValueError(say(f"loss must be 'mse' or 'ce', got {loss!r}",
                             f"loss의 값은 'mse' 또는 'ce'여야 합니다. 받은 값: {loss!r}"))
    dtype = next(model.parameters()).dtype
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    hist = History()

    def criterion(pred, ys):
        if loss == "mse":
            if ys.shape != pred.shape:  # mse_loss would broadcast (B,) against (B, 1) to (B, B)
                raise ValueError(say(f"ys must have the model output's shape {tuple(pred.shape)} for "
                                     f"loss='mse', got {tuple(ys.shape)}",
                                     f"loss='mse'에서는 ys의 모양이 모델 출력의 모양 "
                                     f"{tuple(pred.shape)}과 같아야 합니다. 받은 모양: {tuple(ys.shape)}"))
            return nn.functional.mse_loss(pred, ys)
        if ys.shape != pred.shape[:-1]:
            raise ValueError(say(f"ys must hold class ids of shape {tuple(pred.shape[:-1])} for "
                                 f"loss='ce', got {tuple(ys.shape)}",
                                 f"loss='ce'에서는 ys가 모양 {tuple(pred.shape[:-1])}인 클래스 번호여야 "
                                 f"합니다. 받은 모양: {tuple(ys.shape)}"))
        return nn.functional.cross_entropy(pred.reshape(-1, pred.shape[-1]), ys.reshape(-1))

    def convert(batch):
        xs, ys = batch
        return _as_tensor(xs, dtype), _as_tensor(ys, dtype if loss == "mse" else torch.long)

    if eval_data is not None:
        eval_data = convert(eval_data)

    def evaluate(step):
        with torch.no_grad():
            value = criterion(model(eval_data[0]), eval_data[1]).item()
        hist.eval_step.append(step)
        hist.eval_loss.append(value)
        return value

    for step in range(steps):
        xs, ys = convert(make_batch(step))
        opt.zero_grad()
        value = criterion(model(xs), ys)
        value.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), clip if clip is not None else float("inf"))
        opt.step()
        hist.loss.append(value.item())
        hist.grad_norm.append(norm.item())
        if eval_data is not None and (step + 1) % eval_every == 0:
            if evaluate(step + 1) < (target_loss if target_loss is not None else -1.0):
                return hist
    if eval_data is not None and (not hist.eval_step or hist.eval_step[-1] != steps):
        evaluate(steps)
    return hist
