"""The book's notebook conventions (DESIGN.md), checked on the files as they are.

Each failure message names the file and the cell. The last tests break a copy
of a real notebook on purpose and check that the checks notice.
"""

import copy
import json
import re

import pytest

import book
import nbcheck

KO, EN = book.notebooks("ko"), book.notebooks("en")
ALL = KO + EN
GLOSSARY_KO = book.ROOT / "chapters" / "ko" / "glossary.md"
GLOSSARY_EN = book.ROOT / "chapters" / "en" / "glossary.md"


def _ids(paths):
    return [f"{p.parent.name}/{p.name}" for p in paths]


def test_there_are_chapters():
    assert KO and EN, "no notebooks under chapters/ko and chapters/en"


def test_every_notebook_has_a_twin():
    ko, en = {p.name for p in KO}, {p.name for p in EN}
    missing = [f"chapters/en/{n}" for n in sorted(ko - en)] + [f"chapters/ko/{n}" for n in sorted(en - ko)]
    assert not missing, "missing twin: " + ", ".join(missing)


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_hygiene(path):
    problems = nbcheck.hygiene(path)
    assert not problems, "\n".join(problems)


PAIRS = [(k, book.ROOT / "chapters" / "en" / k.name) for k in KO if (book.ROOT / "chapters" / "en" / k.name).exists()]


@pytest.mark.parametrize("ko,en", PAIRS, ids=[p[0].name for p in PAIRS])
def test_twins_have_the_same_code_and_headings(ko, en):
    problems = nbcheck.twins(ko, en)
    assert not problems, "\n".join(problems)


def test_toc_lists_every_page_in_both_languages_in_the_same_order():
    toc = (book.ROOT / "_toc.yml").read_text(encoding="utf-8")
    files = re.findall(r"file:\s*(\S+)", toc)
    ko = [f.split("/", 2)[2] for f in files if f.startswith("chapters/ko/")]
    en = [f.split("/", 2)[2] for f in files if f.startswith("chapters/en/")]
    assert ko == en, f"toc order differs: ko {ko} vs en {en}"
    on_disk = sorted(p.stem for p in KO)
    assert sorted(n for n in ko if not n.startswith("glossary")) == on_disk, "a notebook is missing from _toc.yml"


def test_glossaries_list_the_same_concepts():
    ko_rows = [l for l in GLOSSARY_KO.read_text(encoding="utf-8").splitlines() if l.startswith("| ")]
    en_rows = [l for l in GLOSSARY_EN.read_text(encoding="utf-8").splitlines() if l.startswith("| ")]
    assert len(ko_rows) == len(en_rows), f"{len(ko_rows)} rows in ko glossary, {len(en_rows)} in en"
    assert len(ko_rows) > 20


KO_PAGES = KO + [p for p in (book.ROOT / "chapters" / "ko").glob("*.md")]


@pytest.mark.parametrize("path", KO_PAGES, ids=_ids(KO_PAGES))
def test_korean_pages_use_the_glossary_terms(path):
    variants = nbcheck.glossary_variants(GLOSSARY_KO)
    assert len(variants) >= 15, "the glossary lists too few variants to enforce"
    problems = nbcheck.glossary_violations(path, variants)
    assert not problems, "\n".join(problems)


def test_no_canonical_term_contains_a_forbidden_variant():
    variants = nbcheck.glossary_variants(GLOSSARY_KO)
    clashes = [(v, c) for v, c in variants.items() for c2 in set(variants.values()) if v in c2]
    assert not clashes, f"forbidden variants inside canonical terms: {clashes}"


def test_bootstrap_installs_from_the_configured_repository():
    url = book.repository_url()
    assert url.startswith("https://github.com/")
    assert f"git+{url}@main" in book.bootstrap_source()
    config = (book.ROOT / "_config.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+branch:\s*main\s*$", config, re.M), "_config.yml repository.branch must be main"
    for path in ALL:
        first = book.code_cells(nbcheck.load(path))[0][1]
        assert f"git+{url}@main" in book.source(first), f"{path.name}: bootstrap installs from elsewhere"


@pytest.fixture
def sample(tmp_path):
    """A copy of a real Korean/English pair in a temporary chapters/ tree."""
    if not KO:
        pytest.skip("no notebooks yet")
    src_ko = KO[0]
    src_en = book.ROOT / "chapters" / "en" / src_ko.name
    (tmp_path / "ko").mkdir()
    (tmp_path / "en").mkdir()
    ko, en = tmp_path / "ko" / src_ko.name, tmp_path / "en" / src_ko.name
    ko.write_text(src_ko.read_text(encoding="utf-8"), encoding="utf-8")
    en.write_text(src_en.read_text(encoding="utf-8"), encoding="utf-8")
    return ko, en


def _edit(path, fn):
    nb = json.loads(path.read_text(encoding="utf-8"))
    fn(nb)
    path.write_text(json.dumps(nb), encoding="utf-8")


def _last_code(nb):
    return book.code_cells(nb)[-1]


