"""What the grader and the sandboxed child say to each other, and how it is read safely.

Messages are frames: an 8-byte big-endian length, then the bytes. The grader sends the
child pickles (the grader is trusted; the child unpickles them). The child answers with
plain data only, and the grader never unpickles anything from it: a reply is one frame of
UTF-8 JSON followed by one frame per array in NumPy's ``.npy`` format, read back with
``np.load(..., allow_pickle=False)``. :func:`decode` turns it into base ``np.ndarray``
objects of a numeric dtype, Python numbers, strings, lists, tuples, dicts and sets;
anything else becomes an :class:`Opaque` placeholder that only carries its type's name,
so the checker can say "your function returned torch.Tensor" without ever holding one.

Limits: one reply is at most :data:`MAX_REPLY` bytes and nests at most :data:`MAX_DEPTH`
levels; a reply that breaks them, or that is not well formed, is a :class:`ProtocolError`
(the grader treats the child as crashed).
"""

from __future__ import annotations

import io
import json
import os
import select
import struct
import time

import numpy as np

MAX_REPLY = 64 << 20
MAX_DEPTH = 32
_HEADER = struct.Struct(">Q")
_NUMERIC = "biufc"


class ProtocolError(Exception):
    """A reply from the child that is malformed, too large or too deep."""


class ChildTimeout(Exception):
    """No reply from the child before the deadline."""


class ChildEOF(Exception):
    """The child closed its end (it exited or was killed)."""


# --- frames ---------------------------------------------------------------------------

