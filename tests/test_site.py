"""The built book, read as files: links, anchors, languages, Colab buttons.

Needs the book built (scripts/build_book.sh; scripts/test.sh builds it first).
"""

import re
from urllib.parse import unquote, urlsplit

import pytest

import book
import builtsite as built
import nbcheck
from conftest import require_or_skip

COLAB = "https://colab.research.google.com/github/"


@pytest.fixture(scope="module")
def parsed():
    if not (built.HTML / "index.html").exists():
        require_or_skip("the book is not built (run scripts/build_book.sh)")
    return {p: built.Page(p) for p in built.pages()}


def _chapter_pages(parsed, lang):
    return [p for p in parsed if p.parent == built.HTML / "chapters" / lang]


def test_every_toc_page_was_built(parsed):
    for nb in book.notebooks():
        html = built.HTML / nb.relative_to(book.ROOT).with_suffix(".html")
        assert html in parsed, f"{nb.name}: no page {html.relative_to(built.HTML)}"


def test_internal_links_and_anchors_resolve(parsed):
    broken = []
    for path, page in parsed.items():
        for href, _ in page.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
                continue
            target = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            rel = path.relative_to(built.HTML)
            if not target.exists():
                broken.append(f"{rel}: link to missing {href}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else built.Page(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{rel}: anchor #{parts.fragment} not found in {target.name}")
    assert not broken, "\n".join(broken[:40])


@pytest.mark.parametrize("lang", book.LANGS)
def test_html_lang_is_the_page_language(parsed, lang):
    pages = _chapter_pages(parsed, lang)
    assert pages
    wrong = [f"{p.name}: lang={parsed[p].lang!r}" for p in pages if parsed[p].lang != lang]
    assert not wrong, wrong


@pytest.mark.parametrize("lang", book.LANGS)
def test_every_page_links_to_its_twin(parsed, lang):
    other = {"ko": "en", "en": "ko"}[lang]
    for p in _chapter_pages(parsed, lang):
        twins = [h for h, a in parsed[p].links if "rnnbook-twin" in (a.get("class") or "")]
        assert len(twins) == 1, f"{p.name}: {len(twins)} language links"
        target = (p.parent / twins[0]).resolve()
        assert target == built.HTML / "chapters" / other / p.name, f"{p.name}: twin link goes to {twins[0]}"
        assert parsed[target].lang == other


def test_every_section_maps_to_its_twin_section_and_back(parsed):
    """The language link lands on the same section: twins' sections have the same position ids."""
    pairs = [(p, built.HTML / "chapters" / "en" / p.name) for p in _chapter_pages(parsed, "ko")]
    assert pairs
    problems = []
    for ko, en in pairs:
        for page in (ko, en):
            missing = [title for pid, title in parsed[page].sections if pid is None]
            if missing or not parsed[page].sections:
                problems.append(f"{page.relative_to(built.HTML)}: sections without a position id: {missing or 'no sections'}")
        ko_ids = [pid for pid, _ in parsed[ko].sections]
        en_ids = [pid for pid, _ in parsed[en].sections]
        for pid, title in parsed[ko].sections:
            if pid not in en_ids:
                problems.append(f"{ko.name}: Korean section {title!r} ({pid}) has no English twin section")
        for pid, title in parsed[en].sections:
            if pid not in ko_ids:
                problems.append(f"{en.name}: English section {title!r} ({pid}) has no Korean twin section")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", book.LANGS)
def test_previous_and_next_stay_in_the_language(parsed, lang):
    """Each language is its own chain: the first chapter goes back to the landing page,
    the last page (the glossary) has no "next"."""
    pages = _chapter_pages(parsed, lang)
    wrong = []
    for p in pages:
        for href, a in parsed[p].links:
            cls = a.get("class") or ""
            if "left-prev" not in cls and "right-next" not in cls:
                continue
            target = (p.parent / href.split("#")[0]).resolve()
            if target.parent != p.parent and target != built.HTML / "index.html":
                wrong.append(f"{p.name}: {cls} goes to {target.relative_to(built.HTML)}")
    assert not wrong, wrong
    last = built.HTML / "chapters" / lang / "glossary.html"
    assert not [h for h, a in parsed[last].links if "right-next" in (a.get("class") or "")]


