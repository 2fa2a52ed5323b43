"""``dn.nn``: modules, layers, initializers and activations, written once on the ops."""

from dualnet.nn import activations, initializers
from dualnet.nn.conv import Conv1D, Conv2D, DepthwiseConv2D
from dualnet.nn.conv_transpose import Conv2DTranspose
from dualnet.nn.dense import Dense
from dualnet.nn.module import Module
from dualnet.nn.pooling import (
    AvgPool1D,
    AvgPool2D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    MaxPool1D,
    MaxPool2D,
)
from dualnet.nn.reshaping import Flatten, Reshape

__all__ = [
    "AvgPool1D",
    "AvgPool2D",
    "Conv1D",
    "Conv2D",
    "Conv2DTranspose",
    "Dense",
    "DepthwiseConv2D",
    "Flatten",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "MaxPool1D",
    "MaxPool2D",
    "Module",
    "Reshape",
    "activations",
    "initializers",
]
