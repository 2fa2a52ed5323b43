"""An allocation budget for building a model from a file: sizes in an untrusted config cannot exhaust memory.

:func:`dualnet.load` builds the model its config describes, then loads the
file's weights into it, which succeeds only if every weight has a tensor of the
same shape in the file. So a model whose weights hold more elements than the
file's tensors can never load, and building it is refused before its arrays
are allocated: ``Module.add_weight`` calls :func:`charge` with each weight's
shape, and inside :func:`allocation_budget` the running total may not pass the
budget. Buffers (``Module.add_buffer``, BatchNorm's moving statistics) are
charged the same way, before their arrays exist.

The file's weights do not bound the work of the example call that builds lazy
layers: a 4x4 input through ``Conv2DTranspose(strides=8192)`` or a ``"same"``
``MaxPool2D(pool_size=2**15)`` makes gigabyte arrays from a few weights. So,
inside the budget, each layer's first call is charged too (:func:`charge_work`,
from ``Module._first_call`` with the layer's own estimate ``Module._work``),
before it builds or runs: its largest array may hold at most
:data:`ARRAY_FLOOR` elements, or :data:`ARRAY_PER_INPUT` times the example
input's, whichever is larger (never more than :data:`ARRAY_CAP`), plus the
file's elements; and its work (multiply-adds and cells visited) at most
:data:`WORK_FLOOR` plus :data:`WORK_PER_WEIGHT` per element of the file.
Outside a budget neither check runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from dualnet.errors import ArgumentError

__all__: list[str] = []


ARRAY_FLOOR = 2**24  # elements (64 MiB of float32) any layer of a loaded model may make in its first call
ARRAY_PER_INPUT = 32  # ... or this many times the example input's elements (a 3 -> 64 channel conv is 21x)
ARRAY_CAP = 2**27  # ... never more (512 MiB of float32), plus the file's own elements
WORK_FLOOR = 2**34  # multiply-adds / cells of one layer's first call: about ten seconds on one CPU core
WORK_PER_WEIGHT = 2**10  # ... plus this per element of the file's tensors (a weight used at 1024 positions)


@dataclass
class _Budget:
    left: int
    total: int
    source: str
    location: str = ""
    array_limit: int = 0
    work_limit: int = 0


_current: ContextVar[_Budget | None] = ContextVar("dualnet_allocation_budget", default=None)


@contextmanager
def allocation_budget(elements: int, source: str, example_elements: int = 0, file_elements: int = 0) -> Iterator[None]:
    """Within this block, weights and buffers made by a ``Module`` may hold at most ``elements`` in all.

    ``source`` names what is being built (``"saved model 'm.safetensors'"``) in the error.
    ``example_elements`` (the example input's size) and ``file_elements`` (the
    file's tensors') set the limits of :func:`charge_work`.
    """
    array_limit = min(max(ARRAY_FLOOR, ARRAY_PER_INPUT * example_elements), ARRAY_CAP) + file_elements
    work_limit = WORK_FLOOR + WORK_PER_WEIGHT * file_elements
    token = _current.set(_Budget(elements, elements, source, array_limit=array_limit, work_limit=work_limit))
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


def active() -> bool:
    """Whether a budget applies here (so estimating a layer's work is worth its cost)."""
    return _current.get() is not None


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


def charge_work(largest: int, work: int, where: str) -> None:
    """Check a layer's first call (at ``where``) against the budget's limits, before it builds or runs.

    ``largest`` is the element count of the largest array it will make (a padded
    input, the output, attention scores), ``work`` its multiply-adds and cells
    visited. Raises ArgumentError beyond either limit; a no-op outside a budget.
    """
    budget = _current.get()
    if budget is None:
        return
    for amount, limit, what in (
        (largest, budget.array_limit, "elements in one array"),
        (work, budget.work_limit, "operations"),
    ):
        if amount > limit:
            raise ArgumentError(
                f"{budget.source}, {budget.location or 'config'} ({where}): this layer's first call on the saved "
                f"input signature needs {amount} {what}, beyond the limit of {limit} for a file of this size "
                "(a stride, pool size, dilation or head count far beyond its input); the file is damaged or "
                "hostile: save the model again with dn.save"
            )
