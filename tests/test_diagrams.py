"""The diagrams of rnnbook.diagrams: structure (boxes, hidden-state arrows) and Hangul text.

Counts below come from the pictures' definitions (chapter 01), not from the code:
unrolled over T steps: the folded cell (input, cell, output) plus T of each, one
hidden-state arrow into every unrolled cell plus the folded loop; the five shapes:
one-to-one has no hidden-state arrow, the other four have one between consecutive cells.
"""


import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from rnnbook.diagrams import _draw, rnn  # noqa: E402
from figures import (center, close_figures, drawn_warnings, korean,  # noqa: E402,F401
                     skip_without_hangul_font)

UNROLLED_EN = {"folded": "folded", "unrolled": "unrolled", "cell": "RNN",
               "caption": "the same parameters at every time step"}
UNROLLED_KO = {"folded": "접은 그림", "unrolled": "펼친 그림", "cell": "RNN 셀",
               "caption": "모든 시간 단계가 같은 파라미터를 쓴다"}
SHAPES_KO = {"one_to_one": "일대일\n(순환 없음)", "one_to_many": "일대다\n이미지 캡션",
             "many_to_one": "다대일\n감성 분석", "encoder_decoder": "인코더–디코더\n번역",
             "synced": "동기화된 다대다\n품사 태깅"}
SHAPES_EN = dict(zip(rnn.SHAPE_KEYS, ["a", "b", "c", "d", "e"]))

# (inputs, cells, outputs, hidden-state arrows) of each shape, in SHAPE_KEYS order
EXPECTED_SHAPES = {"one_to_one": (1, 1, 1, 0), "one_to_many": (1, 3, 3, 2),
                   "many_to_one": (3, 3, 1, 2), "encoder_decoder": (3, 6, 3, 5),
                   "synced": (3, 3, 3, 2)}


def _count(ax, gid):
    return len(_draw.parts(ax, gid))


@pytest.mark.parametrize("steps", [1, 2, 4])
def test_unrolled_has_three_boxes_per_step_and_one_state_arrow_per_step(steps):
    fig = rnn.unrolled(UNROLLED_EN, steps=steps)
    assert isinstance(fig, matplotlib.figure.Figure)
    (ax,) = fig.axes
    assert (_count(ax, "input"), _count(ax, "cell"), _count(ax, "output")) == (steps + 1,) * 3
    assert _count(ax, "recurrent") == steps + 1


def test_unrolled_shows_the_given_inputs_and_outputs():
    fig = rnn.unrolled(UNROLLED_EN, inputs=list("hell"), outputs=list("ello"))
    (ax,) = fig.axes
    texts = [t.get_text() for t in _draw.parts(ax, "text")]
    assert _count(ax, "cell") == 5
    assert texts.count("l") == 4 and texts.count("h") == 1 and texts.count("o") == 1
    assert "the same parameters at every time step" in texts


def test_io_shapes_has_five_axes_with_the_expected_structure():
    fig = rnn.io_shapes(SHAPES_EN)
    assert isinstance(fig, matplotlib.figure.Figure)
    assert len(fig.axes) == 5
    for ax, key in zip(fig.axes, rnn.SHAPE_KEYS):
        cells = _count(ax, "cell") + _count(ax, "cell_alt")
        got = (_count(ax, "input"), cells, _count(ax, "output"), _count(ax, "recurrent"))
        assert got == EXPECTED_SHAPES[key], key
        assert SHAPES_EN[key] in [t.get_text() for t in ax.texts]


def test_one_to_one_has_no_recurrence_and_encoder_decoder_has_two_cells():
    fig = rnn.io_shapes(SHAPES_EN)
    one, *_, enc_dec, _ = fig.axes
    assert _draw.parts(one, "recurrent") == []
    assert (_count(enc_dec, "cell"), _count(enc_dec, "cell_alt")) == (3, 3)


def test_generated_outputs_are_fed_back_only_where_the_code_feeds_them_back():
    fig = rnn.io_shapes(SHAPES_EN)
    got = {key: _count(ax, "feedback") for ax, key in zip(fig.axes, rnn.SHAPE_KEYS)}
    assert got == {"one_to_one": 0, "one_to_many": 2, "many_to_one": 0, "encoder_decoder": 2,
                   "synced": 0}


@pytest.mark.parametrize("bad, error", [({"folded": "a"}, ValueError), (["a"], TypeError)])
def test_missing_labels_are_named(bad, error):
    with pytest.raises(error, match="labels"):
        rnn.unrolled(bad)


def test_bad_steps_and_kind_are_refused():
    with pytest.raises(ValueError, match="steps"):
        rnn.unrolled(UNROLLED_EN, steps=0)
    with pytest.raises(ValueError, match="outputs"):
        rnn.unrolled(UNROLLED_EN, inputs=list("abc"), outputs=list("ab"))
    fig, ax = _draw.canvas(2, 2)
    with pytest.raises(ValueError, match="kind"):
        _draw.box(ax, (1, 1), kind="nope")


def test_primitives_tag_what_they_draw():
    fig, ax = _draw.canvas(4, 2)
    _draw.box(ax, (1, 1), "x", kind="input")
    _draw.arrow(ax, (1.4, 1), (2.6, 1))
    _draw.arrow(ax, (1.4, 1.2), (2.6, 1.2), gid="recurrent", curve=0.3, dashed=True)
    _draw.loop(ax, (3, 1))
    _draw.label(ax, (2, 1.8), "t")
    assert ax.get_xlim() == (0, 4) and ax.get_ylim() == (0, 2)
    assert (_count(ax, "input"), _count(ax, "arrow"), _count(ax, "recurrent")) == (1, 1, 2)
    assert [t.get_text() for t in _draw.parts(ax, "text")] == ["x", "t"]


@pytest.mark.parametrize("draw", [lambda: rnn.unrolled(UNROLLED_KO),
                                  lambda: rnn.io_shapes(SHAPES_KO)], ids=["unrolled", "io_shapes"])
def test_korean_labels_draw_without_missing_glyphs(korean, draw):
    skip_without_hangul_font()
    assert drawn_warnings(draw) == []


def test_the_glyph_check_can_fail(korean):
    """Without a Hangul font the same drawing warns: the test above can catch it."""
    matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
    caught = drawn_warnings(lambda: rnn.unrolled(UNROLLED_KO))
    assert any("missing from" in w for w in caught), caught
