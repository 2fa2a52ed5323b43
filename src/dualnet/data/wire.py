"""NumPy structures as bytes, without pickle: a JSON header (tree, dtypes, shapes) and raw array buffers.

What crosses between the loader and its worker processes is a *frame*:
``struct("<QQ")`` (header length, payload length), the UTF-8 JSON header, then
the payload. Array buffers travel in the payload when they are small, and in one
``multiprocessing.shared_memory`` segment (named in the header) when their total
reaches :data:`SHM_THRESHOLD` bytes, so large batches are written once by the
worker and read once by the main process instead of being copied through a pipe.

The header's tree has one node per value: ``{"a": i}`` array ``i``, ``{"s": ...}``
a string, ``{"i"|"f"|"b": ...}`` a Python number, ``{"n": 0}`` None, ``{"t"|"l": [...]}``
a tuple/list, ``{"d": [[key, node], ...]}`` a dict (str or int keys), ``{"fn": "module:qualname"}``
an importable function and ``{"ds": ["module:qualname", kwargs-node]}`` a dataset
rebuilt by its class (see :mod:`dualnet.data.portable`). Nothing else is accepted: arbitrary
objects cannot cross, which is the point.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Callable
from multiprocessing import shared_memory
from typing import Any

import numpy as np

from dualnet.errors import DataError

__all__: list[str] = []

SHM_THRESHOLD = 1 << 16  # bytes of array data from which a frame's arrays go through shared memory
_ALIGN = 64
_FRAME = struct.Struct("<QQ")
# Fixed-size kinds whose raw buffer is the whole value: bool, ints, floats, complex, bytes, unicode.
_RAW_KINDS = frozenset("biufcSU")

Encoder = Callable[[Any, str], dict[str, Any] | None]


class Encoded:
    """A structure split into a JSON-able tree and its arrays (contiguous, in tree order)."""

    def __init__(self, tree: Any, arrays: list[np.ndarray]) -> None:
        self.tree, self.arrays = tree, arrays


def encode(
    value: Any, where: str = "batch", extra: Encoder | None = None, arrays: list[np.ndarray] | None = None
) -> Encoded:
    """Split ``value`` into a tree and arrays; ``extra(obj, path)`` may encode other objects (or return None).

    ``arrays`` (when given) is the list the arrays are appended to, so that nested encodings share one numbering.

    Raises:
        DataError: a value that is not a NumPy structure (naming its path and type), or an object array.
    """
    arrays = [] if arrays is None else arrays

    def visit(obj: Any, path: str) -> Any:
        if obj is None:
            return {"n": 0}
        if isinstance(obj, bool | np.bool_):
            return {"b": bool(obj)}
        if isinstance(obj, str):
            return {"s": obj}
        if isinstance(obj, int) and not isinstance(obj, np.integer):
            return {"i": obj}
        if isinstance(obj, float) and not isinstance(obj, np.floating):
            return {"f": obj}
        if isinstance(obj, np.ndarray | np.generic):
            array = np.asarray(obj)
            if array.dtype.kind not in _RAW_KINDS:
                raise DataError(
                    f"{where}: {path} is an array of dtype {array.dtype}, which has no raw buffer to send; "
                    "give items as numbers, strings or arrays of numbers/fixed-width strings"
                )
            arrays.append(np.ascontiguousarray(array))
            return {"a": len(arrays) - 1}
        if isinstance(obj, tuple | list):
            return {"t" if isinstance(obj, tuple) else "l": [visit(v, f"{path}[{i}]") for i, v in enumerate(obj)]}
        if isinstance(obj, dict):
            pairs = []
            for key, v in obj.items():
                if not isinstance(key, str | int) or isinstance(key, bool):
                    raise DataError(f"{where}: {path} has a dict key {key!r}; use str or int keys")
                pairs.append([key, visit(v, f"{path}[{key!r}]")])
            return {"d": pairs}
        node = extra(obj, path) if extra is not None else None
        if node is None:
            raise DataError(
                f"{where}: {path} is a {type(obj).__module__}.{type(obj).__qualname__}, not a NumPy structure; "
                "items and batches must be arrays, numbers, strings, None, or tuples/lists/dicts of them"
            )
        return node

    return Encoded(visit(value, "item"), arrays)


def decode(tree: Any, arrays: list[np.ndarray], extra: Callable[[dict[str, Any]], Any] | None = None) -> Any:
    """The structure of :func:`encode`; ``extra(node)`` rebuilds the nodes ``encode``'s ``extra`` made."""

    def visit(node: dict[str, Any]) -> Any:
        if "a" in node:
            return arrays[node["a"]]
        for kind, value in node.items():
            if kind == "n":
                return None
            if kind in ("s", "i", "f", "b"):
                return value
            if kind == "t":
                return tuple(visit(v) for v in value)
            if kind == "l":
                return [visit(v) for v in value]
            if kind == "d":
                return {key: visit(v) for key, v in value}
        if extra is None:
            raise DataError(f"a frame holds an unknown node {sorted(node)}; the worker and loader versions differ")
        return extra(node)

    return visit(tree)


