"""dn.ops.lstm / dn.ops.gru against NumPy references (fused and looped paths), parity, shape errors."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from tests.helpers import assert_matches_numpy

N, T, F, H = 2, 5, 3, 4


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def numpy_lstm(x, kernel, recurrent, bias, h, c, mask=None):  # type: ignore[no-untyped-def]
    """Keras's LSTM recurrence, gates i, f, c, o; masked steps carry the state and output zeros."""
    outputs = []
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ recurrent + (0.0 if bias is None else bias)
        i, f, g, o = np.split(z, 4, axis=1)
        c_new = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        h_new = _sigmoid(o) * np.tanh(c_new)
        keep = np.ones((x.shape[0], 1), bool) if mask is None else mask[:, t, None]
        h, c = np.where(keep, h_new, h), np.where(keep, c_new, c)
        outputs.append(np.where(keep, h_new, 0.0))
    return np.stack(outputs, 1), h, c


def numpy_gru(x, kernel, recurrent, bias, h, mask=None, reset_after=True):  # type: ignore[no-untyped-def]
    """Keras's GRU recurrence, gates z, r, h."""
    units = recurrent.shape[0]
    if bias is None:
        bias = np.zeros((2, 3 * units) if reset_after else (3 * units,), x.dtype)
    outputs = []
    for t in range(x.shape[1]):
        a = x[:, t] @ kernel + (bias[0] if reset_after else bias)
        a_z, a_r, a_h = np.split(a, 3, axis=1)
        if reset_after:
            b_z, b_r, b_h = np.split(h @ recurrent + bias[1], 3, axis=1)
            r = _sigmoid(a_r + b_r)
            candidate = np.tanh(a_h + r * b_h)
        else:
            b_z, b_r = np.split(h @ recurrent[:, : 2 * units], 2, axis=1)
            r = _sigmoid(a_r + b_r)
            candidate = np.tanh(a_h + (r * h) @ recurrent[:, 2 * units :])
        z = _sigmoid(a_z + b_z)
        h_new = z * h + (1 - z) * candidate
        keep = np.ones((x.shape[0], 1), bool) if mask is None else mask[:, t, None]
        h = np.where(keep, h_new, h)
        outputs.append(np.where(keep, h_new, 0.0))
    return np.stack(outputs, 1), h


def _arrays(gates: int, bias_shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)

    def draw(*shape: int) -> np.ndarray:
        return (0.5 * rng.standard_normal(shape)).astype("float32")

    return {
        "x": draw(N, T, F),
        "kernel": draw(F, gates * H),
        "recurrent": draw(H, gates * H),
        "bias": draw(*bias_shape),
        "h": draw(N, H),
        "c": draw(N, H),
    }


MASK = np.array([[True, True, False, True, True], [True, False, False, True, False]])


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("with_bias", [False, True])
def test_lstm_matches_numpy(backend: str, masked: bool, with_bias: bool) -> None:
    a = _arrays(4, (4 * H,))
    bias = a["bias"] if with_bias else None
    mask = MASK if masked else None
    out, h, c = dn.ops.lstm(a["x"], a["kernel"], a["recurrent"], bias, a["h"], a["c"], mask=mask)
    want = numpy_lstm(a["x"], a["kernel"], a["recurrent"], bias, a["h"], a["c"], mask)
    for got, expected in zip((out, h, c), want):
        assert_matches_numpy(got, expected.astype("float32"), rtol=1e-5, atol=1e-6)


