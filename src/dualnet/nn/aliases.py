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
from dualnet.nn.pooling_adaptive import AdaptiveAvgPool1D, AdaptiveAvgPool2D, AdaptiveMaxPool1D, AdaptiveMaxPool2D

__all__ = [
    "AdaptiveAveragePooling1D",
    "AdaptiveAveragePooling2D",
    "AdaptiveMaxPooling1D",
    "AdaptiveMaxPooling2D",
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
Convolution2D = Conv2D
Convolution3D = Conv3D
Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
AdaptiveAveragePooling1D = AdaptiveAvgPool1D
AdaptiveAveragePooling2D = AdaptiveAvgPool2D
AdaptiveMaxPooling1D = AdaptiveMaxPool1D
AdaptiveMaxPooling2D = AdaptiveMaxPool2D
AveragePooling1D = AvgPool1D
AveragePooling2D = AvgPool2D
AveragePooling3D = AvgPool3D
MaxPooling1D = MaxPool1D
MaxPooling2D = MaxPool2D
MaxPooling3D = MaxPool3D
GlobalAveragePooling1D = GlobalAvgPool1D
GlobalAveragePooling2D = GlobalAvgPool2D
GlobalAveragePooling3D = GlobalAvgPool3D
GlobalMaxPooling1D = GlobalMaxPool1D
GlobalMaxPooling2D = GlobalMaxPool2D
GlobalMaxPooling3D = GlobalMaxPool3D
BatchNormalization = BatchNorm
LayerNormalization = LayerNorm
GroupNormalization = GroupNorm
RMSNormalization = RMSNorm
