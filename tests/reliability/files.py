"""Files for the reliability tests: checkpoints with edited metadata, tensors of other dtypes, FIFOs."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import save_file

import dualnet as dn
from dualnet.io.header import read_header

META_KEY = "dualnet.checkpoint"
DROP = object()  # a field value meaning "remove this field"
X = np.random.default_rng(5).standard_normal((4, 3)).astype("float32")


def model() -> dn.nn.Module:
    """A built ``Dense(2)`` on 3 features, seeded: the smallest model with weights."""
    dn.seed(0)
    return dn.nn.Sequential([dn.nn.Dense(2, in_features=3)])


def checkpoint(path: Path) -> Path:
    """A real checkpoint of :func:`model` with an SGD optimizer at ``path``."""
    net = model()
    dn.save_checkpoint(path, model=net, optimizer=dn.optim.SGD(net.parameters(), lr=0.1))
    return path


def crafted(folder: Path, changes: dict[str, Any] | None = None, text: Callable[[str], str] | None = None) -> Path:
    """A real checkpoint whose metadata has ``changes`` applied (``DROP`` removes a field), then ``text`` (raw JSON).

    The tensors stay valid: only the metadata is wrong, as in a file someone edited.
    """
    source = checkpoint(folder / "real.safetensors")
    meta = json.loads(read_header(source).metadata[META_KEY])
    for field, value in (changes or {}).items():
        if value is DROP:
            meta.pop(field, None)
        else:
            meta[field] = value
    raw = json.dumps(meta)
    if text is not None:
        raw = text(raw)
    out = folder / "crafted.safetensors"
    save_file(dn.io.load_state(source), str(out), metadata={"format": "dualnet", META_KEY: raw})
    return out


def retyped(path: Path, dtype: str, values: Callable[[np.ndarray], np.ndarray] | None = None) -> Path:
    """Rewrite the weights file at ``path`` with every tensor as ``dtype`` (its values through ``values`` first)."""
    header = read_header(path)
    state = {name: (values(a) if values else a).astype(dtype) for name, a in dn.io.load_state(path).items()}
    save_file(state, str(path), metadata=header.metadata)
    return path


@contextmanager
def fifo(path: Path) -> Iterator[Path]:
    """A FIFO at ``path`` that a reader never waits on.

    A writer thread holds the other end open as soon as a reader appears, so code that
    wrongly opens the FIFO reads an empty file and fails, instead of blocking the test
    forever; at the end, the writer is released by opening the read end here.
    """
    os.mkfifo(path)
    writer = threading.Thread(target=lambda: os.close(os.open(path, os.O_WRONLY)), daemon=True)
    writer.start()
    try:
        yield path
    finally:
        reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # lets a still-waiting writer through
        writer.join()
        os.close(reader)