PATH_LIKE = re.compile(r"([/\\].*\.\w{2,4}$)|(\.(png|jpe?g|svg|gif)$)|(^[0-9a-f]{16,}$)", re.IGNORECASE)
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def test_every_figure_has_real_alt_text_in_the_page_language(parsed):
    """Alt text says what a figure shows (cell metadata mystnb.image.alt), in the page's
    language; Sphinx's default, the image's path, is rejected."""
    bad, figures = [], 0
    for lang in book.LANGS:
        for p in _chapter_pages(parsed, lang):
            for img in parsed[p].images:
                if "_images/" not in (img.get("src") or ""):
                    continue
                figures += 1
                alt = (img.get("alt") or "").strip()
                where = f"{p.relative_to(built.HTML)} {img.get('src', '').rsplit('/', 1)[-1][:12]}…"
                if len(alt.split()) < 3 or PATH_LIKE.search(alt):
                    bad.append(f"{where}: alt {alt!r} does not describe the figure")
                elif lang == "ko" and not HANGUL.search(alt):
                    bad.append(f"{where}: alt text of a Korean page is not in Korean: {alt[:60]!r}")
    assert figures, "no figures found in the chapter pages"
    assert not bad, "\n".join(bad)


def test_colab_buttons_point_at_the_notebook_on_main(parsed):
    owner_repo = book.repository_url().removeprefix("https://github.com/")
    for nb in book.notebooks():
        rel = nb.relative_to(book.ROOT).as_posix()
        page = parsed[built.HTML / nb.relative_to(book.ROOT).with_suffix(".html")]
        colab = sorted({h for h, _ in page.links if h.startswith(COLAB)})
        want = f"{COLAB}{owner_repo}/blob/main/{rel}"
        assert colab == [want], f"{rel}: Colab links {colab}, expected [{want}]"
        assert (book.ROOT / rel).exists()


def test_korean_pages_show_korean_theme_labels(parsed):
    ko = _chapter_pages(parsed, "ko")[0]
    en = built.HTML / "chapters" / "en" / ko.name
    ko_text, en_text = ko.read_text(encoding="utf-8"), en.read_text(encoding="utf-8")
    assert 'prev-next-subtitle">다음' in ko_text, "the 'next' label is not Korean"
    assert 'prev-next-subtitle">next' in en_text
    assert 'placeholder="검색...' in ko_text and 'placeholder="Search...' in en_text
    for english, korean in [("Toggle primary sidebar", "장 목록 열고 닫기"), ("Color mode", "색 모드"),
                            ("Launch interactive content", "대화형으로 실행"), ("Skip to main content", "본문으로 건너뛰기")]:
        assert korean in ko_text and english not in ko_text, f"Korean page: {english!r} is not in Korean"
        assert english in en_text
    assert "The rnnbook authors 지음" in ko_text and "으로 The rnnbook authors" not in ko_text


# Words a Korean reader sees as they are: product names and acronyms (RNN, LSTM) stay names,
# and the link to the English twin speaks to its English reader in English, as the English
# page's link to the Korean twin does in Korean.
NAMES_KEPT = {"English", "Colab", "GitHub", "MathJax"}
TO_THE_OTHER_LANGUAGE = {'title="Read this section in English"'}
LABEL_ATTR = re.compile(r'\b(aria-label|alt|title|data-bs-title|placeholder)="([^"]*)"')


def english_labels(text: str) -> list:
    """Attribute labels (aria-label, alt, title, tooltip, placeholder) with Latin words and no
    Hangul, except names kept as they are."""
    found = []
    for attr, value in LABEL_ATTR.findall(text):
        words = {w for w in re.findall(r"[A-Za-z]{2,}", value) if not w.isupper()}
        label = f'{attr}="{value}"'
        if (words and not nbcheck.HANGUL.search(value) and not words <= NAMES_KEPT
                and label not in TO_THE_OTHER_LANGUAGE):
            found.append(label)
    return sorted(set(found))


