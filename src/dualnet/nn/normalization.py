"""Normalisation layers: ``BatchNorm``, ``LayerNorm``, ``GroupNorm`` (Keras arguments, channels-last).

Each normalises its input to zero mean and unit variance over some axes, then
applies a learned per-feature ``gamma`` (scale) and ``beta`` (offset). The
output has the input's shape. Half-precision inputs are normalised in float32
and cast back, as Keras does, because their variance overflows easily.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dualnet.arguments import check_axis, check_bool, check_float, check_int, check_probability
from dualnet.backend.dispatch import B
from dualnet.dtypes import is_float
from dualnet.errors import ArgumentError, DTypeError, ShapeError
from dualnet.nn.module import Module

__all__ = ["BatchNorm", "GroupNorm", "LayerNorm"]

_HALF = ("float16", "bfloat16")


def _check_epsilon(layer: str, epsilon: Any) -> float:
    return check_float(layer, "epsilon", epsilon, low=0.0, low_open=True, example="epsilon=1e-3")


def _check_axis(layer: str, axis: Any) -> int:
    return check_axis(layer, "axis", axis, example="axis=-1 (the channel axis)")


def _check_float_input(layer: Module, x: Any, min_rank: int, layout: str) -> tuple[int | None, ...]:
    """The shape of ``x``; raises when ``x`` is not floating point or has rank below ``min_rank``."""
    shape = tuple(B.shape(x))
    dtype = B.dtype(x)
    if not is_float(dtype):
        raise DTypeError(
            f"{layer._where()} expects floating-point inputs, got {dtype}; cast first, e.g. dn.ops.cast(x, 'float32')"
        )
    if len(shape) < min_rank:
        raise ShapeError(
            f"{layer._where()} expects inputs of rank >= {min_rank} {layout}, got shape {shape}; "
            "add the missing batch axis, e.g. dn.ops.expand_dims(x, 0)"
        )
    return shape


def _affine(layer: Any, name: str, shape: tuple[int, ...], initializer: Any, wanted: bool) -> Any:
    """``gamma`` / ``beta`` with the layer's ``<name>_regularizer`` / ``_constraint``; None when not ``wanted``."""
    if not wanted:
        return None
    return layer.add_weight(name, shape, initializer, layer.dtype, **layer._penalties_of(name))


def _axis_in(layer: Module, axis: int, shape: tuple[int | None, ...]) -> int:
    if not -len(shape) <= axis < len(shape):
        raise ShapeError(
            f"{layer._where()} normalises axis {axis}, which inputs of shape {shape} do not have; "
            f"pass an axis in [-{len(shape)}, {len(shape)})"
        )
    return axis % len(shape)


