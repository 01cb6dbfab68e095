"""rnnbook: the one implementation behind the RNN / LSTM / GRU book.

Submodules (import them explicitly; ``import rnnbook`` never imports torch):

- ``rnnbook.numpy_ref``   NumPy reference cells, sequence forward, manual BPTT
- ``rnnbook.torch_ref``   PyTorch modules written from the equations (needs torch)
- ``rnnbook.conventions`` weight-layout converters (PyTorch, Keras, cs231n, textbook GRU)
- ``rnnbook.gradcheck``   central-difference gradients, relative error
- ``rnnbook.data``        synthetic tasks and the small real data shipped with the package
- ``rnnbook.hangul``      Hangul syllables ↔ jamo (the Unicode Hangul Syllables block)
- ``rnnbook.lm``          character-level language model, baselines, sampling (needs torch)
- ``rnnbook.seq2seq``     a small encoder–decoder for a toy task (needs torch)
- ``rnnbook.plots``       plotting helpers and the Hangul font set-up
- ``rnnbook.exercises``   self-checking exercises; ``rnnbook.grade`` grades notebooks
- ``rnnbook.display``     :func:`show_source`: library code shown highlighted in a chapter

Every chapter starts with :func:`setup`, which fixes everything that would make a
re-run print something different (seeds, thread count, print precision, plot style).
"""

from __future__ import annotations

import random

__version__ = "0.1.0"

from .display import show_source  # noqa: E402  (no heavy imports: pygments is loaded on display)

LANGUAGES = ("ko", "en")
_state = {"lang": "en"}


def current_lang() -> str:
    """The language chosen by the last :func:`setup` call ("en" before any call).

    Explained in chapters/<lang>/00_how_to_use.
    """
    return _state["lang"]


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is one of :data:`LANGUAGES`, else raise ``ValueError``.

    Explained in chapters/<lang>/00_how_to_use.
    """
    if lang not in LANGUAGES:
        from ._validate import say

        raise ValueError(say(f"lang must be one of {LANGUAGES}, got {lang!r}",
                             f"lang은 {LANGUAGES} 가운데 하나여야 합니다. 받은 값: {lang!r}"))
    return lang


def setup(lang: str = "en", seed: int = 0, threads: int = 1, precision: int = 4) -> None:
    """Make a notebook deterministic and set its language.

    - ``lang``: "ko" or "en"; exercise messages, the package's errors and figure fonts follow it.
    - ``seed``: seeds Python's ``random``, NumPy's global generator and torch.
    - ``threads``: BLAS and torch thread count. Floating-point sums depend on how
      work is split between threads, so a fixed count keeps printed digits stable.
    - ``precision``: digits NumPy and torch print.

    Prints nothing. torch is configured only if it is installed.

    Explained in chapters/<lang>/00_how_to_use.
    """
    import numpy as np

    from ._validate import check_setup

    check_setup(lang, threads)
    _state["lang"] = lang
    random.seed(seed)
    np.random.seed(seed)
    np.set_printoptions(precision=precision, suppress=True)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a declared dependency
        pass
    else:
        threadpool_limits(threads)
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        torch.manual_seed(seed)
        torch.set_num_threads(threads)
        torch.set_printoptions(precision=precision, sci_mode=False)
    from . import plots

    plots.use_book_style(lang)
