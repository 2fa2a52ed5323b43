"""Parametrised activation layers: ``PReLU``, ``LeakyReLU``, ``ELU``, ``ReLU``, ``Softmax`` (Keras names).

Each keeps its input's shape. The argument names and defaults are Keras 3's;
where PyTorch's defaults differ, the docstring says how to get them.
"""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_float, check_int, is_integer
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, ShapeError
from dualnet.nn import initializers
from dualnet.nn.module import Module
from dualnet.nn.normalization import _axis_in, _check_float_input

__all__ = ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax"]


class PReLU(Module):
    """Parametric ReLU (Keras ``PReLU``): ``max(x, 0) + alpha * min(x, 0)``, same shape in and out.

    Keras's form: ``alpha`` has the input's shape without the batch axis,
    with size 1 on each of ``shared_axes`` (1-based axes of the full input,
    e.g. ``shared_axes=(1, 2)`` for one alpha per channel of an NHWC image),
    taken from the first call; ``alpha_initializer="zeros"``.

    PyTorch's form: ``num_parameters=n`` gives ``alpha`` of shape ``(n,)`` on the
    last (channel) axis, ``n=1`` one alpha for every element, as
    ``torch.nn.PReLU(n)`` on channels-last data; pass
    ``alpha_initializer=dn.nn.initializers.Constant(0.25)`` for torch's initial value.

    Raises:
        ArgumentError: at construction, for a bad argument (the message names it).
        ShapeError: for an input whose sizes differ from the first call's, naming the layer path.
    """

    shared_axes: tuple[int, ...] | None
    _alpha_shape: tuple[int, ...]

    def __init__(
        self,
        alpha_initializer: Any = "zeros",
        shared_axes: int | tuple[int, ...] | list[int] | None = None,
        num_parameters: int | None = None,
        dtype: str = "float32",
        alpha_regularizer: Any = None,
        alpha_constraint: Any = None,
    ) -> None:
        super().__init__()
        axes = (shared_axes,) if is_integer(shared_axes) else shared_axes
        if axes is not None and (not isinstance(axes, tuple | list) or not all(is_integer(a) for a in axes)):
            raise ArgumentError(
                f"PReLU(shared_axes={shared_axes!r}): shared_axes must be None, an int or a tuple of ints; "
                "pass e.g. shared_axes=(1, 2) for one alpha per channel of (N, H, W, C) inputs"
            )
        if axes is not None and any(a == 0 for a in axes):
            raise ArgumentError(
                f"PReLU(shared_axes={shared_axes!r}): axis 0 is the batch axis, alpha never has it; "
                "pass the sample axes to share, e.g. shared_axes=(1, 2)"
            )
        self.num_parameters = check_int(
            "PReLU", "num_parameters", num_parameters, low=1, or_none=True, example="num_parameters=1 (torch's form)"
        )
        if axes is not None and num_parameters is not None:
            raise ArgumentError(
                "PReLU(shared_axes=..., num_parameters=...): give one of them, shared_axes (Keras's form) or "
                "num_parameters (torch's form)"
            )
        self.__dict__["shared_axes"] = None if axes is None else tuple(int(a) for a in axes)
        initializers.get(alpha_initializer, where=f"PReLU(alpha_initializer={alpha_initializer!r})")
        self.alpha_initializer = alpha_initializer
        self.dtype = dtype
        self._set_penalties("PReLU", alpha_regularizer=alpha_regularizer, alpha_constraint=alpha_constraint)
        self.__dict__["_alpha_shape"] = ()
        self.built = False
        if num_parameters is not None:
            self.__dict__["_alpha_shape"] = (num_parameters,)
            self.alpha = self.add_weight(
                "alpha", (num_parameters,), alpha_initializer, dtype, **self._penalties_of("alpha")
            )
            self.built = True

    def build(self, x: Any) -> None:
        shape = tuple(B.shape(x))
        shared = {_axis_in(self, a, shape) for a in self.shared_axes or ()}
        alpha_shape = tuple(1 if a in shared else int(shape[a]) for a in range(1, len(shape)))
        self.__dict__["_alpha_shape"] = alpha_shape
        self.alpha = self.add_weight(
            "alpha", alpha_shape, self.alpha_initializer, self.dtype, **self._penalties_of("alpha")
        )

    def forward(self, x: Any) -> Any:
        x = B.convert_to_tensor(x)
        zero = B.zeros((), B.dtype(x))
        return B.add(B.maximum(x, zero), B.multiply(B.cast(self.alpha, B.dtype(x)), B.minimum(x, zero)))

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        shape = _check_float_input(self, x, 1, "(batch, ...)")
        for a in self.shared_axes or ():
            _axis_in(self, a, shape)
        if not self.built:
            return
        alpha = self._alpha_shape
        if self.num_parameters is not None:
            if self.num_parameters != 1 and shape[-1] not in (self.num_parameters, None):
                raise ShapeError(
                    f"{self._where()} has num_parameters={self.num_parameters} alphas for the last (channel) axis, "
                    f"got shape {shape}; give it inputs with {self.num_parameters} channels (channels-last)"
                )
            return
        sample = shape[1:]
        if len(sample) != len(alpha) or any(s not in (a, None) and a != 1 for s, a in zip(sample, alpha)):
            raise ShapeError(
                f"{self._where()} was built for inputs of shape (batch, {', '.join(map(str, alpha))}) "
                f"(alpha {alpha}), got shape {shape}; give it inputs of that shape, or share axes with shared_axes"
            )

    def extra_repr(self) -> str:
        if self.num_parameters is not None:
            return f"num_parameters={self.num_parameters}"
        return "" if self.shared_axes is None else f"shared_axes={self.shared_axes}"


