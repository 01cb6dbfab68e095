"""Reading the built book (_build/html): pages, links, ids, without a browser."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import book

HTML = book.ROOT / "_build" / "html"
POSITION_ID = re.compile(r"^s(-[0-9]+)+$")


class Page(HTMLParser):
    """Ids, links, images, <html lang> and the sections of one HTML file.

    ``sections`` lists, in document order, one entry per ``<section>`` of the article:
    its language-neutral position id (``s-2-3``, see _ext/bilingual.py) or None, and
    the text of its heading.
    """

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.ids: set[str] = set()
        self.links: list[tuple[str, dict]] = []
        self.images: list[dict] = []
        self.lang: str | None = None
        self.sections: list[list] = []
        self._heading: list | None = None
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if "id" in a:
            self.ids.add(a["id"])
            if POSITION_ID.match(a["id"]) and self.sections and self.sections[-1][0] is None:
                self.sections[-1][0] = a["id"]
        if tag == "section":
            self.sections.append([a["id"] if POSITION_ID.match(a.get("id") or "") else None, ""])
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self.sections and not self.sections[-1][1]:
            self._heading = self.sections[-1]
        if tag == "a" and a.get("href") is not None:
            self.links.append((a["href"], a))
        if tag == "img":
            self.images.append(a)

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading[1] += data.rstrip("#") if data.strip() == "#" else data


def pages() -> list[Path]:
    skip = {"_static", "_sources", "_images", "_sphinx_design_static"}
    return sorted(p for p in HTML.rglob("*.html") if not (set(p.relative_to(HTML).parts) & skip))
