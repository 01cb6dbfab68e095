"""Static checks of the book's notebooks, shared by the tests and usable on any file.

Each check returns a list of problems, each naming the file and the cell, so a
failing test says exactly where to look.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from pathlib import Path

import book

VOLATILE = [
    (re.compile(r"\b0x[0-9a-fA-F]{6,}\b"), "a memory address"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}"), "a timestamp"),
    (re.compile(r"(/tmp/|/var/folders/|\\AppData\\Local\\Temp)"), "a temporary path"),
    (re.compile(r"\b\d+(\.\d+)?\s?(ms|µs|us|ns|sec|seconds)\b|\bit/s\b|\bs/it\b"), "a timing"),
    (re.compile(r"/work/|/home/\w+|/root/"), "a local path"),
]
IGNORE_MARKERS = ("NBVAL_IGNORE_OUTPUT", "nbval-ignore-output")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(book.ROOT))
    except ValueError:
        return str(path)


def where(path: Path, index: int) -> str:
    return f"{rel(path)} cell {index}"


def output_text(out: dict) -> str:
    if "text" in out:
        t = out["text"]
        return "".join(t) if isinstance(t, list) else t
    parts = []
    for mime, value in out.get("data", {}).items():
        if mime.startswith("text/") or mime.endswith("+json"):
            parts.append("".join(value) if isinstance(value, list) else str(value))
    return "\n".join(parts)


def ignores_output(cell: dict) -> bool:
    return "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []) or (
        "NBVAL_IGNORE_OUTPUT" in book.source(cell)
    )


def hygiene(path: Path) -> list[str]:
    """Executed cells, stored outputs, no stderr/errors, no volatile text, bootstrap, set-up."""
    nb = load(path)
    problems = []
    lang = path.parent.name
    cells = book.code_cells(nb)
    if not cells:
        return [f"{rel(path)}: no code cells"]
    first_i, first = cells[0]
    if book.source(first) != book.bootstrap_source(lang):
        problems.append(
            f"{where(path, first_i)}: first code cell is not the Colab bootstrap cell built from "
            "_config.yml (run `python tools/book.py bootstrap`)"
        )
    if first.get("metadata", {}).get("cellView") != "form":
        problems.append(f'{where(path, first_i)}: bootstrap cell needs metadata "cellView": "form"')
    if first.get("outputs"):
        problems.append(f"{where(path, first_i)}: bootstrap cell must print nothing outside Colab")
    if nb.get("metadata", {}).get("mystnb") != book.CODE_PROMPTS.get(lang):
        problems.append(f"{rel(path)}: notebook metadata lacks the {lang} toggle labels (run `python tools/book.py bootstrap`)")
    setups = [(i, c) for i, c in cells if "rnnbook.setup(" in book.source(c)]
    if len(cells) < 2 or "rnnbook.setup(" not in book.source(cells[1][1]):
        problems.append(f"{rel(path)}: second code cell must call rnnbook.setup(lang=...)")
    if len(setups) != 1:
        problems.append(f"{rel(path)}: expected exactly one rnnbook.setup call, found {len(setups)}")
    for i, c in setups:
        if f'rnnbook.setup(lang="{lang}"' not in book.source(c):
            problems.append(f'{where(path, i)}: set-up call must be rnnbook.setup(lang="{lang}", ...)')
    problems += exercise_layout(path, cells)
    for n, (i, cell) in enumerate(cells):
        src = book.source(cell)
        if not src.strip():
            problems.append(f"{where(path, i)}: empty code cell")
            continue
        if cell.get("execution_count") is None:
            problems.append(f"{where(path, i)}: not executed (nbval would not check it)")
        for out in cell.get("outputs", []):
            if out.get("name") == "stderr":
                problems.append(f"{where(path, i)}: stderr in stored output: {output_text(out)[:120]!r}")
            if out.get("output_type") == "error":
                problems.append(f"{where(path, i)}: stored error output ({out.get('ename')})")
            if not ignores_output(cell):
                text = output_text(out)
                for rx, what in VOLATILE:
                    m = rx.search(text)
                    if m:
                        problems.append(f"{where(path, i)}: output contains {what}: {m.group(0)!r}")
        if ignores_output(cell):
            comment = [l for l in src.splitlines() if l.strip().startswith("#") and not any(k in l for k in IGNORE_MARKERS)]
            if not comment:
                problems.append(f"{where(path, i)}: output ignored by nbval without a comment saying why")
            follow = cells[n + 1][1] if n + 1 < len(cells) else None
            if follow is None or "assert" not in book.source(follow):
                problems.append(f"{where(path, i)}: output ignored by nbval but the next code cell asserts nothing")
    return problems


SOLUTION_TITLES = {"ko": "# @title 풀이 (눌러서 보기)", "en": "# @title Solution (click to show)"}


def _check_status(cell: dict) -> str | None:
    """The first character of a check cell's stored result (⏳, ✅, ❌, ⚠️), or None."""
    if "exercises.check(" not in book.source(cell):
        return None
    texts = ["".join(o["data"]["text/plain"]) for o in cell.get("outputs", [])
             if o.get("output_type") in ("execute_result", "display_data") and "text/plain" in o.get("data", {})]
    return texts[-1][:1] if texts else ""


