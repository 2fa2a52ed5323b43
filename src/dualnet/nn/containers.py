"""Containers: ``Sequential`` (a chain of layers) and ``Residual`` (a block plus a skip connection)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, overload

from dualnet.arguments import is_integer
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, ShapeError
from dualnet.nn.lambda_layer import Lambda
from dualnet.nn.module import Module

__all__ = ["Residual", "Sequential"]


class Sequential(Module):
    """Layers called one after the other: ``Sequential([a, b, c])(x) == c(b(a(x)))``.

    Takes an input of the shape its first layer takes and returns the output (and shape) of its last layer
    (with no layers, its input). Layers are registered under the names ``"0"``,
    ``"1"``... as in PyTorch's ``nn.Sequential``, so parameter paths read
    ``0.kernel``, ``encoder.2.bias``. ``seq[i]`` is a layer, ``seq[i:j]`` a new
    Sequential sharing those layers (and their weights); ``len``, iteration and
    :meth:`add` work as for a list; ``seq[i]`` with ``i`` out of range raises the builtin IndexError.

    A step may also be a plain function of one tensor (``dn.ops.relu``,
    ``lambda t: dn.ops.multiply(t, 2.0)``): it is held as a ``dn.nn.Lambda``,
    so, like a Lambda, a model holding one cannot be saved with ``dn.save``
    (the error says how to make the step saveable).

    Raises:
        ArgumentError: for a step that is neither a ``dn.nn.Module`` nor a function, or is a layer class rather
            than a layer (at construction or in :meth:`add`).
    """

    def __init__(self, layers: Iterable[Module | Callable[..., Any]] | None = None) -> None:
        super().__init__()
        if isinstance(layers, Module):
            raise ArgumentError(
                f"Sequential(layers={type(layers).__name__}(...)): layers must be a list of layers; "
                "pass Sequential([layer1, layer2, ...])"
            )
        self._length = 0
        for layer in layers or ():
            self.add(layer)

    def add(self, layer: Module | Callable[..., Any]) -> None:
        """Append ``layer`` (a module, or a function held as a ``dn.nn.Lambda``); it takes the last layer's output."""
        position = self._length
        if isinstance(layer, type):
            raise ArgumentError(
                f"{self._where()}: the layer at position {position} is the class {layer.__name__}, not a layer; "
                f"construct it: {layer.__name__}(...)"
            )
        if not isinstance(layer, Module):
            if not callable(layer):
                raise ArgumentError(
                    f"{self._where()}: the layer at position {position} is a {type(layer).__name__}, not a "
                    "dn.nn.Module; pass layers such as dn.nn.Dense(4), or functions such as dn.ops.relu"
                )
            layer = Lambda(layer)
        setattr(self, str(position), layer)
        self._length = position + 1
        if self._named_path() == "":
            # Already the outermost, materialised model: name the new layer and draw its weights from this model.
            self.materialize()

    def forward(self, x: Any) -> Any:
        if not self._length:
            return B.convert_to_tensor(x)  # the identity, with a native tensor out as from any layer
        for i in range(self._length):
            x = self.__dict__[str(i)](x)
        return x

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[Module]:
        return (self.__dict__[str(i)] for i in range(self._length))

    @overload
    def __getitem__(self, index: int) -> Module: ...

    @overload
    def __getitem__(self, index: slice) -> Sequential: ...

    def __getitem__(self, index: int | slice) -> Module | Sequential:
        if isinstance(index, slice):
            part = Sequential(list(self)[index])
            # The layers keep the names (in error messages) and the weight stream they have in this model.
            part._take_naming_from(self)
            return part
        if not is_integer(index):
            raise ArgumentError(
                f"{self._where()}: indices must be ints or slices, got {type(index).__name__}; e.g. seq[0], seq[1:]"
            )
        index = int(index)
        if not -self._length <= index < self._length:
            raise IndexError(f"{self._where()}: index {index} is out of range for {self._length} layers")
        return self.__dict__[str(index % self._length)]  # type: ignore[no-any-return]


class Residual(Module):
    """``forward(x) = block(x) + shortcut(x)``, the skip connection of a residual network.

    ``shortcut=None`` is the identity, so ``block`` must keep the shape of its
    input: ``(N, ..., C)`` -> ``(N, ..., C)``. When the block changes the shape,
    give a projection shortcut that makes the same change, e.g.
    ``Residual(Sequential([Dense(64), ...]), shortcut=Dense(64))`` or, for images,
    ``shortcut=Conv2D(filters, kernel_size=1, strides=s)`` matching the block's
    filters and strides. Parameters are named ``block.*`` and ``shortcut.*``.

    Skip connections in your own module need no container: add the input back
    in ``forward``::

        class Block(dn.nn.Module):
            def __init__(self, channels):
                super().__init__()
                self.conv1 = dn.nn.Conv2D(channels, 3, padding="same")
                self.conv2 = dn.nn.Conv2D(channels, 3, padding="same")

            def forward(self, x):
                h = self.conv2(dn.ops.relu(self.conv1(x)))
                return dn.ops.relu(dn.ops.add(h, x))

    Raises:
        ArgumentError: at construction, when ``block`` or ``shortcut`` is not a module.
        ShapeError: when the block's output and the shortcut's output have different shapes.
    """

    def __init__(self, block: Module, shortcut: Module | None = None) -> None:
        super().__init__()
        for name, value in (("block", block), ("shortcut", shortcut)):
            if not isinstance(value, Module) and not (name == "shortcut" and value is None):
                raise ArgumentError(
                    f"Residual({name}={type(value).__name__}): {name} must be a dn.nn.Module"
                    + (" or None (the identity)" if name == "shortcut" else "")
                    + "; wrap a function in dn.nn.Activation(fn)"
                )
        self.block = block
        self.shortcut = shortcut

    def forward(self, x: Any) -> Any:
        y = self.block(x)
        skip = x if self.shortcut is None else self.shortcut(x)
        y_shape, skip_shape = tuple(B.shape(y)), tuple(B.shape(skip))
        if y_shape != skip_shape and not _compatible(y_shape, skip_shape):
            source = "its input" if self.shortcut is None else "the shortcut's output"
            raise ShapeError(
                f"{self._where()} adds the block's output of shape {y_shape} to {source} of shape {skip_shape}; "
                "they must have the same shape: give it a projection shortcut that maps the input to the block's "
                f"output shape, e.g. shortcut=dn.nn.Dense({y_shape[-1]}) or, for images, "
                f"dn.nn.Conv2D({y_shape[-1]}, kernel_size=1) with the block's strides"
            )
        return B.add(y, skip)


def _compatible(a: tuple[int | None, ...], b: tuple[int | None, ...]) -> bool:
    """Equal shapes where both sizes are known (sizes unknown while tracing are None)."""
    return len(a) == len(b) and all(p is None or q is None or p == q for p, q in zip(a, b))
