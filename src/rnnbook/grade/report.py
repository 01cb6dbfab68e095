"""Report grades: an aligned table, JSON, CSV, and Gradescope's ``results.json``.

Gradescope's autograder contract (its documentation, "Autograder specifications"): the
``run_autograder`` script writes ``/autograder/results/results.json`` with ``score``,
``execution_time``, ``output``, ``visibility``, ``stdout_visibility`` and ``tests``, each
test with ``name``, ``score``, ``max_score``, ``output`` and ``visibility``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from ..display import pad, text_width

MESSAGE_WIDTH = 100



def _short(text: str, limit: int = MESSAGE_WIDTH) -> str:
    text = " ".join(str(text).split())
    if text_width(text) <= limit:
        return text
    out, used = "", 0
    for ch in text:
        used += text_width(ch)
        if used > limit - 1:
            break
        out += ch
    return out + "…"


def _points(x: float) -> str:
    return f"{x:g}"


def rows(report: dict) -> list:
    """(student, exercise, status, points, message) for one submission, then its problems."""
    name = report["student"]
    out = []
    for e in report["exercises"]:
        label = e["exercise_id"] + (" (optional)" if e["optional"] else "")
        message = e["message"] + (" " + e["note"] if e.get("note") else "")
        out.append((name, label, e["status"], f"{_points(e['score'])}/{_points(e['points'])}",
                    message))
    for line in report["setup_errors"]:
        out.append((name, "(notebook)", "error", "", line))
    if report.get("leftover_processes"):
        out.append((name, "(notebook)", "killed", "",
                    f"{report['leftover_processes']} process(es) left running; killed"))
    return out


def format_table(reports: list) -> str:
    """The reports as an aligned table, one row per exercise, then a total per submission."""
    table = [("student", "exercise", "status", "points", "message")]
    for report in reports:
        table += [(a, b, c, d, _short(m)) for a, b, c, d, m in rows(report)]
    widths = [max(text_width(row[k]) for row in table) for k in range(4)]
    lines = []
    for row in table:
        cells = [pad(row[k], widths[k]) for k in range(4)]
        lines.append("  ".join(cells + [row[4]]).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 7)
    lines.append("")
    for report in reports:
        lines.append(f"{report['student']}: {_points(report['score'])}/"
                     f"{_points(report['max_score'])} points, "
                     f"{'passed' if report['passed'] else 'not passed'} "
                     f"({report['seconds']:.1f} s)")
    lines.append(summary_line(reports))
    return "\n".join(lines)


def summary(reports: list) -> dict:
    counts = {"notebooks": len(reports), "passed_notebooks": 0, "exercises": 0}
    for report in reports:
        counts["passed_notebooks"] += bool(report["passed"])
        for e in report["exercises"]:
            counts["exercises"] += 1
            counts[e["status"]] = counts.get(e["status"], 0) + 1
    return counts


def summary_line(reports: list) -> str:
    c = summary(reports)
    parts = ", ".join(f"{c[k]} {k.replace('_', ' ')}" for k in
                      ("passed", "failed", "not_attempted", "missing", "error", "timeout",
                       "crashed") if c.get(k))
    return (f"{c['notebooks']} notebook(s), {c['passed_notebooks']} passed; "
            f"{c['exercises']} exercise(s): {parts or 'none'}")


def to_json(reports: list, ok: bool) -> str:
    return json.dumps({"ok": ok, "summary": summary(reports), "notebooks": reports},
                      ensure_ascii=False, indent=1)


def write_csv(reports: list, path: str) -> None:
    """One row per submission: student, score, max_score, passed, seconds, then per exercise
    its status and its points (columns ``<id>`` and ``<id>_points``)."""
    ids = list(dict.fromkeys(e["exercise_id"] for r in reports for e in r["exercises"]))
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "score", "max_score", "passed", "seconds"]
                        + [c for i in ids for c in (i, f"{i}_points")])
        for r in reports:
            by_id = {e["exercise_id"]: e for e in r["exercises"]}
            writer.writerow([r["student"], _points(r["score"]), _points(r["max_score"]),
                             int(r["passed"]), f"{r['seconds']:.2f}"]
                            + [c for i in ids for c in
                               ((by_id[i]["status"], _points(by_id[i]["score"])) if i in by_id
                                else ("", ""))])


def gradescope_results(report: dict, visibility: str = "visible") -> dict:
    """Gradescope's ``results.json`` for one submission (see the module docstring)."""
    tests = []
    for e in report["exercises"]:
        output = f"{e['status']}: {e['message']}" + (f" {e['note']}" if e.get("note") else "")
        tests.append({"name": e["exercise_id"] + (" (optional)" if e["optional"] else ""),
                      "score": e["score"] if not e["optional"] else 0.0,
                      "max_score": e["points"] if not e["optional"] else 0.0,
                      "status": "passed" if e["passed"] else "failed",
                      "output": output, "visibility": visibility})
    output = "\n".join(report["setup_errors"]) or ""
    if report["status"] != "ok":
        output = (report["detail"] + "\n" + output).strip()
    return {"score": report["score"], "execution_time": report["seconds"], "output": output,
            "visibility": visibility, "stdout_visibility": "hidden", "tests": tests}


def write_gradescope(reports: list, directory: str) -> list:
    """Write ``results.json`` into ``directory`` (one submission) or into
    ``directory/<student>/`` (several); return the paths written."""
    out = Path(directory)
    written = []
    for report in reports:
        target = out if len(reports) == 1 else out / report["student"]
        target.mkdir(parents=True, exist_ok=True)
        path = target / "results.json"
        path.write_text(json.dumps(gradescope_results(report), ensure_ascii=False, indent=1),
                        encoding="utf-8")
        written.append(str(path))
    return written