class BatchNorm(Module):
    """Batch normalisation (Keras ``BatchNormalization``), channel axis ``axis`` (default last).

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

    _layout: tuple[int, tuple[int, ...], tuple[int, ...] | None]

    def __init__(
        self,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        axis: int = -1,
        num_features: int | None = None,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        dtype: str = "float32",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
    ) -> None:
        super().__init__()
        self.momentum = check_probability(
            "BatchNorm",
            "momentum",
            momentum,
            example="momentum=0.99 (the fraction of the moving statistics kept at each step, Keras's convention), "
            "or 1 - torch_momentum",
        )
        num_features = check_int(
            "BatchNorm",
            "num_features",
            num_features,
            low=1,
            or_none=True,
            example="num_features=64 (the number of channels), or None (taken from the first call)",
        )
        self.epsilon = _check_epsilon("BatchNorm", epsilon)
        self.center = check_bool("BatchNorm", "center", center)
        self.scale = check_bool("BatchNorm", "scale", scale)
        self.axis = _check_axis("BatchNorm", axis)
        self.num_features = num_features
        self.beta_initializer = beta_initializer
        self.gamma_initializer = gamma_initializer
        self.dtype = dtype
        self._set_penalties(
            type(self).__name__,
            beta_regularizer=beta_regularizer,
            gamma_regularizer=gamma_regularizer,
            beta_constraint=beta_constraint,
            gamma_constraint=gamma_constraint,
        )
        # Per input rank: the axes reduced over and, for a channel axis other than the last, the shape that
        # makes a (C,) vector broadcast against the input (None: (C,) broadcasts as it is). Kept out of
        # Module's attribute tracking, which would take a tuple for a container of submodules.
        self.__dict__["_layout"] = (-1, (), None)
        self.built = False
        if num_features is not None:
            self._create(num_features)

    def build(self, x: Any) -> None:
        shape = tuple(B.shape(x))
        self._create(int(shape[_axis_in(self, self.axis, shape)]))

    def _create(self, channels: int) -> None:
        self.num_features = channels
        self.gamma = _affine(self, "gamma", (channels,), self.gamma_initializer, self.scale)
        self.beta = _affine(self, "beta", (channels,), self.beta_initializer, self.center)
        # Broadcast views: dn.load's budget counts the buffers before they are allocated.
        self.moving_mean = self.add_buffer("moving_mean", np.broadcast_to(np.float32(0), (channels,)))
        self.moving_variance = self.add_buffer("moving_variance", np.broadcast_to(np.float32(1), (channels,)))
        self.built = True

    def _layout_for(self, ndim: int) -> tuple[tuple[int, ...], tuple[int, ...] | None]:
        if self._layout[0] != ndim:
            channel = self.axis % ndim
            reduce = tuple(a for a in range(ndim) if a != channel)
            bshape = None if channel == ndim - 1 else tuple(-1 if a == channel else 1 for a in range(ndim))
            self.__dict__["_layout"] = (ndim, reduce, bshape)
        return self._layout[1], self._layout[2]

    def forward(self, x: Any) -> Any:
        dtype = B.dtype(x)
        if dtype in _HALF:
            x = B.cast(x, "float32")
        reduce, bshape = self._layout_for(B.ndim(x))
        size = B.size(x)
        # An empty batch has no statistics (0 / 0): its (empty) output comes from the moving ones, unchanged.
        batch_stats = self.training and (B.is_tensor(size) or size > 0)
        if bshape is None:
            # Channels last: the frameworks' fused kernels (one pass for the statistics and the output in
            # training, one kernel for the backward), with the same statistics as the composite path below.
            if batch_stats:
                y, mean, variance = B.batch_norm_train(x, scale=self.gamma, offset=self.beta, epsilon=self.epsilon)
                self._update_moving(mean, variance, False, size)
            else:
                y = B.batch_norm_infer(
                    x, self.moving_mean, self.moving_variance, scale=self.gamma, offset=self.beta, epsilon=self.epsilon
                )
            return B.cast(y, dtype) if dtype in _HALF else y
        if batch_stats:
            mean, variance = B.moments(x, reduce, True)
            self._update_moving(mean, variance, True, size)
        else:
            mean, variance = B.reshape(self.moving_mean, bshape), B.reshape(self.moving_variance, bshape)
        gamma = None if self.gamma is None else B.reshape(self.gamma, bshape)
        beta = None if self.beta is None else B.reshape(self.beta, bshape)
        y = B.batch_norm(x, mean, variance, scale=gamma, offset=beta, epsilon=self.epsilon)
        return B.cast(y, dtype) if dtype in _HALF else y

    def _update_moving(self, mean: Any, variance: Any, kept_dims: bool, size: Any) -> None:
        """Fold the batch statistics into the moving ones, unless the batch turns out to be empty.

        An empty batch's mean and variance are NaN (0 / 0), which would poison the moving statistics for
        good (Keras 3 does that); torch.nn.BatchNorm skips the update instead, and so does this layer.
        ``size`` is the input's element count: a positive number (an empty batch never gets here), or a
        tensor while tracing an unknown batch size, when the guard is part of the graph.
        """
        # B.assign works inside a compiled TensorFlow step; no_grad keeps the update out of torch's graph.
        with B.no_grad():
            if kept_dims:
                mean, variance = B.reshape(mean, (-1,)), B.reshape(variance, (-1,))
            keep, take = self.momentum, 1.0 - self.momentum
            new_mean = B.add(B.multiply(self.moving_mean, keep), B.multiply(mean, take))
            new_variance = B.add(B.multiply(self.moving_variance, keep), B.multiply(variance, take))
            if B.is_tensor(size):  # the batch may be empty at run time: keep the old values then
                filled = B.greater(size, 0)
                new_mean = B.where(filled, new_mean, self.moving_mean)
                new_variance = B.where(filled, new_variance, self.moving_variance)
            B.assign(self.moving_mean, new_mean)
            B.assign(self.moving_variance, new_variance)

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        shape = _check_float_input(self, x, 2, "(batch, ..., channels)")
        channels = shape[_axis_in(self, self.axis, shape)]
        if self.num_features is not None and channels not in (self.num_features, None):
            raise ShapeError(
                f"{self._where()} expects {self.num_features} channels on axis {self.axis}, got shape {shape}; "
                f"give it inputs with {self.num_features} channels, or set axis to the channel axis"
            )

    def extra_repr(self) -> str:
        return f"num_features={self.num_features}, momentum={self.momentum}, epsilon={self.epsilon}, axis={self.axis}"


class LayerNorm(Module):
    """Layer normalisation (Keras ``LayerNormalization``) over ``axis`` (an int or a tuple of ints).

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

    axis: tuple[int, ...]
    _axes: tuple[int, ...]
    _param_shape: tuple[int, ...]
    _bshape: tuple[int, ...] | None

    def __init__(
        self,
        axis: int | tuple[int, ...] | list[int] = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        dtype: str = "float32",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
    ) -> None:
        super().__init__()
        axes = axis if isinstance(axis, tuple | list) else (axis,)
        if not axes:
            raise ArgumentError("LayerNorm(axis=()): give at least one axis to normalise over, e.g. axis=-1")
        # Tuples of ints go straight into __dict__: Module's tracking would take them for containers of submodules.
        self.__dict__["axis"] = tuple(_check_axis("LayerNorm", a) for a in axes)
        self.epsilon = _check_epsilon("LayerNorm", epsilon)
        self.center = check_bool("LayerNorm", "center", center)
        self.scale = check_bool("LayerNorm", "scale", scale)
        self.beta_initializer = beta_initializer
        self.gamma_initializer = gamma_initializer
        self.dtype = dtype
        self._set_penalties(
            type(self).__name__,
            beta_regularizer=beta_regularizer,
            gamma_regularizer=gamma_regularizer,
            beta_constraint=beta_constraint,
            gamma_constraint=gamma_constraint,
        )
        self.__dict__["_axes"] = self.axis  # resolved at build: negative when trailing, else positive
        self.__dict__["_param_shape"] = ()
        self.__dict__["_bshape"] = None  # the weights' broadcast shape when the axes are not the trailing ones
        self._rank: int | None = None  # fixed only when the normalised axes are not the trailing ones
        self.built = False

    def build(self, x: Any) -> None:
        shape = tuple(B.shape(x))
        ndim = len(shape)
        axes = tuple(sorted({_axis_in(self, a, shape) for a in self.axis}))
        param_shape = tuple(int(shape[a]) for a in axes)
        self.__dict__["_param_shape"] = param_shape
        if axes == tuple(range(ndim - len(axes), ndim)):
            # Trailing axes: negative indices make the layer work on any rank, and the (D,)-shaped weights
            # take torch's fused layer_norm.
            self.__dict__["_axes"] = tuple(a - ndim for a in axes)
        else:
            self.__dict__["_axes"] = axes
            self.__dict__["_bshape"] = tuple(int(shape[a]) if a in axes else 1 for a in range(ndim))
            self._rank = ndim
        self.gamma = _affine(self, "gamma", param_shape, self.gamma_initializer, self.scale)
        self.beta = _affine(self, "beta", param_shape, self.beta_initializer, self.center)

    def forward(self, x: Any) -> Any:
        dtype = B.dtype(x)
        if dtype in _HALF:
            x = B.cast(x, "float32")
        gamma, beta = self.gamma, self.beta
        if self._bshape is not None:
            gamma = None if gamma is None else B.reshape(gamma, self._bshape)
            beta = None if beta is None else B.reshape(beta, self._bshape)
        y = B.layer_norm(x, self._axes, scale=gamma, offset=beta, epsilon=self.epsilon)
        return B.cast(y, dtype) if dtype in _HALF else y

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        shape = _check_float_input(self, x, 1, "(..., features)")
        for a in self.axis:
            _axis_in(self, a, shape)
        if not self.built:
            return
        if self._rank is not None and len(shape) != self._rank:
            raise ShapeError(
                f"{self._where()} was built for inputs of rank {self._rank} (axis={self.axis}), got shape {shape}; "
                "keep the input rank, or normalise trailing axes (e.g. axis=-1) to accept any rank"
            )
        expected = self._param_shape
        got = tuple(shape[a] for a in self._axes)
        if any(g not in (e, None) for g, e in zip(got, expected)):
            raise ShapeError(
                f"{self._where()} expects sizes {expected} on axes {self.axis}, got shape {shape}; "
                "give it inputs of the size it was built with"
            )

    def extra_repr(self) -> str:
        return f"axis={self.axis if len(self.axis) > 1 else self.axis[0]}, epsilon={self.epsilon}"


