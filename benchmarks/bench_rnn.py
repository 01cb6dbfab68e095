"""Speed of rnnbook.numpy_ref against torch.nn (CPU) and the gate-by-gate NumPy baseline.

Run:  python benchmarks/bench_rnn.py [--threads 1] [--repeats 9]

At (T, B, I, H) = (100, 64, 64, 128), for LSTM and GRU in float32 and float64, times
(median of ``--repeats`` rounds after one warm-up round; every round runs every variant
once, and each ratio is the median of the per-round ratios):

- numpy_ref.forward, and forward + backward (gradients of all weights, xs and state0);
- torch.nn forward (parameters require grad, as in training) and forward + autograd
  backward to the same gradients; also the forward under torch.no_grad() for reference;
- rnnbook.naive (one matmul per gate, inputs projected inside the loop).

The ratios are numpy_ref time / torch.nn time (lower is better) and naive time /
numpy_ref time (higher is better). "GEMM %" is the matmul arithmetic of the pass
(2·T·B·G·H·(I+H) flops forward, twice that backward) divided by its time, as a fraction
of the rate of a (1024, 1024) @ (1024, 1024) NumPy matmul timed in the same rounds with
the same threads.

"x max" is the most any version of the same arithmetic could gain on the naive one here:
naive time / (matmul flops at the large-matmul rate), i.e. 100 / (the naive pass's own
GEMM %). numpy_ref and naive do the same matmul flops, only grouped differently, so where
x max is below 2 no rewrite in NumPy can be 2× faster than naive at that shape and
thread count. ``--batches`` adds rows that compare naive and numpy_ref only, over batch
sizes (the other dimensions from ``--shape``), to show where grouping the matmuls pays.

Targets (issue 3): forward ≤ 1.25× torch.nn in float64 and ≤ 1.5× in float32,
forward + backward ≤ 1.0× in float64 and ≤ 1.5× in float32, ≥ 2× faster than naive.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np
import torch
from threadpoolctl import threadpool_info, threadpool_limits

from rnnbook import naive, numpy_ref

TORCH_MODULES = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
NAIVE = {"lstm": (naive.lstm_forward, naive.lstm_backward),
         "gru": (naive.gru_forward, naive.gru_backward)}


def interleaved_times(fns: dict, repeats: int) -> dict:
    """Wall times (seconds) of each fn over ``repeats`` rounds, after one warm-up round.

    Each round runs every fn once, so load from other processes on a shared machine
    hits all of them alike and the per-round ratios stay meaningful.
    """
    times = {name: [] for name in fns}
    for round_ in range(repeats + 1):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            if round_:
                times[name].append(time.perf_counter() - t0)
    return times


def gemm_fn(dtype, n: int = 1024):
    """An (n, n) @ (n, n) NumPy matmul and its flop count."""
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal((n, n)).astype(dtype) for _ in range(2))
    out = np.empty_like(a)
    return (lambda: np.matmul(a, b, out=out)), 2 * n ** 3


def bench_case(cell: str, dtype, T: int, B: int, I: int, H: int, repeats: int,
               with_torch: bool = True) -> dict:
    """All timings (seconds) for one cell and dtype; torch.nn's only if ``with_torch``."""
    rng = np.random.default_rng(1)
    params = numpy_ref.init_params(cell, I, H, rng, dtype=dtype)
    xs = rng.standard_normal((T, B, I)).astype(dtype)
    h0 = rng.standard_normal((B, H)).astype(dtype)
    state0 = (h0, h0.copy()) if cell == "lstm" else h0
    dhs = rng.standard_normal((T, B, H)).astype(dtype)

    def np_fwd():
        return numpy_ref.forward(cell, xs, state0, params)

    def np_fwd_bwd():
        return numpy_ref.backward(dhs, np_fwd()[2])

    naive_forward, naive_backward = NAIVE[cell]

    def naive_fwd():
        return naive_forward(xs, state0, params)

    def naive_fwd_bwd():
        return naive_backward(dhs, naive_fwd()[2])

    tdtype = torch.float32 if dtype == np.float32 else torch.float64
    module = TORCH_MODULES[cell](I, H).to(tdtype)
    module.load_state_dict({k + "_l0": torch.from_numpy(p) for k, p in params.items()})
    x_t = torch.from_numpy(xs).requires_grad_()
    h_t = torch.from_numpy(h0[None]).requires_grad_()
    s_t = (h_t, h_t.detach().clone().requires_grad_()) if cell == "lstm" else h_t
    dhs_t = torch.from_numpy(dhs)

    def torch_fwd():
        return module(x_t, s_t)

    def torch_fwd_nograd():
        with torch.no_grad():
            return module(x_t, s_t)

    def torch_fwd_bwd():
        module.zero_grad(set_to_none=True)
        x_t.grad = None
        out, _ = module(x_t, s_t)
        out.backward(dhs_t)

    gemm, gemm_flops = gemm_fn(dtype)
    fns = {"np_fwd": np_fwd, "np_fb": np_fwd_bwd, "naive_fwd": naive_fwd,
           "naive_fb": naive_fwd_bwd, "gemm": gemm}
    if with_torch:
        fns.update(torch_fwd=torch_fwd, torch_fwd_nograd=torch_fwd_nograd,
                   torch_fb=torch_fwd_bwd)
    times = interleaved_times(fns, repeats)
    times["gemm_rate"] = [gemm_flops / t for t in times["gemm"]]  # flop/s, per round
    return times


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


