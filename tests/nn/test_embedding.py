"""Embedding: lookups against NumPy, initial values, masks, parity across backends, errors that name the layer."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from dualnet.nn.embedding import Embedding
from tests.helpers import assert_matches_numpy


class Net(dn.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.emb = Embedding(10, 3)

    def forward(self, ids):  # type: ignore[no-untyped-def]
        return self.emb(ids)


@pytest.mark.parametrize("shape", [(), (4,), (2, 3), (2, 1, 3)])
def test_lookup_matches_numpy_for_ids_of_any_shape(backend: str, shape: tuple[int, ...]) -> None:
    layer = Embedding(input_dim=7, output_dim=4)
    ids = np.random.default_rng(0).integers(0, 7, shape)
    y = layer(ids)
    table = layer.state_dict()["embeddings"]
    assert table.shape == (7, 4)
    assert_matches_numpy(y, table[ids])


def test_native_int32_ids_and_keras_uniform_initializer(backend: str) -> None:
    layer = Embedding(50, 8)
    ids = dn.ops.convert_to_tensor(np.array([[0, 49], [3, 3]], "int32"))
    assert dn.ops.shape(layer(ids)) == (2, 2, 8)
    table = layer.state_dict()["embeddings"]
    assert table.dtype == np.float32 and np.all(np.abs(table) <= 0.05) and table.std() > 0.02


def test_gradient_accumulates_over_repeated_ids(backend: str) -> None:
    layer = Embedding(5, 2)
    ids = np.array([1, 3, 1, 1])
    _, grads = dn.value_and_grad(lambda m: dn.ops.sum(m(ids)))(layer)
    expected = np.zeros((5, 2), "float32")
    expected[1], expected[3] = 3.0, 1.0
    np.testing.assert_array_equal(dn.ops.to_numpy(grads[0]), expected)


def test_parity_across_backends() -> None:
    ids = np.array([[1, 2, 2, 0], [7, 7, 7, 3]])
    runs = dn.testing.module_parity(lambda: Embedding(8, 3), [ids], training=True)
    assert set(runs[0].param_grads) == {"embeddings"}


def test_compute_mask(backend: str) -> None:
    ids = np.array([[3, 0, 1], [0, 0, 2]])
    assert_matches_numpy(Embedding(4, 2, mask_zero=True).compute_mask(ids), ids != 0)
    assert Embedding(4, 2).compute_mask(ids) is None


def test_compiled_lookup_skips_the_value_check_while_tracing(backend: str) -> None:
    layer = Embedding(6, 2)
    ids = dn.ops.convert_to_tensor(np.array([5, 0, 2]))
    layer(ids)
    fast = dn.function(lambda i: layer(i))
    np.testing.assert_array_equal(dn.ops.to_numpy(fast(ids)), dn.ops.to_numpy(layer(ids)))


@pytest.mark.parametrize("bad", [np.array([[1, 10]]), np.array([3, -1])])
@pytest.mark.parametrize("native", [False, True])
def test_ids_out_of_range_name_the_layer_and_the_fix(backend: str, bad: np.ndarray, native: bool) -> None:
    net = Net()
    net(np.array([0, 9]))
    ids = dn.ops.convert_to_tensor(bad) if native else bad
    fix = "raise input_dim to cover the vocabulary" if bad.max() >= 10 else "map negative ids"
    with pytest.raises(dn.ArgumentError, match=rf"layer 'emb' \(Embedding\) expects ids in \[0, 10\), got .*; {fix}"):
        net(ids)


def test_out_of_range_on_the_first_call(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"Embedding expects ids in \[0, 3\), got 3; .*need input_dim=4"):
        Embedding(3, 2)(dn.ops.convert_to_tensor(np.array([0, 3])))


@pytest.mark.parametrize("dtype", ["float32", "bool"])
def test_non_integer_ids_are_dtype_errors(backend: str, dtype: str) -> None:
    net = Net()
    net(np.array([1]))
    with pytest.raises(
        dn.DTypeError,
        match=rf"layer 'emb' \(Embedding\) expects integer ids, got {dtype}; cast them first, e.g. dn.ops.cast",
    ):
        net(np.array([1, 0]).astype(dtype))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"input_dim": 0, "output_dim": 3}, r"Embedding\(input_dim=0\): input_dim must be a positive int"),
        ({"input_dim": 5, "output_dim": 2.5}, r"Embedding\(output_dim=2.5\): output_dim must be a positive int"),
        ({"input_dim": 5, "output_dim": 2, "embeddings_initializer": "nope"}, "unknown initializer 'nope'"),
    ],
)
def test_bad_arguments(backend: str, kwargs: dict, match: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(dn.ArgumentError, match=match):
        Embedding(**kwargs)


def test_repr(backend: str) -> None:
    assert repr(Embedding(5, 2, mask_zero=True)) == "Embedding(input_dim=5, output_dim=2, mask_zero=True)"
