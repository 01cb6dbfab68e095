"""Time grading a class: N submissions of a chapter, made from its master, graded with -j.

    python benchmarks/grade_class.py [--master chapters/en/04_gru.ipynb] [-n 40] [-j 2]

The submissions are the master with the learner's code in the stub cells: a quarter right
(written differently from the book's solution), a quarter with the GRU's update gate
flipped, a quarter with the reset gate before the matmul, a quarter left as handed out.
Prints the wall time of the whole `python -m rnnbook.grade` run, per submission, the load
average before and after, and the summary line of the report.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

GRU_RIGHT = """def gru_step(x, h, params):
    sig = lambda v: 1 / (1 + np.exp(-v))
    gx = x @ params["weight_ih"].T + params["bias_ih"]
    gh = h @ params["weight_hh"].T + params["bias_hh"]
    xr, xz, xn = np.split(gx, 3, axis=1)
    hr, hz, hn = np.split(gh, 3, axis=1)
    r, z = sig(xr + hr), sig(xz + hz)
    return (1 - z) * np.tanh(xn + r * hn) + z * h"""
GRU_FLIPPED = GRU_RIGHT.replace("return (1 - z) * np.tanh(xn + r * hn) + z * h",
                                "return z * np.tanh(xn + r * hn) + (1 - z) * h")
GRU_RESET_BEFORE = GRU_RIGHT.replace(
    "return (1 - z) * np.tanh(xn + r * hn) + z * h",
    "H = h.shape[1]\n    hn = (r * h) @ params['weight_hh'][2 * H:].T + params['bias_hh'][2 * H:]\n"
    "    return (1 - z) * np.tanh(xn + hn) + z * h")
TB_RIGHT = """def textbook_gru_to_torch(params):
    H = params["weight_hh"].shape[1]
    out = {}
    for key, value in params.items():
        value = value.copy()
        value[H:2 * H] = -value[H:2 * H]
        out[key] = value
    return out"""
TB_WRONG = TB_RIGHT.replace("value[H:2 * H] = -value[H:2 * H]", "value[H:2 * H] = 1 - value[H:2 * H]")
KINDS = [{"gru_step": GRU_RIGHT, "textbook_gru_to_torch": TB_RIGHT},
         {"gru_step": GRU_FLIPPED, "textbook_gru_to_torch": TB_RIGHT},
         {"gru_step": GRU_RESET_BEFORE, "textbook_gru_to_torch": TB_WRONG},
         {}]


def make_class(master: Path, n: int, folder: Path) -> list:
    nb = json.loads(master.read_text(encoding="utf-8"))
    paths = []
    for k in range(n):
        answers = KINDS[k % len(KINDS)]
        copy = json.loads(json.dumps(nb))
        for cell in copy["cells"]:
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for fn, code in answers.items():
                if cell["cell_type"] == "code" and text.startswith(f"def {fn}(") \
                        and "NotImplementedError" in text:
                    cell["source"] = code
        path = folder / f"student_{k:02d}.ipynb"
        path.write_text(json.dumps(copy), encoding="utf-8")
        paths.append(str(path))
    return paths


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--master", default=str(ROOT / "chapters" / "en" / "04_gru.ipynb"))
    p.add_argument("-n", type=int, default=40)
    p.add_argument("-j", type=int, default=2)
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="rnnbook-class-") as tmp:
        paths = make_class(Path(args.master), args.n, Path(tmp))
        load_before = os.getloadavg()
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "rnnbook.grade", "--master", args.master,
                               "-j", str(args.j), *paths], capture_output=True, text=True)
        wall = time.perf_counter() - start
        load_after = os.getloadavg()
    print(done.stdout.strip().splitlines()[-1])
    print(f"{args.n} submissions, -j {args.j}: {wall:.1f} s in all, "
          f"{wall / args.n:.2f} s per submission (exit status {done.returncode})")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
          f"({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
