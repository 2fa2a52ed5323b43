"""``RMSNorm``, ``InstanceNorm1D/2D/3D`` and ``UnitNormalization``: per-example normalisations, channels-last.

Like the layers of ``normalization.py``, each keeps its input's shape and
computes half-precision inputs in float32 (cast back after), as Keras does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dualnet.arguments import check_bool, check_int, check_probability
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, ShapeError
from dualnet.nn import initializers
from dualnet.nn.module import Module
from dualnet.nn.normalization import _HALF, _axis_in, _check_axis, _check_epsilon, _check_float_input

__all__ = ["InstanceNorm1D", "InstanceNorm2D", "InstanceNorm3D", "RMSNorm", "UnitNormalization"]


def _axes(layer: str, axis: Any) -> tuple[int, ...]:
    axes = tuple(axis) if isinstance(axis, tuple | list) else (axis,)
    if not axes:
        raise ArgumentError(f"{layer}(axis=()): give at least one axis to normalise over, e.g. axis=-1")
    return tuple(_check_axis(layer, a) for a in axes)


class RMSNorm(Module):
    """Root-mean-square normalisation (Keras ``RMSNormalization``, ``torch.nn.RMSNorm``) over ``axis``.

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

    axis: tuple[int, ...]
    _param_shape: tuple[int, ...]
    _bshape: tuple[int, ...] | None

    def __init__(
        self,
        axis: int | tuple[int, ...] | list[int] = -1,
        epsilon: float = 1e-6,
        scale: bool = True,
        gamma_initializer: Any = "ones",
        dtype: str = "float32",
    ) -> None:
        super().__init__()
        # Tuples of ints go straight into __dict__: Module's tracking would take them for containers of submodules.
        self.__dict__["axis"] = _axes("RMSNorm", axis)
        self.epsilon = _check_epsilon("RMSNorm", epsilon)
        self.scale = check_bool("RMSNorm", "scale", scale)
        initializers.get(gamma_initializer, where=f"RMSNorm(gamma_initializer={gamma_initializer!r})")
        self.gamma_initializer = gamma_initializer
        self.dtype = dtype
        self.__dict__["_param_shape"] = ()
        self.__dict__["_bshape"] = None
        self.built = False

    def build(self, x: Any) -> None:
        shape = tuple(B.shape(x))
        axes = sorted({_axis_in(self, a, shape) for a in self.axis})
        self.__dict__["_param_shape"] = tuple(int(shape[a]) for a in axes)
        trailing = axes == list(range(len(shape) - len(axes), len(shape)))
        # Axes other than the trailing ones: (D,)-shaped weights are reshaped to broadcast, and the rank is fixed.
        self.__dict__["_bshape"] = None if trailing else tuple(int(s) if a in axes else 1 for a, s in enumerate(shape))
        self.gamma = (
            self.add_weight("gamma", self._param_shape, self.gamma_initializer, self.dtype) if self.scale else None
        )

    def forward(self, x: Any) -> Any:
        dtype = B.dtype(x)
        if dtype in _HALF:
            x = B.cast(x, "float32")
        gamma = self.gamma if self._bshape is None or self.gamma is None else B.reshape(self.gamma, self._bshape)
        y = B.rms_normalization(x, gamma, self.axis if len(self.axis) > 1 else self.axis[0], self.epsilon)
        return B.cast(y, dtype) if dtype in _HALF else y

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        shape = _check_float_input(self, x, 1, "(..., features)")
        got = tuple(shape[a] for a in sorted({_axis_in(self, a, shape) for a in self.axis}))
        if self.built and self._bshape is not None and len(shape) != len(self._bshape):
            raise ShapeError(
                f"{self._where()} was built for inputs of rank {len(self._bshape)} (axis={self.axis}), got shape "
                f"{shape}; keep the input rank, or normalise trailing axes (e.g. axis=-1) to accept any rank"
            )
        if self.built and any(g not in (e, None) for g, e in zip(got, self._param_shape)):
            raise ShapeError(
                f"{self._where()} expects sizes {self._param_shape} on axes {self.axis}, got shape {shape}; "
                "give it inputs of the size it was built with"
            )

    def extra_repr(self) -> str:
        return f"axis={self.axis if len(self.axis) > 1 else self.axis[0]}, epsilon={self.epsilon}"


