"""The built book in a real browser: Debian's Chromium driven by Playwright.

Every page loads with no JavaScript error and no failed request (external
requests are blocked: the book must work offline), every equation is typeset by
the MathJax copy the book serves itself, and every image has alt text. axe-core
(npm, installed once into a cache directory) finds no serious or critical WCAG 2.1
AA violation on any page. At 390 px (a phone) and 1366 px (a laptop) a reader can
open the chapter list and follow a link, switch language in the middle of a page
and land on the same section, open a solution, and nothing runs past the page's
edge. Screenshots of a few pages at both widths, light and dark, are written to
_build/screenshots/ for a reviewer.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

import builtsite as built
from conftest import require_or_skip

pytestmark = pytest.mark.browser
CHROMIUM = os.environ.get("RNNBOOK_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    if not (built.HTML / "index.html").exists():
        require_or_skip("the book is not built (run scripts/build_book.sh)")
    handler = functools.partial(_Quiet, directory=str(built.HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        require_or_skip(f"no Chromium at {CHROMIUM} (Debian package chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_or_skip("playwright is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def _math_problems(page) -> list[str]:
    """Equations MathJax did not typeset (raw TeX left) or typeset as errors."""
    n_math = page.evaluate("document.querySelectorAll('.math').length")
    if not n_math:
        return []
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=15000)
    page.evaluate("() => MathJax.startup.promise")
    raw = page.evaluate(
        "() => [...document.querySelectorAll('.math')]"
        ".filter(e => !e.querySelector('mjx-container') && !e.matches('mjx-container'))"
        ".map(e => e.textContent.slice(0, 80))"
    )
    problems = [f"{len(raw)} of {n_math} equations left as raw TeX, e.g. {raw[:3]}"] if raw else []
    merrors = page.evaluate("[...document.querySelectorAll('mjx-merror')].map(e => e.textContent)")
    if merrors:
        problems.append(f"{len(merrors)} TeX errors: {merrors[:3]}")
    return problems


PAGES = [p.relative_to(built.HTML).as_posix() for p in built.pages()] if built.HTML.exists() else []
WIDTHS = (390, 1366)
AXE_VERSION = "4.14.1"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = built.HTML.parent / "screenshots"

# Content cut off or running past the column: elements that start left of the article (nothing
# can scroll to them), and elements whose right edge passes the article's that no horizontally
# scrolling box inside the article holds.
SPILLS = """() => {
  const art = document.querySelector('.bd-article');
  if (!art) return [];
  const edge = art.getBoundingClientRect().right + 1;
  const start = art.getBoundingClientRect().left - 1;
  const out = [];
  for (const el of art.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || el.closest('mjx-assistive-mml')) continue;
    // A box that scrolls starts at its left edge: what lies left of the column is cut off for good
    // (e.g. a centred equation wider than its box).
    if (r.left < start && r.right > start) {
      out.push(`<${el.tagName.toLowerCase()} class="${el.className}"> starts at ${Math.round(r.left)} px, column at ${Math.round(start)}: ${(el.textContent || '').trim().slice(0, 50)}`);
      continue;
    }
    if (r.right <= edge) continue;
    let box = el.parentElement, held = false;
    while (box && box !== art) {
      if (['auto', 'scroll'].includes(getComputedStyle(box).overflowX) && box.getBoundingClientRect().right <= edge) { held = true; break; }
      box = box.parentElement;
    }
    if (!held) out.push(`<${el.tagName.toLowerCase()} class="${el.className}"> ends at ${Math.round(r.right)} px, column at ${Math.round(edge)}: ${(el.textContent || '').trim().slice(0, 50)}`);
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth) out.push(`the page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
  return out;
}"""


@pytest.mark.parametrize("rel", PAGES)
def test_page_loads_cleanly_and_typesets_every_equation(server, browser, rel):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"JavaScript error: {exc}"))
    page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    def route(r):
        if r.request.url.startswith(server) or r.request.url.startswith("data:"):
            r.continue_()
        else:
            errors.append(f"external request (the book must work offline): {r.request.url}")
            r.abort()

    page.route("**/*", route)
    page.goto(f"{server}/{rel}", wait_until="load")
    problems = _math_problems(page)
    no_alt = page.evaluate("[...document.images].filter(i => !(i.getAttribute('alt') || '').trim() "
                           "|| /\\.(png|jpe?g|svg)$/i.test(i.alt)).map(i => i.getAttribute('src'))")
    if no_alt:
        problems.append(f"{len(no_alt)} images without real alt text: {no_alt[:3]}")
    assert not problems, f"{rel}: " + "; ".join(problems)
    page.wait_for_load_state("networkidle")
    page.close()
    assert not errors, f"{rel}:\n" + "\n".join(errors)


def _click(page, selector):
    """Click where a reader would: at the element's place on screen (Playwright's own
    click first scrolls the element into view, which moves the page under a sticky header)."""
    box = page.locator(selector).first.bounding_box()
    assert box, f"{selector} is not on screen"
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _follow(page, selector):
    """Click a link as a reader would and wait for the page it opens."""
    with page.expect_navigation(wait_until="load"):
        _click(page, selector)


def _reader(browser, width, mode="light"):
    return browser.new_context(viewport={"width": width, "height": 800}, color_scheme=mode)


def test_language_link_lands_on_the_twin(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/chapters/ko/00_how_to_use.html")
    assert page.evaluate("document.documentElement.lang") == "ko"
    _follow(page, "a.rnnbook-twin")
    assert page.url.split("#")[0].endswith("/chapters/en/00_how_to_use.html")
    assert page.evaluate("document.documentElement.lang") == "en"
    _follow(page, "a.rnnbook-twin")
    assert page.url.split("#")[0].endswith("/chapters/ko/00_how_to_use.html")
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("start, twin", [("ko", "en"), ("en", "ko")])
def test_switching_language_mid_page_keeps_the_section(server, browser, width, start, twin):
    ctx = _reader(browser, width)
    page = ctx.new_page()
    page.goto(f"{server}/chapters/{start}/03_lstm.html")
    section = "s-1-6"
    page.evaluate(f"document.getElementById('{section}').closest('section').scrollIntoView(); window.scrollBy(0, 150)")
    page.wait_for_timeout(200)
    assert page.locator("a.rnnbook-twin").is_visible(), "the language link is not on screen mid-page"
    _follow(page, "a.rnnbook-twin")
    page.wait_for_timeout(300)
    assert page.url.endswith(f"/chapters/{twin}/03_lstm.html#{section}"), page.url
    top = page.evaluate(f"document.getElementById('{section}').closest('section').querySelector('h1,h2,h3,h4').getBoundingClientRect().top")
    assert 0 <= top < 300, f"the twin's section heading is at {top:.0f} px, not at the top of the window"
    ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_reader_opens_the_chapter_list_and_follows_a_link(server, browser, width):
    ctx = _reader(browser, width)
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server}/chapters/ko/00_how_to_use.html")
    page.wait_for_timeout(300)
    toggle = ".bd-header-article .primary-toggle"
    assert page.locator(toggle).is_visible()
    link = "#pst-primary-sidebar-modal a[href='01_rnn.html'], #pst-primary-sidebar a[href='01_rnn.html']"
    if width < 992:
        assert not page.locator(link).first.is_visible(), "the chapter list shows before the drawer is opened"
        _click(page, toggle)
        page.wait_for_timeout(300)
        assert page.evaluate("document.getElementById('pst-primary-sidebar-modal').open"), "the drawer did not open"
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
        assert not page.evaluate("document.getElementById('pst-primary-sidebar-modal').open"), "Escape did not close it"
        _click(page, toggle)
        page.wait_for_timeout(300)
    else:
        assert page.locator(link).first.is_visible()
        _click(page, toggle)
        page.wait_for_timeout(400)
        assert not page.locator(link).first.is_visible(), "the sidebar button did not hide the chapter list"
        _click(page, toggle)
        page.wait_for_timeout(400)
    assert page.locator(link).first.is_visible(), "the chapter list is not reachable"
    page.mouse.move(width / 2, 600)
    page.wait_for_timeout(800)
    stuck = page.evaluate("[...document.querySelectorAll('.tooltip.show')].map(t => t.textContent)")
    assert not stuck, f"tooltips left on screen: {stuck}"
    _follow(page, link)
    assert page.url.endswith("/chapters/ko/01_rnn.html")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "keyboard focus is not visible"
    assert not errors
    ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang, show, hide", [("en", "Show solution", "Hide solution"), ("ko", "풀이 보기", "풀이 숨기기")])
def test_a_solution_says_so_and_hides_the_books_result(server, browser, width, lang, show, hide):
    ctx = _reader(browser, width)
    page = ctx.new_page()
    page.goto(f"{server}/chapters/{lang}/03_lstm.html")
    solution = page.locator(".rnnbook-solution details").first
    summary = solution.locator("summary")
    assert summary.inner_text().strip() == show
    result = solution.locator(".rnnbook-solution-result")
    assert result.count() == 1 and not result.is_visible(), "the book's own result shows while the solution is closed"
    summary.scroll_into_view_if_needed()
    summary.click()
    assert summary.inner_text().strip() == hide
    assert result.is_visible() and solution.locator(".cell_output").first.is_visible()
    ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_nothing_runs_past_the_page_edge(server, browser, width):
    ctx = _reader(browser, width)
    spills = []
    for rel in PAGES:
        page = ctx.new_page()
        page.goto(f"{server}/{rel}", wait_until="load")
        if page.evaluate("!!document.querySelector('.math')"):
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=15000)
            page.evaluate("() => MathJax.startup.promise")
        page.wait_for_timeout(100)
        spills += [f"{rel}: {s}" for s in page.evaluate(SPILLS)]
        page.close()
    ctx.close()
    assert not spills, "\n".join(spills[:20])


def test_figures_shrink_to_the_column_the_font_check_assumes(server, browser):
    """rnnbook.plots.small_text judges text sizes for a desktop column of COLUMN_PX: the
    widest figures of chapter 05 (about 990 px) must show exactly that wide at 1366 px."""
    from rnnbook import plots

    ctx = _reader(browser, 1366)
    page = ctx.new_page()
    page.goto(f"{server}/chapters/en/05_comparison.html", wait_until="load")
    shown = page.evaluate("() => [...document.querySelectorAll('.cell_output img')]"
                          ".map(i => [i.getBoundingClientRect().width, i.naturalWidth / 2])")
    ctx.close()
    wide = [w for w, natural in shown if natural > plots.COLUMN_PX]
    assert wide and all(abs(w - plots.COLUMN_PX) <= 1 for w in wide), shown


@pytest.mark.parametrize("lang, label, title", [("ko", "복사", "클립보드로 복사"),
                                               ("en", "Copy", "Copy to clipboard")])
def test_copy_buttons_speak_the_page_language(server, browser, lang, label, title):
    """sphinx-copybutton has no Korean messages; rnnbook.js gives it Korean ones."""
    ctx = _reader(browser, 1366)
    page = ctx.new_page()
    page.goto(f"{server}/chapters/{lang}/01_rnn.html", wait_until="load")
    button = page.locator("button.copybtn").first
    got = (button.get_attribute("data-tooltip"), button.locator("title").first.text_content())
    ctx.close()
    assert got == (label, title)


def test_the_overflow_check_can_fail(server, browser):
    probe = built.HTML / "_rnnbook_wide.html"
    probe.write_text('<!DOCTYPE html><html><body><article class="bd-article" style="width:300px">'
                     '<p><span style="display:inline-block;white-space:nowrap">' + "word " * 200 + "</span></p></article></body></html>", encoding="utf-8")
    try:
        page = browser.new_page(viewport={"width": 390, "height": 600})
        page.goto(f"{server}/{probe.name}")
        spills = page.evaluate(SPILLS)
        page.close()
    finally:
        probe.unlink()
    assert any("ends at" in s for s in spills) and any("sideways" in s for s in spills), spills


@pytest.fixture(scope="module")
def axe_script():
    """axe-core from npm, installed once into a cache directory (offline afterwards)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "rnnbook" / f"axe-core-{AXE_VERSION}"
    script = cache / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        if npm is None:
            require_or_skip("npm is not installed (Debian package npm), so axe-core cannot be installed")
        done = subprocess.run([npm, "install", "--prefix", str(cache), "--no-audit", "--no-fund",
                               f"axe-core@{AXE_VERSION}"], capture_output=True, text=True, timeout=600)
        if done.returncode != 0 or not script.exists():
            require_or_skip(f"npm install axe-core@{AXE_VERSION} failed: {done.stderr.strip()[-300:]}")
    return script


def _axe_violations(page, axe_script) -> list[str]:
    if page.evaluate("!!document.querySelector('.math')"):
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=15000)
        page.evaluate("() => MathJax.startup.promise")
    page.add_script_tag(path=str(axe_script))
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => `${v.impact} ${v.id} (${v.help}) at ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ')}`)",
        AXE_TAGS)
    return found


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_axe_core_finds_no_serious_violation(server, browser, axe_script, mode):
    ctx = _reader(browser, 1366, mode)
    found = []
    for rel in PAGES:
        page = ctx.new_page()
        page.goto(f"{server}/{rel}", wait_until="load")
        found += [f"{rel}: {v}" for v in _axe_violations(page, axe_script)]
        page.close()
    ctx.close()
    assert not found, "\n".join(found[:20])


