"""Diagrams of chapter 01: the unrolled RNN and the five input/output shapes.

Every word on a figure comes from the caller's ``labels`` dict, so the same function
draws the Korean and the English figure; only symbols such as ``$x_t$`` are built here.
Colours (see :data:`rnnbook.diagrams._draw.COLORS`): inputs blue, cells orange,
outputs green, the hidden state's arrows red.

References: Elman (1990), "Finding structure in time" (the recurrent cell); Karpathy
(2015), "The unreasonable effectiveness of recurrent neural networks" (the five-shape
figure); Goodfellow, Bengio & Courville (2016), *Deep Learning*, ch. 10 (unfolding).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from .._validate import say
from . import _draw as d

UNROLLED_KEYS = ("folded", "unrolled", "cell", "caption")
SHAPE_KEYS = ("one_to_one", "one_to_many", "many_to_one", "encoder_decoder", "synced")

# Which steps of each shape take an input and which give an output, and whether the
# steps are linked by a hidden state. Decoder steps are drawn in a second cell colour.
SHAPES = {
    "one_to_one": {"inputs": (1,), "outputs": (1,), "recurrent": False, "decoder": ()},
    "one_to_many": {"inputs": (1, 0, 0), "outputs": (1, 1, 1), "recurrent": True,
                    "decoder": (), "feedback": (0, 1)},
    "many_to_one": {"inputs": (1, 1, 1), "outputs": (0, 0, 1), "recurrent": True,
                    "decoder": ()},
    "encoder_decoder": {"inputs": (1, 1, 1, 0, 0, 0), "outputs": (0, 0, 0, 1, 1, 1),
                        "recurrent": True, "decoder": (3, 4, 5), "feedback": (3, 4)},
    "synced": {"inputs": (1, 1, 1), "outputs": (1, 1, 1), "recurrent": True, "decoder": ()},
}

_BOX_W, _BOX_H = 0.8, 0.5


def unrolled(labels: Mapping[str, str], inputs: Sequence[str] | None = None,
             outputs: Sequence[str] | None = None, steps: int = 4) -> Figure:
    """The folded RNN cell with its loop, "=", and the same cell unrolled over time.

        h_t = cell(x_t, h_{t-1}),  y_t = readout(h_t),  h_0 = 0

    - ``labels``: ``{"folded": title of the left part, "unrolled": title of the right
      part, "cell": text inside every cell box, "caption": line under the figure}``.
    - ``inputs``, ``outputs``: the text of each step's input and output box (e.g. the
      characters of "hello"); default ``$x_t$`` and ``$y_t$`` for t = 1 … ``steps``.
      Given, their length sets the number of steps.

    Returns the figure: one axes with 3 + 3·T boxes and T + 1 hidden-state arrows
    (gid "recurrent"). Explained in chapters/<lang>/01_rnn.
    """
    d.check_labels(labels, UNROLLED_KEYS)
    if inputs is not None:
        steps = len(inputs)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(say(f"steps must be a positive int, got {steps!r}",
                             f"steps에는 양의 정수가 필요합니다. 받은 값: {steps!r}"))
    inputs = list(inputs) if inputs is not None else [f"$x_{{{t}}}$" for t in range(1, steps + 1)]
    outputs = (list(outputs) if outputs is not None
               else [f"$y_{{{t}}}$" for t in range(1, steps + 1)])
    if len(outputs) != steps:
        raise ValueError(say(f"outputs must have one entry per step ({steps}), got {len(outputs)}",
                             f"outputs에는 시간 단계마다 항목이 하나씩({steps}개) 있어야 합니다. "
                             f"받은 개수: {len(outputs)}"))

    rows = {"caption": 0.25, "input": 0.9, "cell": 1.9, "output": 2.9, "title": 3.7}
    x_fold, x_first, dx = 0.9, 3.6, 1.5
    width = x_first + dx * (steps - 1) + 0.9
    fig, ax = d.canvas(width, 4.0, scale=0.75)

    d.label(ax, (x_fold, rows["title"]), labels["folded"], fontsize=11)
    d.box(ax, (x_fold, rows["input"]), "$x_t$", kind="input")
    d.box(ax, (x_fold, rows["cell"]), labels["cell"], kind="cell")
    d.box(ax, (x_fold, rows["output"]), "$y_t$", kind="output")
    _vertical_arrows(ax, x_fold, rows)
    d.loop(ax, (x_fold, rows["cell"]), width=_BOX_W, height=_BOX_H)
    d.label(ax, (x_fold + 0.85, rows["cell"] + 0.55), "$h_t$", fontsize=10,
            color=d.COLORS["recurrent"])

    d.label(ax, (2.15, rows["cell"]), "=", fontsize=20)

    x_last = x_first + dx * (steps - 1)
    d.label(ax, ((x_first + x_last) / 2, rows["title"]), labels["unrolled"], fontsize=11)
    d.label(ax, (x_first - 0.95, rows["cell"]), "$h_0$", fontsize=10,
            color=d.COLORS["recurrent"])
    d.arrow(ax, (x_first - 0.75, rows["cell"]), (x_first - _BOX_W / 2, rows["cell"]),
            color=d.COLORS["recurrent"], gid="recurrent")
    for k in range(steps):
        x = x_first + dx * k
        d.box(ax, (x, rows["input"]), inputs[k], kind="input")
        d.box(ax, (x, rows["cell"]), labels["cell"], kind="cell")
        d.box(ax, (x, rows["output"]), outputs[k], kind="output")
        _vertical_arrows(ax, x, rows)
        if k + 1 < steps:
            d.arrow(ax, (x + _BOX_W / 2, rows["cell"]), (x + dx - _BOX_W / 2, rows["cell"]),
                    color=d.COLORS["recurrent"], gid="recurrent")
            d.label(ax, (x + dx / 2, rows["cell"] + 0.2), f"$h_{{{k + 1}}}$", fontsize=9,
                    color=d.COLORS["recurrent"])
    d.label(ax, (width / 2, rows["caption"]), labels["caption"], fontsize=9,
            color=d.COLORS["muted"])
    return fig


def _vertical_arrows(ax, x: float, rows: Mapping[str, float], has_input: bool = True,
                     has_output: bool = True) -> None:
    half = _BOX_H / 2
    if has_input:
        d.arrow(ax, (x, rows["input"] + half), (x, rows["cell"] - half))
    if has_output:
        d.arrow(ax, (x, rows["cell"] + half), (x, rows["output"] - half))


def io_shapes(labels: Mapping[str, str]) -> Figure:
    """The five input/output shapes, one axes each, in :data:`SHAPE_KEYS` order.

    one-to-one has no hidden-state arrow at all (it is a feed-forward network);
    the other four chain the same kind of cell through h_t and differ only in which
    steps receive an input (blue) and which outputs are read (green). The encoder–
    decoder's decoder cells have a second colour: they are a second RNN. In one-to-many
    and in the decoder, a dashed arrow feeds each output into the next step as its input
    (when generating; in training, teacher forcing feeds the true previous output).

    Laid out in two rows (the three short shapes, then the two long ones) so that the
    figure keeps legible text at the width of a book column.

    - ``labels``: one title per shape, keys :data:`SHAPE_KEYS`; "\\n" breaks a line.

    Returns the figure (5 axes). Explained in chapters/<lang>/01_rnn.
    """
    d.check_labels(labels, SHAPE_KEYS)
    widths = {k: max(len(SHAPES[k]["inputs"]), 2) for k in SHAPE_KEYS}
    layout = (SHAPE_KEYS[:3], SHAPE_KEYS[3:])
    units = max(sum(widths[k] for k in row) for row in layout)
    height, scale = 3.5, 0.62  # data units; inches per data unit
    fig = plt.figure(figsize=(scale * units + 0.4, scale * height * len(layout) + 0.2))
    # Half-unit grid columns, so that a row narrower than the widest one is centred.
    grid = fig.add_gridspec(len(layout), 2 * units, left=0.01, right=0.99, bottom=0.01, top=0.99,
                            wspace=0.0, hspace=0.05)
    rows = {"input": 0.45, "cell": 1.35, "output": 2.25}
    for r, row in enumerate(layout):
        start = units - sum(widths[k] for k in row)
        for key in row:
            width = widths[key]
            ax = fig.add_subplot(grid[r, start:start + 2 * width])
            start += 2 * width
            _draw_shape(ax, SHAPES[key], width, height, rows)
            d.label(ax, (width / 2, 3.05), labels[key], va="center")
    return fig


def _draw_shape(ax, spec: Mapping, width: int, height: float, rows: Mapping[str, float]) -> None:
    steps = len(spec["inputs"])
    d.prepare(ax, width, height)
    x0 = (width - (steps - 1)) / 2
    for k in range(steps):
        x = x0 + k
        kind = "cell_alt" if k in spec["decoder"] else "cell"
        d.box(ax, (x, rows["cell"]), kind=kind, width=0.7, height=0.45)
        if spec["inputs"][k]:
            d.box(ax, (x, rows["input"]), "$x$", kind="input", width=0.7, height=0.45)
        if spec["outputs"][k]:
            d.box(ax, (x, rows["output"]), "$y$", kind="output", width=0.7, height=0.45)
        _short_arrows(ax, x, rows, spec["inputs"][k], spec["outputs"][k])
        if spec["recurrent"] and k + 1 < steps:
            d.arrow(ax, (x + 0.35, rows["cell"]), (x + 0.65, rows["cell"]),
                    color=d.COLORS["recurrent"], gid="recurrent")
        if k in spec.get("feedback", ()):  # output k becomes the next step's input
            d.arrow(ax, (x + 0.3, rows["output"] - 0.225), (x + 0.7, rows["cell"] + 0.225),
                    dashed=True, linewidth=1.0, gid="feedback")


def _short_arrows(ax, x: float, rows: Mapping[str, float], has_input, has_output) -> None:
    half = 0.225
    if has_input:
        d.arrow(ax, (x, rows["input"] + half), (x, rows["cell"] - half))
    if has_output:
        d.arrow(ax, (x, rows["cell"] + half), (x, rows["output"] - half))
