"""How fast the built book paints and typesets, in Debian's Chromium driven by Playwright.

Run:  python benchmarks/site_timing.py [--repeats 5] [--html _build/html]

Serves the built book (scripts/build_book.sh) from a local HTTP server and reports, as the
median of ``--repeats`` fresh page loads (new browser context each time, so no cache):

- the landing page's first contentful paint (``performance`` paint timing), and whether it
  loads MathJax at all;
- for the chapter page with the most equations, the first contentful paint and the time
  from navigation start until MathJax's ``startup.promise`` resolves, i.e. until every
  equation is typeset, with the number of equations.

Timings depend on the machine and its load: print ``uptime`` beside them. These are
benchmarks, not tests (tests/test_browser.py checks correctness only).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import statistics
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("RNNBOOK_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]

FCP = "() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || null"
TYPESET = """async () => {
  if (!document.querySelector('.math')) return null;
  const t0 = performance.now();
  while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
    if (performance.now() - t0 > 30000) return -1;
    await new Promise(r => setTimeout(r, 10));
  }
  await MathJax.startup.promise;
  return performance.now();
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(html: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def heaviest_chapter(html: Path) -> str:
    pages = sorted((html / "chapters").glob("*/*.html"))
    if not pages:
        raise SystemExit(f"no chapter pages under {html}/chapters: build the book first (scripts/build_book.sh)")
    return max(pages, key=lambda p: p.read_text(encoding="utf-8").count('class="math')).relative_to(html).as_posix()


def measure(browser, url: str, viewport: dict) -> dict:
    ctx = browser.new_context(viewport=viewport)
    page = ctx.new_page()
    mathjax = []
    page.on("request", lambda r: mathjax.append(r.url) if "mathjax" in r.url.lower() else None)
    page.goto(url, wait_until="load")
    typeset = page.evaluate(TYPESET)
    page.wait_for_timeout(50)
    fcp = page.evaluate(FCP)
    ctx.close()
    return {"fcp": fcp, "typeset": typeset, "mathjax": bool(mathjax)}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    ap.add_argument("--width", type=int, default=1366)
    args = ap.parse_args(argv)
    if not (args.html / "index.html").exists():
        raise SystemExit(f"{args.html}/index.html is missing: build the book first (scripts/build_book.sh)")
    from playwright.sync_api import sync_playwright

    chapter = heaviest_chapter(args.html)
    n_math = (args.html / chapter).read_text(encoding="utf-8").count('class="math')
    httpd, base = _serve(args.html)
    viewport = {"width": args.width, "height": 900}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            measure(browser, f"{base}/index.html", viewport)  # warm the server and the disk cache
            rows = {"index.html": [], chapter: []}
            for _ in range(args.repeats):
                for rel in rows:
                    rows[rel].append(measure(browser, f"{base}/{rel}", viewport))
            browser.close()
    finally:
        httpd.shutdown()
    load = os.getloadavg()
    print(f"{args.repeats} loads each at {args.width} px, medians; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
          f"{os.cpu_count()} CPUs")
    for rel, runs in rows.items():
        fcp = statistics.median(r["fcp"] for r in runs)
        line = f"{rel:45s} first contentful paint {fcp:6.0f} ms, MathJax loaded: {runs[0]['mathjax']}"
        typesets = [r["typeset"] for r in runs if r["typeset"] is not None]
        if typesets:
            line += f", all {n_math} equations typeset at {statistics.median(typesets):6.0f} ms"
        print(line)


if __name__ == "__main__":
    sys.exit(main())
