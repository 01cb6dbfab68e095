"""Plot style and the Hangul font set-up shared by every chapter.

Labels are always passed in by the caller, so this module holds no prose in
either language. Explained in chapters/<lang>/00_how_to_use.
"""

from __future__ import annotations

import glob
import os
import tempfile
import warnings

# Debian/Ubuntu (and Colab, after `apt-get install fonts-nanum`) put NanumGothic here.
HANGUL_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/nanum/NanumGothic.ttf",
    "/Library/Fonts/NanumGothic.ttf",
    os.path.expanduser("~/Library/Fonts/NanumGothic.ttf"),
    "C:/Windows/Fonts/NanumGothic.ttf",
    "C:/Windows/Fonts/malgun.ttf",
)


def find_hangul_font() -> str | None:
    """Path of a TrueType font with Hangul glyphs, or None if none is installed."""
    env = os.environ.get("RNNBOOK_HANGUL_FONT")
    if env and os.path.exists(env):
        return env
    for path in HANGUL_FONT_CANDIDATES:
        if os.path.exists(path):
            return path
    found = sorted(glob.glob("/usr/share/fonts/**/NanumGothic*.ttf", recursive=True))
    return found[0] if found else None


BOOK_FONT = "rnnbook Hangul"


def _with_minus_sign(path: str) -> str:
    """A cached copy of the font at ``path`` whose U+2212 (minus) shows its hyphen glyph.

    NanumGothic has no U+2212, and matplotlib's mathtext draws every minus of a
    log-axis tick label (10⁻⁵) as U+2212 in the text font, without falling back
    to another font. Only the character map changes; the copy stays on this machine.
    """
    from fontTools.ttLib import TTFont

    stat = os.stat(path)
    name = f"{os.path.splitext(os.path.basename(path))[0]}-{stat.st_size}-{int(stat.st_mtime)}-minus.ttf"
    for folder in (os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "rnnbook"),
                   os.path.join(tempfile.gettempdir(), "rnnbook")):
        target = os.path.join(folder, name)
        if os.path.exists(target):
            return target
        try:
            os.makedirs(folder, exist_ok=True)
            font = TTFont(path, lazy=True)
            for table in font["cmap"].tables:
                if table.isUnicode() and 0x2D in table.cmap and 0x2212 not in table.cmap:
                    table.cmap[0x2212] = table.cmap[0x2D]
            partial = target + f".{os.getpid()}.part"
            font.save(partial)
            os.replace(partial, target)
            return target
        except OSError:
            continue
    return path


def _register(path: str, weight: int) -> None:
    from matplotlib import font_manager

    entry = font_manager.FontEntry(fname=path, name=BOOK_FONT, style="normal", variant="normal",
                                   weight=weight, stretch="normal", size="scalable")
    manager = font_manager.fontManager
    manager.ttflist[:] = [e for e in manager.ttflist if not (e.name == BOOK_FONT and e.weight == weight)] + [entry]
    cached = getattr(manager, "_findfont_cached", None)
    if cached is not None:
        cached.cache_clear()


# The book's desktop column: a figure wider than this (in CSS pixels, 100 per inch) is
# shrunk to it, text included (measured: chapter images at most 757 px wide in a 1366 px
# window; tests/test_browser.py checks it).
COLUMN_PX = 757
MIN_TEXT_PX = 10.0


def small_text(fig, column_px: float = COLUMN_PX, min_px: float = MIN_TEXT_PX) -> list:
    """The texts of ``fig`` that show smaller than ``min_px`` CSS pixels in the book.

    A figure is saved with a tight bounding box at 100 dpi, so it is ``width × 100`` CSS
    pixels wide; in a column of ``column_px`` it is scaled by ``min(1, column_px / that)``,
    and a ``s`` pt text shows at ``s · 100/72 · scale`` px. Returns one line per text:
    what it says, its size in points and on screen.
    """
    from matplotlib.text import Text

    renderer = fig.canvas.get_renderer()
    width_px = fig.get_tightbbox(renderer).width * fig.dpi
    scale = min(1.0, column_px / width_px) if width_px > 0 else 1.0
    found = []
    for text in fig.findobj(Text):
        words = text.get_text().strip()
        if not words or not text.get_visible():
            continue
        shown = text.get_fontsize() * fig.dpi / 72 * scale
        if shown < min_px - 0.05:
            found.append(f"{words[:40]!r}: {text.get_fontsize():g} pt shows at {shown:.1f} px")
    return found


