"""Helpers shared by the diagram tests: figure clean-up, a Korean set-up, positions, warnings.

Imported by tests/test_diagrams*.py; the two fixtures apply where they are imported.
"""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnbook  # noqa: E402
import rnnbook.plots  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def korean():
    """rnnbook.setup(lang="ko") for one test; rcParams, print options and language restored."""
    before_lang = rnnbook.current_lang()
    before_print = np.get_printoptions()
    with matplotlib.rc_context():
        rnnbook.setup(lang="ko")
        yield
    rnnbook.setup(lang=before_lang)
    np.set_printoptions(**before_print)


def skip_without_hangul_font():
    if rnnbook.plots.find_hangul_font() is None:
        pytest.skip("no Hangul font installed (Debian: apt-get install fonts-nanum)")


def center(patch):
    """Centre of a Circle or of a box (FancyBboxPatch) in data units."""
    if hasattr(patch, "center"):
        return tuple(patch.center)
    return (patch.get_x() + patch.get_width() / 2, patch.get_y() + patch.get_height() / 2)


def drawn_warnings(*draws) -> list:
    """Messages of every warning raised while each ``draw()`` makes and renders its figure."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for draw in draws:
            draw().canvas.draw()
    return [str(w.message) for w in caught]