class Summary:
    """One bench_case result: median times (ms), per-round ratios, GEMM fractions."""

    def __init__(self, r: dict):
        self.r = r
        self.ms = {k: 1e3 * statistics.median(v) for k, v in r.items() if k != "gemm_rate"}
        self.rate = statistics.median(r["gemm_rate"])

    def ratio(self, a: str, b: str) -> float:
        """Median over rounds of (time of a) / (time of b)."""
        return statistics.median(x / y for x, y in zip(self.r[a], self.r[b]))

    def gemm_pct(self, key: str, flops: int) -> float:
        """The pass's matmul flops per second, in % of the large-matmul rate of each round."""
        return 100 * statistics.median(flops / t / g
                                       for t, g in zip(self.r[key], self.r["gemm_rate"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--shape", type=int, nargs=4, default=(100, 64, 64, 128),
                        metavar=("T", "B", "I", "H"))
    parser.add_argument("--cells", nargs="+", default=["lstm", "gru"])
    parser.add_argument("--dtypes", nargs="+", default=["float64", "float32"])
    parser.add_argument("--batches", type=int, nargs="*", default=[],
                        help="also compare naive and numpy_ref at these batch sizes")
    args = parser.parse_args()
    T, B, I, H = args.shape

    torch.set_num_threads(args.threads)
    with threadpool_limits(args.threads):
        blas = [f"{i['internal_api']} {i.get('version')} kernel={i.get('architecture')}"
                f" threads={i['num_threads']}"
                for i in threadpool_info() if i["user_api"] == "blas"]
        print(f"cpu: {cpu_model()} ({os.cpu_count()} logical cores)")
        print(f"numpy {np.__version__}, torch {torch.__version__}, "
              f"threads {args.threads} (numpy BLAS and torch)")
        print(f"numpy BLAS: {'; '.join(blas)}")
        print("OPENBLAS_CORETYPE=" + os.environ.get("OPENBLAS_CORETYPE", "(unset)")
              + " OPENBLAS_L2_SIZE=" + os.environ.get("OPENBLAS_L2_SIZE", "(unset)"))
        print(f"shape (T, B, I, H) = ({T}, {B}, {I}, {H}), median of {args.repeats} rounds; "
              f"times in ms")
        print()
        header = (f"{'cell':5} {'dtype':7} | {'np fwd':>7} {'torch':>7} {'ratio':>6} "
                  f"{'(nograd)':>8} | {'np f+b':>7} {'torch':>7} {'ratio':>6} | "
                  f"{'naive f':>7} {'x':>5} {'x max':>5} {'naive fb':>8} {'x':>5} {'x max':>5} | "
                  f"{'GEMM GF/s':>9} {'fwd %':>6} {'f+b %':>6}")
        print(header)
        print("-" * len(header))
        failed = []
        for dname in args.dtypes:
            dtype = np.dtype(dname).type
            for cell in args.cells:
                s = Summary(bench_case(cell, dtype, T, B, I, H, args.repeats))
                flops = 2 * T * B * numpy_ref.GATES[cell] * H * (I + H)
                ms, f32 = s.ms, dtype == np.float32
                fwd, fb = s.ratio("np_fwd", "torch_fwd"), s.ratio("np_fb", "torch_fb")
                x_f, x_fb = s.ratio("naive_fwd", "np_fwd"), s.ratio("naive_fb", "np_fb")
                max_f = 100 / s.gemm_pct("naive_fwd", flops)
                max_fb = 100 / s.gemm_pct("naive_fb", 3 * flops)
                print(f"{cell:5} {dname:7} | {ms['np_fwd']:7.2f} {ms['torch_fwd']:7.2f} "
                      f"{fwd:6.2f} {ms['torch_fwd_nograd']:8.2f} | "
                      f"{ms['np_fb']:7.2f} {ms['torch_fb']:7.2f} {fb:6.2f} | "
                      f"{ms['naive_fwd']:7.2f} {x_f:5.1f} {max_f:5.1f} "
                      f"{ms['naive_fb']:8.2f} {x_fb:5.1f} {max_fb:5.1f} | "
                      f"{s.rate / 1e9:9.1f} {s.gemm_pct('np_fwd', flops):6.1f} "
                      f"{s.gemm_pct('np_fb', 3 * flops):6.1f}")
                checks = {"fwd vs torch.nn": (fwd, 1.5 if f32 else 1.25, "<="),
                          "f+b vs torch.nn": (fb, 1.5 if f32 else 1.0, "<="),
                          "naive / fwd": (x_f, 2.0, ">="), "naive / f+b": (x_fb, 2.0, ">=")}
                failed += [f"{cell} {dname} {name}: {value:.2f} (target {op} {target})"
                           for name, (value, target, op) in checks.items()
                           if (value > target if op == "<=" else value < target)]
        print()
        print("ratio = numpy_ref / torch.nn (targets: fwd <= 1.25 f64, 1.5 f32; "
              "f+b <= 1.0 f64, 1.5 f32); x = naive / numpy_ref (target >= 2);")
        print("x max = naive / (its matmul flops at the large-matmul rate): the most any "
              "version of the same arithmetic could gain on naive")
        print("targets missed: " + ("none" if not failed else "; ".join(failed)))
        if args.batches:
            batch_sweep(args, T, I, H)


def batch_sweep(args, T: int, I: int, H: int) -> None:
    """naive / numpy_ref over batch sizes: where grouping the matmuls pays."""
    print()
    print(f"naive / numpy_ref over batch sizes, (T, I, H) = ({T}, {I}, {H}), "
          f"median of {args.repeats} rounds")
    header = (f"{'cell':5} {'dtype':7} {'B':>4} | {'np fwd':>7} {'naive':>7} {'x':>5} "
              f"{'x max':>5} | {'np f+b':>7} {'naive':>7} {'x':>5} {'x max':>5}")
    print(header)
    print("-" * len(header))
    for dname in args.dtypes:
        dtype = np.dtype(dname).type
        for cell in args.cells:
            for B in args.batches:
                s = Summary(bench_case(cell, dtype, T, B, I, H, args.repeats, with_torch=False))
                flops = 2 * T * B * numpy_ref.GATES[cell] * H * (I + H)
                print(f"{cell:5} {dname:7} {B:4d} | {s.ms['np_fwd']:7.2f} "
                      f"{s.ms['naive_fwd']:7.2f} {s.ratio('naive_fwd', 'np_fwd'):5.1f} "
                      f"{100 / s.gemm_pct('naive_fwd', flops):5.1f} | "
                      f"{s.ms['np_fb']:7.2f} {s.ms['naive_fb']:7.2f} "
                      f"{s.ratio('naive_fb', 'np_fb'):5.1f} "
                      f"{100 / s.gemm_pct('naive_fb', 3 * flops):5.1f}")


if __name__ == "__main__":
    main()
