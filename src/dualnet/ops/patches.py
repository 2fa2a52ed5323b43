"""Pixel rearrangements of channels-last images: ``depth_to_space``, ``space_to_depth``, ``unfold``, ``fold``.

``x`` is ``(N, H, W, C)``. The block moves follow TensorFlow and Keras
(``tf.nn.depth_to_space``): channel ``(i * b + j) * C + c`` of an input cell
goes to offset ``(i, j)`` of its output block, channel ``c``.
(``torch.nn.functional.pixel_shuffle`` orders the channels ``c * b * b + i * b + j``
instead, and is channels-first.)

``unfold`` is im2col and ``fold`` col2im, ``torch.nn.functional.unfold`` /
``fold`` adapted to channels-last: patches are ``(N, L, kh * kw * C)``, one
row per output position (row-major), each patch flattened in ``(kh, kw, C)``
order, the order of a conv kernel ``(kh, kw, C, out)``; so
``unfold(x, k) @ kernel.reshape(-1, out)`` is ``conv(x, kernel)``. torch's
``(N, C * kh * kw, L)`` is the same numbers transposed, with each patch in
``(C, kh, kw)`` order. ``padding`` is zero padding on both sides of each
spatial axis, as in torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_int, check_int_tuple
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError

__all__ = ["depth_to_space", "space_to_depth", "unfold", "fold"]

Tensor = Any
IntOrPair = int | Sequence[int]


def _image(op: str, x: Any) -> tuple[Tensor, tuple[Any, ...]]:
    x = B.convert_to_tensor(x)
    shape = tuple(B.shape(x))
    if len(shape) != 4:
        raise ShapeError(f"{op}: expects x of shape (N, H, W, C) (channels-last), got {shape}; add the batch axis")
    return x, shape


def depth_to_space(x: Any, block_size: int) -> Tensor:
    """(N, H, W, b*b*C) -> (N, H*b, W*b, C): channel blocks become ``b x b`` pixel blocks (``b = block_size``).

    Raises:
        ArgumentError: ``block_size`` is not an int >= 2.
        ShapeError: ``x`` is not (N, H, W, C) with C divisible by ``block_size ** 2``.
    """
    b = check_int("depth_to_space", "block_size", block_size, low=2, example="block_size=2")
    x, shape = _image("depth_to_space", x)
    if shape[3] is not None and shape[3] % (b * b):
        raise ShapeError(
            f"depth_to_space: the channels of x (shape {shape}) must be divisible by block_size ** 2 = {b * b}; "
            "pick a block_size whose square divides the channels"
        )
    return B.depth_to_space(x, b)


def space_to_depth(x: Any, block_size: int) -> Tensor:
    """(N, H*b, W*b, C) -> (N, H, W, b*b*C): each ``b x b`` pixel block becomes channels; inverse of depth_to_space.

    Raises:
        ArgumentError: ``block_size`` is not an int >= 2.
        ShapeError: ``x`` is not (N, H, W, C) with H and W divisible by ``block_size``.
    """
    b = check_int("space_to_depth", "block_size", block_size, low=2, example="block_size=2")
    x, shape = _image("space_to_depth", x)
    if any(size is not None and size % b for size in shape[1:3]):
        raise ShapeError(
            f"space_to_depth: the height and width of x (shape {shape}) must be divisible by block_size={b}; "
            "crop or pad the image to a multiple of the block size"
        )
    return B.space_to_depth(x, b)


def _pairs(op: str, **values: Any) -> dict[str, tuple[int, ...]]:
    """Each argument as a (height, width) pair of ints, >= 1 (padding >= 0)."""
    return {name: check_int_tuple(op, name, v, 2, low=0 if name == "padding" else 1) for name, v in values.items()}


def _count(size: int, k: int, d: int, p: int, s: int) -> int:
    return (size + 2 * p - (k - 1) * d - 1) // s + 1


def unfold(
    x: Any, kernel_size: IntOrPair, dilation: IntOrPair = 1, padding: IntOrPair = 0, stride: IntOrPair = 1
) -> Tensor:
    """Sliding ``kernel_size`` patches of x (N, H, W, C) as (N, L, kh * kw * C) (im2col).

    ``L = Lh * Lw`` with ``Lh = (H + 2 * ph - (kh - 1) * dh - 1) // sh + 1``
    (likewise for the width). Each argument is an int or a pair (height, width).

    Raises:
        ArgumentError: an argument is not a positive int or pair (``padding`` may be 0).
        ShapeError: ``x`` is not (N, H, W, C), or the dilated kernel is larger than the padded image.
    """
    p = _pairs("unfold", kernel_size=kernel_size, dilation=dilation, padding=padding, stride=stride)
    x, shape = _image("unfold", x)
    args = zip(shape[1:3], p["kernel_size"], p["dilation"], p["padding"], p["stride"])
    if any(size is not None and _count(size, *rest) < 1 for size, *rest in args):
        raise ShapeError(
            f"unfold: the kernel {p['kernel_size']} with dilation {p['dilation']} does not fit the image of shape "
            f"{shape} padded by {p['padding']}; use a smaller kernel or more padding"
        )
    return B.unfold(x, p["kernel_size"], p["dilation"], p["padding"], p["stride"])


def fold(
    x: Any,
    output_size: IntOrPair,
    kernel_size: IntOrPair,
    dilation: IntOrPair = 1,
    padding: IntOrPair = 0,
    stride: IntOrPair = 1,
) -> Tensor:
    """Patches x (N, L, kh * kw * C) summed into an image (N, oH, oW, C) (col2im): the adjoint of ``unfold``.

    Overlapping cells add up, so ``fold(unfold(x))`` is ``x`` times the count
    of patches covering each cell. ``L`` must be the patch count ``unfold``
    gives for an (oH, oW) image with the same arguments.

    Raises:
        ArgumentError: an argument is not a positive int or pair (``padding`` may be 0).
        ShapeError: ``x`` is not (N, L, kh * kw * C) with that ``L``.
    """
    p = _pairs(
        "fold", output_size=output_size, kernel_size=kernel_size, dilation=dilation, padding=padding, stride=stride
    )
    x = B.convert_to_tensor(x)
    shape = tuple(B.shape(x))
    kh, kw = p["kernel_size"]
    rest = (p["dilation"], p["padding"], p["stride"])
    counts = [_count(o, k, *(r[i] for r in rest)) for i, (o, k) in enumerate(zip(p["output_size"], (kh, kw)))]
    if min(counts) < 1 or len(shape) != 3 or shape[1] != counts[0] * counts[1] or (shape[2] or 0) % (kh * kw):
        raise ShapeError(
            f"fold: expects x of shape (N, L, kh * kw * C) with L = {max(counts[0], 0)} * {max(counts[1], 0)} "
            f"patches (output_size {p['output_size']}, kernel {p['kernel_size']}) and a last axis divisible by "
            f"{kh * kw}, got {shape}; pass what unfold gives for that image size"
        )
    return B.fold(x, p["output_size"], p["kernel_size"], p["dilation"], p["padding"], p["stride"])