class GroupNorm(Module):
    """Group normalisation (Keras ``GroupNormalization``) of channels on ``axis`` (default last).

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

    def __init__(
        self,
        groups: int = 32,
        axis: int = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        dtype: str = "float32",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
    ) -> None:
        super().__init__()
        self.groups = check_int("GroupNorm", "groups", groups, low=1, example="groups=32")
        self.axis = _check_axis("GroupNorm", axis)
        self.epsilon = _check_epsilon("GroupNorm", epsilon)
        self.center = check_bool("GroupNorm", "center", center)
        self.scale = check_bool("GroupNorm", "scale", scale)
        self.beta_initializer = beta_initializer
        self.gamma_initializer = gamma_initializer
        self.dtype = dtype
        self._set_penalties(
            type(self).__name__,
            beta_regularizer=beta_regularizer,
            gamma_regularizer=gamma_regularizer,
            beta_constraint=beta_constraint,
            gamma_constraint=gamma_constraint,
        )
        self.channels: int | None = None
        self.built = False

    def build(self, x: Any) -> None:
        shape = tuple(B.shape(x))
        self.channels = int(shape[_axis_in(self, self.axis, shape)])
        c = self.channels
        self.gamma = _affine(self, "gamma", (c,), self.gamma_initializer, self.scale)
        self.beta = _affine(self, "beta", (c,), self.beta_initializer, self.center)

    def forward(self, x: Any) -> Any:
        dtype = B.dtype(x)
        if dtype in _HALF:
            x = B.cast(x, "float32")
        ndim = B.ndim(x)
        channel = self.axis % ndim
        if channel == ndim - 1:
            y = B.group_norm(x, self.groups, scale=self.gamma, offset=self.beta, epsilon=self.epsilon)
        else:
            moved = B.moveaxis(x, channel, -1)
            normed = B.group_norm(moved, self.groups, scale=self.gamma, offset=self.beta, epsilon=self.epsilon)
            y = B.moveaxis(normed, -1, channel)
        return B.cast(y, dtype) if dtype in _HALF else y

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        shape = _check_float_input(self, x, 2, "(batch, ..., channels)")
        channels = shape[_axis_in(self, self.axis, shape)]
        if channels is None:
            return
        if self.channels is not None and channels != self.channels:
            raise ShapeError(
                f"{self._where()} expects {self.channels} channels on axis {self.axis}, got shape {shape}; "
                f"give it inputs with {self.channels} channels"
            )
        if channels % self.groups:
            divisor = max(d for d in range(1, min(self.groups, channels) + 1) if channels % d == 0)
            raise ShapeError(
                f"{self._where()} splits {channels} channels (shape {shape}) into groups={self.groups}, which does "
                f"not divide them; choose groups dividing {channels}, e.g. GroupNorm(groups={divisor})"
            )

    def extra_repr(self) -> str:
        return f"groups={self.groups}, channels={self.channels}, axis={self.axis}, epsilon={self.epsilon}"
