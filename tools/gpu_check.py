"""Run the book the way a Colab GPU runtime would, on a machine with CUDA.

    PYTHONPATH=src python tools/gpu_check.py [--out DIR]

1. ``rnnbook.torch_ref`` against ``torch.nn`` on the GPU (cuDNN kernels), float64
   and float32: outputs, final states and gradients.
2. Every chapter notebook executed top to bottom in a fresh Python process (code
   cells only; the Colab bootstrap cell is skipped because the package is on
   PYTHONPATH), reporting errors, stderr and how many printed outputs differ from
   the stored ones (other torch/numpy versions may legitimately change digits).

A maintainer's check, not part of the test suite: CI has no GPU.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RUNNER = r'''
import ast, io, json, sys, contextlib, traceback
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
plt.show = lambda *a, **k: plt.close("all")
cells = json.load(open(sys.argv[1]))
ns = {"__name__": "__main__", "display": lambda *objs, **kw: [print(repr(o)) for o in objs] and None}
results = []
for src in cells:
    out, err = io.StringIO(), io.StringIO()
    status = "ok"
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            tree = ast.parse(src)
            last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            if last is not None:
                tree.body = tree.body[:-1]
            exec(compile(tree, "<cell>", "exec"), ns)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), ns)
                if value is not None and not src.rstrip().endswith(";"):
                    print(repr(value))
        except Exception:
            status = "error: " + traceback.format_exc(limit=3)[-600:]
    results.append({"status": status, "stdout": out.getvalue(), "stderr": err.getvalue()})
    if status != "ok":
        break
json.dump(results, sys.stdout)
'''


def compare_torch_ref() -> list[str]:
    import itertools

    import torch
    from torch import nn

    from rnnbook import torch_ref

    lines = []
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    lines.append(f"device {dev}: {torch.cuda.get_device_name(0) if dev.type == 'cuda' else 'cpu'}; torch {torch.__version__}")
    for dtype in (torch.float64, torch.float32):
        for name, bidirectional in itertools.product(("RNN", "LSTM", "GRU"), (False, True)):
            torch.manual_seed(0)
            ref = getattr(nn, name)(7, 9, num_layers=2, bidirectional=bidirectional).to(dev, dtype)
            with torch.no_grad():
                for p in ref.parameters():
                    p.uniform_(-0.5, 0.5)
            ours = getattr(torch_ref, name)(7, 9, num_layers=2,
                                            bidirectional=bidirectional).to(dev, dtype)
            ours.load_state_dict(ref.state_dict())
            x = torch.randn(30, 5, 7, device=dev, dtype=dtype)
            xa, xb = x.clone().requires_grad_(), x.clone().requires_grad_()
            ya, sa = ref(xa)
            yb, sb = ours(xb)
            (ya.square().sum() + (sa[0] if name == "LSTM" else sa).sum()).backward()
            (yb.square().sum() + (sb[0] if name == "LSTM" else sb).sum()).backward()
            d_out = (ya - yb).abs().max().item()
            d_grad = max((p.grad - q.grad).abs().max().item() for p, q in zip(ref.parameters(), ours.parameters()))
            d_x = (xa.grad - xb.grad).abs().max().item()
            kind = f"{name}{' bi' if bidirectional else ''}"
            lines.append(f"{kind:7s} {str(dtype):13s} max|Δ output| {d_out:.1e}  max|Δ weight grad| {d_grad:.1e}  max|Δ input grad| {d_x:.1e}")
    return lines


def run_notebook(path: Path, runner: Path, env: dict) -> dict:
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    sources = ["".join(c["source"]) for c in code][1:]  # skip the Colab bootstrap
    stored = ["".join("".join(o.get("text", "")) for o in c.get("outputs", []) if o.get("output_type") == "stream") for c in code][1:]
    cells_file = runner.with_suffix(".cells.json")
    cells_file.write_text(json.dumps(sources))
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(runner), str(cells_file)], capture_output=True, text=True, env=env, cwd=str(path.parent), timeout=900)
    seconds = time.perf_counter() - start
    try:
        results = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return {"notebook": str(path.relative_to(ROOT)), "error": proc.stderr[-1500:], "seconds": seconds}
    errors = [r["status"] for r in results if r["status"] != "ok"]
    stderr = [r["stderr"][:300] for r in results if r["stderr"].strip()]
    differ = sum(1 for r, s in zip(results, stored) if s and r["stdout"] != s)
    return {"notebook": str(path.relative_to(ROOT)), "cells_run": len(results), "cells": len(sources),
            "errors": errors, "stderr": stderr, "stdout_differs_in_cells": differ, "seconds": round(seconds, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--only", default="", help="run only notebooks whose path contains this text")
    ap.add_argument("--no-compare", action="store_true", help="skip the torch_ref comparison")
    args = ap.parse_args()
    import os

    report = {"torch_ref_vs_torch_nn": [] if args.no_compare else compare_torch_ref()}
    print("\n".join(report["torch_ref_vs_torch_nn"]), flush=True)
    runner = Path(os.environ.get("TMPDIR", "/tmp")) / "rnnbook_gpu_runner.py"
    runner.write_text(RUNNER)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MPLBACKEND": "Agg"}
    report["notebooks"] = []
    for path in sorted(p for p in ROOT.glob("chapters/*/*.ipynb") if args.only in str(p)):
        r = run_notebook(path, runner, env)
        report["notebooks"].append(r)
        print(json.dumps(r, ensure_ascii=False), flush=True)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "gpu_check.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    bad = [r for r in report["notebooks"] if r.get("errors") or r.get("error")]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
