"""Per-page language for a Sphinx book that holds a Korean and an English part.

Sphinx has one global ``language``. This extension makes each page behave as
its own language:

- ``<html lang>`` is the page's language (``chapters/ko/…`` is Korean,
  ``chapters/en/…`` English);
- the words the theme prints (navigation, "Contents", "Search", …) come from
  Sphinx's and sphinx-book-theme's own Korean catalogues on Korean pages;
- every chapter page links to its twin in the other language, and declares it
  with ``<link rel="alternate" hreflang>``;
- and, unrelated to language, two console errors of the theme stack are fixed:
  repeated script tags are dropped (see ``_unique_assets``) and the colour mode
  is never empty.
"""

from __future__ import annotations

import gettext
import html
from pathlib import Path

LANG_NAMES = {"ko": "한국어", "en": "English"}
OTHER = {"ko": "en", "en": "ko"}
SWITCH_LABEL = {"ko": "English version", "en": "한국어판"}


def page_lang(pagename: str) -> str | None:
    """'ko' or 'en' for a chapter page, None for shared pages (the landing page)."""
    parts = pagename.split("/")
    if len(parts) >= 3 and parts[0] == "chapters" and parts[1] in OTHER:
        return parts[1]
    return None


def twin_pagename(pagename: str) -> str | None:
    lang = page_lang(pagename)
    if lang is None:
        return None
    return "/".join(["chapters", OTHER[lang], *pagename.split("/")[2:]])


class _PageTranslations:
    """gettext object for Jinja whose language follows the page being rendered."""

    def __init__(self, by_lang):
        self.by_lang = by_lang
        self.lang = "en"

    def gettext(self, message):
        return self.by_lang[self.lang].gettext(message)

    def ngettext(self, singular, plural, n):
        return self.by_lang[self.lang].ngettext(singular, plural, n)


def _catalog(domain: str, localedir: Path, lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(domain, localedir=str(localedir), languages=[lang], fallback=True)


def _builder_inited(app):
    import sphinx
    import sphinx_book_theme

    if not hasattr(app.builder, "templates"):
        return
    sphinx_dir = Path(sphinx.__file__).parent / "locale"
    book_dir = Path(sphinx_book_theme.__file__).parent / "theme" / "sphinx_book_theme" / "static" / "locales"
    app.rnnbook_sphinx_tr = _PageTranslations({l: _catalog("sphinx", sphinx_dir, l) for l in OTHER})
    app.rnnbook_book_tr = {l: _catalog("booktheme", book_dir, l) for l in OTHER}
    app.builder.templates.environment.install_gettext_translations(app.rnnbook_sphinx_tr)


def _unique_assets(context) -> None:
    """Drop repeated <script>/<link> entries.

    Jupyter Book 1.0.4 runs sphinx-togglebutton's and sphinx-thebe's set-up
    twice, which declares ``const THEBE_JS_URL`` twice: a JavaScript error on
    every page.
    """
    for key in ("script_files", "css_files"):
        seen, unique = set(), []
        for asset in context.get(key, []):
            attrs = getattr(asset, "attributes", {}) or {}
            ident = (getattr(asset, "filename", None) or "", tuple(sorted((k, str(v)) for k, v in attrs.items())))
            if ident not in seen:
                seen.add(ident)
                unique.append(asset)
        if key in context:
            context[key] = unique


def _page_context(app, pagename, templatename, context, doctree):
    _unique_assets(context)
    # An empty mode makes the theme's script log "Got invalid theme mode" on every page.
    if not context.get("default_mode"):
        context["default_mode"] = "auto"
    lang = page_lang(pagename) or "en"
    sphinx_tr = getattr(app, "rnnbook_sphinx_tr", None)
    if sphinx_tr is not None:
        sphinx_tr.lang = lang
        book_tr = app.rnnbook_book_tr[lang]
        context["translate"] = book_tr.gettext
        context["theme_search_bar_text"] = sphinx_tr.by_lang[lang].gettext("Search") + "..."
    if page_lang(pagename) is None:
        return
    context["language"] = lang
    twin = twin_pagename(pagename)
    if twin not in app.env.found_docs or "body" not in context:
        return
    other = OTHER[lang]
    href = html.escape(app.builder.get_relative_uri(pagename, twin))
    switch = (
        f'<p class="rnnbook-lang-switch"><a class="rnnbook-twin" href="{href}" '
        f'hreflang="{other}" lang="{other}"><i class="fa-solid fa-language" aria-hidden="true"></i> '
        f"{SWITCH_LABEL[lang]}</a></p>\n"
    )
    context["body"] = switch + context["body"]
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" hreflang="{other}" href="{href}" />'
    )


def setup(app):
    app.connect("builder-inited", _builder_inited)
    app.connect("html-page-context", _page_context, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
