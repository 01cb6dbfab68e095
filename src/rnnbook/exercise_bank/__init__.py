"""Chapter-specific exercises, one module per chapter (``ch02``, ``ch03``, …).

Each module registers its ids with :func:`rnnbook.exercises.register` when it is
imported; :func:`load_all` imports every module here, so that
``rnnbook.exercises.check(id, fn)`` finds any chapter's id without the
notebook importing anything extra.
"""

from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    """Import every chapter module of this package (each registers its exercises)."""
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
