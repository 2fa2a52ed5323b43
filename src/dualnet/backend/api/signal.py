"""Signal processing: FFTs, short-time Fourier transforms, framing and NumPy's window functions.

Complex values travel as a ``(real, imag)`` tuple of float tensors of one
shape, as in keras.ops, so no complex dtype crosses the contract. Transforms
work on the last axis (the last two for the 2-D ones); leading axes are batch
axes. float16 and bfloat16 inputs are transformed in float32 and cast back;
integers give float32.
"""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Tensor


class SignalAPI(Protocol):
    """keras.ops's ``fft`` family, ``stft``/``istft``, ``extract_sequences`` and the window functions."""

    def fft(self, x: tuple[ArrayLike, ArrayLike]) -> tuple[Tensor, Tensor]:
        """DFT along the last axis of ``(real, imag)``, both ``(..., n)``; returns ``(real, imag)``, ``(..., n)``."""

    def fft2(self, x: tuple[ArrayLike, ArrayLike]) -> tuple[Tensor, Tensor]:
        """2-D DFT over the last two axes of ``(real, imag)``, ``(..., m, n)``; same shapes out."""

    def ifft2(self, x: tuple[ArrayLike, ArrayLike]) -> tuple[Tensor, Tensor]:
        """Inverse 2-D DFT (scaled by ``1 / (m n)``) over the last two axes, ``(..., m, n)``; same shapes out."""

    def rfft(self, x: ArrayLike, fft_length: int | None = None) -> tuple[Tensor, Tensor]:
        """DFT of real ``(..., n)`` cropped or padded to ``fft_length`` L: ``(real, imag)``, ``(..., L // 2 + 1)``."""

    def irfft(self, x: tuple[ArrayLike, ArrayLike], fft_length: int | None = None) -> Tensor:
        """Inverse of rfft: ``(real, imag)`` ``(..., k)`` to a real ``(..., fft_length)`` (default ``2 (k - 1)``)."""

    def stft(
        self,
        x: ArrayLike,
        sequence_length: int,
        sequence_stride: int,
        fft_length: int,
        window: str | ArrayLike | None = "hann",
        center: bool = True,
    ) -> tuple[Tensor, Tensor]:
        """Short-time DFT of ``(..., samples)``: ``(real, imag)``, ``(..., frames, fft_length // 2 + 1)``."""

    def istft(
        self,
        x: tuple[ArrayLike, ArrayLike],
        sequence_length: int,
        sequence_stride: int,
        fft_length: int,
        length: int | None = None,
        window: str | ArrayLike | None = "hann",
        center: bool = True,
    ) -> Tensor:
        """Inverse of stft: ``(real, imag)`` ``(..., frames, fft_length // 2 + 1)`` to ``(..., samples)``."""

    def extract_sequences(self, x: ArrayLike, sequence_length: int, sequence_stride: int) -> Tensor:
        """Frames of the last axis: ``(..., n)`` to ``(..., 1 + (n - sequence_length) // stride, sequence_length)``."""

    def bartlett(self, x: int) -> Tensor:
        """NumPy's symmetric Bartlett (triangular) window of ``x`` points, float32, shape ``(x,)``."""

    def blackman(self, x: int) -> Tensor:
        """NumPy's symmetric Blackman window of ``x`` points, float32, shape ``(x,)``."""

    def hamming(self, x: int) -> Tensor:
        """NumPy's symmetric Hamming window of ``x`` points, float32, shape ``(x,)``."""

    def hanning(self, x: int) -> Tensor:
        """NumPy's symmetric Hann window of ``x`` points, float32, shape ``(x,)``."""

    def kaiser(self, x: int, beta: float) -> Tensor:
        """NumPy's Kaiser window of ``x`` points and shape parameter ``beta``, float32, shape ``(x,)``."""
