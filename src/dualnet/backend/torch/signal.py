"""Signal ops on torch: ``torch.fft``, ``torch.stft``, an overlap-add inverse, framing and windows.

Complex values are ``(real, imag)`` tuples at the boundary; inside, torch's
complex tensors carry them, and autograd differentiates through both parts.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

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
from dualnet.backend.torch.core import convert_to_tensor, native_dtype

_TINY = 1e-11  # torch.istft's threshold for a window envelope that is zero (no overlap to divide by)


def _name(t: torch.Tensor) -> str:
    return str(t.dtype).removeprefix("torch.")


def _real(op: str, x: ArrayLike, rank: int) -> tuple[torch.Tensor, str]:
    t = convert_to_tensor(x)
    check_rank(op, t.shape, rank)
    work, out = work_dtype(op, _name(t))
    return t.to(native_dtype(work)), out


def _complex(op: str, x: tuple[ArrayLike, ArrayLike], rank: int) -> tuple[torch.Tensor, str]:
    real, imag = convert_to_tensor(x[0]), convert_to_tensor(x[1])
    check_pair(op, real.shape, imag.shape, rank)
    work, out = work_dtype(op, _name(real), _name(imag))
    target = native_dtype(work)
    return torch.complex(real.to(target), imag.to(target)), out


def _parts(z: torch.Tensor, out: str) -> tuple[torch.Tensor, torch.Tensor]:
    target = native_dtype(out)
    return z.real.to(target), z.imag.to(target)


def fft(x: tuple[ArrayLike, ArrayLike]) -> tuple[torch.Tensor, torch.Tensor]:
    z, out = _complex("fft", x, 1)
    return _parts(torch.fft.fft(z, dim=-1), out)


def fft2(x: tuple[ArrayLike, ArrayLike]) -> tuple[torch.Tensor, torch.Tensor]:
    z, out = _complex("fft2", x, 2)
    return _parts(torch.fft.fft2(z, dim=(-2, -1)), out)


def ifft2(x: tuple[ArrayLike, ArrayLike]) -> tuple[torch.Tensor, torch.Tensor]:
    z, out = _complex("ifft2", x, 2)
    return _parts(torch.fft.ifft2(z, dim=(-2, -1)), out)


def rfft(x: ArrayLike, fft_length: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    t, out = _real("rfft", x, 1)
    return _parts(torch.fft.rfft(t, n=fft_length, dim=-1), out)


def irfft(x: tuple[ArrayLike, ArrayLike], fft_length: int | None = None) -> torch.Tensor:
    z, out = _complex("irfft", x, 1)
    check_irfft_length("irfft", z.shape[-1], fft_length)
    return torch.fft.irfft(z, n=fft_length, dim=-1).to(native_dtype(out))


def _window(op: str, window: Any, sequence_length: int, like: torch.Tensor) -> torch.Tensor:
    """The analysis window of ``sequence_length`` samples in ``like``'s dtype and device (periodic, as Keras)."""
    options: dict[str, Any] = {"dtype": like.dtype, "device": like.device}
    if window is None:
        return torch.ones(sequence_length, **options)
    if isinstance(window, str):
        make = torch.hann_window if window == "hann" else torch.hamming_window
        return make(sequence_length, periodic=True, **options)
    win = convert_to_tensor(window)
    check_window(op, win.shape, sequence_length)
    return win.to(like.dtype)


def stft(
    x: ArrayLike,
    sequence_length: int,
    sequence_stride: int,
    fft_length: int,
    window: str | ArrayLike | None = "hann",
    center: bool = True,
) -> tuple[torch.Tensor, torch.Tensor]:
    t, out = _real("stft", x, 1)
    samples = t.shape[-1]
    if center:
        check_reflect("stft", samples, fft_length // 2)
        samples += 2 * (fft_length // 2)
    frame_count("stft", samples, fft_length, sequence_stride)
    win = _window("stft", window, sequence_length, t)
    batch = t.shape[:-1]
    z = torch.stft(
        t.reshape(-1, t.shape[-1]),
        n_fft=fft_length,
        hop_length=sequence_stride,
        win_length=sequence_length,
        window=win,
        center=center,
        pad_mode="reflect",
        return_complex=True,
    )
    return _parts(z.reshape(*batch, *z.shape[-2:]).transpose(-2, -1), out)


def _overlap_add(frames: torch.Tensor, stride: int) -> torch.Tensor:
    """``(B, T, n)`` frames hopped by ``stride`` and summed: ``(B, n + stride (T - 1))``."""
    count, n = frames.shape[-2:]
    total = n + stride * (count - 1)
    summed = F.fold(frames.transpose(1, 2), output_size=(1, total), kernel_size=(1, n), stride=(1, stride))
    return summed.reshape(frames.shape[0], total)


def istft(
    x: tuple[ArrayLike, ArrayLike],
    sequence_length: int,
    sequence_stride: int,
    fft_length: int,
    length: int | None = None,
    window: str | ArrayLike | None = "hann",
    center: bool = True,
) -> torch.Tensor:
    z, out = _complex("istft", x, 2)
    check_bins("istft", z.shape[-1], fft_length)
    frames = torch.fft.irfft(z, n=fft_length, dim=-1)
    win = F.pad(_window("istft", window, sequence_length, frames), window_padding(sequence_length, fft_length))
    batch, count = frames.shape[:-2], frames.shape[-2]
    signal = _overlap_add((frames * win).reshape(-1, count, fft_length), sequence_stride)
    # Dividing by the summed squared window at each sample (the envelope) inverts stft exactly.
    envelope = _overlap_add((win * win).expand(1, count, fft_length), sequence_stride)
    signal = signal / torch.where(envelope > _TINY, envelope, torch.ones_like(envelope))
    total = signal.shape[-1]
    start, stop = istft_span(total, fft_length, length, center)
    if stop > total:  # torch.istft's length: zeros past the last frame
        signal = F.pad(signal, (0, stop - total))
    return signal[:, start:stop].reshape(*batch, stop - start).to(native_dtype(out))


def extract_sequences(x: ArrayLike, sequence_length: int, sequence_stride: int) -> torch.Tensor:
    t = convert_to_tensor(x)
    check_rank("extract_sequences", t.shape, 1)
    frame_count("extract_sequences", t.shape[-1], sequence_length, sequence_stride)
    return torch.unfold_copy(t, -1, sequence_length, sequence_stride)


def bartlett(x: int) -> torch.Tensor:
    return convert_to_tensor(window_values("bartlett", x))


def blackman(x: int) -> torch.Tensor:
    return convert_to_tensor(window_values("blackman", x))


def hamming(x: int) -> torch.Tensor:
    return convert_to_tensor(window_values("hamming", x))


def hanning(x: int) -> torch.Tensor:
    return convert_to_tensor(window_values("hanning", x))


def kaiser(x: int, beta: float) -> torch.Tensor:
    return convert_to_tensor(window_values("kaiser", x, beta))
