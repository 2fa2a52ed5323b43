"""Safetensors headers, validated in full before any tensor byte is read or any array allocated.

A safetensors file is ``[8-byte little-endian header length N][N bytes of JSON][body]``.
The JSON maps tensor names to ``{"dtype", "shape", "data_offsets": [begin, end]}``
(offsets into the body) plus an optional ``"__metadata__"`` of string pairs.
Files come from disk, downloads and other people, so every claim in the header
is checked against the file's real size before it is trusted: the header
length, each dtype (from a fixed set), each shape (non-negative ints whose byte
size matches the offsets), and the offsets (in range, contiguous, no overlap,
covering the whole body). The JSON may hold no duplicate keys and no NaN. Any
defect is a :class:`~dualnet.errors.WeightsFileError` naming the file, the
tensor and the defect. Memory stays bounded: at most ``MAX_HEADER`` bytes are
read to parse the header, and nothing is allocated from a claimed shape.
"""

from __future__ import annotations

import json
import math
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dualnet.errors import WeightsFileError

__all__: list[str] = []

# Bytes per element of the dtypes dualnet reads (those of safetensors.numpy), and their NumPy types.
DTYPES: dict[str, str] = {
    "BOOL": "|b1",
    "U8": "|u1",
    "I8": "|i1",
    "U16": "<u2",
    "I16": "<i2",
    "F16": "<f2",
    "U32": "<u4",
    "I32": "<i4",
    "F32": "<f4",
    "U64": "<u8",
    "I64": "<i8",
    "F64": "<f8",
    "C64": "<c8",
}
# Parsing N bytes of JSON costs a small multiple of N; 16 MiB of header describes ~100k tensors.
MAX_HEADER = 16 * 2**20
MAX_RANK = 32
METADATA = "__metadata__"
FIX = "the file is truncated or corrupt, or not safetensors: use an intact copy (an earlier one, or save it again)"


@dataclass(frozen=True)
class Entry:
    """One tensor: its name, safetensors dtype, shape and byte range ``[begin, end)`` in the body."""

    name: str
    dtype: str
    shape: tuple[int, ...]
    begin: int
    end: int


@dataclass(frozen=True)
class Header:
    """A validated header: the tensors in body order, the string metadata and where the body starts."""

    entries: tuple[Entry, ...]
    metadata: dict[str, str]
    body_start: int


class _Defect(Exception):
    """What is wrong, in words; turned into a WeightsFileError naming the file."""


def read_header(path: str | os.PathLike[str], kind: str = "weights file") -> Header:
    """Read and validate only the header of the safetensors file at ``path``.

    ``kind`` names the file in messages ("weights file", "checkpoint", "saved model").
    Reads at most ``8 + MAX_HEADER`` bytes. WeightsFileError for any defect; the
    caller checks that the file exists.
    """
    return _read(Path(path), kind, body=False)[0]


def read_tensors(path: str | os.PathLike[str], kind: str = "weights file") -> tuple[Header, dict[str, np.ndarray]]:
    """The validated header and the tensors (name -> NumPy array, in body order) of the file at ``path``.

    The body is read only after the header passed, and only as many bytes as the
    file has: memory is the file's size, whatever the header claims.
    """
    return _read(Path(path), kind, body=True)


