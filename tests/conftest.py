"""Shared test set-up: the repository root and the maintainer tools on sys.path."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

# The numerics are pinned by the repository's root conftest.py (book.pin_numerics).


def require_or_skip(reason: str) -> None:
    """Skip locally when a tool is missing; fail where RNNBOOK_REQUIRE_ALL=1 (the README's
    test command and CI set it), so a CI run can never pass by skipping."""
    if os.environ.get("RNNBOOK_REQUIRE_ALL") == "1":
        pytest.fail(f"required in this run but unavailable: {reason}")
    pytest.skip(reason)

# Notebooks under tests/fixtures are inputs of the grader tests, not book chapters.
collect_ignore_glob = ["fixtures/*"]


@pytest.fixture(autouse=True)
def _restore_language():
    """A test that calls rnnbook.setup(lang="ko") must not switch later tests' error
    messages to Korean (they are chosen by rnnbook.current_lang())."""
    import rnnbook

    before = rnnbook._state["lang"]
    yield
    rnnbook._state["lang"] = before
