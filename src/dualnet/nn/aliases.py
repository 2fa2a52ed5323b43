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
"""Keras's name for :class:`Conv1D`, the same class: its input and output shapes, arguments and
weights are Conv1D's.

Raises:
    ArgumentError: as :class:`Conv1D` raises it.
    ShapeError: as :class:`Conv1D` raises it.
    DTypeError: as :class:`Conv1D` raises it.
"""
Convolution2D = Conv2D
"""Keras's name for :class:`Conv2D`, the same class: its input and output shapes, arguments and
weights are Conv2D's.

Raises:
    ArgumentError: as :class:`Conv2D` raises it.
    ShapeError: as :class:`Conv2D` raises it.
    DTypeError: as :class:`Conv2D` raises it.
"""
Convolution3D = Conv3D
"""Keras's name for :class:`Conv3D`, the same class: its input and output shapes, arguments and
weights are Conv3D's.

Raises:
    ArgumentError: as :class:`Conv3D` raises it.
    ShapeError: as :class:`Conv3D` raises it.
    DTypeError: as :class:`Conv3D` raises it.
"""
Convolution1DTranspose = Conv1DTranspose
"""Keras's name for :class:`Conv1DTranspose`, the same class: its input and output shapes, arguments and
weights are Conv1DTranspose's.

Raises:
    ArgumentError: as :class:`Conv1DTranspose` raises it.
    ShapeError: as :class:`Conv1DTranspose` raises it.
    DTypeError: as :class:`Conv1DTranspose` raises it.
"""
Convolution2DTranspose = Conv2DTranspose
"""Keras's name for :class:`Conv2DTranspose`, the same class: its input and output shapes, arguments and
weights are Conv2DTranspose's.

Raises:
    ArgumentError: as :class:`Conv2DTranspose` raises it.
    ShapeError: as :class:`Conv2DTranspose` raises it.
    DTypeError: as :class:`Conv2DTranspose` raises it.
"""
Convolution3DTranspose = Conv3DTranspose
"""Keras's name for :class:`Conv3DTranspose`, the same class: its input and output shapes, arguments and
weights are Conv3DTranspose's.

Raises:
    ArgumentError: as :class:`Conv3DTranspose` raises it.
    ShapeError: as :class:`Conv3DTranspose` raises it.
    DTypeError: as :class:`Conv3DTranspose` raises it.
"""
SeparableConvolution1D = SeparableConv1D
"""Keras's name for :class:`SeparableConv1D`, the same class: its input and output shapes, arguments and
weights are SeparableConv1D's.

Raises:
    ArgumentError: as :class:`SeparableConv1D` raises it.
    ShapeError: as :class:`SeparableConv1D` raises it.
    DTypeError: as :class:`SeparableConv1D` raises it.
"""
SeparableConvolution2D = SeparableConv2D
"""Keras's name for :class:`SeparableConv2D`, the same class: its input and output shapes, arguments and
weights are SeparableConv2D's.

Raises:
    ArgumentError: as :class:`SeparableConv2D` raises it.
    ShapeError: as :class:`SeparableConv2D` raises it.
    DTypeError: as :class:`SeparableConv2D` raises it.
"""
AdaptiveAveragePooling1D = AdaptiveAvgPool1D
"""Keras's name for :class:`AdaptiveAvgPool1D`, the same class: its input and output shapes, arguments and
weights are AdaptiveAvgPool1D's.

Raises:
    ArgumentError: as :class:`AdaptiveAvgPool1D` raises it.
    ShapeError: as :class:`AdaptiveAvgPool1D` raises it.
    DTypeError: as :class:`AdaptiveAvgPool1D` raises it.
"""
AdaptiveAveragePooling2D = AdaptiveAvgPool2D
"""Keras's name for :class:`AdaptiveAvgPool2D`, the same class: its input and output shapes, arguments and
weights are AdaptiveAvgPool2D's.

Raises:
    ArgumentError: as :class:`AdaptiveAvgPool2D` raises it.
    ShapeError: as :class:`AdaptiveAvgPool2D` raises it.
    DTypeError: as :class:`AdaptiveAvgPool2D` raises it.
"""
AdaptiveMaxPooling1D = AdaptiveMaxPool1D
"""Keras's name for :class:`AdaptiveMaxPool1D`, the same class: its input and output shapes, arguments and
weights are AdaptiveMaxPool1D's.

Raises:
    ArgumentError: as :class:`AdaptiveMaxPool1D` raises it.
    ShapeError: as :class:`AdaptiveMaxPool1D` raises it.
    DTypeError: as :class:`AdaptiveMaxPool1D` raises it.
"""
AdaptiveMaxPooling2D = AdaptiveMaxPool2D
"""Keras's name for :class:`AdaptiveMaxPool2D`, the same class: its input and output shapes, arguments and
weights are AdaptiveMaxPool2D's.

Raises:
    ArgumentError: as :class:`AdaptiveMaxPool2D` raises it.
    ShapeError: as :class:`AdaptiveMaxPool2D` raises it.
    DTypeError: as :class:`AdaptiveMaxPool2D` raises it.
"""
AveragePooling1D = AvgPool1D
"""Keras's name for :class:`AvgPool1D`, the same class: its input and output shapes, arguments and
weights are AvgPool1D's.

Raises:
    ArgumentError: as :class:`AvgPool1D` raises it.
    ShapeError: as :class:`AvgPool1D` raises it.
    DTypeError: as :class:`AvgPool1D` raises it.
"""
AveragePooling2D = AvgPool2D
"""Keras's name for :class:`AvgPool2D`, the same class: its input and output shapes, arguments and
weights are AvgPool2D's.

Raises:
    ArgumentError: as :class:`AvgPool2D` raises it.
    ShapeError: as :class:`AvgPool2D` raises it.
    DTypeError: as :class:`AvgPool2D` raises it.
"""
AveragePooling3D = AvgPool3D
"""Keras's name for :class:`AvgPool3D`, the same class: its input and output shapes, arguments and
weights are AvgPool3D's.

Raises:
    ArgumentError: as :class:`AvgPool3D` raises it.
    ShapeError: as :class:`AvgPool3D` raises it.
    DTypeError: as :class:`AvgPool3D` raises it.
"""
MaxPooling1D = MaxPool1D
"""Keras's name for :class:`MaxPool1D`, the same class: its input and output shapes, arguments and
weights are MaxPool1D's.

Raises:
    ArgumentError: as :class:`MaxPool1D` raises it.
    ShapeError: as :class:`MaxPool1D` raises it.
    DTypeError: as :class:`MaxPool1D` raises it.
"""
MaxPooling2D = MaxPool2D
"""Keras's name for :class:`MaxPool2D`, the same class: its input and output shapes, arguments and
weights are MaxPool2D's.

Raises:
    ArgumentError: as :class:`MaxPool2D` raises it.
    ShapeError: as :class:`MaxPool2D` raises it.
    DTypeError: as :class:`MaxPool2D` raises it.
"""
MaxPooling3D = MaxPool3D
"""Keras's name for :class:`MaxPool3D`, the same class: its input and output shapes, arguments and
weights are MaxPool3D's.

Raises:
    ArgumentError: as :class:`MaxPool3D` raises it.
    ShapeError: as :class:`MaxPool3D` raises it.
    DTypeError: as :class:`MaxPool3D` raises it.
"""
GlobalAveragePooling1D = GlobalAvgPool1D
"""Keras's name for :class:`GlobalAvgPool1D`, the same class: its input and output shapes, arguments and
weights are GlobalAvgPool1D's.

Raises:
    ArgumentError: as :class:`GlobalAvgPool1D` raises it.
    ShapeError: as :class:`GlobalAvgPool1D` raises it.
"""
GlobalAveragePooling2D = GlobalAvgPool2D
"""Keras's name for :class:`GlobalAvgPool2D`, the same class: its input and output shapes, arguments and
weights are GlobalAvgPool2D's.

Raises:
    ArgumentError: as :class:`GlobalAvgPool2D` raises it.
    ShapeError: as :class:`GlobalAvgPool2D` raises it.
"""
GlobalAveragePooling3D = GlobalAvgPool3D
"""Keras's name for :class:`GlobalAvgPool3D`, the same class: its input and output shapes, arguments and
weights are GlobalAvgPool3D's.

Raises:
    ArgumentError: as :class:`GlobalAvgPool3D` raises it.
    ShapeError: as :class:`GlobalAvgPool3D` raises it.
"""
GlobalMaxPooling1D = GlobalMaxPool1D
"""Keras's name for :class:`GlobalMaxPool1D`, the same class: its input and output shapes, arguments and
weights are GlobalMaxPool1D's.

Raises:
    ArgumentError: as :class:`GlobalMaxPool1D` raises it.
    ShapeError: as :class:`GlobalMaxPool1D` raises it.
"""
GlobalMaxPooling2D = GlobalMaxPool2D
"""Keras's name for :class:`GlobalMaxPool2D`, the same class: its input and output shapes, arguments and
weights are GlobalMaxPool2D's.

Raises:
    ArgumentError: as :class:`GlobalMaxPool2D` raises it.
    ShapeError: as :class:`GlobalMaxPool2D` raises it.
"""
GlobalMaxPooling3D = GlobalMaxPool3D
"""Keras's name for :class:`GlobalMaxPool3D`, the same class: its input and output shapes, arguments and
weights are GlobalMaxPool3D's.

Raises:
    ArgumentError: as :class:`GlobalMaxPool3D` raises it.
    ShapeError: as :class:`GlobalMaxPool3D` raises it.
"""
BatchNormalization = BatchNorm
"""Keras's name for :class:`BatchNorm`, the same class: its input and output shapes, arguments and
weights are BatchNorm's.

Raises:
    ArgumentError: as :class:`BatchNorm` raises it.
    ShapeError: as :class:`BatchNorm` raises it.
    DTypeError: as :class:`BatchNorm` raises it.
"""
LayerNormalization = LayerNorm
"""Keras's name for :class:`LayerNorm`, the same class: its input and output shapes, arguments and
weights are LayerNorm's.

Raises:
    ArgumentError: as :class:`LayerNorm` raises it.
    ShapeError: as :class:`LayerNorm` raises it.
    DTypeError: as :class:`LayerNorm` raises it.
"""
GroupNormalization = GroupNorm
"""Keras's name for :class:`GroupNorm`, the same class: its input and output shapes, arguments and
weights are GroupNorm's.

Raises:
    ArgumentError: as :class:`GroupNorm` raises it.
    ShapeError: as :class:`GroupNorm` raises it.
    DTypeError: as :class:`GroupNorm` raises it.
"""
RMSNormalization = RMSNorm
"""Keras's name for :class:`RMSNorm`, the same class: its input and output shapes, arguments and
weights are RMSNorm's.

Raises:
    ArgumentError: as :class:`RMSNorm` raises it.
    ShapeError: as :class:`RMSNorm` raises it.
    DTypeError: as :class:`RMSNorm` raises it.
"""

AdaptiveAveragePooling3D = AdaptiveAvgPool3D
"""Keras's name for :class:`AdaptiveAvgPool3D`, the same class: its input and output shapes, arguments and
weights are AdaptiveAvgPool3D's.

Raises:
    ArgumentError: as :class:`AdaptiveAvgPool3D` raises it.
    ShapeError: as :class:`AdaptiveAvgPool3D` raises it.
    DTypeError: as :class:`AdaptiveAvgPool3D` raises it.
"""

AdaptiveMaxPooling3D = AdaptiveMaxPool3D
"""Keras's name for :class:`AdaptiveMaxPool3D`, the same class: its input and output shapes, arguments and
weights are AdaptiveMaxPool3D's.

Raises:
    ArgumentError: as :class:`AdaptiveMaxPool3D` raises it.
    ShapeError: as :class:`AdaptiveMaxPool3D` raises it.
    DTypeError: as :class:`AdaptiveMaxPool3D` raises it.
"""
