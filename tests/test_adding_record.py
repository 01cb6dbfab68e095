"""The recorded T = 100 adding-problem runs (package data written by
benchmarks/adding_protocol.py --record) that chapter 05 prints: made under the current
protocol, complete, consistent with itself, and read by the chapter as it is."""

from __future__ import annotations

import ast
import dataclasses
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from rnnbook import experiments

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "adding_protocol.py"


def _script_models() -> dict:
    spec = importlib.util.spec_from_file_location("adding_protocol", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MODELS


def test_the_shipped_record_was_made_under_the_current_protocol():
    record = experiments.recorded_adding_runs()
    assert record.protocol == dataclasses.asdict(experiments.Protocol()), (
        "experiments.Protocol changed since the T = 100 record was written; re-run "
        f"`{record.command}` (about 5 minutes) and re-execute chapter 05")
    assert record.protocol_differences() == {}


def test_the_shipped_record_is_complete_and_consistent():
    record = experiments.recorded_adding_runs()
    p = record.protocol
    assert "benchmarks/adding_protocol.py" in record.command
    assert f"--record src/rnnbook/data/{experiments.RECORD}" in record.command
    assert record.lengths == (100,) and record.seeds == tuple(range(9))
    models = _script_models()
    assert {label: (m["cell"], m["changed"]) for label, m in record.models.items()} == {
        label: (cell, changed) for label, (cell, changed) in models.items() if label in record.models}
    keys = [(r["model"], r["length"], r["seed"]) for r in record.runs]
    assert sorted(keys) == sorted((m, T, s) for m in record.models for T in record.lengths
                                  for s in record.seeds)  # every run exactly once
    for r in record.runs:
        assert r["solved"] == (r["final_mse"] < p["solved_mse"]), r
        assert r["best_mse"] <= r["final_mse"] and r["updates"] % p["eval_every"] == 0, r
        assert r["updates"] <= p["max_updates"] and (r["solved"] or r["updates"] == p["max_updates"]), r


def test_chapter_05_reads_models_the_record_has():
    record = experiments.recorded_adding_runs()
    for lang in ("en", "ko"):
        nb = json.loads((ROOT / "chapters" / lang / "05_comparison.ipynb").read_text(encoding="utf-8"))
        cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"
                 and "experiments.recorded_adding_runs()" in "".join(c["source"])]
        assert len(cells) == 1, lang
        names = [node.value for node in ast.walk(ast.parse(cells[0])) if isinstance(node, ast.Assign)
                 and [getattr(t, "id", None) for t in node.targets] == ["RECORDED_NAMES"]]
        assert len(names) == 1, lang
        assert set(ast.literal_eval(names[0])) == set(record.models), lang


def test_the_script_writes_a_record_the_loader_reads(tmp_path):
    path = tmp_path / "record.json"
    subprocess.run([sys.executable, str(SCRIPT), "--lengths", "4", "--seeds", "0", "1",
                    "--models", "gru", "--record", str(path)],
                   capture_output=True, text=True, timeout=300, check=True)
    record = experiments.recorded_adding_runs(path)
    assert record.lengths == (4,) and record.seeds == (0, 1) and list(record.models) == ["gru"]
    assert record.protocol_differences() == {}
    for seed in (0, 1):  # the record holds what the protocol's own run gives
        run = experiments.adding_run("gru", 4, seed)
        (found,) = [r for r in record.runs if r["seed"] == seed]
        assert (found["solved"], found["updates"]) == (run.solved, run.updates)
        assert found["final_mse"] == pytest.approx(run.final_mse, abs=1e-6)
    k, n = record.solved("gru", 4)
    assert n == 2 and record.solved_seeds("gru", 4) == tuple(
        r["seed"] for r in sorted(record.runs, key=lambda r: r["seed"]) if r["solved"])


def test_a_stale_or_broken_record_is_named(tmp_path):
    raw = json.loads((ROOT / "src" / "rnnbook" / "data" / experiments.RECORD).read_text(encoding="utf-8"))
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps({**raw, "protocol": {**raw["protocol"], "lr": 0.01}}), encoding="utf-8")
    assert experiments.recorded_adding_runs(stale).protocol_differences() == {"lr": (0.01, 0.02)}
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({k: v for k, v in raw.items() if k != "protocol"}), encoding="utf-8")
    with pytest.raises(ValueError, match="lacks protocol"):
        experiments.recorded_adding_runs(broken)
    record = experiments.recorded_adding_runs()
    with pytest.raises(KeyError, match="not a model of the record"):
        record.solved("transformer", 100)
    with pytest.raises(KeyError, match="length 40 is not in the record"):
        record.solved("gru", 40)
