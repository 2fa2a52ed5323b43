"""BatchNorm on an empty training batch leaves its moving statistics alone, as torch.nn.BatchNorm does.

An empty batch's mean and variance are 0 / 0 = NaN; folded into the moving
statistics they would poison every later evaluation (Keras 3 does that).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
import torch

import dualnet as dn
from dualnet.backend import dispatch

MEAN = np.array([0.5, -1.0, 2.0], "float32")
VARIANCE = np.array([1.5, 0.25, 4.0], "float32")
BATCH = np.random.default_rng(7).standard_normal((5, 3)).astype("float32")


def _layer() -> dn.nn.BatchNorm:
    layer = dn.nn.BatchNorm(momentum=0.9, num_features=3)
    layer.load_state_dict({"moving_mean": MEAN, "moving_variance": VARIANCE}, strict=False)
    return layer


def _moving(layer: dn.nn.Module) -> tuple[np.ndarray, np.ndarray]:
    state = layer.state_dict()
    return state["moving_mean"], state["moving_variance"]


@pytest.mark.parametrize("shape", [(0, 3), (2, 0, 3), (0, 2, 2, 3)], ids=["N=0", "NWC, W=0", "NHWC, N=0"])
def test_empty_batch_leaves_moving_statistics_and_gives_an_empty_output(backend: str, shape: tuple[int, ...]) -> None:
    layer = _layer()
    out = layer(dn.ops.zeros(shape))
    assert dn.ops.shape(out) == shape
    mean, variance = _moving(layer)
    np.testing.assert_array_equal(mean, MEAN)
    np.testing.assert_array_equal(variance, VARIANCE)
    # The next real batch updates from the untouched statistics, as if the empty one never came.
    layer(dn.ops.convert_to_tensor(BATCH))
    fresh = _layer()
    fresh(dn.ops.convert_to_tensor(BATCH))
    for got, want in zip(_moving(layer), _moving(fresh)):
        np.testing.assert_array_equal(got, want)


def test_matches_torch_batchnorm_on_an_empty_batch(backend: str) -> None:
    reference = torch.nn.BatchNorm1d(3, momentum=0.1)
    with torch.no_grad():
        reference.running_mean.copy_(torch.from_numpy(MEAN))
        reference.running_var.copy_(torch.from_numpy(VARIANCE))
    reference.train()
    expected = reference(torch.zeros(0, 3))
    layer = _layer()
    out = layer(dn.ops.zeros((0, 3)))
    assert dn.ops.shape(out) == tuple(expected.shape)
    mean, variance = _moving(layer)
    np.testing.assert_array_equal(mean, reference.running_mean.numpy())
    np.testing.assert_array_equal(variance, reference.running_var.numpy())


@pytest.fixture
def tensorflow_backend() -> Iterator[str]:
    """TensorFlow active: a graph traced for any batch size is where the size is a tensor, not a number."""
    previous = dispatch.active_name()
    dn.set_backend("tensorflow")
    yield "tensorflow"
    if previous is not None:
        dn.set_backend(previous)


def test_empty_batch_in_a_graph_traced_for_any_batch_size(tensorflow_backend: str) -> None:
    # On torch, compiling specialises size 0 (dynamo always does), so the eager tests above cover its code path.
    import tensorflow as tf

    layer = _layer()
    step = tf.function(lambda x: layer(x), input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    step(tf.zeros((0, 3)))
    np.testing.assert_array_equal(_moving(layer)[0], MEAN)
    np.testing.assert_array_equal(_moving(layer)[1], VARIANCE)
    step(tf.constant(BATCH))  # the same trace: the guard selects the update at run time
    expected = 0.9 * MEAN + 0.1 * BATCH.mean(0)
    np.testing.assert_allclose(_moving(layer)[0], expected, rtol=1e-6, atol=1e-6)
