"""Diagrams drawn by the project itself, with labels passed in by the caller.

- ``rnnbook.diagrams._draw``: primitives (canvas, box, arrow, loop, label, parts, wire,
  pointwise, pointwise_tanh, panel, legend_item, check_labels) that every chapter's
  diagrams are built from.
- ``rnnbook.diagrams.rnn``: chapter 01, the unrolled RNN and the five input/output shapes.
- ``rnnbook.diagrams.lstm``: chapter 03, the LSTM cell.
- ``rnnbook.diagrams.gru``: chapter 04, the GRU cell (reset gate after or before the matmul).

No function here holds prose: every word on a figure comes from a ``labels`` dict, so a
chapter passes Korean or English strings and gets the same picture.
Explained in chapters/<lang>/01_rnn.
"""

from . import _draw, gru, lstm, rnn

__all__ = ["_draw", "gru", "lstm", "rnn"]
