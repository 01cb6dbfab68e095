"""The benchmark script still runs and prints every row (times are not checked: see RESULTS.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_rnn.py"


def test_bench_rnn_prints_every_case_and_the_batch_sweep():
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--shape", "3", "2", "4", "5", "--repeats", "1",
         "--batches", "1", "3"],
        capture_output=True, text=True, timeout=300, check=True).stdout
    lines = out.splitlines()
    assert "shape (T, B, I, H) = (3, 2, 4, 5), median of 1 rounds; times in ms" in lines
    main_rows = [line.split() for line in lines if line.count("|") == 4]
    assert [row[:2] for row in main_rows[1:]] == [
        ["lstm", "float64"], ["gru", "float64"], ["lstm", "float32"], ["gru", "float32"]]
    # every data row: 4 times and ratios, 8 naive columns, 3 GEMM columns, all numbers
    for row in main_rows[1:]:
        numbers = [field for field in row[2:] if field != "|"]
        assert len(numbers) == 4 + 3 + 6 + 3, row
        assert all(float(field) >= 0 for field in numbers), row
    assert any(line.startswith("targets missed: ") for line in lines)
    sweep = [line.split() for line in lines if line.count("|") == 2][1:]
    assert [(row[0], row[1], row[2]) for row in sweep] == [
        (cell, dtype, B) for dtype in ("float64", "float32") for cell in ("lstm", "gru")
        for B in ("1", "3")]
