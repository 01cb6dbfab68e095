"""The LSTM cell diagram (rnnbook.diagrams.lstm): its parts, their places, its labels.

What the picture must show comes from the equations (chapter 03), not from the code:
four layers σ, σ, tanh, σ for f, i, g, o; three element-wise products (f ⊙ c, i ⊙ g,
o ⊙ tanh c), one sum and one tanh on c_t; on the cell-state line only f's product and
the sum.
"""


import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnbook.diagrams import _draw  # noqa: E402
from rnnbook.diagrams.lstm import LABEL_KEYS, draw_lstm_cell  # noqa: E402
from figures import (center, close_figures, drawn_warnings, korean,  # noqa: E402,F401
                     skip_without_hangul_font)

TOL = 1e-9   # positions are exact grid values; this only absorbs float rounding

LABELS_EN = {key: f"<{key}>" for key in LABEL_KEYS}
LABELS_KO = {"forget": "망각 게이트", "input": "입력 게이트", "candidate": "후보",
             "output": "출력 게이트", "cell_state": "셀 상태", "hidden_state": "은닉 상태",
             "concat": "이어 붙이기", "layer": "신경망 층", "pointwise": "원소별 연산"}


def _ax():
    (ax,) = draw_lstm_cell(LABELS_EN).axes
    return ax


def _layers(ax):
    """The four layers, left to right, as (x, text inside)."""
    boxes = sorted(_draw.parts(ax, "layer"), key=lambda p: center(p)[0])
    out = []
    for b in boxes:
        x, y = center(b)
        inside = [t.get_text() for t in ax.texts
                  if abs(t.get_position()[0] - x) < TOL and abs(t.get_position()[1] - y) < TOL]
        out.append((x, inside))
    return out


def _ops(ax):
    """Circles of the element-wise operations as (symbol, (x, y))."""
    return [(p.get_label(), center(p)) for p in _draw.parts(ax, "pointwise")
            if hasattr(p, "center")]


def test_every_label_is_drawn_once():
    texts = [t.get_text() for t in _ax().texts]
    for key in LABEL_KEYS:
        assert texts.count(LABELS_EN[key]) == 1, key


def test_four_layers_sigma_sigma_tanh_sigma_in_the_order_f_i_g_o():
    layers = _layers(_ax())
    assert [inside for _, inside in layers] == [["σ"], ["σ"], ["tanh"], ["σ"]]
    ax = _ax()
    names = [LABELS_EN[k] for k in ("forget", "input", "candidate", "output")]
    xs = [next(t.get_position()[0] for t in ax.texts if t.get_text() == n) for n in names]
    assert np.allclose(xs, [x for x, _ in layers], atol=TOL)


def test_three_products_one_sum_and_a_tanh_on_the_cell_state():
    ax = _ax()
    symbols = sorted(s for s, _ in _ops(ax))
    assert symbols == ["+", "⊙", "⊙", "⊙"]
    boxes = [p for p in _draw.parts(ax, "pointwise") if not hasattr(p, "center")]
    assert len(boxes) == 1
    x, y = center(boxes[0])
    assert "tanh" in [t.get_text() for t in ax.texts
                      if abs(t.get_position()[0] - x) < 0.5 and abs(t.get_position()[1] - y) < 0.5]


def test_only_the_forget_product_and_the_sum_sit_on_the_cell_state_line():
    ax = _ax()
    segments = _draw.parts(ax, "cell_state")
    assert len(segments) == 3
    # FancyArrowPatch keeps its end points only in this attribute (no public getter).
    ys = {round(y, 9) for s in segments for _, y in s._posA_posB}
    assert len(ys) == 1
    (line_y,) = ys
    on_line = sorted(s for s, (_, y) in _ops(ax) if abs(y - line_y) < TOL)
    assert on_line == ["+", "⊙"]
    forget_x = _layers(ax)[0][0]
    product_x = next(x for s, (x, y) in _ops(ax) if s == "⊙" and abs(y - line_y) < TOL)
    assert abs(product_x - forget_x) < TOL, "f's product must sit straight above the f layer"


def test_draws_on_a_given_axes():
    fig, ax = plt.subplots()
    before = len(plt.get_fignums())
    assert draw_lstm_cell(LABELS_EN, ax=ax) is fig
    assert len(plt.get_fignums()) == before
    assert len(_draw.parts(ax, "layer")) == 4


@pytest.mark.parametrize("labels, error, match", [
    ({k: v for k, v in LABELS_EN.items() if k != "forget"}, ValueError, "forget"),
    (dict(LABELS_EN, extra="x"), ValueError, "extra"),
    (dict(LABELS_EN, output=3), TypeError, "output"),
    (["forget"], TypeError, "labels"),
])
def test_bad_labels_are_refused_by_name(labels, error, match):
    with pytest.raises(error, match=match):
        draw_lstm_cell(labels)


def test_korean_labels_draw_without_missing_glyphs(korean):
    skip_without_hangul_font()
    assert drawn_warnings(lambda: draw_lstm_cell(LABELS_KO)) == []
