"""Isolation: a submission cannot read or change its neighbours or the grader's output, cannot
kill its grader into a pass, and leaves no process behind. Also the protocol's refusals."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import numpy as np
import pytest

from gradekit import (RIGHT, WRONG_COUNT, WRONG_GRU, grade, grade_cli, require_bwrap, statuses,
                      submission, write_master)

pytestmark = pytest.mark.slow

WRONG = {"gru_step": WRONG_GRU, "rnn_param_count": WRONG_COUNT}


def _alive(tag: str) -> list:
    found = []
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if tag.encode() in f.read():
                    found.append(int(pid))
        except (OSError, ValueError):
            pass
    return found


def test_neighbour_cannot_be_read_or_rewritten(tmp_path):
    require_bwrap()
    master = write_master(tmp_path / "m")
    victim = submission(tmp_path / "class", "victim", RIGHT)
    before = Path(victim).read_bytes()
    thief = (f"import json\nSTOLEN = json.load(open({victim!r}))\n"
             f"open({victim!r}, 'w').write('{{}}')\n")
    copy = ("def rnn_param_count(input_size, hidden_size):\n"
            f"    src = open({victim!r}).read()\n"
            "    raise ValueError(src[:150])")
    # statements beside an answer's definition run in the sandbox with it
    thief_path = submission(tmp_path / "class", "thief", {"rnn_param_count": thief + copy})
    status, report = grade("--master", master, thief_path, victim)
    assert Path(victim).read_bytes() == before
    assert statuses(report, "victim")["gru_step"] == "passed"
    thief_report = next(n for n in report["notebooks"] if n["student"] == "thief")
    assert any("FileNotFoundError" in e or "PermissionError" in e or "OSError" in e
               for e in thief_report["setup_errors"]), thief_report["setup_errors"]
    count = thief_report["exercises"][1]
    assert count["status"] == "failed" and "cells" not in count["message"]
    assert status == 1


def test_results_channel_output_files_and_the_grader_are_out_of_reach(tmp_path):
    require_bwrap()
    master = write_master(tmp_path / "m")
    out = tmp_path / "out"
    out.mkdir()
    csv_path, gs_dir = out / "grades.csv", out / "gs"
    attack = (
        "import os, signal\n"
        f"for p in ({str(csv_path)!r}, {str(gs_dir / 'results.json')!r}, "
        "os.environ.get('RNNBOOK_GRADE_LOG', 'grade.log')):\n"
        "    try:\n"
        "        os.makedirs(os.path.dirname(p) or '.', exist_ok=True)\n"
        "        open(p, 'w').write('{\"score\": 100, \"passed\": true}')\n"
        "    except OSError:\n"
        "        pass\n"
        "for pid in (os.getppid(), 1):\n"
        "    try:\n"
        "        os.kill(pid, signal.SIGKILL)\n"
        "    except OSError:\n"
        "        pass\n")
    path = submission(tmp_path / "class", "forger", dict(WRONG, gru_step=attack + WRONG_GRU))
    done = grade_cli("--master", master, path, "--seed", "3", "--csv", str(csv_path),
                     "--gradescope", str(gs_dir), "-j", "1")
    assert done.returncode == 1, done.stdout + done.stderr
    results = json.loads((gs_dir / "results.json").read_text())
    assert results["score"] == 0 and results.get("passed") is None
    assert csv_path.read_text().splitlines()[1].startswith("forger,0,3,0,")


def test_no_process_outlives_grading(tmp_path):
    require_bwrap()
    master = write_master(tmp_path / "m")
    tag = "6173.5"
    leave = ("import os, subprocess\n"
             f"subprocess.Popen(['sleep', '{tag}'], start_new_session=True)\n"
             "if os.fork() == 0:\n"
             "    os.setsid()\n"
             f"    os.execve('/bin/sleep', ['sleep', '{tag}1'], {{}})\n")
    path = submission(tmp_path / "class", "lingerer", dict(RIGHT, gru_step=leave + RIGHT["gru_step"]))
    status, report = grade("--master", master, path)
    assert status == 0
    assert _alive(tag) == []


def test_an_endless_loop_is_stopped_and_the_next_exercise_still_graded(tmp_path):
    master = write_master(tmp_path / "m")
    loop = "def gru_step(x, h, params):\n    while True:\n        pass"
    path = submission(tmp_path / "class", "loop", dict(RIGHT, gru_step=loop))
    from rnnbook.grade import main
    import contextlib
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        status = main(["--json", "--timeout", "4", "--master", master, path])
    report = json.loads(buf.getvalue())
    assert status == 1
    assert statuses(report) == {"gru_step": "timeout", "rnn_param_count": "passed",
                                "rnn_shapes": "passed"}


def test_the_protocol_refuses_pickles_and_keeps_plain_arrays():
    from rnnbook.grade import protocol
    tree, blobs = protocol.encode({"a": np.arange(3.0), "s": {"lstm"}, "n": np.int64(4),
                                   "f": object()})
    back = protocol.decode(json.loads(json.dumps(tree)), blobs)
    assert type(back["a"]) is np.ndarray and back["s"] == {"lstm"} and back["n"] == 4
    assert type(back["f"]).__name__ == "object" and isinstance(back["f"], protocol.Opaque)
    buf = io.BytesIO()
    np.save(buf, np.array([object()], dtype=object), allow_pickle=True)
    with pytest.raises(protocol.ProtocolError):
        protocol.decode({"t": "nd", "i": 0}, [buf.getvalue()])
    with pytest.raises(protocol.ProtocolError):
        protocol.decode({"t": "pickle", "v": "gASVAAAAAAAAAAAu"}, [])
    huge = io.BytesIO()
    np.lib.format.write_array_header_1_0(huge, {"descr": "<f8", "fortran_order": False,
                                                "shape": (10 ** 12,)})
    with pytest.raises(protocol.ProtocolError, match="does not match"):
        protocol.decode({"t": "nd", "i": 0}, [huge.getvalue()])


def test_the_learner_side_checker_never_imports_the_grader():
    import subprocess
    import sys
    code = ("import sys, rnnbook.exercises, rnnbook.exercise_bank\n"
            "rnnbook.exercises.known_ids()\n"
            "print(any(m.startswith('rnnbook.grade') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


def test_a_notebook_whose_code_never_finishes_costs_one_time_limit(tmp_path):
    import time
    master = write_master(tmp_path / "m")
    answer = "while True:\n    pass\n" + RIGHT["rnn_param_count"]
    path = submission(tmp_path / "class", "stuck", dict(RIGHT, rnn_param_count=answer))
    from rnnbook.grade import main
    import contextlib
    buf = io.StringIO()
    start = time.monotonic()
    with contextlib.redirect_stdout(buf):
        status = main(["--json", "--timeout", "3", "--master", master, path])
    assert status == 1 and time.monotonic() - start < 20
    assert set(statuses(json.loads(buf.getvalue())).values()) == {"timeout"}