def test_korean_pages_label_everything_in_korean(parsed):
    """Every label a screen reader or a tooltip shows on a Korean page is Korean: the
    theme's hard-coded landmarks ("Main", "Page") and the Colab logo's alt included."""
    pages = _chapter_pages(parsed, "ko") + [built.HTML / "search-ko.html"]
    bad = {p.name: english_labels(p.read_text(encoding="utf-8")) for p in pages}
    bad = {name: labels for name, labels in bad.items() if labels}
    assert bad == {}, bad


def test_the_label_check_can_fail(parsed):
    """The English twin of a page has English labels, and the check above finds them."""
    en = _chapter_pages(parsed, "en")[0]
    labels = english_labels(en.read_text(encoding="utf-8"))
    for label in ('aria-label="Main"', 'title="Link to this heading"', 'alt="Colab logo"'):
        assert label in labels, labels


def test_korean_search_page(parsed):
    page = built.HTML / "search-ko.html"
    assert page in parsed and parsed[page].lang == "ko"
    text = page.read_text(encoding="utf-8")
    assert "<h1>검색</h1>" in text and 'Documentation.addTranslations({"locale": "ko"' in text


def test_mathjax_only_on_pages_with_maths(parsed):
    for path in parsed:
        text = path.read_text(encoding="utf-8")
        has_maths = 'class="math' in text
        loads = "mathjax/tex-chtml.js" in text
        assert loads == has_maths, f"{path.relative_to(built.HTML)}: maths {has_maths}, MathJax loaded {loads}"
    assert "mathjax/tex-chtml.js" not in (built.HTML / "index.html").read_text(encoding="utf-8")


def test_mathjax_assistive_features_are_on_and_served(parsed):
    """Assistive MathML is on, the expression explorer on English pages, and the files the
    explorer loads are served by the book (the browser test fails on any missing one)."""
    en = (built.HTML / "chapters" / "en" / "02_bptt_and_gradients.html").read_text(encoding="utf-8")
    ko = (built.HTML / "chapters" / "ko" / "02_bptt_and_gradients.html").read_text(encoding="utf-8")
    assert '"assistiveMml": true' in en and '"explorer": true' in en
    # English-only speech would label Korean equations: Korean pages keep the MathML instead.
    assert '"assistiveMml": true' in ko and '"explorer": false' in ko and '"explorer": true' not in ko
    for name in ("input/mml.js", "a11y/explorer.js", "a11y/sre.js", "sre/mathmaps/en.json"):
        assert (built.HTML / "_static" / "mathjax" / name).is_file(), name


SOLUTION_CELL = re.compile(r'<span class="c1"># @title (Solution|풀이)')


@pytest.mark.parametrize("lang", book.LANGS)
def test_every_solution_is_labelled_and_holds_the_books_result(parsed, lang):
    """Every solution cell (# @title Solution / 풀이) of every chapter sits behind a
    "Solution" toggle, with the stored check result of the book's solution inside it."""
    show = {"en": "Show solution", "ko": "풀이 보기"}[lang]
    total = 0
    for p in _chapter_pages(parsed, lang):
        text = p.read_text(encoding="utf-8")
        n = len(SOLUTION_CELL.findall(text))
        total += n
        blocks = re.split(r'class="cell[^"]*\brnnbook-solution\b', text)[1:]
        assert len(blocks) == n, f"{p.name}: {n} solution cells, {len(blocks)} labelled"
        for block in blocks:
            head = block[: block.find("</summary>")]
            assert show in head, f"{p.name}: a solution toggle does not say {show!r}"
            assert "rnnbook-solution-result" in block[: block.find("</details>")], f"{p.name}: the book's result is outside the toggle"
    assert total > 0
