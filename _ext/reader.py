"""How the rendered book reads: theme repairs, labelled solutions, figures, MathJax per page.

- Templates in ``_ext/templates`` replace a few theme components (the duplicate top
  bar whose hidden sidebar button disables the visible ones, pydata-sphinx-theme#2451;
  labels of the sidebar buttons; the author line; the language link).
- Exercise solutions: a code cell whose first line is ``# @title Solution …`` or
  ``# @title 풀이 …`` (a Colab form with the ``hide-input`` tag) is shown behind a
  toggle labelled "Solution" / "풀이", and the check cell right after it, whose stored
  output is the result of the book's own solution, moves inside the same toggle under
  a caption saying so. New chapters get this from the cells alone.
- Figures: an output image's height attribute is dropped when it has a width, so that
  a figure narrower screens shrink keeps its aspect ratio.
- MathJax is loaded only on pages that contain mathematics.
- myst-nb's toggles (``<details>``) are named by their visible text: its fixed
  ``aria-label="Toggle hidden content"`` hid "Solution" from assistive technology
  (WCAG 2.5.3, label in name).
"""

from __future__ import annotations

import re
from pathlib import Path

from html import escape

from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode
from sphinx.builders.html._assets import _JavaScript
from sphinx.transforms.post_transforms import SphinxPostTransform

HERE = Path(__file__).resolve().parent
SOLUTION_TITLE = re.compile(r"^#\s*@title\s+(Solution|풀이)\b")
SOLUTION_PROMPTS = {
    "en": ("Show solution", "Hide solution", "Result of the book's solution (the check above is yours):"),
    "ko": ("풀이 보기", "풀이 숨기기", "책의 풀이로 실행한 결과(바로 위의 확인 결과는 여러분의 코드로 낸 것이다):"),
}


def _cell_source(cell: nodes.Element) -> str:
    for child in cell.children:
        if child.get("nb_element") == "cell_code_source":
            return child.astext()
    return ""


def _lang(docname: str) -> str:
    parts = docname.split("/")
    return parts[1] if len(parts) >= 3 and parts[0] == "chapters" and parts[1] in SOLUTION_PROMPTS else "en"


class LabelSolutions(SphinxPostTransform):
    """Put each solution cell and the check after it behind one "Solution" toggle.

    Runs before myst-nb's ``HideInputCells`` (priority 199), which builds the toggle
    from ``hide_mode`` and the prompts set here.
    """

    default_priority = 198
    formats = ("html",)

    def run(self, **kwargs):
        show, hide, caption = SOLUTION_PROMPTS[_lang(self.env.docname)]
        for cell in list(self.document.findall(nodes.container)):
            if cell.get("nb_element") != "cell_code" or not cell.get("hide_mode"):
                continue
            if not SOLUTION_TITLE.match(_cell_source(cell).lstrip()):
                continue
            cell["prompt_show"], cell["prompt_hide"] = show, hide
            cell["hide_mode"] = "all"
            cell["classes"].append("rnnbook-solution")
            check = cell.next_node(nodes.container, descend=False, siblings=True)
            if (check is not None and check.get("nb_element") == "cell_code"
                    and "exercises.check(" in _cell_source(check)):
                outputs = [c for c in check.children if c.get("nb_element") == "cell_code_output"]
                if outputs:
                    cell.extend(c for c in check.children if c.get("nb_element") == "cell_code_source")
                    cell.append(nodes.paragraph(caption, caption, classes=["rnnbook-solution-result"]))
                    cell.extend(outputs)
                    check.parent.remove(check)


def _visit_toggle(self, node) -> None:
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def _depart_toggle(self, node) -> None:
    self.body.append("</details>\n")


def _image_sizes(app, doctree, docname) -> None:
    """Keep the width of an output image (retina PNGs carry their CSS size) but not its height."""
    for image in doctree.findall(nodes.image):
        if "width" in image and "height" in image:
            del image["height"]


def _has_maths(doctree) -> bool:
    if doctree is None:
        return False
    if any(True for _ in doctree.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block)))):
        return True
    # Stored HTML/Markdown outputs may carry TeX of their own.
    return any(("\\(" in n.astext() or "\\[" in n.astext() or "$$" in n.astext())
               for n in doctree.findall(nodes.raw))


def _mathjax_only_where_needed(app, pagename, templatename, context, doctree) -> None:
    """myst-nb asks Sphinx to put MathJax on every page; keep it only where there is maths."""
    if _has_maths(doctree):
        return
    mathjax = app.config.mathjax_path

    def is_mathjax(asset) -> bool:
        name = str(getattr(asset, "filename", asset) or "")
        body = str(getattr(asset, "attributes", {}).get("body", ""))
        return name.endswith(mathjax) or "window.MathJax" in body

    context["script_files"] = [a for a in context.get("script_files", []) if not is_mathjax(a)]


def _explorer_off_on_korean_pages(app, pagename, templatename, context, doctree) -> None:
    """MathJax's expression explorer speaks English only (its Speech Rule Engine has no Korean
    rules) and, while on, labels every equation with that English speech and hides the
    assistive MathML from screen readers; on a Korean page the reader's screen reader reads
    the MathML in Korean instead, so the explorer stays off there (the reader can still
    switch it on from MathJax's menu)."""
    if not pagename.startswith("chapters/ko/"):
        return
    scripts = []
    for asset in context.get("script_files", []):
        body = str(getattr(asset, "attributes", {}).get("body", ""))
        if "window.MathJax" in body and '"explorer": true' in body:
            asset = _JavaScript("", body=body.replace('"explorer": true', '"explorer": false'),
                                priority=getattr(asset, "priority", 500))
        scripts.append(asset)
    context["script_files"] = scripts


def _config_inited(app, config) -> None:
    config.templates_path = [str(HERE / "templates"), *config.templates_path]


def setup(app):
    app.connect("config-inited", _config_inited)
    app.add_post_transform(LabelSolutions)
    app.add_node(HideCodeCellNode, override=True, html=(_visit_toggle, _depart_toggle))
    app.connect("doctree-resolved", _image_sizes)
    app.connect("html-page-context", _mathjax_only_where_needed, priority=950)
    app.connect("html-page-context", _explorer_off_on_korean_pages, priority=960)
    app.add_js_file("rnnbook.js", loading_method="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
