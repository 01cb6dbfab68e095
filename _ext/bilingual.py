"""Per-page language for a Sphinx book that holds a Korean and an English part.

Sphinx has one global ``language``. This extension makes each page behave as
its own language:

- ``<html lang>`` is the page's language (``chapters/ko/…`` is Korean,
  ``chapters/en/…`` English);
- the words the theme prints (navigation, "Contents", "Search", …) come from
  Sphinx's and sphinx-book-theme's own Korean catalogues on Korean pages;
- every chapter page links to its twin in the other language from the sticky
  article header, and declares it with ``<link rel="alternate" hreflang>``;
- every section carries a language-neutral id (``s-1-2``: its position in the
  heading tree), the same in both twins because twins have the same heading
  structure (tested), so the language link can land on the section being read
  (``_assets/rnnbook.js`` keeps the link's fragment on the section in view);
- previous/next links stay within the page's language;
- Korean pages get Korean words for the theme's strings that neither Sphinx's
  nor sphinx-book-theme's Korean catalogue translates (``KO_UI``), and a search
  page of their own (``search-ko.html``);
- and, unrelated to language, two console errors of the theme stack are fixed:
  repeated script tags are dropped (see ``_unique_assets``) and the colour mode
  is never empty.
"""

from __future__ import annotations

import gettext
import html
import json
import re
from pathlib import Path

from docutils import nodes
from sphinx.builders.html._assets import _JavaScript
from sphinx.util import logging

logger = logging.getLogger(__name__)

LANG_NAMES = {"ko": "한국어", "en": "English"}
OTHER = {"ko": "en", "en": "ko"}
SWITCH_LABEL = {"ko": "English", "en": "한국어"}
SWITCH_TITLE = {"ko": "Read this section in English", "en": "이 절을 한국어로 읽기"}
SEARCH_PAGE = {"en": "search", "ko": "search-ko"}

# Theme strings that neither Sphinx's nor sphinx-book-theme's Korean catalogue
# translates (pydata-sphinx-theme ships no Korean), plus our own templates' strings.
KO_UI = {
    "Back to top": "맨 위로",
    "Skip to main content": "본문으로 건너뛰기",
    "On this page": "이 쪽의 내용",
    "Site navigation": "사이트 탐색",
    "next page": "다음 쪽",
    "previous page": "이전 쪽",
    "Home": "처음",
    "Color mode": "색 모드",
    "Dark": "어둡게",
    "Light": "밝게",
    "System Settings": "시스템 설정 따르기",
    "Breadcrumb": "위치",
    "Section Navigation": "절 탐색",
    "Link to this heading": "이 제목으로 가는 링크",
    "Please activate JavaScript to enable the search functionality.": "검색하려면 자바스크립트를 켜야 한다.",
    "Error": "오류",
    "Launch interactive content": "대화형으로 실행",
    "Launch on": "실행:",
    "Toggle primary sidebar": "장 목록 열고 닫기",
    "Toggle secondary sidebar": "이 쪽의 목차 열고 닫기",
    "Copy": "복사",
    "Copied!": "복사했다",
    "Copy to clipboard": "클립보드로 복사",
    "Download this page": "이 쪽 내려받기",
    "Launch on Colab": "Colab에서 실행",
    "Version warning": "버전 경고",
    "logo": "로고",  # the Colab button's image: alt="{{ translate(text) }} {{ translate("logo") }}"
    # Landmark names the themes write into their templates without translate():
    "Main": "장 목록",          # sphinx-book-theme's sbt-sidebar-nav.html
    "Page": "이 쪽의 목차",      # sphinx-book-theme's layout.html (the printed table of contents)
}
# (attribute, English) pairs written without translate(): the themes' landmarks and the
# title Sphinx's HTML writer gives every heading's ¶ link (it uses the build's one language).
UNTRANSLATED_LABELS = (("aria-label", "Main"), ("aria-label", "Page"),
                       ("title", "Link to this heading"))


def _translate_buttons(buttons, translate) -> None:
    """sphinx-book-theme builds its header buttons' labels in Python, in Sphinx's one language."""
    for button in buttons or []:
        if isinstance(button, dict):
            for key in ("tooltip", "label_for_screen_reader"):
                if isinstance(button.get(key), str):
                    button[key] = translate(button[key])
            _translate_buttons(button.get("buttons"), translate)


def page_lang(pagename: str) -> str | None:
    """'ko' or 'en' for a chapter page or a language's search page, None for shared pages."""
    for lang, search in SEARCH_PAGE.items():
        if pagename == search:
            return lang
    return chapter_lang(pagename)


def chapter_lang(pagename: str) -> str | None:


    """'ko' or 'en' for a chapter page, None for other pages (landing page, search)."""
    parts = pagename.split("/")
    if len(parts) >= 3 and parts[0] == "chapters" and parts[1] in OTHER:
        return parts[1]
    return None


def twin_pagename(pagename: str) -> str | None:
    lang = chapter_lang(pagename)
    if lang is None:
        return None
    return "/".join(["chapters", OTHER[lang], *pagename.split("/")[2:]])


class _PageTranslations:
    """gettext object for Jinja whose language follows the page being rendered."""

    def __init__(self, by_lang):
        self.by_lang = by_lang
        self.lang = "en"

    def gettext(self, message):
        return _with_supplement(self.by_lang[self.lang].gettext, self.lang)(message)

    def ngettext(self, singular, plural, n):
        return self.by_lang[self.lang].ngettext(singular, plural, n)


