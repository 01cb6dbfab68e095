"""rnnbook.show_source: library source as highlighted HTML with the plain source for nbval."""

import inspect
import subprocess
import sys

import pytest

import rnnbook
from rnnbook import display, gradients, numpy_ref


def test_plain_text_is_the_source_and_html_is_highlighted():
    shown = rnnbook.show_source(numpy_ref.rnn_step)
    assert repr(shown) == inspect.getsource(numpy_ref.rnn_step).rstrip("\n") + "\n"
    html = shown._repr_html_()
    assert html.startswith('<div class="highlight rnnbook-source"><pre>')
    assert '<span class="k">def</span>' in html and '<span class="nf">rnn_step</span>' in html


def test_several_objects_follow_one_another():
    shown = repr(rnnbook.show_source(gradients.clip_grad_norm, gradients.clip_grad_value))
    first, second = shown.index("def clip_grad_norm"), shown.index("def clip_grad_value")
    assert 0 <= first < second


@pytest.mark.parametrize("raw, want", [
    ("Backward of :func:`_rnn_cell`: da", "Backward of `_rnn_cell`: da"),
    ("see :py:class:`~rnnbook.train.History` and :data:`SHAPE_KEYS`", "see `rnnbook.train.History` and `SHAPE_KEYS`"),
    ("a :meth:`fit <rnnbook.train.fit>` call", "a `fit` call"),
    ("plain `code` stays", "plain `code` stays"),
])
def test_sphinx_roles_read_as_code(raw, want):
    assert display.clean_roles(raw) == want


def test_roles_are_cleaned_in_shown_source():
    shown = repr(rnnbook.show_source(numpy_ref._rnn_cell_backward))
    assert ":func:" in inspect.getsource(numpy_ref._rnn_cell_backward)
    assert ":func:" not in shown and "`_rnn_cell`" in shown


@pytest.mark.parametrize("bad", [(), (3,), ("numpy_ref.rnn_step",)])
def test_bad_arguments_are_named(bad):
    with pytest.raises(TypeError, match="show_source needs"):
        rnnbook.show_source(*bad)


def test_import_rnnbook_loads_neither_pygments_nor_torch():
    code = "import sys, rnnbook; print('pygments' in sys.modules, 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_sharp_figures_only_inside_a_kernel():
    """Outside IPython there is no inline backend to configure (inside, nbval's stored
    outputs show it: every chapter PNG carries its CSS size, half its pixel size)."""
    from rnnbook import plots

    assert plots.sharp_inline_figures() is False


def test_chapter_figures_are_stored_at_twice_their_display_size():
    """rnnbook.setup turns on retina PNGs: sharp on high-density screens."""
    import base64
    import json
    import struct

    import book

    soft = []
    for nb in book.notebooks():
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        for k, cell in enumerate(cells):
            for out in cell.get("outputs", []):
                png = out.get("data", {}).get("image/png")
                if png is None:
                    continue
                width = struct.unpack(">I", base64.b64decode(png)[16:20])[0]
                shown = out.get("metadata", {}).get("image/png", {}).get("width")
                if not shown or abs(width - 2 * shown) > 2:
                    soft.append(f"{nb.parent.name}/{nb.name} cell {k}: {width} px stored, shown at {shown}")
    assert not soft, "\n".join(soft)


def test_pad_counts_hangul_as_two_columns():
    from rnnbook.display import pad, text_width
    assert text_width("LSTM") == 4 and text_width("바이그램") == 8 and text_width("a가") == 3
    assert pad("바이그램", 10) == "바이그램  " and pad("ab", 5, right=True) == "   ab"
    assert pad("바이그램", 3) == "바이그램"  # never cut


def _figure(width, legend_pt):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, 3), dpi=100)
    ax.plot([0, 1], label="a curve")
    ax.legend(fontsize=legend_pt)
    fig.canvas.draw()
    return fig


def test_small_text_is_judged_at_the_size_the_book_shows():
    import matplotlib.pyplot as plt

    from rnnbook import plots

    try:
        wide_small = plots.small_text(_figure(12, 8))  # ~960 px wide, shrunk to 757: 8.8 px
        wide_default = plots.small_text(_figure(12, 10))
        narrow_small = plots.small_text(_figure(6, 8))  # shown at its own size: 11.1 px
    finally:
        plt.close("all")
    assert len(wide_small) == 1 and "'a curve': 8 pt" in wide_small[0]
    assert wide_default == [] and narrow_small == []


def test_the_kernel_reports_small_figure_text_on_stderr(capsys):
    """In a kernel with RNNBOOK_CHECK_FIGURES=1 the PNG formatter is wrapped: stderr output
    then fails nbval and tools/book.py execute."""
    import matplotlib.pyplot as plt
    from IPython.core.formatters import PNGFormatter
    from matplotlib.figure import Figure

    from rnnbook import plots

    formatter = PNGFormatter()
    formatter.for_type(Figure, lambda fig: b"png")
    plots._report_small_text(formatter)
    try:
        assert formatter(_figure(12, 8)) == b"png"
        assert "'a curve': 8 pt shows at" in capsys.readouterr().err
        formatter(_figure(6, 8))
        assert capsys.readouterr().err == ""
    finally:
        plt.close("all")
