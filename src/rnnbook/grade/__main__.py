"""``python -m rnnbook.grade``: see :mod:`rnnbook.grade.cli`."""

import sys

from .cli import main

sys.exit(main())
