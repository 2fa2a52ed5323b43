"""Layers that apply a given function (``Lambda``) or none (``Identity``).

``Lambda`` is how a functional model runs ``dn.ops`` on symbolic tensors.
Its function is Python code, which a saved model never holds (dualnet's files
are JSON and tensors, and loading executes no code from them), so a model with
a ``Lambda`` cannot be saved; the saveable form of the same computation is a
small ``Module`` subclass registered with ``dn.register_module``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dualnet.arguments import argument_error, check_callable, is_integer
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, ShapeError
from dualnet.nn.module import Module

__all__ = ["Identity", "Lambda"]

_SAVEABLE = (
    "write the computation as a dn.nn.Module subclass (its forward calls the function), decorate it with "
    "@dn.register_module and use it in place of the Lambda; dn.load then rebuilds it by name"
)


class Lambda(Module):
    """A function as a layer (Keras ``Lambda``): ``Lambda(lambda t: dn.ops.relu(t))(x)``.

    ``function`` takes the layer's inputs (one tensor, or the list a merge
    would take) and returns a tensor or a structure of tensors; it runs
    eagerly and, in a functional model (``dn.Input``), on zeros of the
    symbolic shapes to find the output shape. It must hold no weights: call a
    layer directly instead of wrapping it. ``output_shape`` (optional, without
    the batch axis, ``None`` for any size) is checked against the first
    output's shape at the first call. Takes Keras's ``name=``.

    Not saveable: ``dn.save`` of a model holding a Lambda raises ArgumentError,
    and ``dn.load`` refuses a file whose config names one (a function is never
    pickled, and nothing from a file is executed). To save the computation,
    write a ``Module`` subclass whose ``forward`` computes it and register it
    with ``@dn.register_module``.

    Raises:
        ArgumentError: at construction, ``function`` is not callable or is a Module, or ``output_shape`` is not a
            tuple of sizes; at ``dn.save`` / ``dn.load``, always.
        ShapeError: the first output's shape differs from ``output_shape``.
    """

    def __init__(self, function: Callable[..., Any], output_shape: Sequence[int | None] | None = None) -> None:
        super().__init__()
        check_callable("Lambda", "function", function, example="Lambda(lambda t: dn.ops.relu(t))")
        if isinstance(function, Module):
            raise argument_error(
                "Lambda",
                "function",
                function,
                "a plain function (a layer's weights inside a Lambda would not be tracked)",
                "call the layer directly: layer(x)",
            )
        if output_shape is not None and (
            not isinstance(output_shape, Sequence)
            or isinstance(output_shape, str)
            or not all(s is None or (is_integer(s) and s >= 0) for s in output_shape)
        ):
            raise argument_error(
                "Lambda",
                "output_shape",
                output_shape,
                "a tuple of sizes (ints >= 0 or None) without the batch axis, or None",
                "pass e.g. output_shape=(4,)",
            )
        self.function = function
        self.output_shape = None if output_shape is None else tuple(None if s is None else int(s) for s in output_shape)
        self._output_checked = output_shape is None

    def forward(self, *inputs: Any) -> Any:
        out = self.function(*inputs)
        if not self._output_checked:  # once: output_shape describes the first call
            self._check_output(out)
            self._output_checked = True
        return out

    def _check_output(self, out: Any) -> None:
        if not B.is_tensor(out):
            return  # a structure of tensors: output_shape describes one tensor
        got = tuple(B.shape(out))[1:]
        expected = self.output_shape or ()
        if len(got) != len(expected) or any(e is not None and g is not None and e != g for e, g in zip(expected, got)):
            raise ShapeError(
                f"{self._where()}: the function returned shape {tuple(B.shape(out))}, output_shape says "
                f"(batch, *{expected}); fix the function or pass output_shape={got}"
            )

    def get_config(self) -> dict[str, Any]:
        """Refused: a Lambda's function cannot be stored (see the class docstring).

        Raises:
            ArgumentError: always, saying how to make the computation saveable.
        """
        raise ArgumentError(
            f"dn.save: {self._where()} holds the Python function {_name(self.function)}, which a saved model "
            f"cannot store (dualnet never pickles code); {_SAVEABLE}"
        )

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Lambda:
        """Refused: a file naming a Lambda is never loaded, whatever its config says (no code is run).

        Raises:
            ArgumentError: always.
        """
        raise ArgumentError(
            "saved model: the config names a Lambda layer, which dn.load never builds (its function would be "
            f"code from the file); {_SAVEABLE}, then save the model again"
        )

    def extra_repr(self) -> str:
        shape = "" if self.output_shape is None else f", output_shape={self.output_shape}"
        return _name(self.function) + shape


class Identity(Module):
    """The identity (Keras ``Identity``, ``torch.nn.Identity``): returns its input unchanged, any shape and dtype.

    A placeholder where a layer is optional, or a named point in a functional graph.
    """

    def forward(self, x: Any) -> Any:
        return x


def _name(fn: Any) -> str:
    return str(getattr(fn, "__qualname__", type(fn).__name__))
