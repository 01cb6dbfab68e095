"""Sentences of the checkers' messages, rendered in every language from :mod:`._messages`.

A sentence is a catalogue code with arguments; arguments that depend on the language
(gate names, activations, joined lists, gate orders) render themselves.
"""

from __future__ import annotations

import re
from typing import Mapping

import numpy as np

from . import _messages as M

_GATE_LETTERS = {"rnn": "h", "lstm": "ifgo", "gru": "rzn"}


class _Msg:
    """One sentence: a catalogue code and its arguments, rendered in any language."""

    def __init__(self, code: str, /, **args):
        self.code, self.args = code, args

    def render(self, lang: str, extra: Mapping | None = None) -> str:
        template = (extra or {}).get(lang, {}).get(self.code) or M.MESSAGES[lang][self.code]
        return template.format(**{k: _loc(v, lang, extra) for k, v in self.args.items()})


class _Gate:
    """A gate's (or the hidden state's) name in the glossary's words."""

    def __init__(self, cell: str, letter: str):
        self.cell, self.letter = cell, letter

    def render(self, lang: str, extra=None) -> str:
        return M.GATES[lang][self.cell][self.letter]


class _Act:
    """An activation's name; ``obj`` adds the Korean object particle."""

    def __init__(self, name: str, obj: bool = False):
        self.name, self.obj = name, obj

    def render(self, lang: str, extra=None) -> str:
        return (M.ACTIVATIONS_OBJ if self.obj else M.ACTIVATIONS)[lang][self.name]


class _Cell:
    def __init__(self, cell: str):
        self.cell = cell

    def render(self, lang: str, extra=None) -> str:
        return M.CELL_NAMES[lang][self.cell]


class _Join:
    """Items joined with "and" (or a separator); each item rendered in the language."""

    def __init__(self, items, sep: str = "and"):
        self.items, self.sep = list(items), sep

    def render(self, lang: str, extra=None) -> str:
        parts = [_loc(item, lang, extra) for item in self.items]
        if self.sep != "and":
            return M.WORDS[lang][self.sep].join(parts)
        if len(parts) <= 1:
            return "".join(parts)
        return ", ".join(parts[:-1]) + M.WORDS[lang]["and"] + parts[-1]


class _Swaps:
    """A wrong gate order, described as swapped pairs or as rows used for another gate."""

    def __init__(self, cell: str, perm: tuple):
        self.cell, self.perm = cell, perm

    def render(self, lang: str, extra=None) -> str:
        letters = _GATE_LETTERS[self.cell]
        phrases, seen = [], set()
        for start in range(len(self.perm)):
            if start in seen or self.perm[start] == start:
                continue
            cycle, k = [], start
            while k not in seen:
                seen.add(k)
                cycle.append(k)
                k = self.perm[k]
            if len(cycle) == 2:
                a, b = cycle
                phrases.append(_Msg("gate_order.swap", a=_Gate(self.cell, letters[a]),
                                    b=_Gate(self.cell, letters[b])))
            else:
                phrases += [_Msg("gate_order.move", src=_Gate(self.cell, letters[self.perm[r]]),
                                 dst=_Gate(self.cell, letters[r])) for r in cycle]
        return _Join(phrases, sep="sep").render(lang, extra)


def _loc(value, lang: str, extra=None) -> str:
    if hasattr(value, "render"):
        return value.render(lang, extra)
    return str(value)


def _type_name(value) -> str:
    kind = type(value)
    if kind.__module__ == "builtins":
        return kind.__qualname__
    return f"{kind.__module__.split('.')[0]}.{kind.__qualname__}"


def _describe(value) -> str:
    """A short, language-neutral description of a returned value."""
    if isinstance(value, np.ndarray):
        return f"ndarray, shape={value.shape}"
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__}, len={len(value)}"
    return _type_name(value)


def _clean(text: str, limit: int = 160) -> str:
    """First line of an exception message, without memory addresses, shortened."""
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", str(text)).strip().splitlines()
    text = text[0] if text else ""
    return text if len(text) <= limit else text[:limit - 1] + "…"


class _Word:
    def __init__(self, key: str):
        self.key = key

    def render(self, lang: str, extra=None) -> str:
        return M.WORDS[lang][self.key]