def _report_small_text(png_formatter) -> None:
    """Wrap the inline PNG formatter so that every figure shown first reports its text
    under :data:`MIN_TEXT_PX` on stderr (a notebook test then fails on that output)."""
    import functools
    import sys

    from matplotlib.figure import Figure

    draw = png_formatter.lookup_by_type(Figure)

    @functools.wraps(draw)
    def checked(fig, *args, **kwargs):
        data = draw(fig, *args, **kwargs)  # draws the figure: its layout is final
        small = small_text(fig)
        if small:
            print(f"figure text smaller than {MIN_TEXT_PX:g} px in the book's column "
                  f"({COLUMN_PX} px):\n  " + "\n  ".join(small), file=sys.stderr)
        return data

    png_formatter.for_type(Figure, checked)


def sharp_inline_figures() -> bool:
    """Show inline figures at twice the pixel density ("retina" PNG) in a Jupyter kernel.

    The PNG is drawn at 2 × ``figure.dpi`` and its output metadata keeps the size in
    CSS pixels, so a figure shows at the same size but sharp on high-density screens.
    PNG, not SVG: nbval compares SVG text, which changes from run to run. Returns
    whether the format was set (False outside an IPython kernel, e.g. in scripts).
    Called by :func:`use_book_style`, so every chapter gets it from ``rnnbook.setup``.
    With the environment variable ``RNNBOOK_CHECK_FIGURES=1`` (set for the book's tests by
    tools/book.py), every figure also reports text too small to read (:func:`small_text`).
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return False
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("retina")
    if os.environ.get("RNNBOOK_CHECK_FIGURES") == "1":
        _report_small_text(shell.display_formatter.formatters["image/png"])
    return True


def use_book_style(lang: str = "en") -> None:
    """Set matplotlib's rcParams for the book: size, grid, a Hangul font, sharp figures.

    The Hangul font (NanumGothic, regular and bold) is registered for both
    languages under the family name ``"rnnbook Hangul"`` so that a figure mixing
    scripts never shows boxes, also inside ``$…$`` labels; DejaVu Sans follows it
    in the family list for symbols it lacks.

    Explained in chapters/<lang>/00_how_to_use.
    """
    import matplotlib

    rc = matplotlib.rcParams
    rc["figure.figsize"] = (6.4, 3.6)
    rc["figure.dpi"] = 100
    rc["savefig.dpi"] = 100
    rc["axes.grid"] = True
    rc["grid.alpha"] = 0.3
    rc["axes.spines.top"] = False
    rc["axes.spines.right"] = False
    rc["axes.unicode_minus"] = False
    rc["svg.hashsalt"] = "rnnbook"
    sharp_inline_figures()
    path = find_hangul_font()
    if path is None:
        rc["font.family"] = ["DejaVu Sans"]
        if lang == "ko":
            # only a Korean page needs the font, so its reader gets the warning in Korean
            warnings.warn(
                "한글 글꼴을 찾지 못해 그림의 한글이 네모로 보입니다. 글꼴을 설치하거나"
                "(Debian/Colab: apt-get install fonts-nanum) RNNBOOK_HANGUL_FONT를 .ttf 파일의 "
                "경로로 정하세요.",
                stacklevel=2,
            )
        return
    _register(_with_minus_sign(path), 400)
    # NanumGothicBold declares weight 600; list it as bold (700) so bold labels find it.
    bold = path.replace("NanumGothic.ttf", "NanumGothicBold.ttf")
    if bold != path and os.path.exists(bold):
        _register(_with_minus_sign(bold), 700)
    rc["font.family"] = [BOOK_FONT, "DejaVu Sans"]
