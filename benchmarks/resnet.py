"""Workload r's model on dualnet: a small ResNet-style CNN with BatchNorm (channels-last, 32x32x3 inputs).

``ResNet()``: ``(N, 32, 32, 3)`` -> logits ``(N, 10)``. A stem (Conv 3x3, 16
filters, BatchNorm, ReLU), a basic block at 16 channels, a strided block to 32
channels (its shortcut a strided 1x1 conv + BatchNorm), a basic block at 32,
global average pooling and a Dense head. Convs before a BatchNorm have no bias,
as in ResNet; a strided 3x3 conv pads ``"same"`` (TensorFlow's 0 before, 1 after).
Weight names: ``<layer>.kernel``, ``<bn>.gamma`` / ``beta`` / ``moving_mean`` /
``moving_variance`` (BatchNorm momentum 0.9, PyTorch's 0.1; epsilon 1e-5), ``head.kernel`` / ``head.bias``.
"""

from __future__ import annotations

from typing import Any

import dualnet as dn

BLOCKS = ((16, 1), (32, 2), (32, 1))  # (filters, stride) of each basic block after the stem
STEM = 16


class Block(dn.nn.Module):
    """A basic residual block: conv-BN-ReLU-conv-BN, plus the input (or its 1x1-conv-BN projection), ReLU."""

    def __init__(self, filters: int, stride: int, project: bool) -> None:
        super().__init__()
        nn = dn.nn
        self.conv1 = nn.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)
        self.bn1 = nn.BatchNorm(momentum=0.9, epsilon=1e-5)
        self.conv2 = nn.Conv2D(filters, 3, padding="same", use_bias=False)
        self.bn2 = nn.BatchNorm(momentum=0.9, epsilon=1e-5)
        self.proj = nn.Conv2D(filters, 1, strides=stride, use_bias=False) if project else None
        self.proj_bn = nn.BatchNorm(momentum=0.9, epsilon=1e-5) if project else None

    def forward(self, x: Any) -> Any:
        h = dn.ops.relu(self.bn1(self.conv1(x)))
        h = self.bn2(self.conv2(h))
        shortcut = x if self.proj is None or self.proj_bn is None else self.proj_bn(self.proj(x))
        return dn.ops.relu(dn.ops.add(h, shortcut))


class ResNet(dn.nn.Module):
    """``(N, 32, 32, 3)`` images -> ``(N, 10)`` logits (see the module docstring)."""

    def __init__(self, classes: int = 10) -> None:
        super().__init__()
        nn = dn.nn
        self.stem = nn.Conv2D(STEM, 3, padding="same", use_bias=False)
        self.stem_bn = nn.BatchNorm(momentum=0.9, epsilon=1e-5)
        channels = STEM
        self.blocks = []
        for filters, stride in BLOCKS:
            self.blocks.append(Block(filters, stride, project=stride != 1 or filters != channels))
            channels = filters
        self.pool = nn.GlobalAvgPool2D()
        self.head = nn.Dense(classes)

    def forward(self, x: Any) -> Any:
        h = dn.ops.relu(self.stem_bn(self.stem(x)))
        for block in self.blocks:
            h = block(h)
        return self.head(self.pool(h))