def test_clean_copy_passes(sample):
    ko, en = sample
    assert nbcheck.hygiene(ko) == [] and nbcheck.twins(ko, en) == []


def test_detects_unexecuted_cell(sample):
    ko, _ = sample
    _edit(ko, lambda nb: _last_code(nb)[1].update(execution_count=None))
    i = _last_code(nbcheck.load(ko))[0]
    assert any(f"cell {i}: not executed" in p and ko.name in p for p in nbcheck.hygiene(ko))


def test_detects_stderr(sample):
    ko, _ = sample
    out = {"output_type": "stream", "name": "stderr", "text": "UserWarning: Glyph 54616 missing\n"}
    _edit(ko, lambda nb: _last_code(nb)[1]["outputs"].append(out))
    i = _last_code(nbcheck.load(ko))[0]
    assert any(f"cell {i}: stderr" in p for p in nbcheck.hygiene(ko))


def test_detects_volatile_output(sample):
    ko, _ = sample
    out = {"output_type": "stream", "name": "stdout", "text": "<object at 0x7f3a2b1c9d00>\n"}
    _edit(ko, lambda nb: _last_code(nb)[1]["outputs"].append(out))
    assert any("memory address" in p for p in nbcheck.hygiene(ko))


def test_detects_code_mismatch_between_twins(sample):
    ko, en = sample

    def change(nb):
        cell = _last_code(nb)[1]
        cell["source"] = book.source(cell) + "\nextra = 1 + 1"

    _edit(en, change)
    problems = nbcheck.twins(ko, en)
    i = _last_code(nbcheck.load(en))[0]
    assert any(f"cell {i}" in p and "code differs" in p for p in problems), problems


def test_comments_and_strings_may_differ_between_twins(sample):
    ko, en = sample

    def translate(nb):
        cell = _last_code(nb)[1]
        cell["source"] = "# 한국어 주석\n" + book.source(cell) + '\nlabel = "다른 글"'

    def english(nb):
        cell = _last_code(nb)[1]
        cell["source"] = book.source(cell) + '\nlabel = "other words"  # a comment'

    _edit(ko, translate)
    _edit(en, english)
    assert nbcheck.twins(ko, en) == []


