"""Activation functions by Keras name, for ``activation=`` arguments: every function ``keras.activations`` has.

Each function here has the signature and defaults of its ``keras.activations``
namesake and keeps the input's shape (``glu`` halves ``axis``). ``get`` turns a
name into one of them; :data:`NAMES` are the names it accepts. ``threshold``
needs its two thresholds, so, as in Keras, it is called directly rather than
named (``activation=lambda x: threshold(x, 0.5, 0.0)``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError

__all__ = [
    "NAMES",
    "celu",
    "elu",
    "exponential",
    "gelu",
    "get",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "linear",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh",
    "tanh_shrink",
    "threshold",
]


def linear(x: Any) -> Any:
    """The identity (as a tensor): ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.convert_to_tensor(x)


def relu(x: Any, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0) -> Any:
    """Keras's ``relu``: ``x`` above ``threshold`` (at most ``max_value``), ``negative_slope * (x - threshold)`` below.

    With the defaults it is ``max(x, 0)``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return B.relu(x)
    if max_value is None and threshold == 0.0:
        return B.leaky_relu(x, negative_slope)
    x = B.convert_to_tensor(x)
    # Keras's composition, so the gradient at the edges is Keras's too.
    negative = B.relu(B.add(B.negative(x), threshold)) if threshold != 0.0 else B.relu(B.negative(x))
    if threshold != 0.0:
        y = B.multiply(x, B.cast(B.greater(x, threshold), B.dtype(x)))
    elif max_value == 6:
        y = B.relu6(x)
    else:
        y = B.relu(x)
    if max_value is not None:
        y = B.clip(y, 0.0, max_value)
    if negative_slope != 0.0:
        y = B.subtract(y, B.multiply(negative, negative_slope))
    return y


def relu6(x: Any) -> Any:
    """``min(max(x, 0), 6)``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.relu6(x)


def leaky_relu(x: Any, negative_slope: float = 0.2) -> Any:
    """``x`` for ``x >= 0``, ``negative_slope * x`` below (Keras's default slope 0.2; torch's is 0.01).

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.leaky_relu(x, negative_slope)


def elu(x: Any, alpha: float = 1.0) -> Any:
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` below.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.elu(x, alpha)


def celu(x: Any, alpha: float = 1.0) -> Any:
    """``max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))``.

    Raises:
        ArgumentError: ``alpha`` is not a positive number.
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.celu(x, alpha)


def selu(x: Any) -> Any:
    """``scale * elu(x, alpha)`` with the self-normalising constants (1.0507..., 1.6732...).

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.selu(x)


def gelu(x: Any, approximate: bool = False) -> Any:
    """``x * Phi(x)`` (``Phi`` the normal CDF); the tanh approximation with ``approximate=True``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.gelu(x, approximate)


def silu(x: Any) -> Any:
    """``x * sigmoid(x)``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.silu(x)


def swish(x: Any) -> Any:
    """``x * sigmoid(x)``, the same as :func:`silu`.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.silu(x)


def hard_silu(x: Any) -> Any:
    """``x * relu6(x + 3) / 6``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.hard_silu(x)


def hard_swish(x: Any) -> Any:
    """``x * relu6(x + 3) / 6``, the same as :func:`hard_silu`.

    Raises:
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.hard_silu(x)


def mish(x: Any) -> Any:
    """``x * tanh(softplus(x))``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.mish(x)


def sigmoid(x: Any) -> Any:
    """``1 / (1 + exp(-x))``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.sigmoid(x)


def hard_sigmoid(x: Any) -> Any:
    """``relu6(x + 3) / 6``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.hard_sigmoid(x)


def sparse_sigmoid(x: Any) -> Any:
    """``clip((x + 1) / 2, 0, 1)``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.sparse_sigmoid(x)


def log_sigmoid(x: Any) -> Any:
    """``log(sigmoid(x))``, computed stably.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.log_sigmoid(x)


def tanh(x: Any) -> Any:
    """The hyperbolic tangent.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.tanh(x)


def hard_tanh(x: Any) -> Any:
    """``clip(x, -1, 1)``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.hard_tanh(x)


def tanh_shrink(x: Any) -> Any:
    """``x - tanh(x)``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.tanh_shrink(x)


