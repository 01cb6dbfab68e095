"""Measure the book's adding-problem protocol: which models solve which lengths.

Runs rnnbook.experiments.adding_grid over RNN, LSTM (PyTorch's initialisation, forget-gate
bias 0 and 1) and GRU × lengths × seeds under the default Protocol, and prints the
settings, the baselines, the solved counts, every run's updates and MSE, and the CPU time
per run (a measurement, not a test; the times depend on the machine and its load).

    python benchmarks/adding_protocol.py --lengths 10 40 100 --seeds 0 1 2

With ``--record PATH`` it also writes the runs as a JSON record: the command, the machine,
torch's version and thread count, the protocol's settings, the models, lengths and seeds,
and every run's outcome (no CPU times). The record that chapter 05 prints ships with the
package and is written only by running this script:

    python benchmarks/adding_protocol.py --lengths 100 --seeds 0 1 2 3 4 5 6 7 8 \
        --record src/rnnbook/data/adding_protocol_t100.json

``rnnbook.experiments.recorded_adding_runs`` loads it.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import shlex
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import book  # noqa: E402

# The same floating-point code paths as the chapters' stored outputs (book.REPRODUCIBLE_ENV),
# set before torch is imported, so that chapter 03's T = 100 runs and this record agree.
os.environ.update(book.REPRODUCIBLE_ENV)

import torch  # noqa: E402

from rnnbook import experiments  # noqa: E402

MODELS = {
    "rnn": ("rnn", {}),
    "lstm, PyTorch init": ("lstm", {"forget_bias": None}),
    "lstm, forget bias 0": ("lstm", {"forget_bias": 0.0}),
    "lstm, forget bias 1": ("lstm", {}),
    "gru": ("gru", {}),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lengths", type=int, nargs="+", default=[10, 40, 100])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--record", metavar="PATH",
                    help="also write the runs as a JSON record to PATH (see the docstring)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, threads {args.threads}, load average before "
          f"{os.getloadavg()[0]:.1f}")
    print(experiments.Protocol.table())
    for T in args.lengths:
        base = experiments.adding_baselines(T)
        print(f"T = {T}: evaluation-set MSE of the constant 1 = {base['constant']:.4f}, "
              f"of x2 + 1/2 (one number) = {base['one_number']:.4f}")
    runs, cpu = {}, {}
    for T in args.lengths:
        for label in args.models:
            cell, own = MODELS[label]
            for seed in args.seeds:
                start = time.process_time()
                run = experiments.adding_run(cell, T, seed, **own)
                cpu[label, T, seed] = time.process_time() - start
                runs[label, T, seed] = run
                print(f"{label:20s} T = {T:3d} seed {seed}: solved {run.solved!s:5s} "
                      f"updates {run.updates:4d}  final MSE {run.final_mse:.4f}  best "
                      f"{run.best_mse:.4f}  CPU {cpu[label, T, seed]:5.1f} s", flush=True)
    grid = experiments.AddingGrid(runs, tuple(args.models), tuple(args.lengths),
                                  tuple(args.seeds))
    print("\nsolved / runs (evaluation MSE < {} within {} updates)".format(
        experiments.Protocol().solved_mse, experiments.Protocol().max_updates))
    print(grid.table())
    print(f"\nCPU seconds per run: max {max(cpu.values()):.1f}, total {sum(cpu.values()):.0f}; "
          f"load average after {os.getloadavg()[0]:.1f}")
    if args.record:
        write_record(args, runs)
        print(f"record written to {args.record}")


def cpu_name() -> str:
    """The processor's model name (Linux), else what the platform module says."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def write_record(args, runs: dict) -> None:
    """The JSON record of ``runs`` (keyed by (label, length, seed)) and how they were made."""
    record = {
        "written_by": "benchmarks/adding_protocol.py",
        "command": "python " + shlex.join(["benchmarks/adding_protocol.py", *sys.argv[1:]]),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
        "machine": f"{cpu_name()}, {os.cpu_count()} cores",
        "torch": torch.__version__,
        "threads": args.threads,
        "numerics": dict(book.REPRODUCIBLE_ENV),
        "protocol": dataclasses.asdict(experiments.Protocol()),
        "models": {label: {"cell": MODELS[label][0], "changed": MODELS[label][1]}
                   for label in args.models},
        "lengths": list(args.lengths),
        "seeds": list(args.seeds),
        "runs": [{"model": label, "length": length, "seed": seed, "solved": run.solved,
                  "updates": run.updates, "final_mse": round(run.final_mse, 6),
                  "best_mse": round(run.best_mse, 6)}
                 for (label, length, seed), run in runs.items()],
    }
    with open(args.record, "w", encoding="utf-8") as f:
        json.dump(record, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