class _InstanceNorm(Module):
    """Instance normalisation (``torch.nn.InstanceNorm{1,2,3}d``), channels-last.

    Input ``(N, *spatial, C)`` -> output of the same shape: each example's
    channel is normalised over its spatial positions (biased variance), then,
    with ``affine=True``, ``* gamma + beta`` per channel (``(C,)`` each, torch's
    ``weight`` and ``bias``). The defaults are torch's: ``epsilon=1e-5``,
    ``affine=False``. Keras has no InstanceNormalization; its
    ``GroupNormalization(groups=C)`` computes the same. By default
    (``track_running_stats=False``, torch's) statistics come from the input in
    training and eval mode alike; with ``track_running_stats=True`` training
    also updates buffers ``moving_mean`` and ``moving_variance`` ``(C,)`` with the
    batch averages of the instances' means and unbiased variances, as torch
    does, and eval mode uses them. ``momentum`` follows ``BatchNorm``'s
    (Keras's) convention, the fraction kept: torch's ``momentum=0.1`` is 0.9.

    ``num_features=C`` creates the weights at construction; otherwise C is
    taken from the first call.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or channel count, naming the layer path and the fix.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    _spatial: int = 0
    _layout: str = ""

    def __init__(
        self,
        num_features: int | None = None,
        epsilon: float = 1e-5,
        affine: bool = False,
        track_running_stats: bool = False,
        momentum: float = 0.9,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        dtype: str = "float32",
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.track_running_stats = check_bool(name, "track_running_stats", track_running_stats)
        self.momentum = check_probability(
            name, "momentum", momentum, example="momentum=0.9 (the fraction of the running statistics kept)"
        )
        num_features = check_int(
            name, "num_features", num_features, low=1, or_none=True, example="num_features=64, or None (from the input)"
        )
        self.num_features = num_features
        self.epsilon = _check_epsilon(name, epsilon)
        self.affine = check_bool(name, "affine", affine)
        initializers.get(gamma_initializer, where=f"{name}(gamma_initializer={gamma_initializer!r})")
        initializers.get(beta_initializer, where=f"{name}(beta_initializer={beta_initializer!r})")
        self.beta_initializer = beta_initializer
        self.gamma_initializer = gamma_initializer
        self.dtype = dtype
        self.built = False
        if num_features is not None:
            self._create(num_features)

    def build(self, x: Any) -> None:
        self._create(int(B.shape(x)[-1]))

    def _create(self, channels: int) -> None:
        self.num_features = channels
        self.gamma = self.add_weight("gamma", (channels,), self.gamma_initializer, self.dtype) if self.affine else None
        self.beta = self.add_weight("beta", (channels,), self.beta_initializer, self.dtype) if self.affine else None
        if self.track_running_stats:
            self.moving_mean = self.add_buffer("moving_mean", np.broadcast_to(np.float32(0), (channels,)))
            self.moving_variance = self.add_buffer("moving_variance", np.broadcast_to(np.float32(1), (channels,)))
        self.built = True

    def forward(self, x: Any) -> Any:
        dtype = B.dtype(x)
        if dtype in _HALF:
            x = B.cast(x, "float32")
        if self.track_running_stats and not self.training:
            y = B.batch_norm(
                x, self.moving_mean, self.moving_variance, scale=self.gamma, offset=self.beta, epsilon=self.epsilon
            )
            return B.cast(y, dtype) if dtype in _HALF else y
        if self.track_running_stats:
            self._update_running(x)
        groups = self.num_features if self.num_features is not None else int(B.shape(x)[-1])
        y = B.group_norm(x, groups, scale=self.gamma, offset=self.beta, epsilon=self.epsilon)
        return B.cast(y, dtype) if dtype in _HALF else y

    def _update_running(self, x: Any) -> None:
        """Fold the batch average of the instances' means and unbiased variances into the running ones, as torch."""
        shape = tuple(B.shape(x))
        spatial = tuple(range(1, len(shape) - 1))
        count = int(np.prod([int(shape[a]) for a in spatial]))  # static: only the batch axis is unknown when traced
        with B.no_grad():
            mean, variance = B.moments(x, spatial)
            if count > 1:
                variance = B.multiply(variance, count / (count - 1))
            keep, take = self.momentum, 1.0 - self.momentum
            new_mean = B.add(B.multiply(self.moving_mean, keep), B.multiply(B.mean(mean, 0), take))
            new_variance = B.add(B.multiply(self.moving_variance, keep), B.multiply(B.mean(variance, 0), take))
            B.assign(self.moving_mean, new_mean)
            B.assign(self.moving_variance, new_variance)

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        rank = self._spatial + 2
        shape = _check_float_input(self, x, 1, self._layout)
        if len(shape) != rank:
            raise ShapeError(
                f"{self._where()} expects inputs of rank {rank} {self._layout}, got shape {shape}; "
                + (
                    "add the missing batch axis, e.g. dn.ops.expand_dims(x, 0)"
                    if len(shape) == rank - 1
                    else f"use InstanceNorm{len(shape) - 2}D for rank-{len(shape)} inputs"
                    if 3 <= len(shape) <= 5
                    else "reshape the input"
                )
            )
        if self.num_features is not None and shape[-1] not in (self.num_features, None):
            raise ShapeError(
                f"{self._where()} expects {self.num_features} channels (last axis), got shape {shape}; "
                f"give it inputs with {self.num_features} channels (channels-last)"
            )

    def extra_repr(self) -> str:
        tracked = f", track_running_stats=True, momentum={self.momentum}" if self.track_running_stats else ""
        return f"num_features={self.num_features}, epsilon={self.epsilon}, affine={self.affine}" + tracked


