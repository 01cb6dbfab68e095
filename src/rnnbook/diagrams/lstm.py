"""The LSTM cell drawn as one picture: the cell-state line on top, the four layers below.

The layout follows the familiar picture of Olah's "Understanding LSTM Networks" (2015):
the cell state c runs straight along the top, touched only by one element-wise product
(the forget gate) and one sum (the input gate's contribution); the concatenation
``[h_{t-1}; x_t]`` feeds four layers (σ, σ, tanh, σ), drawn left to right in the order
in which they act on the cell state: f, i, g, o. PyTorch stores the same four layers
in the order i, f, g, o (chapters/<lang>/03_lstm shows both).

Every word is passed in by the caller (``labels``); the module draws only symbols
(σ, tanh, ⊙, +, c_t, h_t, x_t). Parts are tagged with a ``gid`` role so that tests can
find them: ``"layer"`` (the four layers), ``"pointwise"`` (⊙, + and the tanh on c_t),
``"cell_state"`` (the arrows of the cell-state line), ``"hidden_state"`` (the arrows
that carry h) and ``"text"``.

References: Hochreiter & Schmidhuber (1997), Gers, Schmidhuber & Cummins (2000);
PyTorch's torch.nn.LSTM documentation (gate order i, f, g, o).
"""

from __future__ import annotations

from collections.abc import Mapping

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._draw import (COLORS, arrow, box, canvas, check_labels, label, legend_item, panel,
                    pointwise, pointwise_tanh, wire)

LABEL_KEYS = ("forget", "input", "candidate", "output", "cell_state", "hidden_state",
              "concat", "layer", "pointwise")
"""Keys ``labels`` must hold: the words under the four layers, the names of the two
states, the concatenation, and the two legend entries."""

WIDTH, HEIGHT = 11.0, 6.0
CELL_Y = 4.6                 # the cell-state line
LAYER_Y = 2.6                # centres of the four layers
BUS_Y = 1.4                  # the line that carries [h_{t-1}; x_t] to the layers
LAYER_X = {"f": 3.0, "i": 4.3, "g": 5.6, "o": 7.2}
LAYER_TEXT = {"f": "σ", "i": "σ", "g": "tanh", "o": "σ"}
LAYER_W, LAYER_H = 0.9, 0.55
OP_R = 0.25                  # radius of a pointwise-operation circle
PANEL_COLOR = COLORS["panel"]