def hard_shrink(x: Any, threshold: float = 0.5) -> Any:
    """``x`` where ``|x| > threshold``, else 0.

    Raises:
        ArgumentError: ``threshold`` is not a number ``>= 0``.
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.hard_shrink(x, threshold)


def soft_shrink(x: Any, threshold: float = 0.5) -> Any:
    """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, else 0.

    Raises:
        ArgumentError: ``threshold`` is not a number ``>= 0``.
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.soft_shrink(x, threshold)


def threshold(x: Any, threshold: float, default_value: float) -> Any:
    """``x`` where ``x > threshold``, else ``default_value`` (torch's ``F.threshold``).

    Raises:
        ArgumentError: ``threshold`` or ``default_value`` is not a finite number.
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.threshold(x, threshold, default_value)


def softplus(x: Any) -> Any:
    """``log(1 + exp(x))``, computed stably.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.softplus(x)


def sparse_plus(x: Any) -> Any:
    """0 for ``x <= -1``, ``(x + 1)**2 / 4`` on ``(-1, 1)``, ``x`` for ``x >= 1``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.sparse_plus(x)


def squareplus(x: Any, b: float = 4) -> Any:
    """``(x + sqrt(x**2 + b)) / 2``.

    Raises:
        ArgumentError: ``b`` is not a number ``>= 0``.
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.squareplus(x, float(b))


def softsign(x: Any) -> Any:
    """``x / (1 + |x|)``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.softsign(x)


def exponential(x: Any) -> Any:
    """``exp(x)``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.exp(x)


def softmax(x: Any, axis: int = -1) -> Any:
    """``exp(x) / sum(exp(x))`` along ``axis``.

    Raises:
        ShapeError: ``axis`` is out of range for ``x``'s rank.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.softmax(x, axis)


def log_softmax(x: Any, axis: int = -1) -> Any:
    """``x - logsumexp(x)`` along ``axis``.

    Raises:
        ShapeError: ``axis`` is out of range for ``x``'s rank.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.log_softmax(x, axis)


def glu(x: Any, axis: int = -1) -> Any:
    """``a * sigmoid(b)`` for the two halves ``a, b`` of ``x`` along ``axis`` (which must be even); that axis halves.

    Raises:
        ShapeError: ``axis`` is out of range, or its size is odd.
        ArgumentError: ``axis`` is not an int.
    """
    return B.glu(x, axis)


def sparsemax(x: Any, axis: int = -1) -> Any:
    """The Euclidean projection of ``x`` onto the probability simplex along ``axis``.

    Raises:
        ShapeError: ``axis`` is out of range for ``x``'s rank.
        ArgumentError: ``axis`` is not an int.
    """
    return B.sparsemax(x, axis)


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    f.__name__: f
    for f in (
        linear,
        relu,
        relu6,
        leaky_relu,
        elu,
        celu,
        selu,
        gelu,
        silu,
        swish,
        hard_silu,
        hard_swish,
        mish,
        sigmoid,
        hard_sigmoid,
        sparse_sigmoid,
        log_sigmoid,
        tanh,
        hard_tanh,
        tanh_shrink,
        hard_shrink,
        soft_shrink,
        softplus,
        sparse_plus,
        squareplus,
        softsign,
        exponential,
        softmax,
        log_softmax,
        glu,
        sparsemax,
    )
}
NAMES = tuple(_FUNCTIONS)
"""The names :func:`get` accepts (``keras.activations``'s, but ``threshold``, which needs its arguments)."""


def get(identifier: Any, where: str = "activation") -> Callable[[Any], Any] | None:
    """The function for ``identifier``: a name from :data:`NAMES` (any case), a callable, or None (no activation).

    ``"linear"`` gives None, as no function needs to run.

    Raises:
        ArgumentError: ``identifier`` is none of these (the message lists the names), or is ``"threshold"``,
            which needs its thresholds.
    """

    if identifier is None:
        return None
    if callable(identifier):
        return identifier  # type: ignore[no-any-return]
    if isinstance(identifier, str):
        key = identifier.lower()
        if key in _FUNCTIONS:
            return None if key == "linear" else _FUNCTIONS[key]
        if key == "threshold":
            raise ArgumentError(
                f"{where}: 'threshold' needs its threshold and default value, so it cannot be named; pass a "
                "callable, e.g. activation=lambda x: dn.nn.activations.threshold(x, 0.5, 0.0)"
            )
    raise ArgumentError(f"{where}: unknown activation {identifier!r}; use one of {', '.join(NAMES)} or a callable")