class InstanceNorm1D(_InstanceNorm):
    """Instance normalisation of ``(N, W, C)`` inputs (``torch.nn.InstanceNorm1d``, channels-last).

    Same shape out: each example's channel is normalised over its spatial
    positions (biased variance), then with ``affine=True`` ``* gamma + beta``
    (``(C,)`` each; torch's ``weight``, ``bias``). Torch's defaults
    (``epsilon=1e-5``, ``affine=False``); statistics always come from the input
    by default; ``track_running_stats=True`` keeps running ones, as torch, with
    ``momentum`` the fraction kept, as ``BatchNorm``'s: torch's 0.1 is 0.9). Keras's
    ``GroupNormalization(groups=C)`` computes the same. ``num_features=C``
    creates the weights at construction, else C comes from the first call.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or channel count, naming the layer path and the fix.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    _spatial = 1
    _layout = "(N, W, C)"


class InstanceNorm2D(_InstanceNorm):
    """Instance normalisation of ``(N, H, W, C)`` inputs (``torch.nn.InstanceNorm2d``, channels-last).

    Same shape out: each example's channel is normalised over its spatial
    positions (biased variance), then with ``affine=True`` ``* gamma + beta``
    (``(C,)`` each; torch's ``weight``, ``bias``). Torch's defaults
    (``epsilon=1e-5``, ``affine=False``); statistics always come from the input
    by default; ``track_running_stats=True`` keeps running ones, as torch, with
    ``momentum`` the fraction kept, as ``BatchNorm``'s: torch's 0.1 is 0.9). Keras's
    ``GroupNormalization(groups=C)`` computes the same. ``num_features=C``
    creates the weights at construction, else C comes from the first call.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or channel count, naming the layer path and the fix.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    _spatial = 2
    _layout = "(N, H, W, C)"


class InstanceNorm3D(_InstanceNorm):
    """Instance normalisation of ``(N, D, H, W, C)`` inputs (``torch.nn.InstanceNorm3d``, channels-last).

    Same shape out: each example's channel is normalised over its spatial
    positions (biased variance), then with ``affine=True`` ``* gamma + beta``
    (``(C,)`` each; torch's ``weight``, ``bias``). Torch's defaults
    (``epsilon=1e-5``, ``affine=False``); statistics always come from the input
    by default; ``track_running_stats=True`` keeps running ones, as torch, with
    ``momentum`` the fraction kept, as ``BatchNorm``'s: torch's 0.1 is 0.9). Keras's
    ``GroupNormalization(groups=C)`` computes the same. ``num_features=C``
    creates the weights at construction, else C comes from the first call.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or channel count, naming the layer path and the fix.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    _spatial = 3
    _layout = "(N, D, H, W, C)"


class UnitNormalization(Module):
    """Scale each example to unit L2 norm over ``axis`` (Keras ``UnitNormalization``): same shape in and out.

    ``x / max(||x||_2, epsilon)`` over ``axis`` (an int or a tuple), computed as
    Keras does (``x * min(rsqrt(sum(x**2)), 1 / epsilon)``, epsilon ``1e-12``);
    torch's counterpart is ``torch.nn.functional.normalize(x, dim=axis)``. No weights.

    Raises:
        ArgumentError: at construction, for a bad ``axis``.
        ShapeError: for an input lacking one of the axes, naming the layer path.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    axis: tuple[int, ...]

    def __init__(self, axis: int | tuple[int, ...] | list[int] = -1) -> None:
        super().__init__()
        self.__dict__["axis"] = _axes("UnitNormalization", axis)

    def forward(self, x: Any) -> Any:
        return B.normalize(x, self.axis if len(self.axis) > 1 else self.axis[0], 2, 1e-12)

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        shape = _check_float_input(self, x, 1, "(..., features)")
        for a in self.axis:
            _axis_in(self, a, shape)

    def extra_repr(self) -> str:
        return f"axis={self.axis if len(self.axis) > 1 else self.axis[0]}"
