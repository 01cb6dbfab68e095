"""Loaded by pytest for every test path under the repository, the chapters included.

Before any kernel starts, the floating-point code paths are pinned to the ones that stored the
notebooks' outputs (tools/book.py REPRODUCIBLE_ENV), and test kernels report figure text that
would be too small in the book (KERNEL_CHECKS): ``pytest chapters/en/03_lstm.ipynb --nbval``
alone gets the same environment as the README's test command.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))

import book  # noqa: E402

book.pin_numerics()
