"""An allocation budget for building a model from a file: sizes in an untrusted config cannot exhaust memory.

:func:`dualnet.load` builds the model its config describes, then loads the
file's weights into it, which succeeds only if every weight has a tensor of the
same shape in the file. So a model whose weights hold more elements than the
file's tensors can never load, and building it is refused before its arrays
are allocated: ``Module.add_weight`` calls :func:`charge` with each weight's
shape, and inside :func:`allocation_budget` the running total may not pass the
budget. Outside it, :func:`charge` does nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from dualnet.errors import ArgumentError

__all__: list[str] = []


@dataclass
class _Budget:
    left: int
    total: int
    source: str
    location: str = ""


_current: ContextVar[_Budget | None] = ContextVar("dualnet_allocation_budget", default=None)


@contextmanager
def allocation_budget(elements: int, source: str) -> Iterator[None]:
    """Within this block, weights created by ``Module.add_weight`` may hold at most ``elements`` in all.

    ``source`` names what is being built (``"saved model 'm.safetensors'"``) in the error.
    """
    token = _current.set(_Budget(elements, elements, source))
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def located(where: str) -> Iterator[None]:
    """Name ``where`` (a place in the config, ``"config.layers[3]"``) in budget errors raised within."""
    budget = _current.get()
    if budget is None:
        yield
        return
    outer, budget.location = budget.location, where
    try:
        yield
    finally:
        budget.location = outer


def charge(shape: tuple[int, ...], where: str) -> None:
    """Count a weight of ``shape`` (at layer path ``where``) against the active budget, before it is allocated.

    Raises ArgumentError when the budget is exceeded; a no-op when no budget is active.
    """
    budget = _current.get()
    if budget is None:
        return
    size = math.prod(max(int(s), 0) for s in shape)
    budget.left -= size
    if budget.left < 0:
        raise ArgumentError(
            f"{budget.source}, {budget.location or 'config'} ({where}): the config asks for a weight of shape "
            f"{shape} ({size} elements), "
            f"beyond the budget of {budget.total} elements that the file's tensors allow; the config does not match "
            "its weights (the file is damaged or hostile): save the model again with dn.save"
        )
