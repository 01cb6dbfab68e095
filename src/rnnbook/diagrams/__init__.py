"""Diagrams drawn by the project itself, with labels passed in by the caller.

- ``rnnbook.diagrams._draw``: primitives (canvas, box, arrow, loop, label, parts) that
  every chapter's diagrams are built from.
- ``rnnbook.diagrams.rnn``: chapter 01, the unrolled RNN and the five input/output shapes.

No function here holds prose: every word on a figure comes from a ``labels`` dict, so a
chapter passes Korean or English strings and gets the same picture.
Explained in chapters/<lang>/01_rnn.
"""

from . import _draw, rnn

__all__ = ["_draw", "rnn"]
