"""The GRU cell diagram (rnnbook.diagrams.gru): its parts, where they sit, its labels.

What the picture must show comes from the equations (chapter 04), not from the code:
two σ layers (r, z) and two affine maps of the candidate (W_in x + b_in, W_hn h + b_hn);
three element-wise products (z ⊙ h, (1 − z) ⊙ n, and r's), two sums, one 1 − z and one
tanh; on the hidden-state line only z's product and a sum; the reset gate's product after
the recurrent affine map (PyTorch) or before it (reset_after=False).
"""


import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnbook.diagrams import _draw  # noqa: E402
from rnnbook.diagrams.gru import LABEL_KEYS, draw_gru_cell  # noqa: E402
from figures import (center, close_figures, drawn_warnings, korean,  # noqa: E402,F401
                     skip_without_hangul_font)

TOL = 1e-9   # positions are exact grid values; this only absorbs float rounding

LABELS_EN = {key: f"<{key}>" for key in LABEL_KEYS}
LABELS_KO = {"reset": "리셋 게이트", "update": "갱신 게이트", "candidate": "후보 은닉 상태",
             "hidden_state": "은닉 상태", "concat": "이어 붙이기", "layer": "신경망 층",
             "linear": "선형 변환", "pointwise": "원소별 연산"}


def _ax(reset_after=True):
    (ax,) = draw_gru_cell(LABELS_EN, reset_after=reset_after).axes
    return ax


def _text_at(ax, xy):
    return [t.get_text() for t in ax.texts
            if abs(t.get_position()[0] - xy[0]) < TOL and abs(t.get_position()[1] - xy[1]) < TOL]


def _boxes(ax, gid):
    """Boxes with role ``gid``, left to right, as ((x, y), texts inside)."""
    found = sorted(_draw.parts(ax, gid), key=lambda p: center(p)[0])
    return [(center(b), _text_at(ax, center(b))) for b in found]


def _ops(ax):
    """The pointwise operations as (symbol, (x, y)), tanh included."""
    return [(p.get_label(), center(p)) for p in _draw.parts(ax, "pointwise")]


def _state_line_y(ax):
    """The height of h_{t-1} → h_t: where the label h_{t-1} stands, less its offset."""
    (text,) = [t for t in ax.texts if t.get_text() == "$h_{t-1}$"]
    return text.get_position()[1] - 0.3


@pytest.mark.parametrize("reset_after", [True, False])
def test_every_label_is_drawn_once(reset_after):
    texts = [t.get_text() for t in _ax(reset_after).texts]
    for key in LABEL_KEYS:
        assert texts.count(LABELS_EN[key]) == 1, key


def test_two_sigma_layers_named_update_then_reset():
    ax = _ax()
    layers = _boxes(ax, "layer")
    assert [inside for _, inside in layers] == [["σ"], ["σ"]]
    names = [next(t.get_position()[0] for t in ax.texts if t.get_text() == LABELS_EN[k])
             for k in ("update", "reset")]
    assert np.allclose(names, [x for (x, _), _ in layers], atol=TOL)


@pytest.mark.parametrize("reset_after", [True, False])
def test_three_products_two_sums_one_minus_and_a_tanh(reset_after):
    symbols = sorted(s for s, _ in _ops(_ax(reset_after)))
    assert symbols == sorted(["⊙", "⊙", "⊙", "+", "+", "1−", "tanh"])


def test_the_candidate_has_two_affine_maps_one_for_x_one_for_h():
    texts = [inside for _, inside in _boxes(_ax(), "linear")]
    assert sorted(texts) == sorted([["$W_{hn} h_{t-1} + b_{hn}$"], ["$W_{in} x_t + b_{in}$"]])


@pytest.mark.parametrize("reset_after", [True, False])
def test_only_the_update_product_and_a_sum_sit_on_the_state_line(reset_after):
    ax = _ax(reset_after)
    line_y = _state_line_y(ax)
    on_line = sorted(s for s, (_, y) in _ops(ax) if abs(y - line_y) < TOL)
    assert on_line == ["+", "⊙"]
    (z_layer, _), _ = _boxes(ax, "layer")[0]
    product_x = next(x for s, (x, y) in _ops(ax) if s == "⊙" and abs(y - line_y) < TOL)
    assert abs(product_x - z_layer) < TOL, "z ⊙ h must sit straight above the z layer"


@pytest.mark.parametrize("reset_after, side", [(True, "right"), (False, "left")])
def test_the_reset_product_sits_after_or_before_the_recurrent_matmul(reset_after, side):
    ax = _ax(reset_after)
    (recurrent,) = [xy for xy, inside in _boxes(ax, "linear") if "W_{hn}" in inside[0]]
    same_row = [x for s, (x, y) in _ops(ax) if s == "⊙" and abs(y - recurrent[1]) < TOL]
    assert len(same_row) == 1, "one product on the candidate's row: r's"
    assert (same_row[0] > recurrent[0]) == (side == "right")
    expected = "h_{t-1}" if reset_after else "\\cdot"
    assert expected in _text_at(ax, recurrent)[0]


def test_draws_on_a_given_axes():
    fig, ax = plt.subplots()
    before = len(plt.get_fignums())
    assert draw_gru_cell(LABELS_EN, ax=ax) is fig
    assert len(plt.get_fignums()) == before
    assert len(_draw.parts(ax, "layer")) == 2


@pytest.mark.parametrize("labels, kwargs, error, match", [
    ({k: v for k, v in LABELS_EN.items() if k != "reset"}, {}, ValueError, "reset"),
    (dict(LABELS_EN, extra="x"), {}, ValueError, "extra"),
    (dict(LABELS_EN, update=3), {}, TypeError, "update"),
    (["reset"], {}, TypeError, "labels"),
    (LABELS_EN, {"reset_after": "yes"}, TypeError, "reset_after"),
])
def test_bad_arguments_are_refused_by_name(labels, kwargs, error, match):
    with pytest.raises(error, match=match):
        draw_gru_cell(labels, **kwargs)


def test_korean_labels_draw_without_missing_glyphs(korean):
    skip_without_hangul_font()
    assert drawn_warnings(lambda: draw_gru_cell(LABELS_KO, reset_after=True),
                          lambda: draw_gru_cell(LABELS_KO, reset_after=False)) == []
