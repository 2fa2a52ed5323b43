"""TensorBoard event files in pure Python: no TensorFlow, no tensorboard, no protobuf library.

An event file is a sequence of TFRecords, each::

    uint64 length (little-endian) | uint32 masked_crc32c(length bytes) | data | uint32 masked_crc32c(data)

where ``data`` is one serialized ``tensorflow.Event`` protobuf. The first event
carries ``file_version = "brain.Event:2"``; the others a ``Summary`` of scalar
values. The fields used (from ``tensorflow/core/util/event.proto`` and
``tensorflow/core/framework/summary.proto``)::

    Event:         wall_time = 1 (double), step = 2 (int64), file_version = 3 (string), summary = 5 (Summary)
    Summary:       value = 1 (repeated Summary.Value)
    Summary.Value: tag = 1 (string), simple_value = 2 (float)

TensorBoard shows ``simple_value`` scalars in its Scalars tab (it migrates them
to the scalars plugin when loading), as it does for files Keras writes.
"""

from __future__ import annotations

import itertools
import os
import socket
import struct
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

__all__: list[str] = []

_CRC32C_POLY = 0x82F63B78  # Castagnoli, bit-reversed


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _CRC32C_POLY if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_TABLE = _crc_table()


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli) of ``data``, as TFRecord uses; ``crc32c(b"123456789") == 0xE3069283``."""
    crc = 0xFFFFFFFF
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """TFRecord's masked CRC: rotate right by 15 bits and add a constant (so CRCs of CRCs stay useful)."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def tfrecord(data: bytes) -> bytes:
    """``data`` framed as one TFRecord."""
    length = struct.pack("<Q", len(data))
    return length + struct.pack("<I", masked_crc32c(length)) + data + struct.pack("<I", masked_crc32c(data))


# --- protobuf wire format: just the field kinds events need ------------------------------------


def _varint(value: int) -> bytes:
    value &= 0xFFFFFFFFFFFFFFFF  # int64 as protobuf encodes it: negative numbers take ten bytes
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _key(field: int, wire_type: int) -> bytes:
    return _varint((field << 3) | wire_type)


def _length_delimited(field: int, payload: bytes) -> bytes:
    return _key(field, 2) + _varint(len(payload)) + payload


def scalar_value(tag: str, value: float) -> bytes:
    """One ``Summary.Value`` with ``tag`` and ``simple_value`` (float32)."""
    return _length_delimited(1, tag.encode()) + _key(2, 5) + struct.pack("<f", value)


def event(wall_time: float, step: int = 0, *, file_version: str | None = None, values: Sequence[bytes] = ()) -> bytes:
    """One serialized ``Event``; ``values`` are ``Summary.Value`` messages (:func:`scalar_value`) for its summary."""
    out = _key(1, 1) + struct.pack("<d", wall_time)
    if step:
        out += _key(2, 0) + _varint(step)
    if file_version is not None:
        out += _length_delimited(3, file_version.encode())
    if values:
        out += _length_delimited(5, b"".join(_length_delimited(1, value) for value in values))
    return out


_counter = itertools.count()


class EventFileWriter:
    """Appends scalar events to a new ``events.out.tfevents.*`` file in ``log_dir``.

    The file is created on the first write (``log_dir`` too). Writes are buffered
    until :meth:`flush` or :meth:`close`. Names follow TensorFlow's
    ``events.out.tfevents.<time>.<host>.<pid>.<n>.v2``, unique within a process.
    """

    def __init__(self, log_dir: str | os.PathLike[str]) -> None:
        self.log_dir = Path(log_dir)
        self.path: Path | None = None
        self._file: IO[bytes] | None = None

    def _open(self) -> IO[bytes]:
        if self._file is None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            stamp = f"{int(time.time()):010d}.{socket.gethostname()}.{os.getpid()}.{next(_counter)}"
            self.path = self.log_dir / f"events.out.tfevents.{stamp}.v2"
            self._file = self.path.open("wb")
            self._file.write(tfrecord(event(time.time(), file_version="brain.Event:2")))
        return self._file

    def add_scalars(self, scalars: Mapping[str, float], step: int, wall_time: float | None = None) -> None:
        """Write one event holding every ``tag: value`` of ``scalars`` at ``step``."""
        if not scalars:
            return
        values = [scalar_value(tag, float(value)) for tag, value in scalars.items()]
        record = tfrecord(event(time.time() if wall_time is None else wall_time, step, values=values))
        self._open().write(record)

    def add_scalar(self, tag: str, value: float, step: int, wall_time: float | None = None) -> None:
        """Write one scalar ``value`` under ``tag`` at ``step``."""
        self.add_scalars({tag: value}, step, wall_time)

    def flush(self) -> None:
        """Push buffered events to the file, so a running TensorBoard sees them."""
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        """Flush and close; a later write starts a new file."""
        if self._file is not None:
            self._file.close()
        self._file = None