def test_axe_check_can_fail(server, browser, axe_script):
    probe = built.HTML / "_rnnbook_axe.html"
    probe.write_text('<!DOCTYPE html><html><body><img src="x.png"><button></button>'
                     '<p style="color:#ddd;background:#fff">faint</p></body></html>', encoding="utf-8")
    try:
        page = browser.new_page()
        page.goto(f"{server}/{probe.name}")
        found = _axe_violations(page, axe_script)
        page.close()
    finally:
        probe.unlink()
    assert any("image-alt" in v for v in found) and any("button-name" in v for v in found), found


SHOT_PAGES = ["index.html", "chapters/ko/03_lstm.html", "chapters/en/02_bptt_and_gradients.html", "search-ko.html"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("mode", ["light", "dark"])
def test_screenshots_for_review(server, browser, width, mode):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ctx = _reader(browser, width, mode)
    written = []
    for rel in SHOT_PAGES:
        page = ctx.new_page()
        query = "?q=LSTM" if rel.startswith("search") else ""
        page.goto(f"{server}/{rel}{query}", wait_until="load")
        page.wait_for_timeout(800)
        if rel == "chapters/ko/03_lstm.html":
            page.evaluate("document.getElementById('s-1-2').closest('section').scrollIntoView()")
            page.wait_for_timeout(300)
        name = rel.replace("/", "_").removesuffix(".html")
        out = SCREENSHOTS / f"{name}_{width}_{mode}.png"
        page.screenshot(path=str(out))
        written.append(out)
        page.close()
    ctx.close()
    assert all(p.stat().st_size > 10_000 for p in written)


def test_broken_tex_is_detected(server, browser):
    """The equation check must be able to fail: a page with broken TeX is flagged."""
    probe = built.HTML / "_rnnbook_broken_tex.html"
    probe.write_text(
        '<!DOCTYPE html><html><head><script defer src="_static/mathjax/tex-chtml.js"></script></head>'
        '<body><span class="math">\\(\\frac{1}{2\\)</span> <span class="math">\\(x^2\\)</span></body></html>',
        encoding="utf-8",
    )
    try:
        page = browser.new_page()
        page.goto(f"{server}/{probe.name}", wait_until="load")
        problems = _math_problems(page)
        page.close()
    finally:
        probe.unlink()
    assert problems and ("raw TeX" in problems[0] or "TeX errors" in problems[0]), problems
