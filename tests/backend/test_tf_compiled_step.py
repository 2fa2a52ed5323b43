"""TensorFlow's CompiledStep: a trace, once made, is reused by key and must give what the tf.function gives."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from dualnet.backend.tensorflow.trainer import CompiledStep  # noqa: E402


def _counted(fn: Any) -> tuple[CompiledStep, list[int]]:
    traces: list[int] = []

    def traced(*args: Any) -> Any:
        traces.append(1)
        return fn(*args)

    return CompiledStep(tf.function(traced, reduce_retracing=True, autograph=False)), traces


def test_repeated_calls_reuse_one_trace_with_the_right_inputs() -> None:
    step, traces = _counted(lambda batch, flag: batch[0] - batch[1] if flag else batch[0] + batch[1])
    a, b = tf.constant([5.0, 7.0]), tf.constant([1.0, 2.0])
    for _ in range(3):
        np.testing.assert_array_equal(step((a, b), True).numpy(), [4.0, 5.0])
        np.testing.assert_array_equal(step((b, a), True).numpy(), [-4.0, -5.0])  # same key, inputs in order
    np.testing.assert_array_equal(step((a, b), False).numpy(), [6.0, 9.0])  # a Python flag is part of the key
    assert len(traces) == 2


def test_dict_keys_and_shapes_are_part_of_the_key() -> None:
    step, _ = _counted(lambda d: d["x"] * 10.0 + d.get("y", 0.0) + d.get("z", 0.0) * 100.0)
    one = tf.constant([1.0])
    np.testing.assert_array_equal(step({"x": one, "y": one}).numpy(), [11.0])
    np.testing.assert_array_equal(step({"x": one, "z": one}).numpy(), [110.0])
    np.testing.assert_array_equal(step({"x": one, "y": one}).numpy(), [11.0])
    longer = tf.constant([1.0, 2.0])
    np.testing.assert_array_equal(step({"x": longer, "y": longer}).numpy(), [11.0, 22.0])


def test_variables_and_arrays_take_the_tf_function_call() -> None:
    step, _ = _counted(lambda v, x: v * x)
    variable = tf.Variable([2.0])
    for _ in range(2):
        np.testing.assert_array_equal(step(variable, np.array([3.0], np.float32)).numpy(), [6.0])
    variable.assign([4.0])
    np.testing.assert_array_equal(step(variable, tf.constant([3.0])).numpy(), [12.0])


def test_captured_variables_are_read_at_call_time_and_gradients_flow() -> None:
    weight = tf.Variable([3.0])
    step, traces = _counted(lambda x: weight * x)
    x = tf.constant([2.0])
    step(x)
    weight.assign([5.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = step(x)
    np.testing.assert_array_equal(y.numpy(), [10.0])
    np.testing.assert_array_equal(tape.gradient(y, [x, weight])[1].numpy(), [2.0])
    assert len(traces) == 1


def test_ever_new_shapes_stop_adding_keys() -> None:
    step, _ = _counted(lambda x: x * 2.0)
    for n in range(1, 80):
        assert float(tf.reduce_sum(step(tf.ones((n,))))) == 2.0 * n
    assert len(step._traces) == 64
