"""Bitwise operations on torch: and, or, xor, not and shifts of integer and bool tensors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.torch.core import convert_to_tensor
from dualnet.backend.torch.special import _binary, _tensors
from dualnet.errors import DTypeError


def _check(op: str, t: torch.Tensor, shift: bool) -> torch.Tensor:
    if t.is_floating_point() or t.is_complex():
        kinds = "integer" if shift else "integer or bool"
        raise DTypeError(
            f"{op}: takes {kinds} tensors, got {str(t.dtype).removeprefix('torch.')}; "
            "cast first, e.g. dn.ops.cast(x, 'int32')"
        )
    if shift and t.dtype == torch.bool:
        return t.to(torch.int8)  # NumPy shifts bools as int8
    return t


def _pair(op: str, fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], shift: bool = False) -> Any:
    def pair(t1: Any, t2: Any) -> torch.Tensor:
        a, b = _tensors(t1, t2)
        return fn(_check(op, a, shift), _check(op, b, shift))

    checked = _binary(pair, op)

    def binary(x: ArrayLike, y: ArrayLike) -> torch.Tensor:  # keras.ops names the operands x and y
        return checked(x, y)

    binary.__name__ = binary.__qualname__ = op
    return binary


def _invert(op: str) -> Callable[[ArrayLike], torch.Tensor]:
    def invert(x: ArrayLike) -> torch.Tensor:
        return torch.bitwise_not(_check(op, convert_to_tensor(x), False))

    invert.__name__ = invert.__qualname__ = op
    return invert


bitwise_and = _pair("bitwise_and", torch.bitwise_and)
bitwise_or = _pair("bitwise_or", torch.bitwise_or)
bitwise_xor = _pair("bitwise_xor", torch.bitwise_xor)
bitwise_invert = _invert("bitwise_invert")
bitwise_not = _invert("bitwise_not")
bitwise_left_shift = _pair("bitwise_left_shift", torch.bitwise_left_shift, shift=True)
bitwise_right_shift = _pair("bitwise_right_shift", torch.bitwise_right_shift, shift=True)
left_shift = _pair("left_shift", torch.bitwise_left_shift, shift=True)
right_shift = _pair("right_shift", torch.bitwise_right_shift, shift=True)
