"""Initializers: statistics, fans, determinism by (seed, stream, path); NumPy only, no backend."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from dualnet.nn import initializers

SHAPE = (64, 32)


def _draw(name: str, shape: tuple[int, ...] = SHAPE, path: str = "w") -> np.ndarray:
    return initializers.get(name)(shape, "float32", initializers.generator_for(0, 0, path))


@pytest.mark.parametrize(
    ("name", "expected_std"),
    [
        ("glorot_uniform", np.sqrt(2.0 / (64 + 32))),
        ("glorot_normal", np.sqrt(2.0 / (64 + 32))),
        ("he_uniform", np.sqrt(2.0 / 64)),
        ("he_normal", np.sqrt(2.0 / 64)),
        ("lecun_uniform", np.sqrt(1.0 / 64)),
        ("lecun_normal", np.sqrt(1.0 / 64)),
        ("normal", 0.05),
    ],
)
def test_variance_matches_the_definition(name: str, expected_std: float) -> None:
    values = _draw(name, (256, 128) if name == "normal" else SHAPE)
    assert values.dtype == np.float32 and values.shape in (SHAPE, (256, 128))
    if name != "normal":
        expected_std = expected_std  # fan-based, for SHAPE
    assert abs(values.mean()) < 0.1 * expected_std + 1e-3
    assert values.std() == pytest.approx(expected_std, rel=0.1)


def test_truncated_normal_stays_within_two_stddev() -> None:
    values = _draw("he_normal")
    assert np.abs(values).max() <= 2.0 * np.sqrt(2.0 / 64) / 0.87962566103423978 + 1e-6


def test_uniform_limits() -> None:
    values = _draw("glorot_uniform")
    limit = np.sqrt(6.0 / (64 + 32))
    assert values.min() >= -limit and values.max() <= limit


def test_conv_fans_include_the_receptive_field() -> None:
    assert initializers.fans((3, 3, 8, 16)) == (72, 144)
    assert initializers.fans((5, 7)) == (5, 7)


def test_orthogonal_columns_are_orthonormal() -> None:
    values = _draw("orthogonal", (16, 8)).astype(np.float64)
    np.testing.assert_allclose(values.T @ values, np.eye(8), atol=1e-5)
    wide = _draw("orthogonal", (8, 16)).astype(np.float64)
    np.testing.assert_allclose(wide @ wide.T, np.eye(8), atol=1e-5)


def test_constants() -> None:
    assert (_draw("zeros") == 0).all() and (_draw("ones") == 1).all()
    assert (initializers.Constant(0.5)((2,), "float32", initializers.generator_for(0, 0, "b")) == 0.5).all()


def test_values_depend_on_seed_stream_and_path_only() -> None:
    a = initializers.generator_for(3, 1, "encoder.0.kernel").standard_normal(4)
    b = initializers.generator_for(3, 1, "encoder.0.kernel").standard_normal(4)
    np.testing.assert_array_equal(a, b)
    for other in [(4, 1, "encoder.0.kernel"), (3, 2, "encoder.0.kernel"), (3, 1, "encoder.1.kernel")]:
        assert not np.array_equal(a, initializers.generator_for(*other).standard_normal(4))


def test_unknown_initializer_names_the_choices() -> None:
    with pytest.raises(dn.ArgumentError, match=r"unknown initializer 'glorot'.*glorot_uniform"):
        initializers.get("glorot")
