"""Library source shown in a chapter as highlighted code.

``show_source(obj, ...)`` returns a display object: Jupyter (and the book, through
myst-nb) shows its HTML, Python code highlighted by Pygments with the classes every
Sphinx theme styles (``<div class="highlight">``); nbval compares its ``text/plain``
form, the source itself. Sphinx cross-reference roles in docstrings
(``:func:`name```) read as plain ```name``` in both forms.
"""

from __future__ import annotations

import inspect
import re
import unicodedata

_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|data|attr|mod|obj|exc|const):`~?([^`<]+?)(?:\s*<[^>]*>)?`")


def clean_roles(text: str) -> str:
    """``:func:`x``` (any Sphinx Python role) → ```x```; the rest of ``text`` unchanged."""
    return _ROLE.sub(r"`\1`", text)


class Source:
    """Python source with a ``text/plain`` and a highlighted ``text/html`` form."""

    def __init__(self, text: str):
        if not isinstance(text, str):
            from ._validate import say

            raise TypeError(say(f"text must be a str of Python source, got {type(text).__name__}",
                                f"text에는 파이썬 소스를 담은 str이 필요합니다. "
                                f"받은 것: {type(text).__name__}"))
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(self.text)

    def _repr_html_(self) -> str:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer

        return highlight(self.text, PythonLexer(), HtmlFormatter(cssclass="highlight rnnbook-source"))


def show_source(*objs) -> Source:
    """The source of each function or class in ``objs``, one after another, for display.

    - ``objs``: one or more functions, classes or modules (anything ``inspect.getsource``
      accepts).

    Returns a :class:`Source`; as the last expression of a notebook cell it shows as
    highlighted code. Explained in chapters/<lang>/00_how_to_use.
    """
    from ._validate import say

    if not objs:
        raise TypeError(say("show_source needs at least one function, class or module, got none",
                            "show_source에는 함수, 클래스, 모듈 가운데 하나 이상을 넘겨야 합니다. "
                            "아무것도 받지 못했습니다."))
    parts = []
    for obj in objs:
        try:
            parts.append(inspect.getsource(obj).rstrip("\n"))
        except TypeError as exc:
            raise TypeError(say(f"show_source needs functions, classes or modules, got "
                                f"{type(obj).__name__}: {exc}",
                                f"show_source에는 함수, 클래스, 모듈만 넘길 수 있습니다. "
                                f"받은 것: {type(obj).__name__}")) from None
    return Source(clean_roles("\n\n\n".join(parts)) + "\n")


def text_width(text: str) -> int:
    """Columns ``text`` takes in a monospaced font: 2 for wide characters (Hangul), else 1.

    Explained in chapters/<lang>/07_language_model.
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` columns (see :func:`text_width`), on the right,
    or on the left when ``right`` (right-aligned). Text wider than ``width`` is left as it is.

    Explained in chapters/<lang>/07_language_model.
    """
    fill = " " * max(0, width - text_width(text))
    return fill + text if right else text + fill
