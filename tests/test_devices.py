"""Devices: listing, scopes, DUALNET_DEVICE, moving tensors and modules, and clear errors."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import dualnet as dn
from tests.helpers import HANG_LIMIT_S


def test_cpu_is_always_listed(backend: str) -> None:
    assert dn.devices()[0] == "cpu"
    assert dn.current_device() in dn.devices()


def test_missing_device_lists_the_available_ones(backend: str) -> None:
    missing = f"cuda:{len(dn.devices())}"
    with (
        pytest.raises(dn.DeviceError, match=f"device '{missing}' is not available.*available devices: cpu"),
        dn.device(missing),
    ):
        pass
    with pytest.raises(dn.DeviceError, match="available devices"):
        dn.ops.to_device(np.ones(2), missing)


def test_scope_places_new_tensors_and_variables(backend: str) -> None:
    with dn.device("cpu") as name:
        assert name == "cpu" and dn.current_device() == "cpu"
        assert dn.ops.device_of(dn.ops.convert_to_tensor([1.0])) == "cpu"
        layer = dn.nn.Dense(2, in_features=2)
    assert all(dn.ops.device_of(p) == "cpu" for p in layer.parameters())


def test_module_to_keeps_values(backend: str) -> None:
    layer = dn.nn.Dense(2, in_features=3)
    before = layer.state_dict()
    assert layer.to("cpu") is layer
    for a, b in zip(before.values(), layer.state_dict().values()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("backend_name", ["torch", "tensorflow"])
def test_bad_dualnet_device_env_names_the_variable(backend_name: str) -> None:
    env = {**os.environ, "DUALNET_BACKEND": backend_name, "DUALNET_DEVICE": "cuda:7", "TF_CPP_MIN_LOG_LEVEL": "3"}
    code = "import dualnet as dn; dn.ops.convert_to_tensor([1.0])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=HANG_LIMIT_S)
    assert result.returncode != 0
    assert "DUALNET_DEVICE='cuda:7'" in result.stderr and "available devices" in result.stderr


def test_an_op_on_two_devices_names_both(torch_backend: str) -> None:
    # torch's "meta" device stands in for a second device on a machine without a GPU (tests/cuda has the real one).
    import torch

    x = dn.ops.convert_to_tensor(np.ones((2, 3), "float32"))
    elsewhere = torch.ones(2, 3, device="meta")
    for op in (dn.ops.add, dn.ops.multiply, dn.ops.logical_and):
        with pytest.raises(dn.DeviceError, match=r"different devices, 'cpu' and 'meta'.*dn.ops.to_device\(x, 'cpu'\)"):
            op(x, elsewhere)
    # a 0-d CPU tensor mixes with any device in torch: a shape error stays a shape error
    with pytest.raises(dn.ShapeError, match="cannot broadcast"):
        dn.ops.add(elsewhere, torch.ones(4, device="meta"))