def test_detects_glossary_variant(sample):
    ko, _ = sample
    variants = nbcheck.glossary_variants(GLOSSARY_KO)
    bad = next(iter(variants))
    _edit(ko, lambda nb: nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": f"이 {bad}는 틀린 표현이다."}))
    problems = nbcheck.glossary_violations(ko, variants)
    assert any(bad in p and ko.name in p and "cell" in p for p in problems)


def test_detects_missing_setup_and_bootstrap(sample):
    ko, _ = sample

    def drop(nb):
        for i, _c in book.code_cells(nb)[:2][::-1]:
            del nb["cells"][i]

    _edit(ko, drop)
    problems = nbcheck.hygiene(ko)
    assert any("bootstrap" in p for p in problems) and any("rnnbook.setup" in p for p in problems)


def test_detects_a_solution_whose_check_does_not_pass(sample):
    ko, _ = sample
    bank = [p for p in KO if any(book.source(c).startswith(nbcheck.SOLUTION_TITLES["ko"]) for _, c in book.code_cells(nbcheck.load(p)))]
    if not bank:
        pytest.skip("no chapter with exercises yet")
    ko.write_text(bank[0].read_text(encoding="utf-8"), encoding="utf-8")
    assert nbcheck.hygiene(ko) == []

    def fail_last_check(nb):
        cell = next(c for _, c in reversed(book.code_cells(nb)) if "exercises.check(" in book.source(c))
        for out in cell["outputs"]:
            if "data" in out:
                out["data"]["text/plain"] = "❌ broken"

    _edit(ko, fail_last_check)
    assert any("should store ✅" in p for p in nbcheck.hygiene(ko))


def test_every_chapter_after_00_has_labelled_exercises():
    for path in KO[1:]:
        labels = nbcheck.exercise_labels(nbcheck.load(path))
        assert labels and all(ids for _, ids in labels), f"{path.name}: exercises without an id: {labels}"


def test_detects_exercise_label_mismatch(sample):
    ko, en = sample
    bank = [p for p in KO if nbcheck.exercise_labels(nbcheck.load(p))]
    if not bank:
        pytest.skip("no chapter with exercises yet")
    ko.write_text(bank[0].read_text(encoding="utf-8"), encoding="utf-8")
    en.write_text((book.ROOT / "chapters" / "en" / bank[0].name).read_text(encoding="utf-8"), encoding="utf-8")
    assert nbcheck.twins(ko, en) == []

    def renumber(nb):
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown" and "### Exercise" in book.source(cell):
                cell["source"] = book.source(cell).replace("### Exercise ", "### Exercise 9", 1)
                return

    _edit(en, renumber)
    assert any("exercises differ" in p for p in nbcheck.twins(ko, en))


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_metadata_lists_every_graded_check_for_the_grader(path):
    """The grader reports a listed exercise whose check cell was deleted as "not run"; that
    only works if the list is complete, so every check call must name its id literally."""
    import ast

    import nbformat

    from rnnbook.grade import check_calls, exercise_ids

    nb = nbformat.read(str(path), as_version=4)
    listed = nb.metadata.get("rnnbook", {}).get("exercises")
    assert listed == exercise_ids(nb), (
        f"{path.name}: metadata.rnnbook.exercises is {listed}; run `python tools/book.py bootstrap`")
    for i, node in check_calls(nb):
        assert node.args and isinstance(node.args[0], ast.Constant), (
            f"{path.name} cell {i}: check() with a computed exercise id; write the id literally")


# Issue 16: one word per concept in everything a Korean reader sees, not only in the prose.
MESSAGE_FILES = sorted((book.ROOT / "src" / "rnnbook").rglob("*.py"))


@pytest.mark.parametrize("path", KO_PAGES, ids=_ids(KO_PAGES))
def test_korean_pages_keep_dangye_for_time_steps(path):
    """단계 is a time step (시간 단계); an optimiser update is 갱신 (glossary row "update")."""
    problems = nbcheck.update_step_violations(path)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", KO, ids=_ids(KO))
def test_korean_outputs_contain_no_english_sentence(path):
    problems = nbcheck.english_in_outputs(path)
    assert not problems, "\n".join(problems)


def test_korean_messages_use_the_glossary_terms():
    """Checker messages (rnnbook.exercises, exercise_bank) and library errors in Korean."""
    variants = nbcheck.glossary_variants(GLOSSARY_KO)
    scanned = sum(len(nbcheck.korean_literals(f)) for f in MESSAGE_FILES)
    assert scanned > 150, f"only {scanned} Korean strings found under src/rnnbook"
    problems = [p for f in MESSAGE_FILES for p in nbcheck.message_violations(f, variants)]
    assert not problems, "\n".join(problems)


UPDATE_SLIPS = ["이 학습 예산(600단계)에서", "단계 9까지는 학습이 잘 된다.", "마지막 20단계 평균 손실",
                "걸린 단계 수", "400단계 예산", "600단계째에", "x축: 학습 단계", "단계           w       손실",
                "논문의 \"1000 단계\"", "600단계를 학습해도"]
TIME_STEPS = ["100단계를 거슬러 올라가도", "99단계 내내", "시간 단계 $t$", "길이 $T = 50$단계", "$k$단계에 걸친",
              "한 단계 거슬러", "단계당 배율", "20단계짜리 시퀀스", "노름이 0인 시간 단계 31/101",
              "나머지 단계 0.90", "시간 단계 31개", "표시된 단계에서"]


def test_detects_dangye_used_for_updates():
    missed = [s for s in UPDATE_SLIPS if not nbcheck.update_step_problems(s)]
    wrongly = [s for s in TIME_STEPS if nbcheck.update_step_problems(s)]
    assert not missed and not wrongly, f"missed {missed}; time steps flagged {wrongly}"


def test_detects_dangye_slip_in_a_notebook(sample):
    ko, _ = sample
    assert nbcheck.update_step_violations(ko) == []
    _edit(ko, lambda nb: nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "단계 9까지는 학습이 잘 된다."}))
    problems = nbcheck.update_step_violations(ko)
    assert any(ko.name in p and "«갱신 9»" in p for p in problems), problems


def test_detects_english_sentence_in_a_korean_output(sample):
    ko, _ = sample
    assert nbcheck.english_in_outputs(ko) == []
    english = {"output_type": "stream", "name": "stdout", "text": "NotConvertibleError: these are different models\n"}
    allowed = {"output_type": "stream", "name": "stdout",
               "text": "torch.nn float32 (B = 32), RNN LSTM GRU, reset_after=True, dtype calls_total\n"}
    _edit(ko, lambda nb: _last_code(nb)[1]["outputs"].extend([english, allowed]))
    problems = nbcheck.english_in_outputs(ko)
    assert len(problems) == 1 and "these are different models" in problems[0], problems


def test_detects_glossary_variant_in_a_korean_output(sample):
    ko, _ = sample
    variants = nbcheck.glossary_variants(GLOSSARY_KO)
    out = {"output_type": "stream", "name": "stdout", "text": "RNN  H = 57:  순환 층 파라미터 3,477개\n"}
    _edit(ko, lambda nb: _last_code(nb)[1]["outputs"].append(out))
    assert any("순환 층" in p for p in nbcheck.glossary_violations(ko, variants))


def test_detects_glossary_variant_in_a_message(tmp_path):
    variants = nbcheck.glossary_variants(GLOSSARY_KO)
    module = tmp_path / "messages.py"
    module.write_text('MESSAGES = {"en": {"a": "use a matmul"},\n'
                      '            "ko": {"a": "행렬곱을 쓰세요", "b": f"{1}단계 안에 x", "c": "맞습니다"}}\n',
                      encoding="utf-8")
    problems = nbcheck.message_violations(module, variants)
    assert any("line 2" in p and "'행렬곱'" in p for p in problems), problems
    assert len(problems) == 1, problems
