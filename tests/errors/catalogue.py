"""The error catalogue's table format: one misuse, the dualnet error it must raise, and what the message must say."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import dualnet as dn

X = np.random.default_rng(0).standard_normal((4, 3)).astype("float32")
IMAGES = np.random.default_rng(1).standard_normal((2, 5, 5, 3)).astype("float32")
SEQUENCES = np.random.default_rng(2).standard_normal((2, 4, 3)).astype("float32")


@dataclass(frozen=True)
class Case:
    """``call()`` misuses the API; it must raise ``error`` with each of ``says`` in the message.

    ``says`` holds the where (argument, layer path or file) and the how-to-fix
    words; ``wrapped`` asks that the framework's own error be kept as ``__cause__``.
    """

    id: str
    call: Callable[[], Any]
    error: type[dn.DualnetError]
    says: tuple[str, ...]
    wrapped: bool = False


def cases(*table: Case) -> list[Any]:
    """The table as pytest params named by each case's id (ids must be unique)."""
    ids = [case.id for case in table]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    return [pytest.param(case, id=case.id) for case in table]


def check(case: Case) -> None:
    """Run the case and check the class, the message and the cause."""
    with pytest.raises(case.error) as caught:
        case.call()
    error = caught.value
    assert isinstance(error, dn.DualnetError)
    text = str(error)
    missing = [part for part in case.says if part not in text]
    assert not missing, f"message lacks {missing}: {text}"
    if case.wrapped:
        assert error.__cause__ is not None, f"the framework error was not kept as __cause__: {text}"


def tensor(array: Any) -> Any:
    """``array`` as a tensor of the active backend."""
    return dn.ops.convert_to_tensor(array)


def built(module: dn.nn.Module, *inputs: Any) -> dn.nn.Module:
    """``module`` after one call on ``inputs`` (lazily sized weights built)."""
    module(*inputs)
    return module


def mlp(sizes: Sequence[int] = (4, 2)) -> dn.nn.Module:
    """A built ``Sequential`` of Dense layers on :data:`X`'s 3 features."""
    return built(dn.nn.Sequential([dn.nn.Dense(size) for size in sizes]), X)