def exercise_layout(path: Path, cells: list) -> list[str]:
    """Each solution is a hidden Colab form cell, preceded by a check still "not attempted"
    and followed by a check whose stored result passes (issue: exercises that check themselves)."""
    problems = []
    lang = path.parent.name
    for n, (i, cell) in enumerate(cells):
        src = book.source(cell)
        if src.startswith("# @title") and n > 0:
            meta = cell.get("metadata", {})
            if meta.get("cellView") != "form" or "hide-input" not in meta.get("tags", []):
                problems.append(f'{where(path, i)}: a "# @title" cell must have "cellView": "form" and the tag hide-input')
        if not src.startswith(SOLUTION_TITLES.get(lang, "\0")):
            continue
        before = [_check_status(c) for _, c in cells[:n]]
        before = [b for b in before if b is not None]
        after = next((_check_status(c) for _, c in cells[n + 1 :] if _check_status(c) is not None), None)
        if not before or before[-1] != "⏳":
            problems.append(f"{where(path, i)}: the check before this solution should store ⏳ (not attempted yet)")
        if after != "✅":
            problems.append(f"{where(path, i)}: the check after this solution should store ✅ (passed), got {after!r}")
    return problems


def _normalise_code(src: str) -> list[str]:
    """Token stream of a cell with comments dropped and every string literal blanked."""
    from IPython.core.inputtransformer2 import TransformerManager

    python = TransformerManager().transform_cell(src)
    out = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(python).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError) as exc:
        return [f"<untokenizable: {exc}>"]
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING}
    fstring = {getattr(tokenize, n) for n in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END") if hasattr(tokenize, n)}
    for tok in tokens:
        if tok.type in skip:
            continue
        if tok.type == tokenize.STRING or tok.type in fstring:
            if out and out[-1] == "'…'":
                continue
            out.append("'…'")
        else:
            out.append(f"{tok.start[0]}:{tok.string}" if tok.type == tokenize.NEWLINE else tok.string)
    return [t.split(":", 1)[1] if t[:1].isdigit() and ":" in t else t for t in out]


def headings(nb: dict) -> list[int]:
    levels = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        in_fence = False
        for line in book.source(cell).splitlines():
            if line.lstrip().startswith("```"):
                in_fence = not in_fence
            m = re.match(r"^(#{1,6})\s", line)
            if m and not in_fence:
                levels.append(len(m.group(1)))
    return levels


def twins(ko: Path, en: Path) -> list[str]:
    """Same code cells in the same order (comments and strings aside), same heading structure."""
    a, b = load(ko), load(en)
    problems = []
    ca, cb = book.code_cells(a), book.code_cells(b)
    if len(ca) != len(cb):
        problems.append(f"{ko.name}: {len(ca)} code cells in ko, {len(cb)} in en")
    for (ia, x), (ib, y) in zip(ca, cb):
        ta, tb = _normalise_code(book.source(x)), _normalise_code(book.source(y))
        if ta != tb:
            k = next((k for k, (p, q) in enumerate(zip(ta, tb)) if p != q), min(len(ta), len(tb)))
            ctx_a = " ".join(ta[max(0, k - 4) : k + 4])
            ctx_b = " ".join(tb[max(0, k - 4) : k + 4])
            problems.append(
                f"code differs between {where(ko, ia)} and {where(en, ib)} (comments and strings aside): "
                f"ko `{ctx_a}` vs en `{ctx_b}`"
            )
    ha, hb = headings(a), headings(b)
    if ha != hb:
        problems.append(f"{ko.name}: heading levels differ: ko {ha} vs en {hb}")
    ea, eb = exercise_labels(a), exercise_labels(b)
    if ea != eb:
        problems.append(f"{ko.name}: exercises differ: ko {ea} vs en {eb} (same numbers and ids in both)")
    return problems


EXERCISE_HEADING = re.compile(r"^#{2,4}\s+(?:연습문제|Exercise)\s+(\d+\.\d+)\s+(.*)$", re.M)


def exercise_labels(nb: dict) -> list[tuple[str, tuple[str, ...]]]:
    """(number, ids in backticks) of every exercise heading, e.g. ("3.1", ("lstm_step",))."""
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for number, rest in EXERCISE_HEADING.findall(book.source(cell)):
                found.append((number, tuple(re.findall(r"`([^`]+)`", rest))))
    return found


def glossary_variants(path: Path) -> dict[str, str]:
    """{forbidden variant: canonical term} from the Korean glossary's one table."""
    variants = {}
    header_seen = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("| 개념 (English) | 표준 용어 | 쓰지 않는 표현 |"):
            header_seen = True
            continue
        if not header_seen or not line.startswith("|"):
            continue
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cols) < 3 or set(cols[0]) <= set("-: "):
            continue
        for v in re.split(r"[,，]", cols[2]):
            v = v.strip().strip("`").strip()
            if v and v not in {"—", "-"}:
                variants[v] = cols[1]
    if not header_seen:
        raise AssertionError(f"{path}: no table with header '| 개념 (English) | 표준 용어 | 쓰지 않는 표현 |'")
    return variants


