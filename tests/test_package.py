"""The package's frame: import cost, set-up, plot style and the Hangul font."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

import rnnbook
from rnnbook import plots


def test_import_rnnbook_does_not_import_torch():
    code = "import sys, rnnbook, rnnbook.numpy_ref, rnnbook.data, rnnbook.gradcheck; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stdout + out.stderr


def test_setup_makes_global_random_state_repeatable():
    rnnbook.setup(lang="en", seed=3)
    a = np.random.rand(3)
    rnnbook.setup(lang="en", seed=3)
    b = np.random.rand(3)
    assert np.array_equal(a, b)


def test_setup_sets_language_and_rejects_unknown():
    rnnbook.setup(lang="ko")
    assert rnnbook.current_lang() == "ko"
    with pytest.raises(ValueError, match="lang must be one of"):
        rnnbook.setup(lang="fr")
    with pytest.raises(ValueError, match="threads"):
        rnnbook.setup(lang="en", threads=0)
    assert rnnbook.current_lang() == "ko", "a rejected setup() call must change nothing"
    rnnbook.setup(lang="en")
    assert rnnbook.current_lang() == "en"


def test_setup_fixes_torch_threads_and_seed():
    torch = pytest.importorskip("torch")
    rnnbook.setup(lang="en", seed=1, threads=1)
    assert torch.get_num_threads() == 1
    a = torch.rand(2)
    rnnbook.setup(lang="en", seed=1)
    assert torch.equal(a, torch.rand(2))


def test_korean_figure_text_has_no_missing_glyphs(caplog):
    if plots.find_hangul_font() is None:
        from conftest import require_or_skip

        require_or_skip("no Hangul font installed (Debian package fonts-nanum)")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rnnbook.setup(lang="ko")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, ax = plt.subplots()
        ax.plot([-1, 0, 1], [1, -1, 0.5], label="은닉 상태 $h_t$")
        ax.set_title("기울기 소실 − 시간 단계")
        ax.set_xlabel("시간 단계", fontweight="bold")
        ax.legend()
        ax.set_yscale("log")  # tick labels such as 10^-5 go through mathtext
        ax.plot([1, 2], [1e-5, 1e-3])
        fig.canvas.draw()
        plt.close(fig)
    # matplotlib reports a missing font face through logging ("findfont: ..."), not warnings.
    assert not [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")], caplog.text


def test_missing_hangul_font_warns_clearly(monkeypatch):
    monkeypatch.setattr(plots, "find_hangul_font", lambda: None)
    with pytest.warns(UserWarning, match="fonts-nanum"):
        plots.use_book_style("ko")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plots.use_book_style("en")


def test_numerics_are_pinned_to_the_avx2_code_paths():
    """nbval's stored outputs are reproducible only on the code paths that stored them
    (tools/book.py REPRODUCIBLE_ENV); a kernel started from here inherits this environment.
    On a CPU without AVX2 torch reports a lower capability and this test says why the
    notebooks' last digits cannot match there."""
    import os
    import subprocess
    import sys

    import book

    assert {k: os.environ.get(k) for k in book.REPRODUCIBLE_ENV} == book.REPRODUCIBLE_ENV
    code = "import torch; print(torch.backends.cpu.get_cpu_capability())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "AVX2", (
        f"torch runs its {out.stdout.strip()} kernels, not AVX2: on this CPU the notebooks' "
        "stored outputs (made on the AVX2 code paths) cannot be reproduced digit for digit")
