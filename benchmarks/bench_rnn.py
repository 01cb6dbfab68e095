"""Speed of rnnbook.numpy_ref against torch.nn (CPU) and the gate-by-gate NumPy baseline.

Run:  python benchmarks/bench_rnn.py [--threads 1] [--repeats 7]

At (T, B, I, H) = (100, 64, 64, 128), for LSTM and GRU in float32 and float64, times
(median of ``--repeats`` runs after one warm-up):

- numpy_ref.forward, and forward + backward (gradients of all weights, xs and state0);
- torch.nn forward (parameters require grad, as in training) and forward + autograd
  backward to the same gradients; also the forward under torch.no_grad() for reference;
- rnnbook.naive (one matmul per gate, inputs projected inside the loop).

The ratios are numpy_ref time / torch.nn time (lower is better) and naive time /
numpy_ref time (higher is better). "GEMM %" is the matmul arithmetic of the pass
(2·T·B·G·H·(I+H) flops forward, twice that backward) divided by its time, as a fraction
of the rate of one large square matmul measured in the same run with the same threads.
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


def median_time(fn, repeats: int) -> float:
    """Median wall time of fn() in seconds, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def gemm_rate(dtype, repeats: int, n: int = 1024) -> float:
    """Flops per second of an (n, n) @ (n, n) NumPy matmul."""
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal((n, n)).astype(dtype) for _ in range(2))
    out = np.empty_like(a)
    return 2 * n ** 3 / median_time(lambda: np.matmul(a, b, out=out), repeats)


def bench_case(cell: str, dtype, T: int, B: int, I: int, H: int, repeats: int) -> dict:
    """All timings (seconds) for one cell and dtype."""
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

    return {"np_fwd": median_time(np_fwd, repeats),
            "np_fb": median_time(np_fwd_bwd, repeats),
            "torch_fwd": median_time(torch_fwd, repeats),
            "torch_fwd_nograd": median_time(torch_fwd_nograd, repeats),
            "torch_fb": median_time(torch_fwd_bwd, repeats),
            "naive_fwd": median_time(naive_fwd, repeats),
            "naive_fb": median_time(naive_fwd_bwd, repeats)}


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--shape", type=int, nargs=4, default=(100, 64, 64, 128),
                        metavar=("T", "B", "I", "H"))
    parser.add_argument("--cells", nargs="+", default=["lstm", "gru"])
    parser.add_argument("--dtypes", nargs="+", default=["float64", "float32"])
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
        print(f"shape (T, B, I, H) = ({T}, {B}, {I}, {H}), median of {args.repeats}; times in ms")
        print()
        header = (f"{'cell':5} {'dtype':7} | {'np fwd':>7} {'torch':>7} {'ratio':>6} "
                  f"{'(nograd)':>8} | {'np f+b':>7} {'torch':>7} {'ratio':>6} | "
                  f"{'naive f':>7} {'x':>5} {'naive fb':>8} {'x':>5} | "
                  f"{'GEMM GF/s':>9} {'fwd %':>6} {'f+b %':>6}")
        print(header)
        print("-" * len(header))
        for dname in args.dtypes:
            dtype = np.dtype(dname).type
            rate = gemm_rate(dtype, args.repeats)
            for cell in args.cells:
                r = bench_case(cell, dtype, T, B, I, H, args.repeats)
                G = numpy_ref.GATES[cell]
                flops = 2 * T * B * G * H * (I + H)
                ms = {k: 1e3 * s for k, s in r.items()}
                print(f"{cell:5} {dname:7} | {ms['np_fwd']:7.2f} {ms['torch_fwd']:7.2f} "
                      f"{r['np_fwd'] / r['torch_fwd']:6.2f} "
                      f"{ms['torch_fwd_nograd']:8.2f} | "
                      f"{ms['np_fb']:7.2f} {ms['torch_fb']:7.2f} "
                      f"{r['np_fb'] / r['torch_fb']:6.2f} | "
                      f"{ms['naive_fwd']:7.2f} {r['naive_fwd'] / r['np_fwd']:5.1f} "
                      f"{ms['naive_fb']:8.2f} {r['naive_fb'] / r['np_fb']:5.1f} | "
                      f"{rate / 1e9:9.1f} {100 * flops / r['np_fwd'] / rate:6.1f} "
                      f"{100 * 3 * flops / r['np_fb'] / rate:6.1f}")
        print()
        print("ratio = numpy_ref / torch.nn (targets: fwd <= 1.25 f64, 1.5 f32; "
              "f+b <= 1.0 f64, 1.5 f32); x = naive / numpy_ref (target >= 2)")


if __name__ == "__main__":
    main()