def glossary_violations(path: Path, variants: dict[str, str]) -> list[str]:
    """Every place a Korean page uses a variant the glossary rules out."""
    if path.name == "glossary.md":
        return []
    problems = []
    pieces = korean_pieces(path)
    for loc, text in pieces:
        for variant, canonical in variants.items():
            if variant in text:
                problems.append(f"{loc}: uses '{variant}' — the glossary's term is '{canonical}'")
    return problems


# "단계" is kept for time steps (시간 단계); an optimiser update is "갱신". These patterns
# catch the ways 단계 slipped in for updates (issue 16), without touching time steps
# such as «100단계를 거슬러 올라가도» or «시간 단계 $t$».
UPDATE_STEP_PATTERNS = [
    (re.compile(r"(?<!시간 )단계 ?\d+(?![\d.,/]|개)"), "an update index («단계 9»): write «갱신 9»"),
    (re.compile(r"\d[\d,]* ?단계 ?(예산|평균|동안 학습|를 학습|을 학습)"),
     "a training budget in 단계 («600단계 예산»): count updates («600번 갱신»)"),
    (re.compile(r"(예산|학습|갱신) ?\(\d[\d,]* ?단계"), "a training budget in 단계: count updates"),
    (re.compile(r"(학습|경사 하강법|최적화|옵티마이저) ?단계"), "«학습 단계»: an update is «갱신»"),
    (re.compile(r"(걸린|작동한|클리핑된) 단계"), "«걸린 단계»: count updates («걸린 갱신 횟수»)"),
    (re.compile(r"\d[\d,]* ?단계째"), "«600단계째»: write «600번째 갱신»"),
    (re.compile(r"(^|\n) *단계 {2,}"), "a table column «단계» of updates: write «갱신»"),
    (re.compile(r"\d 단계"), "a space between a number and 단계: write «100단계»"),
]


