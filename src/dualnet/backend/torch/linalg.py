"""linalg ops on torch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from dualnet.arguments import is_integer
from dualnet.backend import common
from dualnet.backend.api.types import ArrayLike
from dualnet.backend.torch.core import check_same_device, convert_to_tensor
from dualnet.errors import ArgumentError, ShapeError


def _promoted(*xs: ArrayLike) -> list[torch.Tensor]:
    """Tensors of one common dtype: torch's matmul family does not promote by itself."""
    tensors = [convert_to_tensor(x) for x in xs]
    common = tensors[0].dtype
    for t in tensors[1:]:
        common = torch.promote_types(common, t.dtype)  # same table as dualnet.dtypes for tensors
    return [t if t.dtype == common else t.to(common) for t in tensors]


def matmul(x1: ArrayLike, x2: ArrayLike) -> torch.Tensor:
    a, b = _promoted(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        raise ShapeError(
            f"matmul: operands must have at least 1 dimension, got shapes {tuple(a.shape)} and {tuple(b.shape)}; "
            "use multiply for scalars"
        )
    try:
        return torch.matmul(a, b)
    except RuntimeError as exc:
        check_same_device("matmul", *(a, b))
        raise common.operand_shape_error("matmul", (a, b), exc) from exc


def dot(a: ArrayLike, b: ArrayLike) -> torch.Tensor:
    a, b = _promoted(a, b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if b.ndim <= 2:
        return matmul(a, b)
    try:  # NumPy: sum over the last axis of a and the second-to-last of b
        return torch.tensordot(a, b, dims=([a.ndim - 1], [b.ndim - 2]))
    except RuntimeError as exc:
        check_same_device("dot", *(a, b))
        raise common.operand_shape_error("dot", (a, b), exc) from exc


def outer(a: ArrayLike, b: ArrayLike) -> torch.Tensor:
    a, b = _promoted(a, b)
    return torch.outer(a.reshape(-1), b.reshape(-1))


def einsum(subscripts: str, *operands: ArrayLike) -> torch.Tensor:
    tensors = _promoted(*operands)
    try:
        return torch.einsum(subscripts, *tensors)
    except RuntimeError as exc:
        check_same_device("einsum", *tensors)
        raise common.operand_shape_error(f"einsum({subscripts!r})", tensors, exc) from exc


def tensordot(a: ArrayLike, b: ArrayLike, axes: int | Sequence[Any] = 2) -> torch.Tensor:
    a, b = _promoted(a, b)
    if is_integer(axes):
        axes = int(axes)
    else:
        axes_a, axes_b = ([int(ax)] if is_integer(ax) else [int(a) for a in ax] for ax in axes)
        axes = ([ax % max(a.ndim, 1) for ax in axes_a], [ax % max(b.ndim, 1) for ax in axes_b])
    try:
        return torch.tensordot(a, b, dims=axes)
    except RuntimeError as exc:
        check_same_device("tensordot", *(a, b))
        raise common.operand_shape_error("tensordot", (a, b), exc) from exc


def norm(
    x: ArrayLike, ord: float | str | None = None, axis: int | Sequence[int] | None = None, keepdims: bool = False
) -> torch.Tensor:
    x = convert_to_tensor(x)
    if not (x.dtype.is_floating_point or x.dtype.is_complex):
        x = x.to(torch.float32)  # norms of ints are float32 (NumPy gives float64)
    if axis is None and ord is not None:
        if x.ndim == 2:
            axis = (0, 1)
        elif x.ndim != 1:
            raise ShapeError(
                f"norm: ord={ord!r} with axis=None needs a 1-D or 2-D input, got shape {tuple(x.shape)}; "
                "pass axis= to choose the axes"
            )
    if isinstance(axis, tuple | list) and len(axis) == 2:
        if ord not in (None, "fro"):
            return torch.linalg.matrix_norm(x, ord, dim=tuple(axis), keepdim=keepdims)
        ord = 2  # Frobenius = 2-norm of the entries
    elif isinstance(ord, str):
        raise ArgumentError(f"norm: ord={ord!r} is a matrix norm, but the input is a vector; use a numeric ord")
    return torch.linalg.vector_norm(x, 2 if ord is None else ord, dim=axis, keepdim=keepdims)


def trace(x: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> torch.Tensor:
    d = diagonal(x, offset, axis1, axis2)
    return d.sum(-1)  # ints and bools sum to int64, as NumPy


def diagonal(x: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> torch.Tensor:
    x = convert_to_tensor(x)
    if x.ndim < 2:
        raise ShapeError(f"diagonal: needs at least 2 dimensions, got shape {tuple(x.shape)}")
    if axis1 % x.ndim == axis2 % x.ndim:
        raise ArgumentError(f"diagonal: axis1 and axis2 must differ, got {axis1} and {axis2}")
    return torch.diagonal(x, offset, axis1, axis2)
