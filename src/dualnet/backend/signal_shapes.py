"""Framework-free checks and arithmetic of the signal ops (FFTs, STFT, framing), shared by both backends.

Each check raises the same dualnet error on both backends before a framework
kernel sees the operands. Sizes unknown while tracing (``None``) pass.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dualnet import dtypes
from dualnet.errors import DTypeError, ShapeError

_HALF = ("float16", "bfloat16")


def work_dtype(op: str, *names: str) -> tuple[str, str]:
    """``(dtype computed in, dtype returned)`` for real operands of dtypes ``names``.

    float32 and float64 stay; half precisions are computed in float32 (the FFT
    kernels lack them on CPU) and cast back; integers and bools give float32.
    """
    name = dtypes.result_type(*names)
    if name.startswith("complex"):
        raise DTypeError(
            f"{op}: takes real tensors (complex values travel as a (real, imag) tuple of float tensors), got "
            f"{name}; pass the real and imaginary parts as a tuple"
        )
    if name in ("float32", "float64"):
        return name, name
    if name in _HALF:
        return "float32", name
    return "float32", "float32"


def check_pair(op: str, real_shape: Any, imag_shape: Any, rank: int) -> None:
    """The two parts of a ``(real, imag)`` tuple have one shape, of rank ``rank`` at least."""
    real_shape, imag_shape = tuple(real_shape), tuple(imag_shape)
    if len(real_shape) != len(imag_shape) or any(
        a is not None and b is not None and a != b for a, b in zip(real_shape, imag_shape)
    ):
        raise ShapeError(
            f"{op}: the real and imaginary parts must have the same shape, got {real_shape} and {imag_shape}"
        )
    check_rank(op, real_shape, rank)


def check_rank(op: str, shape: Any, rank: int) -> None:
    """``shape`` has at least ``rank`` axes, and the last ``rank`` (the transformed ones) are not empty."""
    shape = tuple(shape)
    axes = "the last axis" if rank == 1 else f"the last {rank} axes"
    if len(shape) < rank:
        raise ShapeError(f"{op}: transforms {axes}, so x needs rank >= {rank}; got shape {shape}")
    if 0 in shape[-rank:]:
        raise ShapeError(f"{op}: transforms {axes}, which must not be empty; got shape {shape}")


def frame_count(op: str, samples: int | None, frame_length: int, stride: int, what: str = "x") -> int | None:
    """How many frames of ``frame_length`` with hop ``stride`` fit in ``samples`` (None when unknown)."""
    if samples is None:
        return None
    if samples < frame_length:
        raise ShapeError(
            f"{op}: {what} has {samples} samples on its last axis, fewer than one frame of {frame_length}; "
            "pass a longer signal or a shorter frame"
        )
    return 1 + (samples - frame_length) // stride


def check_reflect(op: str, samples: int | None, pad: int) -> None:
    """``center=True`` mirrors ``pad`` samples at each end, which needs more than ``pad`` samples."""
    if samples is not None and samples <= pad:
        raise ShapeError(
            f"{op}: center=True reflects fft_length // 2 = {pad} samples at each end, which needs a signal "
            f"longer than {pad} samples, got {samples}; pass center=False or a smaller fft_length"
        )


def check_window(op: str, shape: Any, sequence_length: int) -> None:
    """A window given as a tensor has shape ``(sequence_length,)``."""
    shape = tuple(shape)
    if len(shape) != 1 or (shape[0] is not None and shape[0] != sequence_length):
        raise ShapeError(
            f"{op}: window must have shape (sequence_length,) = ({sequence_length},), got {shape}; pass a 1-D "
            'window of that length, "hann", "hamming" or None'
        )


def check_bins(op: str, bins: int | None, fft_length: int) -> None:
    """An STFT's last axis holds ``fft_length // 2 + 1`` frequency bins."""
    if bins is not None and bins != fft_length // 2 + 1:
        raise ShapeError(
            f"{op}: x's last axis must hold fft_length // 2 + 1 = {fft_length // 2 + 1} frequency bins, got {bins}; "
            "pass the fft_length that stft was given"
        )


def check_irfft_length(op: str, bins: int | None, fft_length: int | None) -> None:
    """Without ``fft_length`` the output length ``2 (bins - 1)`` must be positive."""
    if fft_length is None and bins == 1:
        raise ShapeError(
            f"{op}: x's last axis has 1 frequency bin, so the default fft_length 2 * (1 - 1) is 0; pass fft_length "
            "(1 for the transform of one sample)"
        )


def window_padding(sequence_length: int, fft_length: int) -> tuple[int, int]:
    """Zeros before and after a window of ``sequence_length`` centred in a frame of ``fft_length``."""
    left = (fft_length - sequence_length) // 2
    return left, fft_length - sequence_length - left


def istft_span(total: int, fft_length: int, length: int | None, center: bool) -> tuple[int, int]:
    """``(start, stop)`` of the overlap-added signal of ``total`` samples that istft returns (stop may exceed it)."""
    start = fft_length // 2 if center else 0
    if length is not None:
        return start, start + length
    return start, total - start


_WINDOWS = {"bartlett": np.bartlett, "blackman": np.blackman, "hamming": np.hamming, "hanning": np.hanning}


def window_values(name: str, points: int, beta: float = 0.0) -> np.ndarray:
    """NumPy's symmetric window ``name`` of ``points`` samples (``kaiser`` shaped by ``beta``), float32 ``(points,)``.

    A window depends on its sizes only: both backends place these same values, so they agree bit for bit.
    """
    values = np.kaiser(points, beta) if name == "kaiser" else _WINDOWS[name](points)
    return values.astype(np.float32)
