"""Signal ops on tensorflow: ``tf.signal`` FFTs, framing, an exact overlap-add inverse STFT and windows.

Complex values are ``(real, imag)`` tuples at the boundary; inside, TensorFlow's
complex tensors carry them (their gradients are registered for every op used).
Sizes come from static shapes where known, so traced graphs keep them.
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.signal_shapes import (
    check_bins,
    check_irfft_length,
    check_pair,
    check_rank,
    check_reflect,
    check_window,
    frame_count,
    istft_span,
    window_padding,
    window_values,
    work_dtype,
)
from dualnet.backend.tensorflow.core import convert_to_tensor, native_dtype, placed

_TINY = 1e-11  # torch.istft's threshold for a window envelope that is zero (no overlap to divide by)


def _real(op: str, x: ArrayLike, rank: int) -> tuple[tf.Tensor, str]:
    t = convert_to_tensor(x)
    check_rank(op, t.shape.as_list(), rank)
    work, out = work_dtype(op, t.dtype.name)
    return tf.cast(t, native_dtype(work)), out


def _complex(op: str, x: tuple[ArrayLike, ArrayLike], rank: int) -> tuple[tf.Tensor, str]:
    real, imag = convert_to_tensor(x[0]), convert_to_tensor(x[1])
    check_pair(op, real.shape.as_list(), imag.shape.as_list(), rank)
    work, out = work_dtype(op, real.dtype.name, imag.dtype.name)
    target = native_dtype(work)
    return tf.complex(tf.cast(real, target), tf.cast(imag, target)), out


def _parts(z: tf.Tensor, out: str) -> tuple[tf.Tensor, tf.Tensor]:
    target = native_dtype(out)
    return tf.cast(tf.math.real(z), target), tf.cast(tf.math.imag(z), target)


def fft(x: tuple[ArrayLike, ArrayLike]) -> tuple[tf.Tensor, tf.Tensor]:
    z, out = _complex("fft", x, 1)
    return _parts(tf.signal.fft(z), out)


def fft2(x: tuple[ArrayLike, ArrayLike]) -> tuple[tf.Tensor, tf.Tensor]:
    z, out = _complex("fft2", x, 2)
    return _parts(tf.signal.fft2d(z), out)


def ifft2(x: tuple[ArrayLike, ArrayLike]) -> tuple[tf.Tensor, tf.Tensor]:
    z, out = _complex("ifft2", x, 2)
    return _parts(tf.signal.ifft2d(z), out)


def rfft(x: ArrayLike, fft_length: int | None = None) -> tuple[tf.Tensor, tf.Tensor]:
    t, out = _real("rfft", x, 1)
    return _parts(tf.signal.rfft(t, None if fft_length is None else [fft_length]), out)


def irfft(x: tuple[ArrayLike, ArrayLike], fft_length: int | None = None) -> tf.Tensor:
    z, out = _complex("irfft", x, 1)
    check_irfft_length("irfft", z.shape[-1], fft_length)
    if fft_length is None:
        return tf.cast(tf.signal.irfft(z), native_dtype(out))
    # Cropped or padded here: the gradient of tf.signal.irfft fails when it crops the bins itself.
    bins = fft_length // 2 + 1
    z = z[..., :bins]
    have = z.shape[-1]
    short = max(bins - have, 0) if have is not None else tf.maximum(bins - tf.shape(z)[-1], 0)
    z = tf.pad(z, [[0, 0]] * (z.shape.rank - 1) + [[0, short]])
    real = tf.signal.irfft(z, [fft_length])
    return tf.cast(real, native_dtype(out))


def _window(op: str, window: Any, sequence_length: int, dtype: tf.DType) -> tf.Tensor:
    """The analysis window of ``sequence_length`` samples in ``dtype`` (periodic, as Keras)."""
    with placed():
        if window is None:
            return tf.ones([sequence_length], dtype)
        if isinstance(window, str):
            make = tf.signal.hann_window if window == "hann" else tf.signal.hamming_window
            return make(sequence_length, periodic=True, dtype=dtype)
    win = convert_to_tensor(window)
    check_window(op, win.shape.as_list(), sequence_length)
    return tf.cast(win, dtype)


def _padded_window(op: str, window: Any, sequence_length: int, fft_length: int, dtype: tf.DType) -> tf.Tensor:
    """The window centred in a frame of ``fft_length`` (zeros around it), as torch.stft places it."""
    return tf.pad(_window(op, window, sequence_length, dtype), [window_padding(sequence_length, fft_length)])


def stft(
    x: ArrayLike,
    sequence_length: int,
    sequence_stride: int,
    fft_length: int,
    window: str | ArrayLike | None = "hann",
    center: bool = True,
) -> tuple[tf.Tensor, tf.Tensor]:
    t, out = _real("stft", x, 1)
    samples = t.shape[-1]
    if center:
        half = fft_length // 2
        check_reflect("stft", samples, half)
        t = tf.pad(t, [[0, 0]] * (t.shape.rank - 1) + [[half, half]], mode="REFLECT")
        samples = None if samples is None else samples + 2 * half
    frame_count("stft", samples, fft_length, sequence_stride)
    frames = tf.signal.frame(t, fft_length, sequence_stride, axis=-1)
    frames = frames * _padded_window("stft", window, sequence_length, fft_length, t.dtype)
    return _parts(tf.signal.rfft(frames, [fft_length]), out)


def istft(
    x: tuple[ArrayLike, ArrayLike],
    sequence_length: int,
    sequence_stride: int,
    fft_length: int,
    length: int | None = None,
    window: str | ArrayLike | None = "hann",
    center: bool = True,
) -> tf.Tensor:
    z, out = _complex("istft", x, 2)
    check_bins("istft", z.shape[-1], fft_length)
    frames = tf.signal.irfft(z, [fft_length])
    win = _padded_window("istft", window, sequence_length, fft_length, frames.dtype)
    signal = tf.signal.overlap_and_add(frames * win, sequence_stride)
    # Dividing by the summed squared window at each sample (the envelope) inverts stft exactly; the periodic
    # estimate of tf.signal.inverse_stft_window_fn (Keras's tensorflow backend) is wrong near the ends.
    squares = tf.tile(tf.expand_dims(win * win, 0), tf.stack([tf.shape(frames)[-2], 1]))
    envelope = tf.signal.overlap_and_add(squares, sequence_stride)
    signal = signal / tf.where(envelope > _TINY, envelope, tf.ones_like(envelope))
    total = signal.shape[-1] if signal.shape[-1] is not None else tf.shape(signal)[-1]
    start, stop = istft_span(total, fft_length, length, center)
    if length is not None:  # torch.istft's length: zeros past the last frame
        extra = max(stop - total, 0) if isinstance(total, int) else tf.maximum(stop - total, 0)
        signal = tf.pad(signal, [[0, 0]] * (signal.shape.rank - 1) + [[0, extra]])
    return tf.cast(signal[..., start:stop], native_dtype(out))


def extract_sequences(x: ArrayLike, sequence_length: int, sequence_stride: int) -> tf.Tensor:
    t = convert_to_tensor(x)
    check_rank("extract_sequences", t.shape.as_list(), 1)
    frame_count("extract_sequences", t.shape[-1], sequence_length, sequence_stride)
    return tf.signal.frame(t, sequence_length, sequence_stride, axis=-1)


def bartlett(x: int) -> tf.Tensor:
    return convert_to_tensor(window_values("bartlett", x))


def blackman(x: int) -> tf.Tensor:
    return convert_to_tensor(window_values("blackman", x))


def hamming(x: int) -> tf.Tensor:
    return convert_to_tensor(window_values("hamming", x))


def hanning(x: int) -> tf.Tensor:
    return convert_to_tensor(window_values("hanning", x))


def kaiser(x: int, beta: float) -> tf.Tensor:
    return convert_to_tensor(window_values("kaiser", x, beta))
