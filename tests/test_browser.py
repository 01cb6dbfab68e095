"""The built book in a real browser: Debian's Chromium driven by Playwright.

Every page loads with no JavaScript error and no failed request (external
requests are blocked: the book must work offline), and every equation is
typeset by the MathJax copy the book serves itself.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading

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
    assert not problems, f"{rel}: " + "; ".join(problems)
    page.wait_for_load_state("networkidle")
    page.close()
    assert not errors, f"{rel}:\n" + "\n".join(errors)


def test_language_link_lands_on_the_twin(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/chapters/ko/00_how_to_use.html")
    assert page.evaluate("document.documentElement.lang") == "ko"
    page.click("a.rnnbook-twin")
    page.wait_for_load_state("load")
    assert page.url.endswith("/chapters/en/00_how_to_use.html")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.click("a.rnnbook-twin")
    page.wait_for_load_state("load")
    assert page.url.endswith("/chapters/ko/00_how_to_use.html")
    page.close()


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
