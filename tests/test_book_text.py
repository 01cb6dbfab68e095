"""The prose snapshot of chapter 07: the snapshot command on a small fixture tree, the
loader and the train/validation split (disjoint, deterministic, whole paragraphs)."""

import json

import pytest

import book
from rnnbook import data


def _notebook(*markdown_cells, code="print('code is dropped')"):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": m} for m in markdown_cells]
    cells.insert(1, {"cell_type": "code", "metadata": {}, "source": code, "outputs": [],
                     "execution_count": None})
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


MARKDOWN = """# 01. A title

A paragraph with $h_t = \\tanh(a_t)$ inline,
a [link with `code`](https://example.org) and **bold `x`** and *italic* text.

$$
a_t = W x_t \\tag{1.1}
$$

```python
dropped = True
```

- first item
- second item with `a * b`

| Term | Meaning |
|---|---|
| RNN | a $T$-step net |

<div class="x">html</div> stays as text
"""

EXPECTED_PAGE = [
    "01. A title",
    "A paragraph with $ inline, a link with code and bold x and italic text.",
    "first item",
    "second item with a * b",
    "Term | Meaning",
    "RNN | a $-step net",
    "html stays as text",
]


@pytest.fixture
def tree(tmp_path):
    for lang in ("ko", "en"):
        folder = tmp_path / "chapters" / lang
        folder.mkdir(parents=True)
        for page in book.SNAPSHOT_PAGES:
            if page.endswith(".md"):
                (folder / page).write_text(f"# Glossary {lang}\n\n| a | b |\n|---|---|\n| c | d |\n",
                                           encoding="utf-8")
            else:
                (folder / page).write_text(_notebook(MARKDOWN, f"Last paragraph of {page}."),
                                           encoding="utf-8")
    return tmp_path


def test_markdown_rules_on_a_fixture():
    assert book.markdown_paragraphs(MARKDOWN) == EXPECTED_PAGE


def test_snapshot_command_on_a_fixture_tree(tree):
    out = tree / "out"
    out.mkdir()
    written = book.write_snapshots(tree, out)
    assert [p.name for p in written] == ["book_text_ko.txt", "book_text_en.txt"]
    lines = (out / "book_text_en.txt").read_text(encoding="utf-8").splitlines()
    expected = []
    for page in book.SNAPSHOT_PAGES:
        expected.append(f"=== {page} ===")
        expected += (["Glossary en", "a | b", "c | d"] if page.endswith(".md")
                     else EXPECTED_PAGE + [f"Last paragraph of {page}."])
    assert lines == expected
    assert book.write_snapshots(tree, out) and (out / "book_text_en.txt").read_text(
        encoding="utf-8").splitlines() == expected  # rewriting gives the same bytes


def test_snapshot_command_names_a_missing_page(tree):
    (tree / "chapters" / "ko" / "03_lstm.ipynb").unlink()
    with pytest.raises(SystemExit, match="03_lstm.ipynb does not exist"):
        book.write_snapshots(tree, tree)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_shipped_snapshot_has_every_page_and_no_markup(lang):
    pages = data.book_pages(lang)
    assert [p for p, _ in pages] == list(book.SNAPSHOT_PAGES)
    text = data.book_text(lang)
    assert all(paragraphs for _, paragraphs in pages)
    assert "```" not in text and "$$" not in text and "](" not in text and "**" not in text
    assert text.count("\n") == sum(len(ps) for _, ps in pages)
    assert data.book_text(lang) == text  # the same on every call


def test_loader_rejects_an_unknown_language():
    with pytest.raises(ValueError, match="lang must be one of"):
        data.book_pages("fr")


@pytest.mark.parametrize("lengths, fraction, expected", [
    ([10] * 10, 0.1, (5, 6)),          # 100 chars: block starts at char 45 → paragraph 5 (char 50)
    ([10] * 10, 0.2, (4, 6)),          # starts at char 40 = paragraph 4, needs 20 chars
    ([50, 10, 10, 30], 0.25, (1, 4)),  # starts at char 37.5 → paragraph 1; 10+10+30 ≥ 25
    ([100], 0.1, (1, 1)),              # one paragraph: nothing can go to validation
])
def test_validation_block_by_hand(lengths, fraction, expected):
    assert data.validation_block(lengths, fraction) == expected


@pytest.mark.parametrize("bad", [0.0, 1.0, 1, -0.1, "0.1"])
def test_validation_block_rejects_bad_fraction(bad):
    with pytest.raises(ValueError, match="fraction must be a float in"):
        data.validation_block([1, 2, 3], bad)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_split_is_disjoint_whole_paragraphs_and_deterministic(lang):
    split = data.book_split(lang)
    assert split == data.book_split(lang)
    train, valid = split.train.splitlines(), split.valid.splitlines()
    every = [p for _, ps in data.book_pages(lang) for p in ps]
    # every paragraph lands on exactly one side, in its original order on that side
    assert sorted(train + valid) == sorted(every)
    assert [p for p in every if p in set(valid)] != []
    n_valid = sum(len(p) + 1 for p in valid)
    assert 0.08 < n_valid / (n_valid + sum(len(p) + 1 for p in train)) < 0.15
    # each page gives validation one contiguous block
    for _, ps in data.book_pages(lang):
        start, stop = data.validation_block([len(p) + 1 for p in ps], 0.1)
        assert 0 < start < stop < len(ps)
        assert "".join(p + "\n" for p in ps[start:stop]) in split.valid
    # no validation text is found in the training text, except short repeated headings
    repeated = [p for p in valid if p in split.train]
    assert sum(len(p) for p in repeated) < 0.01 * n_valid and all(len(p) < 60 for p in repeated)
