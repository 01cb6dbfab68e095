"""Drawing primitives for the book's diagrams: a canvas, boxes, arrows and text.

Everything is drawn in data coordinates on an axes with equal aspect and no frame,
so a diagram is laid out on a plain grid (one unit = one cell's width, say) and keeps
its proportions at any figure size. The primitives only draw: text is always passed
in by the caller, so the package holds no prose in either language.

Every primitive tags what it adds with a ``gid``: a box with its kind (e.g. ``"cell"``),
an arrow with ``"arrow"``, a text with ``"text"``, unless the caller names a role (e.g.
``gid="recurrent"``). Tests and later chapters find the parts of a figure by role with
:func:`parts`.

References: matplotlib's ``FancyBboxPatch`` and ``FancyArrowPatch``
(https://matplotlib.org/stable/api/patches_api.html).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
from matplotlib.text import Text

from .._validate import check_keys, say

# Colours of the three kinds of node, shared by every diagram of the book.
COLORS = {
    "input": "#dbe9f6",
    "cell": "#fde2c4",
    "output": "#d9f0d3",
    "cell_alt": "#f5c6a5",
    "state": "#f0e0f5",
    "edge": "#333333",
    "recurrent": "#c0392b",
    "muted": "#777777",
    "panel": "#fbf7f0",
}


def canvas(width: float, height: float, scale: float = 0.9, ax: Axes | None = None
           ) -> tuple[Figure, Axes]:
    """An empty drawing area spanning ``[0, width] × [0, height]`` in data units.

    - ``width``, ``height``: extent of the grid the caller draws on (data units).
    - ``scale``: inches per data unit of the new figure (ignored when ``ax`` is given).
    - ``ax``: draw on this existing axes instead of creating a figure.

    Returns ``(fig, ax)`` with equal aspect, no ticks, no frame and no grid.
    Explained in chapters/<lang>/01_rnn.
    """
    if not (width > 0 and height > 0):
        raise ValueError(say(f"width and height must be positive, got width={width!r}, "
                             f"height={height!r}",
                             f"width와 height는 양수여야 합니다. 받은 값: width={width!r}, "
                             f"height={height!r}"))
    if ax is None:
        fig, ax = plt.subplots(figsize=(width * scale, height * scale))
    else:
        fig = ax.figure
    prepare(ax, width, height)
    return fig, ax


def prepare(ax: Axes, width: float, height: float) -> Axes:
    """Turn ``ax`` into a blank ``[0, width] × [0, height]`` drawing area and return it."""
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.grid(False)
    return ax


def box(ax: Axes, center: Sequence[float], text: str = "", *, width: float = 0.8,
        height: float = 0.5, kind: str = "cell", fontsize: float = 10,
        gid: str | None = None) -> FancyBboxPatch:
    """A rounded box centred at ``center`` with ``text`` in the middle.

    - ``center``: (x, y) in data units; the box spans ``x ± width/2``, ``y ± height/2``.
    - ``kind``: fill colour, a key of :data:`COLORS` ("input", "cell", "cell_alt",
      "output", "state").
    - ``gid``: role tag of the patch, see :func:`parts`; defaults to ``kind``.

    Returns the patch. Explained in chapters/<lang>/01_rnn.
    """
    if kind not in COLORS:
        raise ValueError(say(f"kind must be one of {sorted(COLORS)}, got {kind!r}",
                             f"kind의 값은 {sorted(COLORS)} 가운데 하나여야 합니다. 받은 값: {kind!r}"))
    x, y = center
    patch = FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                           boxstyle="round,pad=0,rounding_size=0.08",
                           facecolor=COLORS[kind], edgecolor=COLORS["edge"], linewidth=1.2,
                           zorder=2)
    patch.set_gid(kind if gid is None else gid)
    ax.add_patch(patch)
    if text:
        label(ax, center, text, fontsize=fontsize)
    return patch


def arrow(ax: Axes, start: Sequence[float], end: Sequence[float], *, color: str | None = None,
          curve: float = 0.0, dashed: bool = False, linewidth: float = 1.3,
          gid: str = "arrow") -> FancyArrowPatch:
    """An arrow from ``start`` to ``end`` (data units), straight or bent.

    - ``curve``: bend as the ``rad`` of an arc (0 straight; ±0.5 a strong bend,
      the sign choosing the side).
    - ``color``: defaults to the edge colour; ``dashed`` draws a dashed line.
    - ``gid``: role tag, e.g. ``"recurrent"`` for a hidden-state arrow.

    Returns the patch. Explained in chapters/<lang>/01_rnn.
    """
    patch = FancyArrowPatch(tuple(start), tuple(end), arrowstyle="-|>", mutation_scale=12,
                            connectionstyle=f"arc3,rad={curve}",
                            color=color or COLORS["edge"], linewidth=linewidth,
                            linestyle="--" if dashed else "-", shrinkA=0, shrinkB=0,
                            zorder=1)
    patch.set_gid(gid)
    ax.add_patch(patch)
    return patch


def loop(ax: Axes, center: Sequence[float], *, width: float = 0.8, height: float = 0.5,
         color: str | None = None, gid: str = "recurrent") -> FancyArrowPatch:
    """A self-loop leaving the right side of a box at ``center`` and re-entering its top.

    The box's ``width`` and ``height`` must be those given to :func:`box`. Used for
    the folded picture of a recurrent cell: its output comes back as its next input.
    """
    x, y = center
    start = (x + width / 2, y)
    end = (x + width / 4, y + height / 2)
    patch = FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12,
                            connectionstyle="arc,angleA=0,angleB=90,armA=25,armB=25,rad=8",
                            color=color or COLORS["recurrent"], linewidth=1.3,
                            shrinkA=0, shrinkB=0, zorder=1)
    patch.set_gid(gid)
    ax.add_patch(patch)
    return patch


def label(ax: Axes, xy: Sequence[float], text: str, *, fontsize: float = 10,
          ha: str = "center", va: str = "center", color: str | None = None,
          weight: str = "normal", gid: str = "text") -> Text:
    """Text at ``xy`` (data units), centred by default; maths in ``$…$`` works.

    Returns the text artist. Explained in chapters/<lang>/01_rnn.
    """
    text_artist = ax.text(xy[0], xy[1], text, fontsize=fontsize, ha=ha, va=va,
                          color=color or COLORS["edge"], fontweight=weight, zorder=3)
    text_artist.set_gid(gid)
    return text_artist


def parts(ax: Axes, gid: str) -> list:
    """The patches, lines and texts of ``ax`` tagged with role ``gid`` (e.g. "cell", "bus")."""
    return [a for a in list(ax.patches) + list(ax.lines) + list(ax.texts) if a.get_gid() == gid]


def check_labels(labels, keys: Sequence[str]) -> Mapping[str, str]:
    """Return ``labels`` if it maps exactly ``keys`` to strings; else a TypeError/ValueError naming what is wrong."""
    check_keys("labels", labels, keys, kind="a mapping of labels (str)")
    wrong = {k: type(v).__name__ for k, v in labels.items() if not isinstance(v, str)}
    if wrong:
        raise TypeError(say(f"every label must be a str, got {wrong}",
                            f"이름표는 모두 str이어야 합니다. 받은 형: {wrong}"))
    return labels


def wire(ax: Axes, xs: Sequence[float], ys: Sequence[float], gid: str,
         color: str | None = None, capstyle: str = "round") -> None:
    """A polyline without an arrow head: a wire that splits or bends before it arrives."""
    (line,) = ax.plot(xs, ys, color=color or COLORS["edge"], linewidth=1.3, zorder=1,
                      solid_capstyle=capstyle)
    line.set_gid(gid)


def panel(ax: Axes, corner: Sequence[float], width: float, height: float) -> FancyBboxPatch:
    """A cell's rounded background from ``corner`` (lower left), below every wire (zorder 0)."""
    patch = FancyBboxPatch(tuple(corner), width, height, boxstyle="round,pad=0,rounding_size=0.3",
                           facecolor=COLORS["panel"], edgecolor=COLORS["muted"], linewidth=1.0,
                           zorder=0)
    patch.set_gid("panel")
    ax.add_patch(patch)
    return patch


