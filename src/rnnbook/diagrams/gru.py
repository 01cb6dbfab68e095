"""The GRU cell drawn as one picture: the hidden-state line on top, gates and candidate below.

The picture follows the equations of PyTorch's ``torch.nn.GRU`` (chapter 04):

    r = σ(W_ir x + b_ir + W_hr h + b_hr)          reset gate
    z = σ(W_iz x + b_iz + W_hz h + b_hz)          update gate
    n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)) candidate
    h' = (1 − z) ⊙ n + z ⊙ h

The hidden state runs along the top, touched only by ``z ⊙ h`` and the sum; the gates r
and z read ``[h_{t-1}; x_t]``; the candidate's two affine maps are drawn apart, because
the reset gate multiplies only the recurrent one. ``reset_after=False`` draws the other
variant (Cho et al. 2014, arXiv:1406.1078v3; Keras ``reset_after=False``), where r
multiplies h_{t-1} *before* the matmul: ``n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)``.

Every word is passed in by the caller (``labels``); the module draws only symbols. Parts
carry a ``gid`` role for tests: ``"layer"`` (the σ layers of r and z), ``"linear"`` (the
two affine maps of the candidate), ``"pointwise"`` (⊙, +, 1−, tanh), ``"hidden_state"``
(the arrows of the state line) and ``"text"``.

References: Cho et al. (2014), arXiv:1406.1078; PyTorch's torch.nn.GRU documentation;
the layout of Olah's "Understanding LSTM Networks" (2015), as in
:mod:`rnnbook.diagrams.lstm`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from .._validate import say
from ._draw import (COLORS, arrow, box, canvas, check_labels, label, legend_item, panel,
                    pointwise, pointwise_tanh, wire)

LABEL_KEYS = ("reset", "update", "candidate", "hidden_state", "concat", "layer", "linear",
              "pointwise")
"""Keys ``labels`` must hold: the names under the two gates and the candidate, the name
of the state line, the concatenation, and the three legend entries."""

WIDTH, HEIGHT = 12.2, 6.2
STATE_Y = 5.0                # the hidden-state line h_{t-1} → h_t
TAP_Y = 4.25                 # where z is led to 1 − z
CAND_Y = 3.4                 # the candidate's chain
RESET_Y = 2.85               # r runs right at this height, under the chain
LAYER_Y = 2.2                # the σ layers of r and z
BUS_Y = 1.2                  # [h_{t-1}; x_t] for the two gates
X_WIRE_Y = 0.65              # x_t on its own, for W_in
DOWN_X = 2.05                # where h_{t-1} leaves the state line
X_IN = 2.75                  # where x_t enters
GATE_X = {"z": 3.8, "r": 5.3}
ADD_X = 10.3                 # the state line's sum, and the column of tanh and (1 − z) ⊙ n
CAND_ADD_X = 9.1             # W_in x + b_in joins here
LAYER_W, LAYER_H = 0.9, 0.5
LINEAR_W, LINEAR_H = 1.9, 0.5
OP_R = 0.25
OUT_X = 11.4                 # where h_t also leaves upwards (to the next layer)
PANEL_COLOR = COLORS["panel"]


def _dot(ax: Axes, xy: Sequence[float]) -> None:
    """A junction: one wire splits in two."""
    ax.add_patch(Circle(tuple(xy), 0.055, facecolor=COLORS["edge"], zorder=3))


def _name(ax: Axes, xy: Sequence[float], text: str) -> None:
    """A part's name in the caller's words, small and grey, on the panel's colour."""
    artist = label(ax, xy, text, fontsize=8, color=COLORS["muted"], va="top")
    artist.set_bbox({"facecolor": PANEL_COLOR, "edgecolor": "none", "pad": 0.5})