def draw_lstm_cell(labels: Mapping[str, str], ax: Axes | None = None) -> Figure:
    """Draw one LSTM cell: c_{t-1}, h_{t-1}, x_t in; c_t, h_t out.

        f, i, o = σ(layer),  g = tanh(layer),  layer = W [h_{t-1}; x_t] + b
        c_t = f ⊙ c_{t-1} + i ⊙ g,   h_t = o ⊙ tanh(c_t)

    - ``labels``: a str for every key of :data:`LABEL_KEYS` (the page's language).
    - ``ax``: draw on this axes (its limits become the diagram's grid); None makes a figure.

    Returns the figure. Explained in chapters/<lang>/03_lstm.
    """
    labels = check_labels(labels, LABEL_KEYS)
    fig, ax = canvas(WIDTH, HEIGHT, scale=0.62, ax=ax)
    panel(ax, (2.0, 0.9), 7.3, 4.35)
    mute = COLORS["muted"]

    # The cell-state line: c_{t-1} → ⊙ f → + → c_t, nothing else touches it.
    f_x, add_x, tanh_x = LAYER_X["f"], LAYER_X["g"], 8.3
    arrow(ax, (0.4, CELL_Y), (f_x - OP_R, CELL_Y), gid="cell_state")
    arrow(ax, (f_x + OP_R, CELL_Y), (add_x - OP_R, CELL_Y), gid="cell_state")
    arrow(ax, (add_x + OP_R, CELL_Y), (10.6, CELL_Y), gid="cell_state")
    pointwise(ax, (f_x, CELL_Y), "⊙")
    pointwise(ax, (add_x, CELL_Y), "+")
    label(ax, (0.4, CELL_Y + 0.3), "$c_{t-1}$", ha="left", fontsize=11)
    label(ax, (10.6, CELL_Y + 0.3), "$c_t$", ha="right", fontsize=11)
    label(ax, (0.4, CELL_Y - 0.3), labels["cell_state"], ha="left", fontsize=9, color=mute)

    # [h_{t-1}; x_t]: h enters from the left, x from below, and both go to every layer.
    join = (2.3, BUS_Y)
    arrow(ax, (0.4, BUS_Y), (join[0] - 0.08, BUS_Y), gid="hidden_state")
    arrow(ax, (join[0], 0.1), (join[0], BUS_Y - 0.08))
    label(ax, (0.4, BUS_Y + 0.3), "$h_{t-1}$", ha="left", fontsize=11)
    label(ax, (join[0] + 0.15, 0.25), "$x_t$", ha="left", fontsize=11)
    label(ax, (join[0] + 0.15, BUS_Y - 0.3), labels["concat"], ha="left", fontsize=9,
          color=mute)
    wire(ax, [join[0], LAYER_X["o"]], [BUS_Y, BUS_Y], gid="bus")
    for key, x in LAYER_X.items():
        arrow(ax, (x, BUS_Y), (x, LAYER_Y - LAYER_H / 2))
        box(ax, (x, LAYER_Y), LAYER_TEXT[key], width=LAYER_W, height=LAYER_H,
            kind="cell", fontsize=11, gid="layer")
        label(ax, (x + LAYER_W / 2 + 0.05, LAYER_Y + 0.42), f"${key}_t$", ha="left",
              fontsize=10)
    for key, name in zip("figo", ("forget", "input", "candidate", "output")):
        text = label(ax, (LAYER_X[key], LAYER_Y - 0.45), labels[name], fontsize=8,
                     color=mute, va="top")
        # The wire into the layer runs behind its name; the panel colour hides it there.
        text.set_bbox({"facecolor": PANEL_COLOR, "edgecolor": "none", "pad": 0.5})

    # f scales c_{t-1}; i ⊙ g is what gets added.
    arrow(ax, (f_x, LAYER_Y + LAYER_H / 2), (f_x, CELL_Y - OP_R))
    mul_ig = (add_x, 3.6)
    pointwise(ax, mul_ig, "⊙")
    arrow(ax, (LAYER_X["i"], LAYER_Y + LAYER_H / 2), (mul_ig[0] - OP_R, mul_ig[1]),
          curve=-0.3)
    arrow(ax, (add_x, LAYER_Y + LAYER_H / 2), (add_x, mul_ig[1] - OP_R))
    arrow(ax, (add_x, mul_ig[1] + OP_R), (add_x, CELL_Y - OP_R))

    # h_t = o ⊙ tanh(c_t).
    pointwise_tanh(ax, (tanh_x, 3.76))
    wire(ax, [tanh_x, tanh_x], [CELL_Y, 4.2], gid="cell_state_tap")
    arrow(ax, (tanh_x, 4.2), (tanh_x, 3.97))
    mul_o = (tanh_x, LAYER_Y)
    pointwise(ax, mul_o, "⊙")
    arrow(ax, (tanh_x, 3.55), (tanh_x, mul_o[1] + OP_R))
    arrow(ax, (LAYER_X["o"] + LAYER_W / 2, LAYER_Y), (mul_o[0] - OP_R, LAYER_Y))
    wire(ax, [tanh_x, tanh_x, 9.8], [mul_o[1] - OP_R, BUS_Y, BUS_Y], gid="hidden_state_out")
    arrow(ax, (9.8, BUS_Y), (10.6, BUS_Y), gid="hidden_state")
    arrow(ax, (9.8, BUS_Y), (9.8, HEIGHT - 0.2), gid="hidden_state")
    label(ax, (10.6, BUS_Y + 0.3), "$h_t$", ha="right", fontsize=11)
    label(ax, (9.95, HEIGHT - 0.35), "$h_t$", ha="left", fontsize=11)
    label(ax, (0.4, BUS_Y - 0.3), labels["hidden_state"], ha="left", fontsize=9, color=mute)

    # Legend: what a box and what a circle mean.
    legend_item(ax, (0.65, 5.65), labels["layer"], "cell")
    legend_item(ax, (5.2, 5.65), labels["pointwise"], "pointwise")
    return fig
