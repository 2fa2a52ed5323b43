"""The types the backend contract is written in.

Native tensors and variables are ``Any`` to mypy: torch and tensorflow are not
followed by the type checker here (``follow_imports = "skip"``), so a precise
alias would be a promise nothing checks. The aliases still say, in every
signature, what kind of value a parameter takes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol, TypeAlias

Tensor: TypeAlias = Any
"""A native tensor: ``torch.Tensor`` or ``tf.Tensor``."""

Variable: TypeAlias = Any
"""A native variable: ``torch.nn.Parameter`` (or a buffer tensor) or ``tf.Variable``."""

ArrayLike: TypeAlias = Any
"""Anything ``convert_to_tensor`` takes: a tensor, a variable, a NumPy array, a Python number or nested list."""

DTypeName: TypeAlias = str
"""A standardized dtype name: ``"float32"``, ``"bfloat16"``, ``"int64"``, ``"bool"`` ..."""

DeviceName: TypeAlias = str
"""A neutral device name: ``"cpu"``, ``"cuda:0"`` ..."""

Shape: TypeAlias = tuple[int, ...]
"""A concrete shape."""

ShapeLike: TypeAlias = int | Sequence[int]
"""A shape as a caller may give it: one int or a sequence of ints (``-1`` where reshape infers a size)."""

StaticShape: TypeAlias = tuple[Any, ...]
"""A shape as far as it is known: an int per axis, None for a size known only at run time (tensorflow, tracing).

The entries are ``Any`` rather than ``int | None``: code that builds weights or
buffers reads sizes that are known by then (a variable's, a layer input's last
axis), and would otherwise need a cast at every such read.
"""

Axes: TypeAlias = int | Sequence[int] | None
"""One axis, several, or None for every axis; negative counts from the end."""


class Model(Protocol):
    """What export and native views need from a dualnet model (a built ``dn.nn.Module``)."""

    def __call__(self, *inputs: Any) -> Any:
        """The model's output on ``inputs``."""

    def named_parameters(self) -> list[tuple[str, Variable]]:
        """``(dotted path, variable)`` for every parameter, in the model's order."""

    def named_buffers(self) -> list[tuple[str, Variable]]:
        """``(dotted path, variable)`` for every buffer (running statistics)."""


class NativeBatches(Protocol):
    """A native loader's batches placed on the current device (``native_batches``)."""

    def __iter__(self) -> Iterator[Any]:
        """One pass over the batches (nested tuples/lists/dicts of tensors)."""

    def __len__(self) -> int:
        """The number of batches per pass; TypeError when the loader does not know it."""

    def set_epoch(self, epoch: int) -> None:
        """Tell the loader which epoch starts (samplers that reshuffle by epoch)."""


class NativeAdapter(Protocol):
    """What a dualnet ``Wrapped`` module needs from a native module (``native_adapter``)."""

    def is_built(self) -> bool:
        """False while the native module still has to create its variables from a first input."""

    def build(self, *inputs: Any) -> None:
        """Create the native module's variables from the first inputs."""

    def named_parameters(self) -> list[tuple[str, Variable, bool]]:
        """``(native dotted name, variable, trainable)`` in the native module's order."""

    def named_buffers(self) -> list[tuple[str, Variable]]:
        """``(native dotted name, buffer)``."""

    def call(self, training: bool, *inputs: Any, **kwargs: Any) -> Any:
        """The native module's output on ``inputs`` in ``training`` mode."""
