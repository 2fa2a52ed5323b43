"""Keras's numeric preprocessing layers: Rescaling, Normalization (``adapt``), Discretization, CategoryEncoding.

Each computes once, written against an array namespace: ``dn.ops`` inside a
model (``layer(x)``), NumPy in a data pipeline (``layer.transform(x)``: no
framework is imported, so it runs in data-loader workers). Both give the same
values. ``adapt`` learns from NumPy data (arrays or an iterable of batches) as
Keras's does; what it learns is saved with the layer (buffers and config).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from dualnet import ops
from dualnet.arguments import check_bool, check_choice, check_float, check_int
from dualnet.errors import ArgumentError, ShapeError, StateError
from dualnet.nn.module import Module

__all__ = ["CategoryEncoding", "Discretization", "Normalization", "Rescaling"]

_EPSILON = 1e-7  # keras.backend.epsilon(): the floor of Normalization's standard deviation


def _batches(data: Any) -> Iterable[np.ndarray]:
    """``data`` as NumPy batches: one array, or an iterable of arrays (a loader, a generator, a list)."""
    if isinstance(data, np.ndarray) or np.isscalar(data) or hasattr(data, "__array__"):
        yield np.asarray(data)
        return
    for batch in data:
        yield np.asarray(batch[0] if isinstance(batch, tuple) else batch)


class _Preprocessing(Module):
    """A layer computed once for two array namespaces: ``dn.ops`` (``forward``) and NumPy (``transform``)."""

    def compute(self, xp: Any, x: Any) -> Any:
        raise NotImplementedError

    def forward(self, x: Any) -> Any:
        return self.compute(ops, x)

    def transform(self, x: Any) -> np.ndarray:
        """The layer on NumPy ``x`` (for a data pipeline): the same values as ``layer(x)``, no framework involved."""
        self.check_inputs(x)
        return np.asarray(self.compute(np, np.asarray(x)))


class Rescaling(_Preprocessing):
    """``x * scale + offset`` (Keras ``Rescaling``), any shape -> the same shape, float32.

    ``scale`` and ``offset`` are floats (or arrays broadcasting against the
    input, e.g. per channel). ``Rescaling(1 / 255)`` maps ``[0, 255]`` images to
    ``[0, 1]``; ``Rescaling(1 / 127.5, offset=-1)`` to ``[-1, 1]``.

    Raises:
        ArgumentError: a scale or offset that is not a finite number or array.
    """

    _scale: np.ndarray
    _offset: np.ndarray

    def __init__(self, scale: Any, offset: Any = 0.0) -> None:
        super().__init__()
        for name, value in (("scale", scale), ("offset", offset)):
            array = np.asarray(value, dtype="float64") if _numeric(value) else None
            if array is None or not np.all(np.isfinite(array)):
                raise ArgumentError(f"Rescaling({name}={value!r}): expected a finite number or array, e.g. 1 / 255")
        self.__dict__["_scale"] = np.asarray(scale, dtype="float32")
        self.__dict__["_offset"] = np.asarray(offset, dtype="float32")
        self.scale = float(scale) if np.ndim(scale) == 0 else np.asarray(scale).tolist()
        self.offset = float(offset) if np.ndim(offset) == 0 else np.asarray(offset).tolist()

    def compute(self, xp: Any, x: Any) -> Any:
        if xp is np:
            return np.asarray(x, dtype="float32") * self._scale + self._offset
        # Scalars as Python floats, arrays as tensors: a tensor times an ndarray would go through NumPy.
        scale, offset = (float(v) if v.ndim == 0 else ops.convert_to_tensor(v) for v in (self._scale, self._offset))
        return ops.cast(x, "float32") * scale + offset

    def extra_repr(self) -> str:
        return f"scale={self.scale}, offset={self.offset}"


def _numeric(value: Any) -> bool:
    try:
        np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        return False
    return True


class Normalization(_Preprocessing):
    """``(x - mean) / max(sqrt(variance), 1e-7)`` per feature (Keras ``Normalization``), shape kept, float32.

    ``axis`` (int, tuple or None; default -1) names the axes that keep their own
    statistics: ``(N, D)`` inputs with ``axis=-1`` have ``D`` means; ``axis=None``
    one scalar mean. Give ``mean`` and ``variance`` (broadcastable to those axes)
    or call :meth:`adapt` on data before use. ``invert=True`` maps normalised
    values back (``x * std + mean``). The statistics are buffers ``mean`` and
    ``variance`` (saved in the weights file), shaped to broadcast against the
    input (1 on the reduced axes).

    Raises:
        ArgumentError: only one of mean / variance given, a negative variance.
        StateError: a call before ``adapt`` when no statistics were given.
        ShapeError: an input whose kept axes differ from the statistics' sizes.
    """

    axis: tuple[int, ...] | None
    _given: tuple[np.ndarray, np.ndarray] | None
    mean: Any
    variance: Any

    def __init__(
        self, axis: int | tuple[int, ...] | None = -1, mean: Any = None, variance: Any = None, invert: bool = False
    ) -> None:
        super().__init__()
        if axis is not None and not isinstance(axis, tuple | list):
            axis = (check_int("Normalization", "axis", axis, example="axis=-1"),)
        self.__dict__["axis"] = None if axis is None else tuple(int(a) for a in axis)
        self.invert = check_bool("Normalization", "invert", invert)
        if (mean is None) != (variance is None):
            raise ArgumentError(
                "Normalization: give both mean and variance, or neither (then call adapt(data) before use)"
            )
        if variance is not None and np.any(np.asarray(variance) < 0):
            raise ArgumentError(f"Normalization(variance={variance!r}): variances must be >= 0")
        self.__dict__["_given"] = (
            None if mean is None else (np.asarray(mean, "float32"), np.asarray(variance, "float32"))
        )
        self.built = False

    def _kept(self, rank: int) -> tuple[int, ...]:
        if self.axis is None:
            return ()
        kept = tuple(sorted(a % rank for a in self.axis))
        if any(not -rank <= a < rank for a in self.axis):
            raise ShapeError(
                f"{self._where()}: axis={self.axis} does not fit inputs of rank {rank}; "
                "name axes of the input (e.g. axis=-1 for the features)"
            )
        return kept

    def _stat_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        kept = self._kept(len(shape))
        return tuple(int(s) if a in kept else 1 for a, s in enumerate(shape))

    def adapt(self, data: Any) -> None:
        """Learn the mean and (biased) variance of ``data``: an array ``(N, ...)`` or an iterable of batches.

        Batches are combined exactly (Chan's parallel update, in float64), so the
        result equals NumPy's ``mean``/``var`` over the whole data.
        """
        count, mean, m2 = 0, None, None
        shape: tuple[int, ...] | None = None
        for batch in _batches(data):
            batch = batch.astype("float64")
            stat = self._stat_shape(batch.shape)
            reduce = tuple(a for a, s in enumerate(stat) if s == 1)
            n = int(np.prod([batch.shape[a] for a in reduce])) if reduce else 1
            b_mean = batch.mean(axis=reduce, keepdims=True)
            b_m2 = ((batch - b_mean) ** 2).sum(axis=reduce, keepdims=True)
            if mean is None:
                count, mean, m2, shape = n, b_mean, b_m2, stat
                continue
            delta = b_mean - mean
            total = count + n
            mean = mean + delta * (n / total)
            m2 = m2 + b_m2 + delta**2 * (count * n / total)
            count = total
        if mean is None or m2 is None or shape is None:
            raise ArgumentError("Normalization.adapt: the data has no batches; pass an array or non-empty batches")
        mean, variance = mean.astype("float32"), (m2 / count).astype("float32")
        self._set_stats(mean, variance)
        # As if given at construction: dn.save's config then rebuilds the adapted layer (Keras's config holds them too).
        self.__dict__["_given"] = (mean, variance)
        self._record_arguments(mean=mean.tolist(), variance=variance.tolist())

    def _set_stats(self, mean: np.ndarray, variance: np.ndarray) -> None:
        if "mean" in dict(self.named_buffers()):
            self.load_state_dict({"mean": mean, "variance": variance})
        else:
            self.add_buffer("mean", mean)
            self.add_buffer("variance", variance)
        self.__dict__["_np_stats"] = (mean, variance)
        self.built = True

    def build(self, x: Any) -> None:
        if "mean" in dict(self.named_buffers()):
            return
        if self._given is None:
            raise StateError(
                f"{self._where()}: no mean and variance yet; call adapt(data) first, or pass mean= and variance="
            )
        stat = self._stat_shape(tuple(np.shape(x)))
        mean, variance = self._given
        self._set_stats(
            np.broadcast_to(np.reshape(mean, _fit(mean, stat)), stat).astype("float32").copy(),
            np.broadcast_to(np.reshape(variance, _fit(variance, stat)), stat).astype("float32").copy(),
        )

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        stats = self.__dict__.get("_np_stats")
        if stats is None:
            return
        shape = tuple(np.shape(x) if isinstance(x, np.ndarray) else ops.shape(x))
        want = stats[0].shape
        if len(shape) != len(want) or any(w != 1 and s not in (w, None) for s, w in zip(shape, want)):
            raise ShapeError(
                f"{self._where()}: statistics of shape {want} (axis={self.axis}) do not fit input shape {shape}; "
                "give inputs of the rank and feature sizes it was adapted on"
            )

    def compute(self, xp: Any, x: Any) -> Any:
        if xp is np:
            stats = self.__dict__.get("_np_stats")
            if stats is None:
                self.build(x)
                stats = self.__dict__["_np_stats"]
            mean, variance = stats
            x = np.asarray(x, dtype="float32")
        else:
            mean, variance = self.mean, self.variance
            x = ops.cast(x, "float32")
        std = xp.maximum(xp.sqrt(variance), np.float32(_EPSILON))
        return x * std + mean if self.invert else (x - mean) / std

    def extra_repr(self) -> str:
        return f"axis={self.axis}, invert={self.invert}"


def _fit(value: np.ndarray, stat: tuple[int, ...]) -> tuple[int, ...]:
    """The shape that places a given statistic's values on the kept axes of ``stat``."""
    if value.ndim == 0 or value.shape == stat:
        return value.shape
    kept = [s for s in stat if s != 1]
    if int(np.prod(kept or [1])) != value.size:
        raise ShapeError(
            f"Normalization: the given mean/variance have shape {value.shape}, the kept axes need sizes {kept}; "
            "give one value per feature (or a scalar)"
        )
    return stat


_MODES = ("int", "one_hot", "multi_hot", "count")


def encode(xp: Any, indices: Any, mode: str, depth: int, dtype: str) -> Any:
    """Integer ``indices`` as Keras's ``encode_categorical_inputs`` has them (``int`` leaves them as they are).

    ``one_hot``: ``(..., depth)`` (a trailing axis of 1 dropped first); ``multi_hot``
    and ``count``: the last axis (or the only one) is the bag, ``(..., depth)``.
    """
    if mode == "int":
        return indices
    if mode == "one_hot":
        shape = tuple(np.shape(indices)) if xp is np else tuple(ops.shape(indices))
        if len(shape) > 1 and shape[-1] == 1:
            indices = xp.reshape(indices, shape[:-1])
    hot = np.eye(depth, dtype=dtype)[np.asarray(indices)] if xp is np else ops.one_hot(indices, depth, dtype=dtype)
    if mode == "one_hot":
        return hot
    counts = xp.sum(hot, axis=-2)
    return counts if mode == "count" else xp.cast(counts > 0, dtype) if xp is ops else (counts > 0).astype(dtype)


class CategoryEncoding(_Preprocessing):
    """Integer categories ``0 .. num_tokens-1`` as one-hot, multi-hot or count vectors (Keras ``CategoryEncoding``).

    ``output_mode="multi_hot"`` (default; Keras's ``"binary"`` too) and
    ``"count"``: inputs ``(N, L)`` (or one bag ``(L,)``) -> ``(N, num_tokens)``;
    ``"one_hot"``: ``(N,)`` or ``(N, 1)`` -> ``(N, num_tokens)``. Output float32.

    Raises:
        ArgumentError: ``num_tokens`` < 1 or an unknown ``output_mode``.
        ShapeError: a float input (categories are integers).
    """

    def __init__(self, num_tokens: int, output_mode: str = "multi_hot", dtype: str = "float32") -> None:
        super().__init__()
        self.num_tokens = check_int("CategoryEncoding", "num_tokens", num_tokens, low=1, example="num_tokens=10")
        mode = "multi_hot" if output_mode == "binary" else output_mode
        self.output_mode = check_choice("CategoryEncoding", "output_mode", mode, ("one_hot", "multi_hot", "count"))
        self.dtype = dtype

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        kind = np.asarray(x).dtype.kind if isinstance(x, np.ndarray | list) else str(ops.dtype(x))[0]
        if kind not in "iub":
            raise ShapeError(
                f"{self._where()}: expected integer category ids, got {kind!r}-kind values; cast them to int first"
            )

    def compute(self, xp: Any, x: Any) -> Any:
        return encode(xp, x, self.output_mode, self.num_tokens, self.dtype)

    def extra_repr(self) -> str:
        return f"num_tokens={self.num_tokens}, output_mode={self.output_mode!r}"


def _summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    """Keras's quantile summary of a batch: every ``1/epsilon``-th sorted value with its weight."""
    values = np.sort(values.reshape(-1))
    step = max(values.size / (1.0 / epsilon), 1)
    kept = values[int(step - 1) :: int(step)]
    return np.stack([kept, np.full_like(kept, step)])


def _compress(summary: np.ndarray, epsilon: float) -> np.ndarray:
    """Keras's summary compression: interpolated values at cumulative-weight steps of ``epsilon``."""
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    fractions = cumulative / cumulative[-1]
    bins = np.interp(percents, fractions, summary[0])
    weights = np.interp(percents, fractions, cumulative)
    return np.stack((bins, weights - np.concatenate(([0], weights[:-1])))).astype("float32")


class Discretization(_Preprocessing):
    """Values -> the index of their bin (Keras ``Discretization``), shape kept (``"int"``) or encoded.

    ``bin_boundaries`` ``[b0, b1, ...]`` make bins ``(-inf, b0), [b0, b1), ...,
    [b_last, inf)`` (``digitize``); or give ``num_bins`` and call :meth:`adapt`,
    which places the boundaries at quantiles by Keras's own summary algorithm
    (``epsilon`` its tolerance), so the boundaries equal Keras's on the same
    batches. ``output_mode`` ``"int"`` (int64 ids, the input's shape),
    ``"one_hot"``, ``"multi_hot"``, ``"count"`` (float32, ``(..., bins)``).

    Raises:
        ArgumentError: both bin_boundaries and num_bins, unsorted boundaries, adapt with boundaries given.
        StateError: a call before adapt when no bin_boundaries were given.
    """

    def __init__(
        self,
        bin_boundaries: list[float] | None = None,
        num_bins: int | None = None,
        epsilon: float = 0.01,
        output_mode: str = "int",
    ) -> None:
        super().__init__()
        where = "Discretization"
        if bin_boundaries is not None and num_bins is not None:
            raise ArgumentError(f"{where}: give one of bin_boundaries=[...] and num_bins=N (then adapt), not both")
        self.num_bins = check_int(where, "num_bins", num_bins, low=2, or_none=True, example="num_bins=4")
        self.epsilon = check_float(where, "epsilon", epsilon, low=0.0, high=1.0, low_open=True, example="epsilon=0.01")
        self.output_mode = check_choice(where, "output_mode", output_mode, _MODES)
        boundaries = None if bin_boundaries is None else [float(b) for b in bin_boundaries]
        if boundaries is not None and boundaries != sorted(boundaries):
            raise ArgumentError(f"{where}(bin_boundaries={bin_boundaries}): boundaries must be sorted ascending")
        self.bin_boundaries = boundaries
        self.__dict__["_summary"] = None

    def adapt(self, data: Any) -> None:
        """Learn ``num_bins - 1`` boundaries from ``data`` (an array or an iterable of batches), as Keras does."""
        if self.num_bins is None:
            raise ArgumentError("Discretization.adapt: construct the layer with num_bins=N to adapt it")
        # Keras merges every batch's summary into an empty one, in this order: the same float32 roundings
        summary, seen = np.zeros((2, 0), dtype="float32"), False
        for batch in _batches(data):
            merged = np.concatenate((_summarize(batch.astype("float32"), self.epsilon), summary), axis=1)
            summary, seen = _compress(np.take(merged, np.argsort(merged[0]), axis=1), self.epsilon), True
        if not seen:
            raise ArgumentError("Discretization.adapt: the data has no batches; pass an array or non-empty batches")
        boundaries = _compress(summary, 1.0 / self.num_bins)[0, :-1]
        self.bin_boundaries = [float(b) for b in boundaries]
        # The learned boundaries become part of the config, so dn.save / dn.load rebuild the adapted layer.
        self._record_arguments(bin_boundaries=self.bin_boundaries, num_bins=None)

    def compute(self, xp: Any, x: Any) -> Any:
        if self.bin_boundaries is None:
            raise StateError(f"{self._where()}: no bin boundaries yet; call adapt(data) first or pass bin_boundaries")
        bins = np.asarray(self.bin_boundaries, dtype="float32")
        ids = (
            np.digitize(np.asarray(x, dtype="float32"), bins)
            if xp is np
            else ops.digitize(ops.cast(x, "float32"), bins)
        )
        if xp is np:
            ids = ids.astype("int64")
        return encode(xp, ids, self.output_mode, len(bins) + 1, "float32")

    def extra_repr(self) -> str:
        return f"bin_boundaries={self.bin_boundaries}, output_mode={self.output_mode!r}"