def write_frame(fd: int, data: bytes) -> None:
    """Write one frame to the file descriptor ``fd``."""
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes:
    chunks, left = [], n
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise ChildTimeout()
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise ChildEOF()
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, deadline: float | None = None, limit: int = MAX_REPLY) -> bytes:
    """Read one frame from ``fd``; :class:`ProtocolError` if it announces more than ``limit``."""
    (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
    if size > limit:
        raise ProtocolError(f"a reply of {size} bytes (limit {limit})")
    return _read_exact(fd, size, deadline)


def read_reply(fd: int, deadline: float | None = None):
    """Read one reply (JSON frame + array frames) and :func:`decode` it."""
    head = read_frame(fd, deadline)
    try:
        tree = json.loads(head.decode("utf-8"))
        count = tree["arrays"]
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        raise ProtocolError(f"unreadable reply header ({type(exc).__name__})") from None
    if not isinstance(count, int) or count < 0 or count > 100_000:
        raise ProtocolError("bad array count")
    used = len(head)
    blobs = []
    for _ in range(count):
        blob = read_frame(fd, deadline, MAX_REPLY - used)
        used += len(blob)
        blobs.append(blob)
    return decode(tree.get("body"), blobs)


# --- the child's side: plain data out -----------------------------------------------

def encode(value) -> tuple:
    """(JSON-able tree, list of .npy blobs) for ``value``; unknown types become a type name."""
    blobs: list = []
    return _enc(value, blobs, 0), blobs


def _type_label(value) -> str:
    kind = type(value)
    module = getattr(kind, "__module__", "") or ""
    return kind.__qualname__ if module == "builtins" else f"{module.split('.')[0]}.{kind.__qualname__}"


def _enc(v, blobs: list, depth: int):
    if depth > MAX_DEPTH:
        return {"t": "other", "type": "(nested too deeply)"}
    kind = type(v)
    if v is None or kind in (bool, str):
        return v
    if kind is int:
        return {"t": "int", "v": str(v)} if abs(v) > 2 ** 53 else v
    if kind is float:
        return {"t": "float", "v": repr(v)}
    if isinstance(v, np.ndarray):
        data = io.BytesIO()
        np.save(data, np.asarray(v).view(np.ndarray), allow_pickle=False)
        blobs.append(data.getvalue())
        return {"t": "nd", "i": len(blobs) - 1}
    if isinstance(v, np.generic) and v.dtype.kind in _NUMERIC:
        return {"t": "np", "dtype": v.dtype.str, "v": repr(v.item())}
    if kind in (list, tuple, set, frozenset):
        items = sorted(v, key=repr) if kind in (set, frozenset) else v
        return {"t": kind.__name__, "v": [_enc(x, blobs, depth + 1) for x in items]}
    if kind is dict:
        return {"t": "dict", "v": [[_enc(k, blobs, depth + 1), _enc(x, blobs, depth + 1)]
                                   for k, x in v.items()]}
    return {"t": "other", "type": _type_label(v)}


# --- the grader's side: strict decoding ----------------------------------------------

class Opaque:
    """Stands for a returned object of a type the protocol does not carry."""

    __slots__ = ()


_OPAQUE: dict = {}


def _opaque(label: str) -> Opaque:
    """An instance whose type prints as the learner's type (``torch.Tensor``, ``MyClass``)."""
    label = str(label)[:100]
    if label not in _OPAQUE:
        module, _, name = label.rpartition(".")
        cls = type(name or "object", (Opaque,), {"__slots__": ()})
        cls.__module__ = module or "builtins"
        cls.__qualname__ = name or "object"
        _OPAQUE[label] = cls
    return _OPAQUE[label]()


def decode(tree, blobs: list, depth: int = 0):
    """The value a reply describes, built only from plain types (see the module docstring)."""
    if depth > MAX_DEPTH + 1:
        raise ProtocolError("reply nested too deeply")
    if tree is None or type(tree) in (bool, str, int):
        return tree
    if type(tree) is float:
        return tree
    if type(tree) is not dict:
        raise ProtocolError(f"unexpected {type(tree).__name__} in a reply")
    t = tree.get("t")
    try:
        if t == "int":
            return int(tree["v"])
        if t == "float":
            return float(tree["v"])
        if t == "nd":
            return _array(blobs[int(tree["i"])])
        if t == "np":
            dtype = np.dtype(str(tree["dtype"]))
            if dtype.kind not in _NUMERIC or dtype.names or dtype.subdtype:
                return _opaque(f"numpy.{dtype}")
            return np.array(complex(tree["v"]) if dtype.kind == "c" else float(tree["v"])
                            if dtype.kind == "f" else int(tree["v"]) if dtype.kind in "iu"
                            else tree["v"] == "True", dtype=dtype)[()]
        if t in ("list", "tuple", "set", "frozenset"):
            items = [decode(x, blobs, depth + 1) for x in tree["v"]]
            return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[t](items)
        if t == "dict":
            return {decode(k, blobs, depth + 1): decode(x, blobs, depth + 1)
                    for k, x in tree["v"]}
        if t == "other":
            return _opaque(tree.get("type", "object"))
    except ProtocolError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, OverflowError) as exc:
        raise ProtocolError(f"malformed {t!r} item ({type(exc).__name__})") from None
    raise ProtocolError(f"unknown item type {t!r}")


def _array(blob: bytes) -> np.ndarray:
    fmt = np.lib.format
    try:  # check the header first: a shape larger than the data must not be allocated
        head = io.BytesIO(blob)
        version = fmt.read_magic(head)
        read_header = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
        shape, _, dtype = read_header(head)
        size = int(np.prod(shape, dtype=object)) * dtype.itemsize
    except Exception as exc:
        raise ProtocolError(f"unreadable array header ({type(exc).__name__})") from None
    if dtype.hasobject or size > len(blob):
        raise ProtocolError("an array header that does not match its data")
    try:
        arr = np.load(io.BytesIO(blob), allow_pickle=False)
    except Exception as exc:  # object arrays need pickle: refused here
        raise ProtocolError(f"unreadable array ({type(exc).__name__})") from None
    if type(arr) is not np.ndarray:
        raise ProtocolError("not a plain array")
    if arr.dtype.kind not in _NUMERIC or arr.dtype.names or arr.dtype.subdtype:
        return _opaque(f"numpy.ndarray[{arr.dtype}]")
    return np.array(arr, copy=True)  # an own, writeable, aligned base ndarray