def test_lstm_states_default_to_zeros(backend: str) -> None:
    a = _arrays(4, (4 * H,))
    zeros = np.zeros((N, H), "float32")
    out, _, _ = dn.ops.lstm(a["x"], a["kernel"], a["recurrent"], a["bias"])
    want = numpy_lstm(a["x"], a["kernel"], a["recurrent"], a["bias"], zeros, zeros)[0]
    assert_matches_numpy(out, want.astype("float32"), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_matches_numpy(backend: str, masked: bool, reset_after: bool) -> None:
    a = _arrays(3, (2, 3 * H) if reset_after else (3 * H,))
    mask = MASK if masked else None
    out, h = dn.ops.gru(a["x"], a["kernel"], a["recurrent"], a["bias"], a["h"], mask=mask, reset_after=reset_after)
    want = numpy_gru(a["x"], a["kernel"], a["recurrent"], a["bias"], a["h"], mask, reset_after)
    for got, expected in zip((out, h), want):
        assert_matches_numpy(got, expected.astype("float32"), rtol=1e-5, atol=1e-6)


def test_gru_without_bias_or_state(backend: str) -> None:
    a = _arrays(3, (2, 3 * H))
    out, _ = dn.ops.gru(a["x"], a["kernel"], a["recurrent"])
    want = numpy_gru(a["x"], a["kernel"], a["recurrent"], None, np.zeros((N, H), "float32"))[0]
    assert_matches_numpy(out, want.astype("float32"), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("masked", [False, True])
def test_gradients_agree_across_backends(masked: bool) -> None:
    a = _arrays(4, (4 * H,))
    mask = MASK if masked else None
    inputs = [a["x"], a["kernel"], a["recurrent"], a["bias"], a["h"], a["c"]]
    dn.testing.function_parity(lambda *xs: dn.ops.lstm(*xs, mask=mask), inputs, rtol=1e-5, atol=1e-6)
    g = _arrays(3, (2, 3 * H))
    inputs = [g["x"], g["kernel"], g["recurrent"], g["bias"], g["h"]]
    dn.testing.function_parity(lambda *xs: dn.ops.gru(*xs, mask=mask), inputs, rtol=1e-5, atol=1e-6)


def test_tensorflow_traced_loop_with_unknown_length_matches_numpy() -> None:
    tf = pytest.importorskip("tensorflow")
    previous = dn.backend()
    dn.set_backend("tensorflow")
    a = _arrays(4, (4 * H,))

    @tf.function(input_signature=[tf.TensorSpec((None, None, F)), tf.TensorSpec((None, None), tf.bool)])
    def run(x, mask):  # type: ignore[no-untyped-def]
        return dn.ops.lstm(x, a["kernel"], a["recurrent"], a["bias"], mask=mask)

    try:
        out, h, c = run(a["x"], MASK)
    finally:
        dn.set_backend(previous)
    zeros = np.zeros((N, H), "float32")
    want = numpy_lstm(a["x"], a["kernel"], a["recurrent"], a["bias"], zeros, zeros, MASK)
    for got, expected in zip((out, h, c), want):
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"x": np.zeros((N, F), "float32")}, r"lstm: expects x of rank 3 \(N, T, F\), got shape \(2, 3\)"),
        ({"kernel": np.zeros((F + 1, 4 * H), "float32")}, r"expects kernel of shape \(3, 16\), got \(4, 16\)"),
        ({"bias": np.zeros((3 * H,), "float32")}, r"expects bias of shape \(16,\), got \(12,\)"),
        ({"h": np.zeros((N + 1, H), "float32")}, r"expects initial state of shape \(2, 4\), got \(3, 4\)"),
        ({"mask": np.ones((N, T + 1), bool)}, r"expects mask of shape \(2, 5\), got \(2, 6\); pass a bool mask"),
    ],
)
def test_bad_shapes_raise_shape_errors(backend: str, change: dict, match: str) -> None:  # type: ignore[type-arg]
    a = {**_arrays(4, (4 * H,)), "mask": None, **change}
    with pytest.raises(dn.ShapeError, match=match):
        dn.ops.lstm(a["x"], a["kernel"], a["recurrent"], a["bias"], a["h"], a["c"], mask=a["mask"])


def test_changing_sizes_between_calls(backend: str) -> None:
    # TensorFlow compiles the loop once per signature and relaxes sizes to unknown after a retrace.
    rng = np.random.default_rng(3)
    for n, t, f, h in [(2, 5, 3, 4), (3, 2, 2, 5), (1, 4, 4, 3)]:
        x = rng.standard_normal((n, t, f)).astype("float32")
        kernel, recurrent = (rng.standard_normal(s).astype("float32") for s in ((f, 4 * h), (h, 4 * h)))
        zeros = np.zeros((n, h), "float32")
        want = numpy_lstm(x, kernel, recurrent, None, zeros, zeros)[0].astype("float32")
        assert_matches_numpy(dn.ops.lstm(x, kernel, recurrent)[0], want, rtol=1e-5, atol=1e-6)
        want = numpy_gru(x, kernel[:, : 3 * h], recurrent[:, : 3 * h], None, zeros, reset_after=False)[0]
        got = dn.ops.gru(x, kernel[:, : 3 * h], recurrent[:, : 3 * h], reset_after=False)[0]
        assert_matches_numpy(got, want.astype("float32"), rtol=1e-5, atol=1e-6)