def _read(source: Path, kind: str, body: bool) -> tuple[Header, dict[str, np.ndarray]]:
    try:
        # Non-blocking: a FIFO put where the file was (after the caller's check) is refused below, not waited on.
        with os.fdopen(os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise WeightsFileError(
                    f"{kind} {str(source)!r} is not a regular file (a folder, pipe or device); pass the path of a file"
                )
            size = status.st_size
            length = _length(handle.read(8), size)
            header = _parse(handle.read(length), length, size)
            # A bytearray (sized by the real file, never by a claim) makes the arrays writable views.
            data = bytearray(size - header.body_start if body else 0)
            got = handle.readinto(data)
        if got != len(data):
            raise _Defect(f"truncated body: {got} of {len(data)} bytes could be read")
    except _Defect as exc:
        raise WeightsFileError(f"{kind} {str(source)!r}: {exc}; {FIX}") from None
    except OSError as exc:
        raise WeightsFileError(
            f"{kind} {str(source)!r} cannot be read: {exc.strerror or exc}; check that it is a readable file"
        ) from exc
    return header, _arrays(data, header) if body else {}


def _arrays(body: bytearray, header: Header) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for entry in header.entries:
        dtype = np.dtype(DTYPES[entry.dtype])
        count = (entry.end - entry.begin) // dtype.itemsize
        out[entry.name] = np.frombuffer(body, dtype=dtype, count=count, offset=entry.begin).reshape(entry.shape)
    return out


def _length(prefix: bytes, file_size: int) -> int:
    if len(prefix) < 8:
        raise _Defect(f"the file has {file_size} bytes, fewer than the 8-byte header length (truncated or empty)")
    length = int.from_bytes(prefix, "little")
    if length > file_size - 8:
        raise _Defect(f"corrupt header: its length field says {length} bytes but only {file_size - 8} follow")
    if length > MAX_HEADER:
        raise _Defect(f"corrupt header: its length field says {length} bytes, more than the limit of {MAX_HEADER}")
    return length


def _parse(raw: bytes, length: int, file_size: int) -> Header:
    if len(raw) != length:
        raise _Defect(f"truncated header: {len(raw)} of {length} bytes could be read")
    try:
        document = json.loads(raw.decode("utf-8"), object_pairs_hook=_unique, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _Defect(f"corrupt header: not valid JSON ({str(exc)[:200]})") from None
    if not isinstance(document, dict):
        raise _Defect(f"corrupt header: not a JSON object but a {type(document).__name__}")
    metadata = document.pop(METADATA, None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise _Defect(f"corrupt header: {METADATA!r} must map strings to strings, got {str(metadata)[:120]}")
    entries = sorted((_entry(name, spec) for name, spec in document.items()), key=lambda e: (e.begin, e.end))
    body = file_size - 8 - length
    position = 0
    for entry in entries:
        if entry.begin != position:
            what = "overlaps the previous tensor" if entry.begin < position else "leaves a gap before it"
            offsets = f"data_offsets [{entry.begin}, {entry.end}]"
            raise _Defect(f"tensor {entry.name!r}: {offsets} {what} (expected it to begin at {position})")
        position = entry.end
    if position != body:
        if position > body:
            raise _Defect(f"truncated body: the tensors need {position} bytes after the header, the file has {body}")
        raise _Defect(f"the body has {body} bytes but the tensors cover only {position} (trailing data)")
    return Header(tuple(entries), dict(metadata), 8 + length)


def _entry(name: str, spec: Any) -> Entry:
    where = f"tensor {name!r}"
    if not isinstance(spec, dict) or set(spec) != {"dtype", "shape", "data_offsets"}:
        keys = sorted(spec) if isinstance(spec, dict) else type(spec).__name__
        raise _Defect(f"{where}: expected the keys dtype, shape and data_offsets, got {str(keys)[:120]}")
    dtype, shape, offsets = spec["dtype"], spec["shape"], spec["data_offsets"]
    if not isinstance(dtype, str) or dtype not in DTYPES:
        raise _Defect(f"{where}: unknown dtype {str(dtype)[:40]!r} (known: {', '.join(DTYPES)})")
    if not isinstance(shape, list) or len(shape) > MAX_RANK or not all(_natural(s) for s in shape):
        raise _Defect(f"{where}: shape {str(shape)[:120]} is not a list of at most {MAX_RANK} non-negative ints")
    if not isinstance(offsets, list) or len(offsets) != 2 or not all(_natural(o) for o in offsets):
        raise _Defect(f"{where}: data_offsets {str(offsets)[:120]} is not [begin, end] with non-negative ints")
    begin, end = offsets
    if end < begin:
        raise _Defect(f"{where}: data_offsets [{begin}, {end}] end before they begin")
    # Python ints do not overflow: a 2**40 x 2**40 claim is simply compared, never allocated.
    nbytes = math.prod(shape) * np.dtype(DTYPES[dtype]).itemsize
    if nbytes != end - begin:
        raise _Defect(
            f"{where}: shape {shape} of {dtype} needs {nbytes} bytes but data_offsets [{begin}, {end}] "
            f"hold {end - begin}"
        )
    return Entry(name, dtype, tuple(shape), begin, end)


def _natural(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _Defect(f"corrupt header: the key {key[:80]!r} appears twice")
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise _Defect(f"corrupt header: {name} is not valid JSON")
