"""Plot style and the Hangul font set-up shared by every chapter.

Labels are always passed in by the caller, so this module holds no prose in
either language. Explained in chapters/*/00_how_to_use.
"""

from __future__ import annotations

import glob
import os
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


def use_book_style(lang: str = "en") -> None:
    """Set matplotlib's rcParams for the book: size, grid, and a Hangul font for "ko".

    The Hangul font is registered for both languages so that a figure mixing
    scripts never falls back to boxes; DejaVu Sans stays second in the family
    list for the minus sign and other symbols.
    """
    import matplotlib
    from matplotlib import font_manager

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
    path = find_hangul_font()
    if path is None:
        rc["font.family"] = ["DejaVu Sans"]
        if lang == "ko":
            warnings.warn(
                "No Hangul font found, so Korean figure labels would show as boxes. "
                "Install one (Debian/Colab: apt-get install fonts-nanum) or set "
                "RNNBOOK_HANGUL_FONT to a .ttf file.",
                stacklevel=2,
            )
        return
    font_manager.fontManager.addfont(path)
    # Register the bold face too. Its file declares weight 600, so matplotlib would
    # log "findfont: Failed to find font weight bold" for every bold label: list it as 700.
    bold = path.replace("NanumGothic.ttf", "NanumGothicBold.ttf")
    if bold != path and os.path.exists(bold):
        entry = font_manager.FontEntry(**{**vars(font_manager.ttfFontProperty(font_manager.get_font(bold))), "weight": 700})
        ttflist = font_manager.fontManager.ttflist
        ttflist[:] = [e for e in ttflist if e.fname != bold] + [entry]
        cached = getattr(font_manager.fontManager, "_findfont_cached", None)
        if cached is not None:
            cached.cache_clear()
    name = font_manager.FontProperties(fname=path).get_name()
    rc["font.family"] = [name, "DejaVu Sans"]
