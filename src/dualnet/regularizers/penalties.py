"""The regularizer classes, with Keras 3's formulas, defaults and names; and :func:`get` to resolve identifiers."""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_choice, check_float
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.naming import resolve_identifier, serialized

__all__ = ["L1", "L2", "L1L2", "OrthogonalRegularizer", "Regularizer", "deserialize", "get", "serialize"]

_EPSILON = 1e-7  # Keras's backend.epsilon(), the floor of the norms in OrthogonalRegularizer's normalisation


def _factor(where: str, name: str, value: Any, default: float) -> float:
    # Keras: None means the default, and a factor is a finite float >= 0
    value = default if value is None else value
    return check_float(where, name, value, low=0.0, example=f"{where}({name}={default or 0.01})")


class Regularizer:
    """Base of the penalties: ``regularizer(x)`` is a scalar tensor of ``x``'s dtype (0 for the base class).

    Subclass it with ``__call__`` and ``get_config`` (the constructor's arguments)
    for a penalty that ``dn.save`` can store; any plain function works for training.

    Raises:
        ArgumentError: from the subclasses' constructors, for a bad factor.
    """

    def __call__(self, x: Any) -> Any:
        """The penalty of tensor ``x``: a scalar."""
        return B.zeros((), B.dtype(x))

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments, JSON-able: ``type(r)(**r.get_config())`` is the same penalty."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Regularizer:
        """The regularizer ``config`` (from :meth:`get_config`) describes."""
        return cls(**config)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.get_config() == other.get_config()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(sorted(self.get_config().items()))))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x**2)`` (Keras ``L1L2``; both default to 0, as Keras's class does).

    Raises:
        ArgumentError: ``l1`` or ``l2`` negative, infinite or not a number.
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = _factor("L1L2", "l1", l1, 0.0)
        self.l2 = _factor("L1L2", "l2", l2, 0.0)

    def __call__(self, x: Any) -> Any:
        total = B.zeros((), B.dtype(x))
        if self.l1 != 0.0:
            total = B.add(total, B.multiply(B.sum(B.abs(x)), self.l1))
        if self.l2 != 0.0:
            total = B.add(total, B.multiply(B.sum(B.square(x)), self.l2))
        return total

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """``l1 * sum(|x|)`` (Keras ``L1``, ``l1=0.01``; also ``get("l1")``).

    Raises:
        ArgumentError: ``l1`` negative, infinite or not a number.
    """

    def __init__(self, l1: float = 0.01) -> None:
        self.l1 = _factor("L1", "l1", l1, 0.01)

    def __call__(self, x: Any) -> Any:
        return B.multiply(B.sum(B.abs(x)), self.l1)

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(x**2)`` (Keras ``L2``, ``l2=0.01``; also ``get("l2")``). Note: no 1/2, unlike weight decay.

    Raises:
        ArgumentError: ``l2`` negative, infinite or not a number.
    """

    def __init__(self, l2: float = 0.01) -> None:
        self.l2 = _factor("L2", "l2", l2, 0.01)

    def __call__(self, x: Any) -> Any:
        return B.multiply(B.sum(B.square(x)), self.l2)

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Keras ``OrthogonalRegularizer``: penalises the cosine similarity of the rows (or columns) of a 2-D weight.

    ``factor * 0.5 * sum(|P - diag(P)|) / (n (n - 1) / 2)`` where ``P`` is the
    Gram matrix of the L2-normalised rows (``mode="rows"``, ``n`` rows) or
    columns (``mode="columns"``). On a Dense kernel ``(in, units)``, rows mode
    makes the input features' weight vectors orthogonal.

    Raises:
        ArgumentError: ``factor`` negative or not a number, ``mode`` not ``"rows"`` / ``"columns"``.
        ShapeError: when called on a tensor whose rank is not 2.
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows") -> None:
        self.factor = _factor("OrthogonalRegularizer", "factor", factor, 0.01)
        self.mode = check_choice("OrthogonalRegularizer", "mode", mode, ("rows", "columns"))

    def __call__(self, x: Any) -> Any:
        shape = tuple(B.shape(x))
        if len(shape) != 2:
            raise ShapeError(
                f"OrthogonalRegularizer: expects a rank-2 weight, got shape {shape}; use it on Dense kernels, "
                "or reshape the weight to (-1, last) in a function regularizer"
            )
        axis = 1 if self.mode == "rows" else 0
        inv_norm = B.minimum(B.rsqrt(B.sum(B.square(x), axis=axis, keepdims=True)), 1.0 / _EPSILON)
        unit = B.multiply(x, inv_norm)
        product = B.matmul(unit, B.transpose(unit)) if axis == 1 else B.matmul(B.transpose(unit), unit)
        size = shape[0] if axis == 1 else shape[1]
        off_diagonal = B.multiply(product, B.subtract(1.0, B.eye(size, dtype=B.dtype(x))))
        pairs = size * (size - 1.0) / 2.0
        return B.multiply(B.sum(B.abs(off_diagonal)), self.factor * 0.5 / pairs)

    def get_config(self) -> dict[str, Any]:
        return {"factor": self.factor, "mode": self.mode}


_CLASSES: dict[str, type[Regularizer]] = {
    cls.__name__: cls for cls in (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)
}


def get(identifier: Any, where: str = "dn.regularizers.get", name: str = "identifier") -> Any:
    """The regularizer ``identifier`` names: None, a name (Keras's: ``"l2"``, ``"L1L2"``, ``"l1_l2"``...),
    a config dict ``{"class_name": "L2", "config": {"l2": 0.1}}`` (as :func:`serialize` writes), a
    :class:`Regularizer` or any callable (returned as it is).

    Raises:
        ArgumentError: an unknown name (the message lists the close matches), a malformed config dict,
            or something that is not callable; the message names ``where`` and the argument ``name``.
    """
    example = "kernel_regularizer='l2' or dn.regularizers.L2(1e-4)"
    return resolve_identifier(identifier, _CLASSES, "regularizer", where, name, example)


def serialize(regularizer: Regularizer) -> dict[str, Any]:
    """``{"class_name": ..., "config": ...}``, the JSON form :func:`get` / :func:`deserialize` read back."""
    return serialized(regularizer)


def deserialize(config: dict[str, Any]) -> Regularizer:
    """The regularizer a :func:`serialize` dict describes (only dualnet's classes are looked up).

    Raises:
        ArgumentError: the dict is malformed or names no known class.
    """
    out: Regularizer = get(config, "dn.regularizers.deserialize", "config")
    return out
