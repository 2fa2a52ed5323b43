"""Keras 3's other names for dualnet's layers: each is the same class object, so ported Keras code reads unchanged.

``dn.save`` stores a layer under its own name (``Conv2D``, never ``Convolution2D``), and the registry holds only
those. No torch.nn spellings are aliased: torch's ``Linear(in, out)``, ``BatchNorm2d(num_features)`` or
``Conv2d(in, out, k)`` take other arguments, so one name would promise two signatures.
"""

from __future__ import annotations

from dualnet.nn.conv import Conv1D, Conv2D, Conv3D
from dualnet.nn.conv_separable import SeparableConv1D, SeparableConv2D
from dualnet.nn.conv_transpose import Conv1DTranspose, Conv2DTranspose, Conv3DTranspose
from dualnet.nn.normalization import BatchNorm, GroupNorm, LayerNorm
from dualnet.nn.normalization_extra import RMSNorm
from dualnet.nn.pooling import (
    AvgPool1D,
    AvgPool2D,
    AvgPool3D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    GlobalAvgPool3D,
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    GlobalMaxPool3D,
    MaxPool1D,
    MaxPool2D,
    MaxPool3D,
)
from dualnet.nn.pooling_adaptive import (
    AdaptiveAvgPool1D,
    AdaptiveAvgPool2D,
    AdaptiveAvgPool3D,
    AdaptiveMaxPool1D,
    AdaptiveMaxPool2D,
    AdaptiveMaxPool3D,
)

__all__ = [
    "AdaptiveAveragePooling1D",
    "AdaptiveAveragePooling2D",
    "AdaptiveAveragePooling3D",
    "AdaptiveMaxPooling1D",
    "AdaptiveMaxPooling2D",
    "AdaptiveMaxPooling3D",
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "BatchNormalization",
    "Convolution1D",
    "Convolution1DTranspose",
    "Convolution2D",
    "Convolution2DTranspose",
    "Convolution3D",
    "Convolution3DTranspose",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAveragePooling3D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalMaxPooling3D",
    "GroupNormalization",
    "LayerNormalization",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "RMSNormalization",
    "SeparableConvolution1D",
    "SeparableConvolution2D",
]

