"""Signal ops: FFTs, short-time Fourier transforms, framing and NumPy's window functions.

keras.ops's names, arguments and defaults. Complex values travel as a
``(real, imag)`` tuple of float tensors of one shape (keras.ops's convention),
so no complex dtype is needed: ``fft((re, im))`` returns ``(re, im)``. The
transforms act on the last axis (the last two for ``fft2``/``ifft2``); leading
axes are batch axes. Unnormalised forward transforms and ``1 / n`` inverses,
as ``numpy.fft``. float16 and bfloat16 are transformed in float32 and cast back;
integers give float32.
"""

from __future__ import annotations

from typing import Any

from dualnet.arguments import argument_error, check_bool, check_choice, check_float, check_int
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError

__all__ = [
    "fft",
    "fft2",
    "ifft2",
    "rfft",
    "irfft",
    "stft",
    "istft",
    "extract_sequences",
    "bartlett",
    "blackman",
    "hamming",
    "hanning",
    "kaiser",
]

Tensor = Any
Pair = tuple[Any, Any]


def _pair(op: str, x: Any) -> Pair:
    if not isinstance(x, tuple | list) or len(x) != 2:
        raise argument_error(
            op, "x", x, "a (real, imag) tuple of two float tensors", f"pass e.g. {op}((x, dn.ops.zeros_like(x)))"
        )
    return x[0], x[1]


def _length(op: str, name: str, value: Any, example: str) -> int:
    return check_int(op, name, value, low=1, example=example)


def _window(op: str, window: Any) -> Any:
    if isinstance(window, str):
        return check_choice(op, "window", window, ("hann", "hamming"), fix='pass "hann", "hamming", a tensor or None')
    return window


def _frames(op: str, sequence_length: Any, sequence_stride: Any, fft_length: Any) -> tuple[int, int, int]:
    sequence_length = _length(op, "sequence_length", sequence_length, "sequence_length=256")
    sequence_stride = _length(op, "sequence_stride", sequence_stride, "sequence_stride=64")
    fft_length = _length(op, "fft_length", fft_length, "fft_length=256")
    if fft_length < sequence_length:
        raise ArgumentError(
            f"{op}: fft_length ({fft_length}) must be >= sequence_length ({sequence_length}), the frame the window "
            f"is centred in; pass fft_length={sequence_length} or more"
        )
    return sequence_length, sequence_stride, fft_length


def fft(x: Pair) -> tuple[Tensor, Tensor]:
    """DFT along the last axis, ``numpy.fft.fft``: ``(real, imag)`` ``(..., n)`` to ``(real, imag)`` ``(..., n)``.

    Raises:
        ArgumentError: ``x`` is not a ``(real, imag)`` pair.
        ShapeError: the parts differ in shape, or ``x`` is 0-d or has an empty last axis.
    """
    return B.fft(_pair("fft", x))


def fft2(x: Pair) -> tuple[Tensor, Tensor]:
    """2-D DFT over the last two axes, ``numpy.fft.fft2``: ``(..., m, n)`` pairs in and out.

    Raises:
        ArgumentError: ``x`` is not a ``(real, imag)`` pair.
        ShapeError: the parts differ in shape, or ``x`` has rank < 2 or an empty transformed axis.
    """
    return B.fft2(_pair("fft2", x))


def ifft2(x: Pair) -> tuple[Tensor, Tensor]:
    """Inverse 2-D DFT (scaled by ``1 / (m n)``), ``numpy.fft.ifft2``: ``(..., m, n)`` pairs in and out.

    Raises:
        ArgumentError: ``x`` is not a ``(real, imag)`` pair.
        ShapeError: the parts differ in shape, or ``x`` has rank < 2 or an empty transformed axis.
    """
    return B.ifft2(_pair("ifft2", x))


def rfft(x: Any, fft_length: int | None = None) -> tuple[Tensor, Tensor]:
    """DFT of a real signal, ``numpy.fft.rfft(x, n=fft_length)``: ``(..., n)`` to ``(..., L // 2 + 1)`` pairs.

    The last axis is cropped or zero-padded to ``fft_length`` (``L``; default its size).

    Raises:
        ArgumentError: ``fft_length`` is not a positive int.
        DTypeError: ``x`` is complex (pass its parts to ``fft``).
        ShapeError: ``x`` is 0-d or its last axis is empty.
    """
    fft_length = check_int("rfft", "fft_length", fft_length, low=1, or_none=True, example="fft_length=256")
    return B.rfft(x, fft_length)


def irfft(x: Pair, fft_length: int | None = None) -> Tensor:
    """Inverse of ``rfft``, ``numpy.fft.irfft(x, n=fft_length)``: ``(real, imag)`` ``(..., k)`` to ``(..., L)``.

    ``L = fft_length``, default ``2 (k - 1)``; pass it for odd lengths, which
    the bins alone cannot tell. The bins are cropped or zero-padded to ``L // 2 + 1``.

    Raises:
        ArgumentError: ``x`` is not a pair, or ``fft_length`` is not a positive int.
        ShapeError: the parts differ in shape, ``x`` is 0-d, or one bin without ``fft_length``.
    """
    fft_length = check_int("irfft", "fft_length", fft_length, low=1, or_none=True, example="fft_length=256")
    return B.irfft(_pair("irfft", x), fft_length)