# Entries of the themes' Korean catalogues that we word differently (a missing space).
KO_FIXES = {"Fullscreen mode": "전체 화면으로 보기"}


def _with_supplement(gettext_fn, lang: str):
    """``gettext_fn``, falling back to ``KO_UI`` where a Korean catalogue has no entry
    (and taking ``KO_FIXES`` over the catalogue's own)."""
    if lang != "ko":
        return gettext_fn

    def translate(message):
        if message in KO_FIXES:
            return KO_FIXES[message]
        text = gettext_fn(message)
        return KO_UI.get(message, text) if text == message else text

    return translate


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
    context["rnnbook_lang"] = lang
    context["rnnbook_search_page"] = SEARCH_PAGE[lang]
    sphinx_tr = getattr(app, "rnnbook_sphinx_tr", None)
    if sphinx_tr is not None:
        sphinx_tr.lang = lang
        book_tr = app.rnnbook_book_tr[lang]
        context["translate"] = _with_supplement(book_tr.gettext, lang)
        _translate_buttons(context.get("header_buttons"), context["translate"])
        context["theme_search_bar_text"] = sphinx_tr.by_lang[lang].gettext("Search") + "..."
    _same_language_prev_next(app, pagename, context)
    if page_lang(pagename) is None:
        return
    context["language"] = lang
    if pagename == SEARCH_PAGE["ko"]:
        _korean_search_messages(context)
    twin = twin_pagename(pagename)
    if twin not in app.env.found_docs:
        return
    other = OTHER[lang]
    href = app.builder.get_relative_uri(pagename, twin)
    context["rnnbook_twin"] = {
        "href": href, "lang": other, "label": SWITCH_LABEL[lang], "title": SWITCH_TITLE[lang],
    }
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" hreflang="{other}" href="{html.escape(href)}" />'
    )
    header = context.get("theme_article_header_start")
    if isinstance(header, list) and "rnnbook-twin.html" not in header:
        context["theme_article_header_start"] = [*header, "rnnbook-twin.html"]


def _same_language_prev_next(app, pagename, context) -> None:
    """Previous/next never cross languages: each language's part is its own chain.

    The first chapter of a language goes back to the landing page; the last page of a
    language (its glossary) has no "next".
    """
    relations = getattr(app, "rnnbook_relations", None)
    if relations is None:
        relations = app.rnnbook_relations = app.env.collect_relations()
    lang = chapter_lang(pagename)
    _parent, prev, nxt = relations.get(pagename, (None, None, None))
    if lang is None:
        return
    if nxt and chapter_lang(nxt) != lang:
        context["next"] = None
    if prev and chapter_lang(prev) not in (lang, None):
        root = app.config.root_doc
        context["prev"] = {
            "link": app.builder.get_relative_uri(pagename, root),
            "title": app.builder.render_partial(app.env.titles[root])["title"],
        }


def _korean_search_messages(context) -> None:
    """Sphinx's own Korean messages for its search script (Korean search page only)."""
    import sphinx

    catalogue = Path(sphinx.__file__).parent / "locale" / "ko" / "LC_MESSAGES" / "sphinx.js"
    script = catalogue.read_text(encoding="utf-8")
    extra = {"locale": "ko", "messages": {
        "Search Results": "검색 결과",
        "Your search did not match any documents. Please make sure that all words are spelled "
        "correctly and that you've selected enough categories.": "찾는 말이 들어 있는 쪽이 없다. 철자를 확인해 보라.",
    }, "plural_expr": "0"}
    script += f"\nDocumentation.addTranslations({json.dumps(extra, ensure_ascii=False)});"
    context["script_files"] = [*context.get("script_files", []), _JavaScript("", body=script, priority=900)]


def _positional_ids(app, doctree) -> None:
    """Give every section of a chapter page the id ``s-<i>-<j>…`` (its position).

    Twins have the same heading structure, so ``s-2-3`` names the same section in
    both languages; the existing ids (``id1``, slugs) stay the first id.
    """
    if chapter_lang(app.env.docname) is None:
        return

    def walk(node, prefix):
        k = 0
        for child in node.children:
            if isinstance(child, nodes.section):
                k += 1
                pid = f"{prefix}-{k}"
                if pid in doctree.ids and doctree.ids[pid] is not child:
                    logger.warning(f"positional id {pid!r} is already used in {app.env.docname}",
                                   location=child)
                    continue
                child["ids"].append(pid)
                doctree.ids[pid] = child
                walk(child, pid)

    walk(doctree, "s")


def _korean_landmarks(app, exception) -> None:
    """Translate the labels the themes and Sphinx hard-code (:data:`UNTRANSLATED_LABELS`) in
    every Korean page once it is written: no template hook reaches them."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    pages = [*(out / "chapters" / "ko").glob("*.html"), out / f"{SEARCH_PAGE['ko']}.html"]
    for page in pages:
        if not page.exists():
            continue
        text = page.read_text(encoding="utf-8")
        fixed = text
        for attr, label in UNTRANSLATED_LABELS:
            fixed = fixed.replace(f'{attr}="{label}"', f'{attr}="{KO_UI[label]}"')
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def _extra_pages(app):
    """A Korean search page beside Sphinx's own (English) one."""
    if app.builder.search:
        yield SEARCH_PAGE["ko"], {}, "rnnbook-search.html"


def setup(app):
    app.connect("builder-inited", _builder_inited)
    app.connect("doctree-read", _positional_ids)
    app.connect("html-collect-pages", _extra_pages)
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _korean_landmarks)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
