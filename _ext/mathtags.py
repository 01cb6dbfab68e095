"""Let display maths carry ``\\tag{…}`` even when it has several lines.

Sphinx's MathJax writer wraps any display equation containing ``\\\\`` in
``\\begin{split}…\\end{split}``, and MathJax refuses ``\\tag`` inside ``split``
("\\tag not allowed in split environment"), so a tagged ``aligned`` block would
show as an error. The same Markdown renders fine in Colab. For such blocks this
extension emits the TeX unchanged between ``\\[`` and ``\\]``.
"""

from docutils import nodes


def _keep_tagged_multiline(app, doctree, docname):
    for node in doctree.findall(nodes.math_block):
        text = node.astext()
        if node.get("nowrap") or "\\tag" not in text or "\\\\" not in text:
            continue
        node["nowrap"] = True
        node.children = [nodes.Text("\\[" + text.strip() + "\\]")]


def setup(app):
    app.connect("doctree-resolved", _keep_tagged_multiline)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