Convolution1D = Conv1D
"""Keras's name for :class:`Conv1D` (the same class).

1-D convolution (Keras ``Conv1D``) over inputs ``(N, W, C_in)`` -> ``(N, W_out, filters)``.

Kernel ``(k, C_in // groups, filters)``, bias ``(filters,)``. ``W_out`` is
``(W - (k - 1) * dilation_rate - 1) // strides + 1`` with ``"valid"`` padding
and ``ceil(W / strides)`` with ``"same"`` or ``"causal"``. ``"causal"`` (Keras)
pads ``(k - 1) * dilation_rate`` zeros at the start only, so output ``t`` sees
no input after ``t``.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
        Also when C_in differs from the built kernel's.
    DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
"""
Convolution2D = Conv2D
"""Keras's name for :class:`Conv2D` (the same class).

2-D convolution (Keras ``Conv2D``) over inputs ``(N, H, W, C_in)`` -> ``(N, H_out, W_out, filters)``.

Kernel ``(kh, kw, C_in // groups, filters)``, bias ``(filters,)``. Output sizes
per spatial dimension as in :class:`Conv1D`. ``groups`` splits the channels
into independent groups (``groups == C_in == filters`` is a depthwise conv).

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
        Also when C_in differs from the built kernel's.
    DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
"""
Convolution3D = Conv3D
"""Keras's name for :class:`Conv3D` (the same class).

3-D convolution (Keras ``Conv3D``) over ``(N, D, H, W, C_in)`` -> ``(N, D_out, H_out, W_out, filters)``.

Kernel ``(kd, kh, kw, C_in // groups, filters)`` (canonical, as Keras; torch's
``Conv3d`` weight is its ``permute(4, 3, 0, 1, 2)``), bias ``(filters,)``.
Output sizes per spatial dimension as in :class:`Conv1D`.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
        Also when C_in differs from the built kernel's.
    DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
"""
Convolution1DTranspose = Conv1DTranspose
"""Keras's name for :class:`Conv1DTranspose` (the same class).

Transposed 1-D convolution: inputs ``(N, W, C_in)`` -> ``(N, W_out, filters)``.

The kernel has dualnet's canonical layout ``(k, C_in, filters)``, in
before out like every other kernel (Keras stores ``(k, filters, C_in)``
here; torch's ``ConvTranspose1d`` weight is ``kernel.transpose(1, 2, 0)``); bias ``(filters,)``.
Output sizes per spatial dimension follow Keras,
with ``ke = (k - 1) * dilation_rate + 1``:

- ``"valid"``: ``(size - 1) * strides + max(ke, strides)``, or
  ``(size - 1) * strides + ke + output_padding`` when ``output_padding`` is given;
- ``"same"``: ``size * strides``, or ``(size - 1) * strides + ke % 2 + output_padding``.

``output_padding`` (int or tuple, each smaller than the stride) adds cells at the end.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
    DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
"""
Convolution2DTranspose = Conv2DTranspose
"""Keras's name for :class:`Conv2DTranspose` (the same class).

Transposed 2-D convolution: inputs ``(N, H, W, C_in)`` -> ``(N, H_out, W_out, filters)``.

The kernel has dualnet's canonical layout ``(kh, kw, C_in, filters)``, in
before out like every other kernel (Keras stores ``(kh, kw, filters, C_in)``
here); bias ``(filters,)``. Output sizes per spatial dimension follow Keras,
with ``ke = (k - 1) * dilation_rate + 1``:

- ``"valid"``: ``(size - 1) * strides + max(ke, strides)``, or
  ``(size - 1) * strides + ke + output_padding`` when ``output_padding`` is given;
- ``"same"``: ``size * strides``, or ``(size - 1) * strides + ke % 2 + output_padding``.

``output_padding`` (int or tuple, each smaller than the stride) adds cells at the end.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
    DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
"""
Convolution3DTranspose = Conv3DTranspose
"""Keras's name for :class:`Conv3DTranspose` (the same class).

Transposed 3-D convolution: inputs ``(N, D, H, W, C_in)`` -> ``(N, D_out, H_out, W_out, filters)``.

The kernel has dualnet's canonical layout ``(kd, kh, kw, C_in, filters)``, in
before out like every other kernel (Keras stores ``(kd, kh, kw, filters, C_in)``
here; torch's ``ConvTranspose3d`` weight is ``kernel.transpose(3, 4, 0, 1, 2)``); bias ``(filters,)``.
Output sizes per spatial dimension follow Keras,
with ``ke = (k - 1) * dilation_rate + 1``:

- ``"valid"``: ``(size - 1) * strides + max(ke, strides)``, or
  ``(size - 1) * strides + ke + output_padding`` when ``output_padding`` is given;
- ``"same"``: ``size * strides``, or ``(size - 1) * strides + ke % 2 + output_padding``.

``output_padding`` (int or tuple, each smaller than the stride) adds cells at the end.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
    DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
"""
SeparableConvolution1D = SeparableConv1D
"""Keras's name for :class:`SeparableConv1D` (the same class).

Depthwise-separable 1-D convolution (Keras ``SeparableConv1D``): ``(N, W, C)`` -> ``(N, W_out, filters)``.

Weights: ``depthwise_kernel`` ``(k, C, depth_multiplier)``, ``pointwise_kernel``
``(1, C * depth_multiplier, filters)`` and ``bias`` ``(filters,)``, Keras's
layouts. ``strides``, ``padding`` and ``dilation_rate`` apply to the depthwise
step; output sizes as in :class:`~dualnet.nn.Conv1D`. PyTorch has no such
layer: it is ``Conv1d(C, C * m, k, groups=C)`` followed by ``Conv1d(C * m, filters, 1)``.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
        Also when C differs from the built kernel's.
    DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
"""
SeparableConvolution2D = SeparableConv2D
"""Keras's name for :class:`SeparableConv2D` (the same class).

Depthwise-separable 2-D convolution (Keras ``SeparableConv2D``): ``(N, H, W, C)`` -> ``(N, H_o, W_o, filters)``.

Weights: ``depthwise_kernel`` ``(kh, kw, C, depth_multiplier)``, ``pointwise_kernel``
``(1, 1, C * depth_multiplier, filters)`` and ``bias`` ``(filters,)``, Keras's
layouts. ``strides``, ``padding`` and ``dilation_rate`` apply to the depthwise
step; output sizes as in :class:`~dualnet.nn.Conv2D`.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
        Also when C differs from the built kernel's.
    DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
"""
AdaptiveAveragePooling1D = AdaptiveAvgPool1D
"""Keras's name for :class:`AdaptiveAvgPool1D` (the same class).

Means over ``output_size`` adaptive bins of the steps: ``(N, W, C)`` -> ``(N, output_size, C)``.

Raises:
    ArgumentError: at construction, ``output_size`` is not a positive int (or a 1-tuple of one).
    ShapeError: for an input of the wrong rank or an empty axis, naming the layer path and the expected shape.
    DTypeError: for integer inputs.
"""
AdaptiveAveragePooling2D = AdaptiveAvgPool2D
"""Keras's name for :class:`AdaptiveAvgPool2D` (the same class).

Means over adaptive bins of height and width: ``(N, H, W, C)`` -> ``(N, *output_size, C)``.

``output_size``: an int (both axes) or ``(out_h, out_w)``.

Raises:
    ArgumentError: at construction, ``output_size`` is not a positive int or a pair of them.
    ShapeError: for an input of the wrong rank or an empty axis, naming the layer path and the expected shape.
    DTypeError: for integer inputs.
"""
AdaptiveMaxPooling1D = AdaptiveMaxPool1D
"""Keras's name for :class:`AdaptiveMaxPool1D` (the same class).

Maxima over ``output_size`` adaptive bins of the steps: ``(N, W, C)`` -> ``(N, output_size, C)``.

Raises:
    ArgumentError: at construction, ``output_size`` is not a positive int (or a 1-tuple of one).
    ShapeError: for an input of the wrong rank or an empty axis, naming the layer path and the expected shape.
    DTypeError: for integer inputs.
"""
AdaptiveMaxPooling2D = AdaptiveMaxPool2D
"""Keras's name for :class:`AdaptiveMaxPool2D` (the same class).

Maxima over adaptive bins of height and width: ``(N, H, W, C)`` -> ``(N, *output_size, C)``.

``output_size``: an int (both axes) or ``(out_h, out_w)``.

Raises:
    ArgumentError: at construction, ``output_size`` is not a positive int or a pair of them.
    ShapeError: for an input of the wrong rank or an empty axis, naming the layer path and the expected shape.
    DTypeError: for integer inputs.
"""
AveragePooling1D = AvgPool1D
"""Keras's name for :class:`AvgPool1D` (the same class).

Mean over windows of ``pool_size`` (Keras ``AveragePooling1D``): ``(N, W, C)`` -> ``(N, W_out, C)``.

With ``"same"`` padding each window is averaged over its real cells only.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
    DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
"""
AveragePooling2D = AvgPool2D
"""Keras's name for :class:`AvgPool2D` (the same class).

Mean over windows of ``pool_size`` (Keras ``AveragePooling2D``): ``(N, H, W, C)`` -> ``(N, H_out, W_out, C)``.

With ``"same"`` padding each window is averaged over its real cells only.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
    DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
"""
AveragePooling3D = AvgPool3D
"""Keras's name for :class:`AvgPool3D` (the same class).

Mean over ``pool_size`` windows (Keras ``AveragePooling3D``): ``(N, D, H, W, C)`` -> ``(N, D_o, H_o, W_o, C)``.

With ``"same"`` padding each window is averaged over its real cells only (Keras; torch's
``AvgPool3d(count_include_pad=False)``).

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
    DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
"""
MaxPooling1D = MaxPool1D
"""Keras's name for :class:`MaxPool1D` (the same class).

Max over windows of ``pool_size`` (Keras ``MaxPooling1D``): ``(N, W, C)`` -> ``(N, W_out, C)``.

With ``"same"`` padding the padded cells never win.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
    DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
"""
MaxPooling2D = MaxPool2D
"""Keras's name for :class:`MaxPool2D` (the same class).

Max over windows of ``pool_size`` (Keras ``MaxPooling2D``): ``(N, H, W, C)`` -> ``(N, H_out, W_out, C)``.

With ``"same"`` padding the padded cells never win.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
    DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
"""
MaxPooling3D = MaxPool3D
"""Keras's name for :class:`MaxPool3D` (the same class).

Max over windows of ``pool_size`` (Keras ``MaxPooling3D``): ``(N, D, H, W, C)`` -> ``(N, D_o, H_o, W_o, C)``.

With ``"same"`` padding the padded cells never win.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
    DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
"""
GlobalAveragePooling1D = GlobalAvgPool1D
"""Keras's name for :class:`GlobalAvgPool1D` (the same class).

Mean over the steps (Keras ``GlobalAveragePooling1D``): ``(N, W, C)`` -> ``(N, C)``.

With ``keepdims=True`` the output is ``(N, 1, C)``.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
"""
GlobalAveragePooling2D = GlobalAvgPool2D
"""Keras's name for :class:`GlobalAvgPool2D` (the same class).

Mean over height and width (Keras ``GlobalAveragePooling2D``): ``(N, H, W, C)`` -> ``(N, C)``.

With ``keepdims=True`` the output is ``(N, 1, 1, C)``.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
"""
GlobalAveragePooling3D = GlobalAvgPool3D
"""Keras's name for :class:`GlobalAvgPool3D` (the same class).

Mean over depth, height and width (Keras ``GlobalAveragePooling3D``): ``(N, D, H, W, C)`` -> ``(N, C)``.

With ``keepdims=True`` the output is ``(N, 1, 1, 1, C)``.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
"""
GlobalMaxPooling1D = GlobalMaxPool1D
"""Keras's name for :class:`GlobalMaxPool1D` (the same class).

Max over the steps (Keras ``GlobalMaxPooling1D``): ``(N, W, C)`` -> ``(N, C)``.

With ``keepdims=True`` the output is ``(N, 1, C)``.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
"""
GlobalMaxPooling2D = GlobalMaxPool2D
"""Keras's name for :class:`GlobalMaxPool2D` (the same class).

Max over height and width (Keras ``GlobalMaxPooling2D``): ``(N, H, W, C)`` -> ``(N, C)``.

With ``keepdims=True`` the output is ``(N, 1, 1, C)``.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
"""
GlobalMaxPooling3D = GlobalMaxPool3D
"""Keras's name for :class:`GlobalMaxPool3D` (the same class).

Max over depth, height and width (Keras ``GlobalMaxPooling3D``): ``(N, D, H, W, C)`` -> ``(N, C)``.

With ``keepdims=True`` the output is ``(N, 1, 1, 1, C)``.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
"""
BatchNormalization = BatchNorm
"""Keras's name for :class:`BatchNorm` (the same class).

Batch normalisation (Keras ``BatchNormalization``), channel axis ``axis`` (default last).

Input ``(N, ..., C)`` -> output of the same shape. In training mode each
channel is normalised with the mean and the biased (population) variance of
the batch over every axis but ``axis``, and the moving statistics are updated
with Keras's convention ``moving = moving * momentum + batch * (1 - momentum)``
(momentum 0.99 keeps 99% of the old value; PyTorch's ``momentum=0.1`` is
dualnet's 0.9). As in Keras, the moving variance is updated with the biased
batch variance (PyTorch uses the unbiased one), so a model converted from
Keras keeps its statistics. In eval mode the moving statistics are used.
As in PyTorch, the mode alone decides: a frozen (``trainable = False``)
BatchNorm in training mode still uses batch statistics; call ``.eval()`` on it.
Also as in PyTorch, an empty batch (any axis of size 0) in training mode
gives an empty output and leaves the moving statistics unchanged (Keras 3
sets them to NaN).

A last channel axis runs on the frameworks' fused kernels (``torch.batch_norm``
on a channels_last view, TensorFlow's ``FusedBatchNormV3``; ``B.batch_norm_train``
/ ``batch_norm_infer``), other axes on the composite ops, with the same numbers.

Weights: ``gamma`` (C,) if ``scale``, ``beta`` (C,) if ``center``; buffers
``moving_mean`` and ``moving_variance`` (C,). ``num_features=C`` creates them
at construction; otherwise C is taken from the first call.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
        Also when the channel size differs from the first call's.
    DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
"""
LayerNormalization = LayerNorm
"""Keras's name for :class:`LayerNorm` (the same class).

Layer normalisation (Keras ``LayerNormalization``) over ``axis`` (an int or a tuple of ints).

Input ``(..., D)`` -> output of the same shape: each example is normalised
over the ``axis`` axes (biased variance), then ``* gamma + beta``. ``gamma``
and ``beta`` have the shape of the normalised axes (``(D,)`` for the default
``axis=-1``), taken from the first call. Keras's default ``epsilon=1e-3``;
pass ``1e-5`` for PyTorch's.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
    DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
"""
GroupNormalization = GroupNorm
"""Keras's name for :class:`GroupNorm` (the same class).

Group normalisation (Keras ``GroupNormalization``) of channels on ``axis`` (default last).

Input ``(N, ..., C)`` -> output of the same shape. The C channels are split
into ``groups`` consecutive groups; each example's group is normalised over
its positions and channels (biased variance), then ``* gamma + beta`` per
channel. ``gamma`` and ``beta`` are ``(C,)``, taken from the first call; C
must be divisible by ``groups``. A channel axis other than the last costs a
transpose each call.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
        Also when C is not divisible by ``groups``.
    DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
"""
RMSNormalization = RMSNorm
"""Keras's name for :class:`RMSNorm` (the same class).

Root-mean-square normalisation (Keras ``RMSNormalization``, ``torch.nn.RMSNorm``) over ``axis``.

Input ``(..., D)`` -> output of the same shape:
``x * rsqrt(mean(x**2, axis) + epsilon) * gamma``. ``axis`` is an int or a
tuple of ints; ``gamma`` (Keras's ``scale``, torch's ``weight``) has the
shape of the normalised axes (``(D,)`` for ``axis=-1``), taken from the
first call; ``scale=False`` (torch's ``elementwise_affine=False``) drops it.
The default ``epsilon=1e-6`` is Keras's; torch's default (``eps=None``) is
the float32 machine epsilon, ``1.1920929e-07``: pass that for PyTorch's.

Raises:
    ArgumentError: at construction, for an argument outside its valid values (the message names it).
    ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
    DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
"""

AdaptiveAveragePooling3D = AdaptiveAvgPool3D
"""Keras's name for :class:`AdaptiveAvgPool3D` (the same class).

Means over adaptive bins of depth, height and width: ``(N, D, H, W, C)`` -> ``(N, *output_size, C)``.

``output_size``: an int (every axis) or ``(out_d, out_h, out_w)``.

Raises:
    ArgumentError: at construction, ``output_size`` is not a positive int or a triple of them.
    ShapeError: for an input of the wrong rank or an empty axis, naming the layer path and the expected shape.
    DTypeError: for integer inputs.
"""

AdaptiveMaxPooling3D = AdaptiveMaxPool3D
"""Keras's name for :class:`AdaptiveMaxPool3D` (the same class).

Maxima over adaptive bins of depth, height and width: ``(N, D, H, W, C)`` -> ``(N, *output_size, C)``.

``output_size``: an int (every axis) or ``(out_d, out_h, out_w)``.

Raises:
    ArgumentError: at construction, ``output_size`` is not a positive int or a triple of them.
    ShapeError: for an input of the wrong rank or an empty axis, naming the layer path and the expected shape.
    DTypeError: for integer inputs.
"""