def stft(
    x: Any,
    sequence_length: int,
    sequence_stride: int,
    fft_length: int,
    window: Any = "hann",
    center: bool = True,
) -> tuple[Tensor, Tensor]:
    """Short-time Fourier transform of ``(..., samples)``: ``(real, imag)``, ``(..., frames, fft_length // 2 + 1)``.

    Frames of ``fft_length`` samples hop by ``sequence_stride``; each is
    multiplied by ``window`` (``sequence_length`` samples, centred in the
    frame with zeros around it) and transformed by ``rfft``. ``window`` is
    ``"hann"`` or ``"hamming"`` (periodic, as ``torch.hann_window``), a tensor
    of shape ``(sequence_length,)``, or None for a rectangular window of
    ``sequence_length`` samples (torch.stft's meaning, which Keras's torch
    backend has; its tensorflow backend then uses all ``fft_length`` samples).
    ``center=True`` reflects ``fft_length // 2`` samples at each end, so frame
    ``t`` is centred at ``t * sequence_stride``. ``frames = 1 + (padded - fft_length) // sequence_stride``.
    The values are keras.ops.stft's and torch.stft's.

    Raises:
        ArgumentError: a length is not a positive int, ``fft_length < sequence_length``, or ``window`` is
            an unknown name.
        ShapeError: the signal is shorter than a frame (or than the reflection), or ``window`` has the
            wrong shape.
    """
    sequence_length, sequence_stride, fft_length = _frames("stft", sequence_length, sequence_stride, fft_length)
    window, center = _window("stft", window), check_bool("stft", "center", center)
    return B.stft(x, sequence_length, sequence_stride, fft_length, window, center)


def istft(
    x: Pair,
    sequence_length: int,
    sequence_stride: int,
    fft_length: int,
    length: int | None = None,
    window: Any = "hann",
    center: bool = True,
) -> Tensor:
    """Inverse of ``stft``: ``(real, imag)`` ``(..., frames, fft_length // 2 + 1)`` to ``(..., samples)``.

    Give it the arguments ``stft`` had. Each frame is inverted by ``irfft``,
    multiplied by the window and overlap-added; the sum is divided by the
    overlap-added squared window at each sample, as ``torch.istft`` and
    ``scipy.signal.istft`` do, so ``istft(stft(x))`` reconstructs ``x`` wherever
    the window covers it. (Keras's tensorflow backend divides by a periodic
    estimate of that envelope instead, which differs within ``fft_length`` of
    the ends; we follow torch.) Samples ``(frames - 1) * sequence_stride +
    fft_length`` come out, less ``fft_length // 2`` at each end with
    ``center``; ``length`` crops, or pads with zeros, to exactly that many.

    Raises:
        ArgumentError: ``x`` is not a pair, a length is not a positive int, ``fft_length <
            sequence_length``, or ``window`` is an unknown name.
        ShapeError: the last axis is not ``fft_length // 2 + 1`` bins, ``x`` has rank < 2, or ``window``
            has the wrong shape.
    """
    sequence_length, sequence_stride, fft_length = _frames("istft", sequence_length, sequence_stride, fft_length)
    length = check_int("istft", "length", length, low=0, or_none=True, example="length=16000")
    window, center = _window("istft", window), check_bool("istft", "center", center)
    return B.istft(_pair("istft", x), sequence_length, sequence_stride, fft_length, length, window, center)


def extract_sequences(x: Any, sequence_length: int, sequence_stride: int) -> Tensor:
    """Frames of the last axis, ``tf.signal.frame``: ``(..., n)`` to ``(..., frames, sequence_length)``.

    ``frames = 1 + (n - sequence_length) // sequence_stride``; the dtype is kept.

    Raises:
        ArgumentError: a length is not a positive int.
        ShapeError: ``x`` is 0-d or shorter than one sequence.
    """
    sequence_length = _length("extract_sequences", "sequence_length", sequence_length, "sequence_length=3")
    sequence_stride = _length("extract_sequences", "sequence_stride", sequence_stride, "sequence_stride=2")
    return B.extract_sequences(x, sequence_length, sequence_stride)


def _points(op: str, x: Any) -> int:
    return check_int(op, "x", x, low=0, example=f"{op}(64), the number of points")


def bartlett(x: int) -> Tensor:
    """``numpy.bartlett(x)``: the symmetric triangular window of ``x`` points, float32, shape ``(x,)``.

    Raises:
        ArgumentError: ``x`` is not an int >= 0.
    """
    return B.bartlett(_points("bartlett", x))


def blackman(x: int) -> Tensor:
    """``numpy.blackman(x)``: the symmetric Blackman window of ``x`` points, float32, shape ``(x,)``.

    Raises:
        ArgumentError: ``x`` is not an int >= 0.
    """
    return B.blackman(_points("blackman", x))


def hamming(x: int) -> Tensor:
    """``numpy.hamming(x)``: the symmetric Hamming window of ``x`` points, float32, shape ``(x,)``.

    Raises:
        ArgumentError: ``x`` is not an int >= 0.
    """
    return B.hamming(_points("hamming", x))


def hanning(x: int) -> Tensor:
    """``numpy.hanning(x)``: the symmetric Hann window of ``x`` points, float32, shape ``(x,)``.

    Raises:
        ArgumentError: ``x`` is not an int >= 0.
    """
    return B.hanning(_points("hanning", x))


def kaiser(x: int, beta: float) -> Tensor:
    """``numpy.kaiser(x, beta)``: the Kaiser window of ``x`` points, float32, shape ``(x,)``.

    ``beta`` shapes it: 0 is rectangular, larger values taper more (5 is close to Hamming, 8.6 to Blackman).

    Raises:
        ArgumentError: ``x`` is not an int >= 0, or ``beta`` is not a finite number.
    """
    beta = check_float("kaiser", "beta", beta, example="beta=8.6")
    return B.kaiser(_points("kaiser", x), beta)
