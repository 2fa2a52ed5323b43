"""dn.testing: the parity helpers catch agreement and disagreement across backends."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend import registry

pytestmark = pytest.mark.skipif(
    not all(registry.is_installed(n) for n in ("torch", "tensorflow")), reason="needs both backends"
)

X = np.random.default_rng(0).standard_normal((4, 5)).astype("float32")


def small_mlp() -> dn.nn.Module:
    class MLP(dn.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc1 = dn.nn.Dense(8, activation="gelu")
            self.fc2 = dn.nn.Dense(3)

        def forward(self, x):  # type: ignore[no-untyped-def]
            return self.fc2(self.fc1(x))

    return MLP()


def test_module_parity_compares_outputs_and_gradients() -> None:
    runs = dn.testing.module_parity(small_mlp, [X])
    assert [r.backend for r in runs] == ["torch", "tensorflow"]
    assert runs[0].outputs[0].shape == (4, 3)
    assert list(runs[0].param_grads) == ["fc1.kernel", "fc1.bias", "fc2.kernel", "fc2.bias"]
    assert runs[0].input_grads[0] is not None and runs[0].input_grads[0].shape == (4, 5)


def test_module_parity_in_subprocesses() -> None:
    runs = dn.testing.module_parity("tests.test_testing:small_mlp", [X], isolate=True)
    in_process = dn.testing.module_parity(small_mlp, [X])
    np.testing.assert_allclose(runs[0].outputs[0], in_process[0].outputs[0], rtol=1e-6)


def test_function_parity_and_a_detected_mismatch() -> None:
    dn.testing.function_parity(dn.ops.log_softmax, [X], axis=-1)

    def differs(x):  # type: ignore[no-untyped-def]
        return x * (2.0 if dn.backend() == "torch" else 2.1)

    with pytest.raises(AssertionError, match="torch vs tensorflow: output 0"):
        dn.testing.function_parity(differs, [X])
