"""Take the learner's answers out of a submission, by what the code defines.

Cell metadata, titles, order of execution and stored outputs are ignored: a learner may
edit, move or re-run cells, and Colab or a clean-up tool may strip metadata, and what
counts as the answer stays the same. The rules:

1. Every code cell is parsed (shell and magic lines become ``pass``). A cell whose syntax
   tree equals one of the master's solution cells (comments, formatting and docstrings
   ignored) is the book's solution, not the learner's: it is dropped.
2. The answer to an exercise is the *last* top-level definition (``def``) of the
   function the master's check cell passes, in document order, among the cells left.
   A cell holding such a definition is an *answer cell*.
3. The program the sandbox runs is: the master's top-level imports of the names the
   learner's code uses; then, in document
   order, every answer cell whole except its bare expressions (``check(...)``,
   ``display(...)``, a plot call) and, from every other cell, only its imports, ``def``
   and ``class`` statements. Nothing else of the notebook runs: no training loops, no
   ``check`` calls, nothing that could hand the grader a result.
4. A cell that is not Python and mentions ``def <function>`` is reported as that
   exercise's syntax error.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from .master import Master, parse, python_source, source, tree_key

_KEEP = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass
class Answers:
    program: list = field(default_factory=list)     # [cell (1-based), line, source]
    defined_in: dict = field(default_factory=dict)  # function -> cell (1-based)
    syntax_errors: dict = field(default_factory=dict)  # function -> "cell N, line L: message"
    dropped: list = field(default_factory=list)     # cells equal to a master solution (1-based)


def _syntax_error(text: str) -> str:
    try:
        ast.parse(python_source(text))
    except SyntaxError as exc:
        return f"line {exc.lineno}: SyntaxError: {exc.msg}"
    except (ValueError, RecursionError, MemoryError) as exc:
        return f"{type(exc).__name__}"
    return ""


def _imports_used(imports: list, used: set) -> list:
    """The master's import statements, keeping only the names the learner's code uses (an
    unused ``import torch`` would cost every submission seconds)."""
    out = []
    for _, _, text in imports:
        node = ast.parse(text).body[0]
        node.names = [a for a in node.names if (a.asname or a.name.split(".")[0]) in used]
        if node.names:
            out.append(ast.unparse(node))
    return out


def take_answers(master: Master, nb: dict, keep_solutions: bool = False) -> Answers:
    """The learner's answers in the submission ``nb`` (a notebook dict), by the rules above.

    ``keep_solutions`` skips rule 1 (to check that the book's own solutions pass)."""
    out = Answers()
    names = set(master.functions)
    kept = []
    for index, cell in enumerate(nb.get("cells", [])):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        tree = parse(cell)
        if tree is None:
            text = source(cell)
            for name in names:
                if re.search(rf"\bdef\s+{re.escape(name)}\s*\(", text):
                    out.syntax_errors[name] = f"cell {index + 1}, {_syntax_error(text)}"
                    out.defined_in.pop(name, None)
            continue
        if not keep_solutions and tree_key(tree) in master.solutions:
            out.dropped.append(index + 1)
            continue
        kept.append((index + 1, tree, python_source(source(cell)).splitlines()))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in names:
                out.defined_in[node.name] = index + 1
                out.syntax_errors.pop(node.name, None)
    answer_cells = set(out.defined_in.values())
    used = {node.id for _, tree, _ in kept for node in ast.walk(tree)
            if isinstance(node, ast.Name)}
    out.program = [[0, 1, text] for text in _imports_used(master.imports, used)]  # cell 0
    for cell, tree, lines in kept:
        whole = cell in answer_cells
        for node in tree.body:
            if isinstance(node, _KEEP) if not whole else not isinstance(node, ast.Expr):
                start = min([node.lineno] + [d.lineno for d in
                                             getattr(node, "decorator_list", [])])
                out.program.append([cell, start, "\n".join(lines[start - 1:node.end_lineno])])
    return out