def legend_item(ax: Axes, center: Sequence[float], text: str, kind: str, *,
                width: float = 0.5, height: float = 0.3) -> None:
    """A legend entry tagged ``"legend"``: a small box of ``kind`` (a circle of diameter
    ``height`` for ``kind="pointwise"``) with ``text`` to its right."""
    x, y = center
    if kind == "pointwise":
        mark = Circle((x, y), height / 2, facecolor="white", edgecolor=COLORS["edge"],
                      linewidth=1.0, zorder=2)
        mark.set_gid("legend")
        ax.add_patch(mark)
        offset = height / 2 + 0.1
    else:
        box(ax, (x, y), "", width=width, height=height, kind=kind, gid="legend")
        offset = width / 2 + 0.1
    label(ax, (x + offset, y), text, ha="left", fontsize=8, color=COLORS["muted"])


def pointwise_tanh(ax: Axes, center: Sequence[float]) -> FancyBboxPatch:
    """tanh applied element-wise: a rounded lozenge tagged ``"pointwise"``, labelled "tanh"."""
    x, y = center
    patch = FancyBboxPatch((x - 0.42, y - 0.21), 0.84, 0.42,
                           boxstyle="round,pad=0,rounding_size=0.2", facecolor="white",
                           edgecolor=COLORS["edge"], linewidth=1.2, zorder=2)
    patch.set_gid("pointwise")
    patch.set_label("tanh")
    ax.add_patch(patch)
    label(ax, center, "tanh", fontsize=10)
    return patch


def pointwise(ax: Axes, center: Sequence[float], symbol: str, radius: float = 0.25,
              fontsize: float = 12) -> Circle:
    """A pointwise operation in a circle, tagged ``"pointwise"`` with ``symbol`` as its label.

    "⊙" (element-wise product) is drawn as a dot, because a ⊙ glyph inside the circle
    would show two rings; any other symbol ("+", "1−") is written inside.
    """
    patch = Circle(tuple(center), radius, facecolor="white", edgecolor=COLORS["edge"],
                   linewidth=1.2, zorder=2)
    patch.set_gid("pointwise")
    patch.set_label(symbol)
    ax.add_patch(patch)
    if symbol == "⊙":
        ax.add_patch(Circle(tuple(center), 0.05, facecolor=COLORS["edge"], zorder=3))
    else:
        label(ax, center, symbol, fontsize=fontsize)
    return patch