def draw_gru_cell(labels: Mapping[str, str], ax: Axes | None = None,
                  reset_after: bool = True) -> Figure:
    """Draw one GRU cell: h_{t-1} and x_t in, h_t out.

        r, z = σ(layer),  layer = W [h_{t-1}; x_t] + b
        n    = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{t-1} + b_hn))     reset_after=True
        n    = tanh(W_in x_t + b_in + W_hn (r ⊙ h_{t-1}) + b_hn)     reset_after=False
        h_t  = (1 − z) ⊙ n + z ⊙ h_{t-1}

    - ``labels``: a str for every key of :data:`LABEL_KEYS` (the page's language).
    - ``ax``: draw on this axes (its limits become the diagram's grid); None makes a figure.
    - ``reset_after``: True for PyTorch's / cuDNN's GRU, False for the reset-before variant.

    Returns the figure. Explained in chapters/<lang>/04_gru.
    """
    labels = check_labels(labels, LABEL_KEYS)
    if not isinstance(reset_after, bool):
        raise TypeError(say(f"reset_after must be a bool, got {type(reset_after).__name__} "
                            f"{reset_after!r}",
                            f"reset_after에는 bool이 필요합니다. "
                            f"받은 것: {type(reset_after).__name__} {reset_after!r}"))
    fig, ax = canvas(WIDTH, HEIGHT, scale=0.62, ax=ax)
    panel(ax, (1.85, 0.35), 9.3, 5.15)
    mute = COLORS["muted"]
    z_x, r_x = GATE_X["z"], GATE_X["r"]

    # The state line: h_{t-1} → ⊙ z → + → h_t; nothing else touches it.
    arrow(ax, (0.4, STATE_Y), (z_x - OP_R, STATE_Y), gid="hidden_state")
    arrow(ax, (z_x + OP_R, STATE_Y), (ADD_X - OP_R, STATE_Y), gid="hidden_state")
    arrow(ax, (ADD_X + OP_R, STATE_Y), (WIDTH - 0.3, STATE_Y), gid="hidden_state")
    arrow(ax, (OUT_X, STATE_Y), (OUT_X, HEIGHT - 0.1), gid="hidden_state")
    _dot(ax, (OUT_X, STATE_Y))
    pointwise(ax, (z_x, STATE_Y), "⊙")
    pointwise(ax, (ADD_X, STATE_Y), "+", fontsize=11)
    label(ax, (0.4, STATE_Y + 0.3), "$h_{t-1}$", ha="left", fontsize=11)
    label(ax, (0.4, STATE_Y - 0.3), labels["hidden_state"], ha="left", fontsize=8, color=mute)
    label(ax, (WIDTH - 0.3, STATE_Y - 0.3), "$h_t$", ha="right", fontsize=11)
    label(ax, (OUT_X + 0.15, HEIGHT - 0.3), "$h_t$", ha="left", fontsize=11)

    # h_{t-1} goes down to the gates' bus; x_t comes up from below and joins it.
    _dot(ax, (DOWN_X, STATE_Y))
    wire(ax, [DOWN_X, DOWN_X, r_x], [STATE_Y, BUS_Y, BUS_Y], gid="bus")
    arrow(ax, (X_IN, 0.05), (X_IN, BUS_Y - 0.07))
    _dot(ax, (X_IN, X_WIRE_Y))
    label(ax, (X_IN - 0.15, 0.2), "$x_t$", ha="right", fontsize=11)
    _name(ax, (X_IN + 1.25, BUS_Y - 0.12), labels["concat"])
    for key, name in (("z", "update"), ("r", "reset")):
        x = GATE_X[key]
        arrow(ax, (x, BUS_Y), (x, LAYER_Y - LAYER_H / 2))
        box(ax, (x, LAYER_Y), "σ", width=LAYER_W, height=LAYER_H, kind="cell", fontsize=11,
            gid="layer")
        label(ax, (x + LAYER_W / 2 + 0.05, LAYER_Y + 0.4), f"${key}_t$", ha="left",
              fontsize=10)
        _name(ax, (x, LAYER_Y - LAYER_H / 2 - 0.12), labels[name])

    # The candidate: the reset gate acts on the recurrent part only.
    if reset_after:
        lin_x, mul_x = 6.8, 8.15
        arrow(ax, (DOWN_X, CAND_Y), (lin_x - LINEAR_W / 2, CAND_Y), gid="h_to_candidate")
        arrow(ax, (lin_x + LINEAR_W / 2, CAND_Y), (mul_x - OP_R, CAND_Y))
        arrow(ax, (mul_x + OP_R, CAND_Y), (CAND_ADD_X - OP_R, CAND_Y))
        lin_text = "$W_{hn} h_{t-1} + b_{hn}$"
    else:
        mul_x, lin_x = 6.15, 7.6
        arrow(ax, (DOWN_X, CAND_Y), (mul_x - OP_R, CAND_Y), gid="h_to_candidate")
        arrow(ax, (mul_x + OP_R, CAND_Y), (lin_x - LINEAR_W / 2, CAND_Y))
        arrow(ax, (lin_x + LINEAR_W / 2, CAND_Y), (CAND_ADD_X - OP_R, CAND_Y))
        lin_text = "$W_{hn} (\\cdot) + b_{hn}$"
    _dot(ax, (DOWN_X, CAND_Y))
    box(ax, (lin_x, CAND_Y), lin_text, width=LINEAR_W, height=LINEAR_H, kind="input",
        fontsize=8, gid="linear")
    pointwise(ax, (mul_x, CAND_Y), "⊙")
    # r rises from its layer and turns right, below the candidate's chain.
    wire(ax, [r_x, r_x, mul_x], [LAYER_Y + LAYER_H / 2, RESET_Y, RESET_Y], gid="reset_wire")
    arrow(ax, (mul_x, RESET_Y), (mul_x, CAND_Y - OP_R))

    # W_in x_t + b_in reads x_t alone (level with the gates) and joins the chain; tanh gives n_t.
    wire(ax, [X_IN, CAND_ADD_X], [X_WIRE_Y, X_WIRE_Y], gid="x_to_candidate")
    arrow(ax, (CAND_ADD_X, X_WIRE_Y), (CAND_ADD_X, LAYER_Y - LINEAR_H / 2))
    box(ax, (CAND_ADD_X, LAYER_Y), "$W_{in} x_t + b_{in}$", width=LINEAR_W, height=LINEAR_H,
        kind="input", fontsize=8, gid="linear")
    arrow(ax, (CAND_ADD_X, LAYER_Y + LINEAR_H / 2), (CAND_ADD_X, CAND_Y - OP_R))
    pointwise(ax, (CAND_ADD_X, CAND_Y), "+", fontsize=11)
    arrow(ax, (CAND_ADD_X + OP_R, CAND_Y), (ADD_X - 0.42, CAND_Y))
    pointwise_tanh(ax, (ADD_X, CAND_Y))
    label(ax, (ADD_X + 0.47, CAND_Y + 0.3), "$n_t$", ha="left", fontsize=10)
    _name(ax, (ADD_X, CAND_Y - 0.3), labels["candidate"])

    # z scales the past on the state line; 1 − z scales the candidate.
    mul_n = (ADD_X, TAP_Y)
    one_minus = (CAND_ADD_X, TAP_Y)
    # z's wire crosses h_{t-1}'s way to the candidate; a halo shows which one runs on top.
    up = arrow(ax, (z_x, LAYER_Y + LAYER_H / 2), (z_x, STATE_Y - OP_R), gid="update_wire")
    up.set_path_effects([patheffects.withStroke(linewidth=6, foreground=PANEL_COLOR),
                         patheffects.Normal()])
    up.set_zorder(1.5)
    _dot(ax, (z_x, TAP_Y))
    arrow(ax, (z_x, TAP_Y), (one_minus[0] - OP_R, TAP_Y), gid="update_wire")
    pointwise(ax, one_minus, "1−", fontsize=9)
    pointwise(ax, mul_n, "⊙")
    arrow(ax, (one_minus[0] + OP_R, TAP_Y), (mul_n[0] - OP_R, TAP_Y))
    arrow(ax, (ADD_X, CAND_Y + 0.21), (ADD_X, TAP_Y - OP_R))
    arrow(ax, (ADD_X, TAP_Y + OP_R), (ADD_X, STATE_Y - OP_R))

    # Legend: a layer, an affine map, a pointwise operation.
    legend_item(ax, (0.55, 5.8), labels["layer"], "cell", width=0.4, height=0.26)
    legend_item(ax, (4.05, 5.8), labels["linear"], "input", width=0.4, height=0.26)
    legend_item(ax, (7.55, 5.8), labels["pointwise"], "pointwise", height=0.28)
    return fig