def update_step_problems(text: str) -> list[str]:
    """Each place in ``text`` where 단계 is used for an optimiser update, or spaced after a number."""
    found = []
    for rx, why in UPDATE_STEP_PATTERNS:
        for m in rx.finditer(text):
            found.append(f"{text[max(0, m.start() - 15):m.end() + 10].strip()!r}: {why}")
    return found


def korean_pieces(path: Path) -> list[tuple[str, str]]:
    """(where, text) of what a Korean reader sees in a notebook or Markdown page: Markdown,
    the comments and string literals of code cells, stored outputs, and figures' alt texts."""
    if path.suffix != ".ipynb":
        return [(rel(path), path.read_text(encoding="utf-8"))]
    pieces = []
    for i, cell in enumerate(load(path)["cells"]):
        src = book.source(cell)
        if cell["cell_type"] == "code":
            strings = re.findall(r"#.*|\"[^\"\n]*\"|'[^'\n]*'", src)
            src = "\n".join(strings + [output_text(o) for o in cell.get("outputs", [])])
        alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")
        if alt:
            src += "\n" + alt
        pieces.append((where(path, i), src))
    return pieces


def update_step_violations(path: Path) -> list[str]:
    """Every place a Korean page uses 단계 for an optimiser update (see UPDATE_STEP_PATTERNS)."""
    if path.name == "glossary.md":
        return []
    return [f"{loc}: {p}" for loc, text in korean_pieces(path) for p in update_step_problems(text)]


HANGUL = re.compile(r"[가-힣]")


def korean_literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string constant with Hangul in a Python file (f-string parts included)."""
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and HANGUL.search(node.value):
            found.append((node.lineno, node.value))
    return found


def message_violations(path: Path, variants: dict[str, str]) -> list[str]:
    """Glossary variants and 단계-for-update slips in the Korean strings of a Python file
    (checker messages, library errors)."""
    problems = []
    for line, text in korean_literals(path):
        loc = f"{rel(path)} line {line}"
        problems += [f"{loc}: uses '{v}' — the glossary's term is '{c}'" for v, c in variants.items() if v in text]
        problems += [f"{loc}: {p}" for p in update_step_problems(text)]
    return problems


# An English sentence: three or more English words in a row, one space apart. A word is two or
# more letters, not all capitals (RNN, MSE, GRU are names), not glued to code (torch.nn,
# numpy_ref, reset_after=True, float64 do not count).
_WORD = r"(?<![\w.=/`'\"-])[A-Za-z][a-z]+(?![\w.(=/`'\"-])"
ENGLISH_SENTENCE = re.compile(rf"{_WORD}(?:,? {_WORD}){{2,}}")
# Output that is code or a third-party message, not the book's own words.
CODE_LISTING_CALLS = ("show_source", "inspect.getsource(", "inspect.getdoc(", "inspect.signature(")
THIRD_PARTY_ENGLISH = (  # torch's own error messages, shown on purpose
    "mat1 and mat2 shapes cannot be multiplied",
    "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You "
    "can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
    "sidestep this requirement if you do not need ONNX exportability.",
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed)",
)


def english_sentences(text: str) -> list[str]:
    """The English sentences (see ENGLISH_SENTENCE) in ``text``, known third-party ones aside."""
    for allowed in THIRD_PARTY_ENGLISH:  # also when wrapped over several lines
        text = re.sub(r"\s+".join(map(re.escape, allowed.split())), "", text)
    return [m.group(0) for m in ENGLISH_SENTENCE.finditer(text)]


ENGLISH_TEXT_TAG = "english-text"


def english_in_outputs(path: Path) -> list[str]:
    """Every stored output of a Korean notebook that contains an English sentence; cells that
    print source code or docstrings (``inspect.getsource``) are listings, not prose, and cells
    tagged ``english-text`` show English text on purpose (samples of a model of English)."""
    problems = []
    for i, cell in enumerate(load(path)["cells"]):
        if cell["cell_type"] != "code" or any(c in book.source(cell) for c in CODE_LISTING_CALLS):
            continue
        if ENGLISH_TEXT_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        for out in cell.get("outputs", []):
            for s in english_sentences(output_text(out)):
                problems.append(f"{where(path, i)}: English in a Korean output: {s!r}")
    return problems
