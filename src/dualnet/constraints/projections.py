"""The constraint classes, with Keras 3's formulas and defaults (norms over ``axis=0``: a Dense unit's fan-in)."""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_float, check_int, is_integer
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError
from dualnet.naming import resolve_identifier, serialized

__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "deserialize", "get", "serialize"]

_EPSILON = 1e-7  # Keras's backend.epsilon() in the norm denominators


def _axis(where: str, axis: Any) -> int | list[int]:
    """An int or a list of ints (Conv kernels: ``axis=[0, 1, 2]``, the weights of each filter)."""
    if isinstance(axis, tuple | list) and axis and all(is_integer(a) for a in axis):
        return [int(a) for a in axis]
    if is_integer(axis):
        return check_int(where, "axis", axis, example="axis=0")
    raise ArgumentError(
        f"{where}(axis={axis!r}): axis must be an int or a list of ints; pass e.g. axis=0 (Dense) or "
        "axis=[0, 1, 2] (Conv2D, per filter)"
    )


def _norms(w: Any, axis: int | list[int]) -> Any:
    return B.sqrt(B.sum(B.square(w), axis=tuple(axis) if isinstance(axis, list) else axis, keepdims=True))


class Constraint:
    """Base of the constraints: ``constraint(w)`` is the projected weight, same shape (the identity here).

    Raises:
        ArgumentError: from the subclasses' constructors, for a bad bound or axis.
    """

    def __call__(self, w: Any) -> Any:
        """``w`` projected onto the constraint set."""
        return w

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments, JSON-able."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Constraint:
        """The constraint ``config`` (from :meth:`get_config`) describes."""
        return cls(**config)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.get_config() == other.get_config()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, repr(self.get_config())))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class MaxNorm(Constraint):
    """Keras ``MaxNorm``: rescales each weight vector (norm over ``axis``) to a norm of at most ``max_value``.

    ``w * clip(norms, 0, max_value) / (1e-7 + norms)``. ``axis=0`` is each
    unit's incoming weights of a Dense kernel ``(in, units)``; use
    ``axis=[0, 1, 2]`` for each filter of a Conv2D kernel ``(kh, kw, in, out)``.

    Raises:
        ArgumentError: ``max_value`` negative or not a number; ``axis`` not an int or list of ints.
    """

    def __init__(self, max_value: float = 2.0, axis: int | list[int] = 0) -> None:
        self.max_value = check_float("MaxNorm", "max_value", max_value, low=0.0, example="MaxNorm(max_value=2.0)")
        self.axis = _axis("MaxNorm", axis)

    def __call__(self, w: Any) -> Any:
        norms = _norms(w, self.axis)
        desired = B.clip(norms, 0.0, self.max_value)
        return B.multiply(w, B.divide(desired, B.add(norms, _EPSILON)))

    def get_config(self) -> dict[str, Any]:
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Keras ``MinMaxNorm``: moves each weight vector's norm into ``[min_value, max_value]`` at ``rate``.

    ``w * (rate * clip(norms, min, max) + (1 - rate) * norms) / (1e-7 + norms)``;
    ``rate=1`` enforces the bounds at once. ``axis`` as in :class:`MaxNorm`.

    Raises:
        ArgumentError: a negative bound, ``min_value > max_value``, ``rate`` outside ``[0, 1]``, a bad ``axis``.
    """

    def __init__(
        self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: int | list[int] = 0
    ) -> None:
        self.min_value = check_float("MinMaxNorm", "min_value", min_value, low=0.0, example="min_value=0.0")
        self.max_value = check_float(
            "MinMaxNorm", "max_value", max_value, low=self.min_value, example=f"max_value={max(self.min_value, 1.0)}"
        )
        self.rate = check_float("MinMaxNorm", "rate", rate, low=0.0, high=1.0, example="rate=1.0")
        self.axis = _axis("MinMaxNorm", axis)

    def __call__(self, w: Any) -> Any:
        norms = _norms(w, self.axis)
        clipped = B.clip(norms, self.min_value, self.max_value)
        desired = B.add(B.multiply(clipped, self.rate), B.multiply(norms, 1.0 - self.rate))
        return B.multiply(w, B.divide(desired, B.add(norms, _EPSILON)))

    def get_config(self) -> dict[str, Any]:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


class NonNeg(Constraint):
    """Keras ``NonNeg``: ``max(w, 0)``, same shape as ``w``."""

    def __call__(self, w: Any) -> Any:
        return B.maximum(w, B.zeros((), B.dtype(w)))


class UnitNorm(Constraint):
    """Keras ``UnitNorm``: ``w / (1e-7 + norms)``, each weight vector (norm over ``axis``) of unit length.

    Raises:
        ArgumentError: ``axis`` not an int or list of ints.
    """

    def __init__(self, axis: int | list[int] = 0) -> None:
        self.axis = _axis("UnitNorm", axis)

    def __call__(self, w: Any) -> Any:
        return B.divide(w, B.add(_norms(w, self.axis), _EPSILON))

    def get_config(self) -> dict[str, Any]:
        return {"axis": self.axis}


_CLASSES: dict[str, type[Constraint]] = {
    cls.__name__: cls for cls in (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)
}


def get(identifier: Any, where: str = "dn.constraints.get", name: str = "identifier") -> Any:
    """The constraint ``identifier`` names: None, a Keras name (``"max_norm"``, ``"NonNeg"``...), a config dict
    ``{"class_name": "MaxNorm", "config": {...}}``, a :class:`Constraint` or any callable (returned as it is).

    Raises:
        ArgumentError: an unknown name (with the close matches), a malformed dict, a value that is not callable.
    """
    example = "kernel_constraint='non_neg' or dn.constraints.MaxNorm(3)"
    return resolve_identifier(identifier, _CLASSES, "constraint", where, name, example)


def serialize(constraint: Constraint) -> dict[str, Any]:
    """``{"class_name": ..., "config": ...}``, the JSON form :func:`get` / :func:`deserialize` read back."""
    return serialized(constraint)


def deserialize(config: dict[str, Any]) -> Constraint:
    """The constraint a :func:`serialize` dict describes (only dualnet's classes are looked up).

    Raises:
        ArgumentError: the dict is malformed or names no known class.
    """
    out: Constraint = get(config, "dn.constraints.deserialize", "config")
    return out