def _layout(arrays: list[np.ndarray]) -> tuple[list[dict[str, Any]], int]:
    metas, offset = [], 0
    for array in arrays:
        metas.append({"dtype": array.dtype.str, "shape": list(array.shape), "offset": offset})
        offset += -(-array.nbytes // _ALIGN) * _ALIGN
    return metas, offset


def pack(kind: str, info: dict[str, Any], encoded: Encoded | None, shm_name: str | None) -> bytes:
    """A frame: ``info`` plus ``encoded``'s tree; its arrays inline, or in a new segment ``shm_name``.

    The segment (when made) is left for the reader to unlink; the writer closes its own mapping.
    """
    header: dict[str, Any] = {"kind": kind, **info}
    payload = b""
    if encoded is not None:
        metas, size = _layout(encoded.arrays)
        header["tree"], header["arrays"] = encoded.tree, metas
        if size >= SHM_THRESHOLD and shm_name is not None:
            segment = shared_memory.SharedMemory(name=shm_name, create=True, size=size)
            try:
                for array, meta in zip(encoded.arrays, metas):
                    view = np.ndarray(array.shape, array.dtype, buffer=segment.buf, offset=meta["offset"])
                    view[...] = array
                    del view
            finally:
                segment.close()
            header["shm"] = shm_name
        else:
            buffer = bytearray(size)
            for array, meta in zip(encoded.arrays, metas):
                buffer[meta["offset"] : meta["offset"] + array.nbytes] = array.tobytes()
            payload = bytes(buffer)
    text = json.dumps(header).encode()
    return _FRAME.pack(len(text), len(payload)) + text + payload


def unpack_arrays(header: dict[str, Any], payload: bytes) -> list[np.ndarray]:
    """The arrays of a frame, as fresh NumPy arrays (a shared-memory segment is copied out and unlinked)."""
    metas = header.get("arrays", [])
    name = header.get("shm")
    if name is None:
        return [_view(payload, meta).copy() for meta in metas]
    segment = shared_memory.SharedMemory(name=name)
    try:
        return [_view(segment.buf, meta).copy() for meta in metas]
    finally:
        segment.close()
        segment.unlink()


def _view(buffer: Any, meta: dict[str, Any]) -> np.ndarray:
    return np.ndarray(tuple(meta["shape"]), np.dtype(meta["dtype"]), buffer=buffer, offset=meta["offset"])


def write_frame(fd: int, frame: bytes) -> None:
    """Write all of ``frame`` to the pipe ``fd``."""
    view = memoryview(frame)
    while view:
        view = view[os.write(fd, view) :]


def read_exact(fd: int, size: int) -> bytes:
    """``size`` bytes from ``fd``; EOFError when the other end closed first."""
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the pipe closed mid-frame")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int) -> tuple[dict[str, Any], bytes]:
    """``(header, payload)`` of the next frame on ``fd``."""
    header_len, payload_len = _FRAME.unpack(read_exact(fd, _FRAME.size))
    header = json.loads(read_exact(fd, header_len))
    return header, read_exact(fd, payload_len)


def attach_arrays(header: dict[str, Any], payload: bytes) -> tuple[list[np.ndarray], Any]:
    """The arrays of a frame as views (no copy), and the segment keeping them alive (None when inline).

    The segment is not unlinked: its creator does that (the dataset spec lives as long as the pool).
    """
    metas = header.get("arrays", [])
    name = header.get("shm")
    if name is None:
        return [_view(payload, meta) for meta in metas], None
    segment = shared_memory.SharedMemory(name=name)
    return [_view(segment.buf, meta) for meta in metas], segment


def read_frame_bytes(frame: bytes) -> tuple[dict[str, Any], bytes]:
    """``(header, payload)`` of a frame held in memory (the inverse of :func:`pack`)."""
    header_len, payload_len = _FRAME.unpack(frame[: _FRAME.size])
    start = _FRAME.size + header_len
    return json.loads(frame[_FRAME.size : start]), frame[start : start + payload_len]
