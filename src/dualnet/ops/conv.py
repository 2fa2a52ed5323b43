"""Convolution and pooling ops, channels-last.

Layouts (the same on every backend):

- inputs ``(N, W, C)`` for 1-D, ``(N, H, W, C)`` for 2-D, ``(N, D, H, W, C)`` for 3-D;
  the number of spatial dimensions is taken from ``x``;
- conv kernels ``(*kernel_spatial, in_channels // groups, out_channels)`` (Keras' layout);
- transposed-conv kernels ``(*kernel_spatial, in_channels, out_channels)``: in before out,
  like every other dualnet kernel (Keras stores ``(*k, out, in)`` here);
- outputs channels-last.

``strides``, ``dilation`` and ``pool_size`` take an int (the same for every spatial
dimension) or a tuple with one int per spatial dimension. ``padding`` is ``"valid"``
(no padding) or ``"same"`` with TensorFlow/Keras semantics: the output has
``ceil(size / stride)`` positions and, when the total padding is odd, the extra
cell goes at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_choice, check_int, check_int_tuple, is_integer
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError

__all__ = ["conv", "depthwise_conv", "conv_transpose", "max_pool", "avg_pool", "separable_conv"]

Tensor = Any
IntOrTuple = int | Sequence[int]

_PADDINGS = ("valid", "same")


def _padding(op: str, padding: Any) -> str:
    fix = "use 'valid' for no padding or 'same' to keep ceil(size / stride) positions"
    return check_choice(op, "padding", padding, _PADDINGS, ignore_case=True, fix=fix)


def _ints(op: str, name: str, value: Any, minimum: int = 1) -> IntOrTuple:
    # Python-level check only; the backend matches the tuple length against the input's rank.
    items = check_int_tuple(op, name, value, None, low=minimum)
    return items[0] if is_integer(value) else items


def conv(
    x: Any,
    kernel: Any,
    strides: IntOrTuple = 1,
    padding: str = "valid",
    dilation: IntOrTuple = 1,
    groups: int = 1,
    bias: Any = None,
) -> Tensor:
    """N-D convolution (cross-correlation, as in every framework), channels-last, plus an optional bias.

    ``x``: ``(N, *spatial, C_in)`` with 1, 2 or 3 spatial dims. ``kernel``:
    ``(*k, C_in // groups, C_out)``; ``C_out`` must be divisible by ``groups``.
    Returns ``(N, *out_spatial, C_out)`` where, per spatial dim with effective
    kernel ``ke = (k - 1) * dilation + 1``: ``"valid"`` gives
    ``(size - ke) // stride + 1`` and ``"same"`` gives ``ceil(size / stride)``.
    Group ``g`` maps input channels ``[g*C_in/groups, (g+1)*C_in/groups)`` to output
    channels ``[g*C_out/groups, (g+1)*C_out/groups)``. ``bias``: ``(C_out,)``, added
    to every output position inside the convolution's own kernel. Floating dtypes
    only; mixed float dtypes promote.

    Raises:
        ShapeError: ``x`` or ``kernel`` has the wrong rank or channels, ``x`` is smaller than a "valid" window,
            or ``bias`` is not ``(C_out,)``.
        ArgumentError: ``padding``, ``strides``, ``dilation`` or ``groups`` is not a valid value.
        DTypeError: ``x`` or ``kernel`` is not floating-point.
    """
    strides = _ints("conv", "strides", strides)
    dilation = _ints("conv", "dilation", dilation)
    groups = check_int("conv", "groups", groups, low=1, example="groups=1")
    return B.conv(x, kernel, strides, _padding("conv", padding), dilation, groups, bias)


def depthwise_conv(
    x: Any,
    kernel: Any,
    strides: IntOrTuple = 1,
    padding: str = "valid",
    dilation: IntOrTuple = 1,
) -> Tensor:
    """Depthwise convolution: each input channel convolved with its own filters.

    ``x``: ``(N, W, C)`` or ``(N, H, W, C)``. ``kernel``: ``(*k, C, multiplier)``.
    Returns ``(N, *out_spatial, C * multiplier)``; output channel ``c * multiplier + m``
    is input channel ``c`` convolved with ``kernel[..., c, m]`` (TensorFlow's order).
    Output sizes as in :func:`conv`.

    Raises:
        ShapeError: ``x`` or ``kernel`` has the wrong rank or channels.
        ArgumentError: ``padding``, ``strides`` or ``dilation`` is not a valid value.
    """
    strides = _ints("depthwise_conv", "strides", strides)
    dilation = _ints("depthwise_conv", "dilation", dilation)
    return B.depthwise_conv(x, kernel, strides, _padding("depthwise_conv", padding), dilation)


def conv_transpose(
    x: Any,
    kernel: Any,
    strides: IntOrTuple = 1,
    padding: str = "valid",
    output_padding: IntOrTuple | None = None,
    dilation: IntOrTuple = 1,
) -> Tensor:
    """Transposed convolution (the gradient of :func:`conv` w.r.t. its input), channels-last.

    ``x``: ``(N, *spatial, C_in)`` with 1, 2 or 3 spatial dims. ``kernel``:
    ``(*k, C_in, C_out)`` (in before out). Returns ``(N, *out_spatial, C_out)`` with
    Keras' sizes, per spatial dim with ``ke = (k - 1) * dilation + 1``:

    - ``"valid"``: ``(size - 1) * stride + max(ke, stride)``, or
      ``(size - 1) * stride + ke + output_padding`` when ``output_padding`` is given;
    - ``"same"``: ``size * stride``, or ``(size - 1) * stride + ke % 2 + output_padding``.

    ``output_padding`` (int or tuple, each ``< stride``) adds cells at the end.

    Raises:
        ShapeError: ``x`` or ``kernel`` has the wrong rank or channels.
        ArgumentError: ``padding``, ``strides``, ``dilation`` or ``output_padding`` is not a valid value.
    """
    strides = _ints("conv_transpose", "strides", strides)
    dilation = _ints("conv_transpose", "dilation", dilation)
    if output_padding is not None:
        output_padding = _ints("conv_transpose", "output_padding", output_padding, minimum=0)
    return B.conv_transpose(x, kernel, strides, _padding("conv_transpose", padding), output_padding, dilation)


def max_pool(
    x: Any,
    pool_size: IntOrTuple,
    strides: IntOrTuple | None = None,
    padding: str = "valid",
) -> Tensor:
    """Max pooling over windows of ``pool_size``, channels-last.

    ``x``: ``(N, *spatial, C)`` with 1, 2 or 3 spatial dims. ``strides`` defaults to
    ``pool_size``. Returns ``(N, *out_spatial, C)`` with sizes as in :func:`conv`;
    with ``"same"`` the padded cells never win (they act as ``-inf``).

    Raises:
        ShapeError: ``x`` is not (N, *spatial, C), or is smaller than a "valid" window.
        ArgumentError: ``pool_size``, ``strides`` or ``padding`` is not a valid value.
    """
    pool_size = _ints("max_pool", "pool_size", pool_size)
    strides = pool_size if strides is None else _ints("max_pool", "strides", strides)
    return B.max_pool(x, pool_size, strides, _padding("max_pool", padding))


def avg_pool(
    x: Any,
    pool_size: IntOrTuple,
    strides: IntOrTuple | None = None,
    padding: str = "valid",
) -> Tensor:
    """Average pooling over windows of ``pool_size``, channels-last.

    ``x``: ``(N, *spatial, C)`` with 1, 2 or 3 spatial dims. ``strides`` defaults to
    ``pool_size``. Returns ``(N, *out_spatial, C)`` with sizes as in :func:`conv`;
    with ``"same"`` each window is averaged over its real (non-padded) cells only.

    Raises:
        ShapeError: ``x`` is not (N, *spatial, C), or is smaller than a "valid" window.
        ArgumentError: ``pool_size``, ``strides`` or ``padding`` is not a valid value.
    """
    pool_size = _ints("avg_pool", "pool_size", pool_size)
    strides = pool_size if strides is None else _ints("avg_pool", "strides", strides)
    return B.avg_pool(x, pool_size, strides, _padding("avg_pool", padding))


def separable_conv(
    x: Any,
    depthwise_kernel: Any,
    pointwise_kernel: Any,
    strides: IntOrTuple = 1,
    padding: str = "valid",
    dilation: IntOrTuple = 1,
) -> Tensor:
    """Depthwise-separable convolution: :func:`depthwise_conv`, then a 1x1 :func:`conv` mixing the channels.

    ``x``: ``(N, W, C)`` or ``(N, H, W, C)``. ``depthwise_kernel``: ``(*k, C, m)``;
    ``pointwise_kernel``: ``(*1, C * m, C_out)`` (ones for the spatial axes).
    ``strides``, ``padding`` and ``dilation`` apply to the depthwise step, as
    in Keras. Returns ``(N, *out_spatial, C_out)``, sizes as in :func:`conv`.

    Raises:
        ShapeError: a kernel has the wrong rank or channels, or the pointwise kernel is not 1x1.
        ArgumentError: ``padding``, ``strides`` or ``dilation`` is not a valid value.
    """
    strides = _ints("separable_conv", "strides", strides)
    dilation = _ints("separable_conv", "dilation", dilation)
    pointwise = tuple(B.shape(pointwise_kernel))
    if any(size != 1 for size in pointwise[:-2]):
        raise ShapeError(
            f"separable_conv: pointwise_kernel must be 1x1, (*1, C * m, C_out), got {pointwise}; "
            "pass a kernel of ones in the spatial axes"
        )
    return B.separable_conv(
        x, depthwise_kernel, pointwise_kernel, strides, _padding("separable_conv", padding), dilation
    )
