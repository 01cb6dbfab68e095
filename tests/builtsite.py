"""Reading the built book (_build/html): pages, links, ids, without a browser."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import book

HTML = book.ROOT / "_build" / "html"


class Page(HTMLParser):
    """Ids, links, <html lang> and language-switch links of one HTML file."""

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.ids: set[str] = set()
        self.links: list[tuple[str, dict]] = []
        self.lang: str | None = None
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href") is not None:
            self.links.append((a["href"], a))


def pages() -> list[Path]:
    skip = {"_static", "_sources", "_images", "_sphinx_design_static"}
    return sorted(p for p in HTML.rglob("*.html") if not (set(p.relative_to(HTML).parts) & skip))
