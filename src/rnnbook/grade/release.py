"""Student versions of master notebooks: the solutions taken out.

``python -m rnnbook.grade release MASTER... --out DIR`` writes, for each master, a
notebook of the same name into ``DIR`` without the master's solution cells (as
:mod:`rnnbook.grade.master` finds them) and without the check cell that repeats, right
after a solution, the check before it (its stored output shows the solution passing).
Everything else is kept, stored outputs included, so the handed-out notebook reads like
the book with each exercise still to do; graded unchanged, every exercise is "not
attempted".
"""

from __future__ import annotations

import json
from pathlib import Path

from .master import read_master, read_notebook, source


def release(master_path: str, out_dir: str) -> str:
    """Write the student version of ``master_path`` into ``out_dir``; return its path."""
    master = read_master(master_path)
    nb = read_notebook(master_path)
    cells = nb["cells"]
    drop = set(master.solution_cells)
    for k in master.solution_cells:
        before, after = k - 1, k + 1
        while before in drop:
            before -= 1
        if (0 <= before < len(cells) and after < len(cells)
                and cells[after].get("cell_type") == "code"
                and source(cells[after]).strip() == source(cells[before]).strip()):
            drop.add(after)
    nb["cells"] = [c for k, c in enumerate(cells) if k not in drop]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / Path(master_path).name
    if target.resolve() == Path(master_path).resolve():
        raise ValueError(f"--out {out_dir} would overwrite the master {master_path}")
    target.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return str(target)
