"""Measure the book's adding-problem protocol: which models solve which lengths.

Runs rnnbook.experiments.adding_grid over RNN, LSTM (PyTorch's initialisation, forget-gate
bias 0 and 1) and GRU × lengths × seeds under the default Protocol, and prints the
settings, the baselines, the solved counts, every run's updates and MSE, and the CPU time
per run (a measurement, not a test; the times depend on the machine and its load).

    python benchmarks/adding_protocol.py --lengths 10 40 100 --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import os
import time

import torch

from rnnbook import experiments

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


if __name__ == "__main__":
    main()
