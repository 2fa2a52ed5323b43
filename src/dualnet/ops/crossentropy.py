"""Keras's cross-entropy ops: binary, categorical and sparse categorical, ``target`` first.

Keras's names, argument order (``target`` first) and defaults. With
``from_logits=True`` they are the fused sigmoid / softmax cross-entropy
kernels; otherwise ``output``
holds probabilities, clipped to ``[1e-7, 1 - 1e-7]`` (Keras's epsilon) before
the log, exactly as Keras does (so the results, and the zero gradients of
clipped entries, are Keras's). No reduction: one value per example (or
element, for the binary form).
"""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_axis, check_bool
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, ShapeError

__all__ = ["binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"]

Tensor = Any


def _same_shape(op: str, target: Tensor, output: Tensor) -> None:
    got, want = tuple(B.shape(target)), tuple(B.shape(output))
    if len(got) != len(want) or any(a is not None and b is not None and a != b for a, b in zip(got, want)):
        raise ShapeError(
            f"{op}: target must have output's shape {want}, got {got}; "
            "pass one target per output entry (one-hot rows for categorical targets)"
        )


def binary_crossentropy(target: Any, output: Any, from_logits: bool = False) -> Tensor:
    """``-(target * log(p) + (1 - target) * log(1 - p))`` elementwise; ``target`` and ``output`` of one shape.

    ``output`` holds probabilities ``p`` (clipped to ``[1e-7, 1 - 1e-7]``), or
    logits when ``from_logits`` (then computed stably, without clipping). The
    result has ``output``'s shape and float dtype (integers give float32).

    Raises:
        ShapeError: ``target`` and ``output`` differ in shape.
        ArgumentError: ``from_logits`` is not a bool.
    """
    from_logits = check_bool("binary_crossentropy", "from_logits", from_logits)
    target, output = B.convert_to_tensor(target), B.convert_to_tensor(output)
    _same_shape("binary_crossentropy", target, output)
    return B.binary_crossentropy(target, output, from_logits)


def categorical_crossentropy(target: Any, output: Any, from_logits: bool = False, axis: int = -1) -> Tensor:
    """``-sum(target * log(p), axis)``: ``target`` (e.g. one-hot rows) and ``output`` of one shape.

    ``output`` holds probabilities along ``axis``, first rescaled to sum to 1
    and then clipped to ``[1e-7, 1 - 1e-7]`` (Keras's order), or logits when
    ``from_logits``. Returns ``output``'s shape without ``axis``.

    Raises:
        ShapeError: ``target`` and ``output`` differ in shape, or ``axis`` is out of range.
        ArgumentError: ``from_logits`` is not a bool or ``axis`` is not an int.
    """
    from_logits = check_bool("categorical_crossentropy", "from_logits", from_logits)
    axis = check_axis("categorical_crossentropy", "axis", axis)
    target, output = B.convert_to_tensor(target), B.convert_to_tensor(output)
    _same_shape("categorical_crossentropy", target, output)
    _check_axis("categorical_crossentropy", axis, len(B.shape(output)))
    return B.categorical_crossentropy(target, output, from_logits, axis)


def _check_axis(op: str, axis: int, rank: int) -> None:
    if not -rank <= axis < rank:
        raise ShapeError(f"{op}: axis {axis} is out of range for output of rank {rank}; use -{rank} <= axis < {rank}")


def sparse_categorical_crossentropy(target: Any, output: Any, from_logits: bool = False, axis: int = -1) -> Tensor:
    """``-log(p[target])`` with integer class ids ``target``: ``output``'s shape less ``axis``.

    ``target`` has ``output``'s shape without ``axis`` (a trailing axis of size
    1 is squeezed, and float ids are cast to int64, as Keras does). ``output`` holds probabilities along
    ``axis`` (clipped to ``[1e-7, 1 - 1e-7]`` and renormalised, Keras's order),
    or logits when ``from_logits``.

    Raises:
        ShapeError: ``target`` does not have ``output``'s shape less ``axis``, or ``axis`` is out of range.
        ArgumentError: ``from_logits`` or ``axis`` is invalid; in eager mode a class id outside ``[0, C)``.
    """
    op = "sparse_categorical_crossentropy"
    from_logits = check_bool(op, "from_logits", from_logits)
    axis = check_axis(op, "axis", axis)
    output, target = B.convert_to_tensor(output), B.convert_to_tensor(target)
    shape = tuple(B.shape(output))
    _check_axis(op, axis, len(shape))
    labels = tuple(B.shape(target))
    if len(labels) == len(shape) and labels[-1] == 1:
        target = B.squeeze(target, -1)
        labels = labels[:-1]
    want = shape[: axis % len(shape)] + shape[axis % len(shape) + 1 :]
    if len(labels) != len(want) or any(a is not None and b is not None and a != b for a, b in zip(labels, want)):
        raise ShapeError(
            f"{op}: target (integer class ids) must have output's shape less axis {axis}, {want}, got {labels}; "
            "pass one class id per example (use categorical_crossentropy for one-hot targets)"
        )
    try:
        return B.sparse_categorical_crossentropy(target, output, from_logits, axis)
    except ArgumentError as err:  # a class id out of range, named after this op rather than the fused one
        raise ArgumentError(str(err).replace("softmax_cross_entropy", op)) from err
