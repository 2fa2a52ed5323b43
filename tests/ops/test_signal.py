"""The signal ops on both backends against numpy.fft, scipy.signal, torch.stft/istft and keras.ops.

Values, dtypes, gradients (finite differences in float64), inversion, compiled
graphs and the errors of bad arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import pytest
import scipy.signal
import torch

import dualnet as dn
from tests.ops.nn_reference import numeric_grads

_rng = np.random.default_rng(11)
SIGNAL = _rng.normal(size=(2, 40))
PARTS = (_rng.normal(size=(2, 3, 6)), _rng.normal(size=(2, 3, 6)))


def _np(x: Any) -> np.ndarray:
    return dn.ops.to_numpy(x)


def _complex(pair: Any) -> np.ndarray:
    return _np(pair[0]) + 1j * _np(pair[1])


# ---------------------------------------------------------------- the fft family


@pytest.mark.parametrize(("name", "ref"), [("fft", np.fft.fft), ("fft2", np.fft.fft2), ("ifft2", np.fft.ifft2)])
def test_complex_transforms_match_numpy(backend: str, name: str, ref: Callable[[Any], Any]) -> None:
    op = getattr(dn.ops, name)
    z = PARTS[0] + 1j * PARTS[1]
    out = op(PARTS)
    assert dn.ops.dtype(out[0]) == dn.ops.dtype(out[1]) == "float64"
    np.testing.assert_allclose(_complex(out), ref(z), rtol=1e-12, atol=1e-12)
    single = op((PARTS[0].astype(np.float32), PARTS[1].astype(np.float32)))
    assert dn.ops.dtype(single[0]) == "float32"
    np.testing.assert_allclose(_complex(single), ref(z), rtol=1e-5, atol=1e-5)


def test_keras_examples(backend: str) -> None:
    """The examples of keras.ops's docstrings give Keras's values."""
    x = (np.array([1.0, 2.0], np.float32), np.array([0.0, 1.0], np.float32))
    np.testing.assert_allclose(_complex(dn.ops.fft(x)), [3 + 1j, -1 - 1j])
    real = np.array([0.0, 1.0, 2.0, 3.0, 4.0], np.float32)
    np.testing.assert_allclose(_complex(dn.ops.rfft(real, 3)), _complex(keras.ops.rfft(real, 3)), atol=1e-6)
    np.testing.assert_allclose(_np(dn.ops.irfft((real, real))), keras.ops.irfft((real, real)), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(_np(dn.ops.irfft(dn.ops.rfft(real, 5), 5)), real, atol=1e-6)


@pytest.mark.parametrize("fft_length", [None, 7, 13])
def test_rfft_and_irfft_match_numpy(backend: str, fft_length: int | None) -> None:
    """``fft_length`` crops or zero-pads, as ``n`` does in numpy.fft; odd lengths need it given."""
    np.testing.assert_allclose(_complex(dn.ops.rfft(SIGNAL, fft_length)), np.fft.rfft(SIGNAL, fft_length), atol=1e-12)
    bins = np.fft.rfft(SIGNAL[:, :12])
    got = dn.ops.irfft((bins.real, bins.imag), fft_length)
    np.testing.assert_allclose(_np(got), np.fft.irfft(bins, fft_length), atol=1e-12)


def test_dtypes(backend: str) -> None:
    """Half precisions are transformed in float32 and cast back; integers give float32; parts promote together."""
    half = dn.ops.rfft(SIGNAL.astype(np.float16))
    assert dn.ops.dtype(half[0]) == "float16"
    np.testing.assert_allclose(_complex(half), np.fft.rfft(SIGNAL.astype(np.float16)), rtol=2e-2, atol=2e-2)
    assert dn.ops.dtype(dn.ops.rfft(np.arange(8))[0]) == "float32"
    assert dn.ops.dtype(dn.ops.stft(np.arange(32), 8, 4, 8)[0]) == "float32"
    mixed = dn.ops.fft((PARTS[0].astype(np.float32), PARTS[1]))
    assert dn.ops.dtype(mixed[0]) == dn.ops.dtype(mixed[1]) == "float64"
    assert dn.ops.dtype(dn.ops.extract_sequences(np.arange(6, dtype=np.int32), 3, 2)) == "int32"


# ---------------------------------------------------------------- stft, istft

# (sequence_length, sequence_stride, fft_length, window, center)
STFT_CASES = {
    "hann_centered": (16, 4, 16, "hann", True),
    "hamming_short_window": (12, 5, 16, "hamming", True),
    "hann_uncentered": (16, 4, 16, "hann", False),
    "kaiser_tensor": (10, 3, 16, np.kaiser(10, 4.0), True),
    "rectangular": (10, 3, 16, None, False),
}


def _torch_window(window: Any, length: int) -> torch.Tensor:
    if window is None:
        return torch.ones(length, dtype=torch.float64)
    if isinstance(window, str):
        return (torch.hann_window if window == "hann" else torch.hamming_window)(length, dtype=torch.float64)
    return torch.as_tensor(window)


def _torch_stft(x: np.ndarray, length: int, stride: int, n_fft: int, window: Any, center: bool) -> np.ndarray:
    z = torch.stft(
        torch.as_tensor(x),
        n_fft,
        stride,
        length,
        _torch_window(window, length),
        center=center,
        pad_mode="reflect",
        return_complex=True,
    )
    return z.transpose(-2, -1).numpy()


@pytest.mark.parametrize("case", STFT_CASES)
def test_stft_matches_torch_and_keras(backend: str, case: str) -> None:
    length, stride, n_fft, window, center = STFT_CASES[case]
    out = dn.ops.stft(SIGNAL, length, stride, n_fft, window, center)
    frames = 1 + (40 + (n_fft // 2) * 2 * center - n_fft) // stride
    assert dn.ops.shape(out[0]) == (2, frames, n_fft // 2 + 1) and dn.ops.dtype(out[0]) == "float64"
    np.testing.assert_allclose(_complex(out), _torch_stft(SIGNAL, length, stride, n_fft, window, center), atol=1e-10)
    if window is not None:  # keras's tensorflow backend frames a window of None as all fft_length samples
        expected = keras.ops.stft(SIGNAL, length, stride, n_fft, window, center)
        np.testing.assert_allclose(_complex(out), _complex(expected), atol=1e-10)


def test_stft_matches_scipy(backend: str) -> None:
    """scipy.signal.stft with even (reflecting) extension, scaled back from its 'spectrum' scaling."""
    _, _, expected = scipy.signal.stft(
        SIGNAL, window="hann", nperseg=16, noverlap=12, boundary="even", padded=False, scaling="spectrum"
    )
    expected = np.swapaxes(expected, -1, -2) * scipy.signal.get_window("hann", 16).sum()
    np.testing.assert_allclose(_complex(dn.ops.stft(SIGNAL, 16, 4, 16)), expected, atol=1e-10)


@pytest.mark.parametrize("case", STFT_CASES)
def test_istft_inverts_stft(backend: str, case: str) -> None:
    length, stride, n_fft, window, center = STFT_CASES[case]
    spectrum = dn.ops.stft(SIGNAL, length, stride, n_fft, window, center)
    back = _np(dn.ops.istft(spectrum, length, stride, n_fft, window=window, center=center))
    covered = back.shape[-1]
    assert covered <= 40
    # Uncentred frames leave the ends where the window vanishes; everything it covers comes back.
    inner = slice(None) if center else slice(n_fft // 2, covered - n_fft // 2)
    np.testing.assert_allclose(back[:, inner], SIGNAL[:, :covered][:, inner], atol=1e-12)
    # length= takes the frames' tail too (what center trims), then zeros past the last frame.
    frames_end = covered + (n_fft // 2 if center else 0)
    padded = _np(dn.ops.istft(spectrum, length, stride, n_fft, length=frames_end + 3, window=window, center=center))
    np.testing.assert_allclose(padded[:, :covered], back, atol=1e-12)
    np.testing.assert_array_equal(padded[:, frames_end:], 0.0)


def test_istft_matches_torch(backend: str) -> None:
    """torch.istft on the same spectrum (it needs center=True here: uncentred Hann frames fail its NOLA check)."""
    spectrum = dn.ops.stft(SIGNAL, 12, 5, 16, "hamming")
    z = torch.as_tensor(_complex(spectrum)).transpose(-2, -1)
    expected = torch.istft(z, 16, 5, 12, torch.hamming_window(12, dtype=torch.float64), center=True, length=37)
    np.testing.assert_allclose(_np(dn.ops.istft(spectrum, 12, 5, 16, 37, "hamming")), expected.numpy(), atol=1e-12)


def test_extract_sequences_matches_keras(backend: str) -> None:
    x = np.arange(24, dtype=np.int64).reshape(2, 12)
    out = dn.ops.extract_sequences(x, 5, 3)
    assert dn.ops.dtype(out) == "int64"
    np.testing.assert_array_equal(_np(out), np.lib.stride_tricks.sliding_window_view(x, 5, axis=-1)[:, ::3])
    np.testing.assert_array_equal(_np(out), keras.ops.extract_sequences(x, 5, 3))


# ---------------------------------------------------------------- windows


@pytest.mark.parametrize("points", [0, 1, 2, 7, 16])
def test_windows_match_numpy(backend: str, points: int) -> None:
    for name in ("bartlett", "blackman", "hamming", "hanning"):
        out = getattr(dn.ops, name)(points)
        assert dn.ops.dtype(out) == "float32" and dn.ops.shape(out) == (points,)
        np.testing.assert_allclose(_np(out), getattr(np, name)(points), rtol=1e-6, atol=1e-7, err_msg=name)
    for beta in (0.0, 5.0, 14.0):
        np.testing.assert_allclose(_np(dn.ops.kaiser(points, beta)), np.kaiser(points, beta), rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------------- gradients, graphs

_W = _rng.normal(size=(2, 40))


def _weigh(pair: Any, wr: np.ndarray, wi: np.ndarray) -> Any:
    return dn.ops.sum(dn.ops.multiply(pair[0], wr)) + dn.ops.sum(dn.ops.multiply(pair[1], wi))


def _weigh_np(z: np.ndarray, wr: np.ndarray, wi: np.ndarray) -> float:
    return float(np.sum(z.real * wr) + np.sum(z.imag * wi))


_STFT_W = _rng.normal(size=(2, 2, 11, 9))
_SHORT = _rng.normal(size=(2, 12))
_BINS = np.fft.rfft(_SHORT)


def _stft_reference(x: np.ndarray) -> np.ndarray:
    return _torch_stft(x, 16, 4, 16, "hann", True)


# name -> (dn function of the float64 arrays, NumPy reference of them, the arrays)
GRADIENTS: dict[str, tuple[Callable[..., Any], Callable[..., float], list[np.ndarray]]] = {
    "fft": (
        lambda a, b: _weigh(dn.ops.fft((a, b)), _W[:, :6], _W[:, 6:12]),
        lambda a, b: _weigh_np(np.fft.fft(a + 1j * b), _W[:, :6], _W[:, 6:12]),
        [_rng.normal(size=(2, 6)), _rng.normal(size=(2, 6))],
    ),
    "rfft": (
        lambda a: _weigh(dn.ops.rfft(a, 10), _W[:, :6], _W[:, 6:12]),
        lambda a: _weigh_np(np.fft.rfft(a, 10), _W[:, :6], _W[:, 6:12]),
        [_SHORT[:, :8].copy()],
    ),
    "irfft": (
        lambda a, b: dn.ops.sum(dn.ops.multiply(dn.ops.irfft((a, b), 9), _W[:, :9])),
        lambda a, b: float(np.sum(np.fft.irfft(a + 1j * b, 9) * _W[:, :9])),
        [_BINS.real.copy(), _BINS.imag.copy()],
    ),
    "stft": (
        lambda a: _weigh(dn.ops.stft(a, 16, 4, 16), _STFT_W[0], _STFT_W[1]),
        lambda a: _weigh_np(_stft_reference(a), _STFT_W[0], _STFT_W[1]),
        [SIGNAL.copy()],
    ),
}


@pytest.mark.parametrize("name", GRADIENTS)
def test_gradients_match_finite_differences(backend: str, name: str) -> None:
    fn, ref, arrays = GRADIENTS[name]
    _, grads = dn.value_and_grad(fn, wrt=tuple(range(len(arrays))))(*[dn.ops.convert_to_tensor(a) for a in arrays])
    for got, want in zip(grads, numeric_grads(ref, arrays)):
        np.testing.assert_allclose(_np(got), want, rtol=1e-6, atol=1e-8)


def _pipeline(x: Any) -> tuple[Any, ...]:
    return dn.ops.irfft(dn.ops.rfft(x), 40), dn.ops.stft(x, 12, 5, 16, "hamming")[0]


@pytest.mark.parametrize("jit", [False, True], ids=["graph", "jit"])
def test_compiled(backend: str, jit: bool) -> None:
    x = SIGNAL.astype(np.float32)
    round_trip, real = dn.function(_pipeline, jit=jit)(x)
    np.testing.assert_allclose(_np(round_trip), x, atol=1e-5)
    np.testing.assert_allclose(_np(real), _np(dn.ops.stft(x, 12, 5, 16, "hamming")[0]), atol=1e-5)


def test_istft_in_a_graph(backend: str) -> None:
    """istft's TensorFlow graph takes sizes from static shapes where known (torch's compile costs ~9 s: not here)."""
    x = SIGNAL.astype(np.float32)

    def inverse(s: Any) -> Any:
        return dn.ops.istft(dn.ops.stft(s, 12, 5, 16, "hamming"), 12, 5, 16, 40, "hamming")

    np.testing.assert_allclose(_np(dn.function(inverse, jit=False)(x)), x, atol=1e-5)


# ---------------------------------------------------------------- errors

_ONE = np.ones(8, np.float32)

BAD: dict[str, tuple[Callable[[], Any], type[Exception], str]] = {
    "not_a_pair": (lambda: dn.ops.fft(_ONE), dn.ArgumentError, r"fft\(x=.*\(real, imag\) tuple"),
    "parts_differ": (lambda: dn.ops.fft((_ONE, _ONE[:4])), dn.ShapeError, "fft: the real and imaginary parts"),
    "fft2_rank": (lambda: dn.ops.fft2((_ONE, _ONE)), dn.ShapeError, "fft2: transforms the last 2 axes"),
    "complex_input": (lambda: dn.ops.rfft(_ONE.astype(np.complex64)), dn.DTypeError, r"rfft: takes real tensors"),
    "empty": (lambda: dn.ops.rfft(np.ones((2, 0))), dn.ShapeError, "rfft: .* must not be empty"),
    "fft_length_zero": (lambda: dn.ops.rfft(_ONE, 0), dn.ArgumentError, r"rfft\(fft_length=0\)"),
    "irfft_one_bin": (lambda: dn.ops.irfft((_ONE[:1], _ONE[:1])), dn.ShapeError, "irfft: .* pass fft_length"),
    "fft_length_short": (lambda: dn.ops.stft(_ONE, 8, 2, 4), dn.ArgumentError, r"stft: fft_length \(4\) must be >="),
    "stride_zero": (lambda: dn.ops.stft(_ONE, 4, 0, 4), dn.ArgumentError, r"stft\(sequence_stride=0\)"),
    "window_name": (lambda: dn.ops.stft(_ONE, 4, 2, 4, "hanning"), dn.ArgumentError, r"stft\(window='hanning'\)"),
    "window_shape": (lambda: dn.ops.stft(_ONE, 4, 2, 4, np.ones(3)), dn.ShapeError, r"stft: window must have shape"),
    "center_flag": (lambda: dn.ops.stft(_ONE, 4, 2, 4, center=1), dn.ArgumentError, r"stft\(center=1\)"),
    "reflect": (lambda: dn.ops.stft(_ONE[:3], 4, 2, 8), dn.ShapeError, r"stft: center=True reflects .* = 4 samples"),
    "short_signal": (lambda: dn.ops.stft(_ONE[:3], 4, 2, 4, center=False), dn.ShapeError, "stft: x has 3 samples"),
    "istft_bins": (lambda: dn.ops.istft((np.ones((3, 4)),) * 2, 8, 2, 8), dn.ShapeError, "istft: .* 5 frequency bins"),
    "istft_length": (lambda: dn.ops.istft((np.ones((3, 5)),) * 2, 8, 2, 8, -1), dn.ArgumentError, r"istft\(length"),
    "sequences_long": (lambda: dn.ops.extract_sequences(_ONE, 9, 1), dn.ShapeError, "extract_sequences: x has 8"),
    "window_points": (lambda: dn.ops.hamming(-1), dn.ArgumentError, r"hamming\(x=-1\)"),
    "kaiser_beta": (lambda: dn.ops.kaiser(8, float("nan")), dn.ArgumentError, r"kaiser\(beta=nan\)"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_arguments(backend: str, case: str) -> None:
    call, error, message = BAD[case]
    with pytest.raises(error, match=message):
        call()