class LeakyReLU(Module):
    """``x`` for ``x >= 0``, ``negative_slope * x`` below (Keras ``LeakyReLU``); same shape in and out.

    The default ``negative_slope=0.3`` is Keras's; ``torch.nn.LeakyReLU``'s is 0.01.

    Raises:
        ArgumentError: at construction, for a negative or non-numeric ``negative_slope``.
    """

    def __init__(self, negative_slope: float = 0.3) -> None:
        super().__init__()
        self.negative_slope = check_float(
            "LeakyReLU", "negative_slope", negative_slope, low=0.0, example="negative_slope=0.01 (torch's default)"
        )

    def forward(self, x: Any) -> Any:
        return B.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class ELU(Module):
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` below (Keras ``ELU``, ``torch.nn.ELU``); same shape in and out.

    Raises:
        ArgumentError: at construction, for a non-numeric ``alpha``.
    """

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = check_float("ELU", "alpha", alpha, example="alpha=1.0")

    def forward(self, x: Any) -> Any:
        return B.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class ReLU(Module):
    """Keras's ``ReLU`` layer: same shape in and out.

    ``f(x) = min(x, max_value)`` for ``x > threshold``, else
    ``negative_slope * (x - threshold)``; the defaults
    (``max_value=None, negative_slope=0, threshold=0``) give ``max(x, 0)``, as
    ``torch.nn.ReLU``; ``max_value=6`` is ``torch.nn.ReLU6``. As in Keras, each
    argument is a number >= 0.

    Raises:
        ArgumentError: at construction, for a negative or non-numeric argument.
    """

    def __init__(self, max_value: float | None = None, negative_slope: float = 0.0, threshold: float = 0.0) -> None:
        super().__init__()
        self.max_value = check_float("ReLU", "max_value", max_value, low=0.0, or_none=True, example="max_value=6.0")
        self.negative_slope = check_float(
            "ReLU", "negative_slope", negative_slope, low=0.0, example="negative_slope=0.1"
        )
        self.threshold = check_float("ReLU", "threshold", threshold, low=0.0, example="threshold=0.0")

    def forward(self, x: Any) -> Any:
        x = B.convert_to_tensor(x)
        if self.max_value is None and self.threshold == 0.0:
            return B.relu(x) if self.negative_slope == 0.0 else B.leaky_relu(x, self.negative_slope)
        dtype = B.dtype(x)
        zero = B.zeros((), dtype)
        threshold = B.convert_to_tensor(self.threshold, dtype)
        y = B.where(B.greater(x, threshold), x, zero) if self.threshold != 0.0 else B.relu(x)
        if self.max_value is not None:
            y = B.clip(y, zero, B.convert_to_tensor(self.max_value, dtype))
        if self.negative_slope != 0.0:
            y = B.subtract(y, B.multiply(B.relu(B.subtract(threshold, x)), self.negative_slope))
        return y

    def extra_repr(self) -> str:
        return f"max_value={self.max_value}, negative_slope={self.negative_slope}, threshold={self.threshold}"


class Softmax(Module):
    """Softmax over ``axis`` (an int or a tuple; Keras ``Softmax``, ``torch.nn.Softmax(dim)``); same shape out.

    ``layer(x, mask)``: ``mask`` (bool, or numbers where > 0.5 means kept, as in
    Keras) broadcasting against ``x``; masked-out entries take no part in the
    normalisation and come out as 0, as in Keras 3. A row with every entry
    masked out comes out all 0.

    Raises:
        ArgumentError: at construction, for a bad ``axis``.
        ShapeError: for a ``mask`` that does not broadcast against ``x``, naming the layer path.
    """

    axis: tuple[int, ...]

    def __init__(self, axis: int | tuple[int, ...] | list[int] = -1) -> None:
        super().__init__()
        axes = tuple(axis) if isinstance(axis, tuple | list) else (axis,)
        if not axes or not all(is_integer(a) for a in axes):
            raise ArgumentError(f"Softmax(axis={axis!r}): axis must be an int or a tuple of ints; pass e.g. axis=-1")
        self.__dict__["axis"] = tuple(int(a) for a in axes)

    def forward(self, x: Any, mask: Any = None) -> Any:
        x = B.convert_to_tensor(x)
        axis = self.axis[0] if len(self.axis) == 1 else self.axis
        if mask is None:
            return B.softmax(x, axis)
        keep = self._keep(x, mask)
        dtype = B.dtype(x)
        big = B.convert_to_tensor(-3e4 if dtype == "float16" else -1e9, dtype)  # Keras's large negative number
        y = B.softmax(B.where(keep, x, big), axis)
        return B.where(keep, y, B.zeros((), dtype))

    def _keep(self, x: Any, mask: Any) -> Any:
        mask = B.convert_to_tensor(mask)
        shape, got = tuple(B.shape(x)), tuple(B.shape(mask))
        fits = len(got) <= len(shape) and all(
            m in (1, s) or m is None or s is None for m, s in zip(reversed(got), reversed(shape))
        )
        if not fits:
            raise ShapeError(
                f"{self._where()} takes a mask broadcasting against its input, got mask shape {got} for input shape "
                f"{shape}; give the mask the input's shape, or size 1 on the axes it is shared along"
            )
        return mask if B.dtype(mask) == "bool" else B.greater(mask, B.convert_to_tensor(0.5, B.dtype(mask)))

    def extra_repr(self) -> str:
        return f"axis={self.axis[0] if len(self.axis) == 1 else self.axis}"
