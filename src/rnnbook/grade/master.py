"""Read the instructor's copy (the master): which exercises exist and what they are worth.

Only the master says which exercises a notebook has. A graded exercise is a call
``check("<id>", <function name>)`` in a code cell of the master (``graded=False`` marks
a demonstration, which does not count). Its points and whether it is optional come from
the master's notebook metadata::

    "rnnbook": {"exercises": [...], "points": {"gru_step": 2}, "optional": ["lstm_cell_backward"]}

(default: 1 point, required). Partial credit: a notebook's score is the sum of the points
of the exercises it passes, so an exercise with several ids (several functions, each
checked) earns the points of the parts that pass.

Solution cells are the master's cells marked as solutions (tag ``solution``; a Colab form
cell whose ``# @title`` says solution, 풀이, 정답 or 해답; cells between sphinx-exercise's
``solution-start`` and ``solution-end``) and every other master cell that defines an
exercise's function with more than a stub (a body that only raises NotImplementedError).
The grader compares cells by their syntax tree (comments and formatting ignored), so a
submission's copy of a solution cell is recognised whatever its metadata or title says.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

_SOLUTION_TITLE = re.compile(r"^\s*#\s*@title\b.*(solution|풀이|정답|해답)", re.IGNORECASE)
_MAGIC = re.compile(r"^(\s*)[!%]")
MAX_NOTEBOOK_BYTES = 50 << 20


class MasterError(ValueError):
    """A master notebook the grader cannot use; the message says what is wrong."""


@dataclass(frozen=True)
class Exercise:
    """One graded exercise: its id, the learner's function name, points, optional."""

    id: str
    function: str
    points: float = 1.0
    optional: bool = False


@dataclass
class Master:
    path: str
    exercises: list
    solutions: set = field(default_factory=set)      # syntax-tree keys of solution cells
    solution_cells: list = field(default_factory=list)  # 0-based
    stub_cells: list = field(default_factory=list)
    imports: list = field(default_factory=list)     # (cell, line, source) of top-level imports

    @property
    def functions(self) -> list:
        return list(dict.fromkeys(e.function for e in self.exercises))


def read_notebook(path: str) -> dict:
    """The notebook at ``path`` as a dict (plain JSON; nothing in it is executed)."""
    data = Path(path).read_bytes()
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"{len(data)} bytes, more than {MAX_NOTEBOOK_BYTES}")
    nb = json.loads(data.decode("utf-8"))
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError("not a notebook: no list of cells")
    return nb


def source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else str(text)


def python_source(text: str) -> str:
    """The cell's text with shell and magic lines (``!pip``, ``%time``) replaced by ``pass``."""
    return "\n".join(_MAGIC.sub(r"\1pass  # ", line) for line in text.splitlines())


def parse(cell: dict):
    """The cell's syntax tree, or None when it is not Python."""
    try:
        return ast.parse(python_source(source(cell)))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def tree_key(tree) -> str:
    """A cell's identity for comparing with solutions: its syntax tree without docstrings."""
    tree = copy.deepcopy(tree)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)):
            body[0] = ast.Pass()
    return ast.dump(tree, annotate_fields=False)


def check_calls(nb):
    """Yield (cell index, ast.Call) for every call of a function named ``check`` in code cells."""
    cells = nb.cells if hasattr(nb, "cells") else nb["cells"]
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        tree = parse(cell)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call)
                    and getattr(node.func, "id", getattr(node.func, "attr", None)) == "check"):
                yield index, node


def _graded(node) -> bool:
    return not any(k.arg == "graded" and isinstance(k.value, ast.Constant)
                   and k.value.value is False for k in node.keywords)


def exercise_ids(nb) -> list:
    """Ids of the graded exercise checks in a notebook's code cells, in order, each once.

    A graded check is a call ``check("<id>", …)`` (or ``exercises.check(…)``) whose first
    argument is a string literal and that does not pass ``graded=False`` (a demonstration).
    """
    ids: list = []
    for _, node in check_calls(nb):
        literal = (node.args and isinstance(node.args[0], ast.Constant)
                   and isinstance(node.args[0].value, str))
        if literal and _graded(node) and node.args[0].value not in ids:
            ids.append(node.args[0].value)
    return ids


def _is_stub(fn) -> bool:
    body = [n for n in fn.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    return (len(body) == 1 and isinstance(body[0], ast.Raise)
            and "NotImplementedError" in ast.dump(body[0]))


def _marked_solution(cell: dict, gated: bool) -> bool:
    meta = cell.get("metadata", {}) or {}
    if gated or "solution" in (meta.get("tags") or []):
        return True
    first = source(cell).lstrip("\n").split("\n", 1)[0]
    return meta.get("cellView") == "form" and bool(_SOLUTION_TITLE.match(first))


def read_master(path: str) -> Master:
    """Read the master notebook at ``path``; :class:`MasterError` if it cannot be graded with."""
    try:
        nb = read_notebook(path)
    except (OSError, ValueError) as exc:
        raise MasterError(f"master {path}: cannot read it ({exc})") from None
    functions: dict = {}
    for index, node in check_calls(nb):
        if not (node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)) or not _graded(node):
            continue
        ex_id = node.args[0].value
        if len(node.args) < 2 or not isinstance(node.args[1], ast.Name):
            raise MasterError(f"master {path}, cell {index + 1}: check({ex_id!r}, …) must pass "
                              f"the learner's function by name, e.g. check({ex_id!r}, my_function)")
        name = node.args[1].id
        if functions.setdefault(ex_id, name) != name:
            raise MasterError(f"master {path}: exercise {ex_id!r} is checked with two functions, "
                              f"{functions[ex_id]} and {name}")
    if not functions:
        raise MasterError(f"master {path}: no graded check(\"<id>\", function) call")
    meta = (nb.get("metadata") or {}).get("rnnbook") or {}
    points, optional = meta.get("points", {}) or {}, meta.get("optional", []) or []
    for ex_id in list(points) + list(optional):
        if ex_id not in functions:
            raise MasterError(f"master {path}: metadata.rnnbook names {ex_id!r}, which no graded "
                              f"check in the notebook uses; exercises: {', '.join(functions)}")
    for ex_id, value in points.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise MasterError(f"master {path}: points of {ex_id!r} must be a number ≥ 0, "
                              f"got {value!r}")
    from ..exercises import known_ids
    unknown = [i for i in functions if i not in known_ids()]
    if unknown:
        raise MasterError(f"master {path}: unknown exercise id(s) {', '.join(unknown)}; "
                          f"rnnbook knows {', '.join(known_ids())}")
    master = Master(path, [Exercise(i, f, float(points.get(i, 1)), i in optional)
                           for i, f in functions.items()])
    gated = False
    names = set(functions.values())
    for index, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") == "markdown":
            gated = ("solution-start" in source(cell)) or (gated and "solution-end" not in source(cell))
            continue
        if cell.get("cell_type") != "code":
            continue
        tree = parse(cell)
        if tree is None:
            continue
        defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                and n.name in names]
        if _marked_solution(cell, gated) or any(not _is_stub(d) for d in defs):
            master.solution_cells.append(index)
            master.solutions.add(tree_key(tree))
        elif defs:
            master.stub_cells.append(index)
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                master.imports.append((index + 1, node.lineno, ast.unparse(node)))
    return master
