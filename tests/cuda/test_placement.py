"""Devices on CUDA: listing, scopes, DUALNET_DEVICE, Module.to and back, placement of new tensors, mixed devices."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import weakref
from pathlib import Path

import numpy as np
import pytest

import dualnet as dn
from tests.cuda.helpers import IMAGES, STAND_IN, X, devices_of, mlp, needs_gpu, trainer_on
from tests.helpers import HANG_LIMIT_S

pytestmark = pytest.mark.cuda

ROOT = Path(__file__).resolve().parents[2]


def test_devices_list_the_gpu_and_every_alias_names_it(gpu: str) -> None:
    assert dn.devices()[0] == "cpu" and gpu in dn.devices()
    aliases = ["cuda", "gpu", "cuda:0", "GPU:0", " Cuda:0 "] if not STAND_IN else ["cpu", "CPU"]
    for alias in aliases:
        with dn.device(alias) as name:
            assert name == gpu and dn.current_device() == gpu
            assert dn.ops.device_of(dn.ops.convert_to_tensor([1.0])) == gpu
    missing = f"cuda:{len(dn.devices())}"
    with (
        pytest.raises(dn.DeviceError, match=rf"'{missing}' is not available.*available devices: cpu"),
        dn.device(missing),
    ):
        pass


@pytest.mark.parametrize("setting", ["DUALNET_DEVICE", "default"])
def test_the_default_device_comes_from_dualnet_device_else_the_gpu(gpu: str, setting: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DUALNET_DEVICE"}
    env.update(DUALNET_BACKEND="torch", PYTHONPATH=os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]))
    if setting == "DUALNET_DEVICE":
        env["DUALNET_DEVICE"] = "cuda" if gpu != "cpu" else "cpu"
    code = (
        "import numpy as np, dualnet as dn\n"
        "layer = dn.nn.Dense(2, in_features=3)\n"
        "x = dn.ops.convert_to_tensor(np.ones((1, 3), 'float32'))\n"
        "print(dn.current_device(), dn.ops.device_of(x), dn.ops.device_of(layer.kernel), dn.ops.device_of(layer(x)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=HANG_LIMIT_S)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [gpu] * 4


def test_new_tensors_variables_buffers_and_optimizer_state_go_to_the_scope(gpu: str) -> None:
    with dn.device(gpu):
        made = [
            dn.ops.convert_to_tensor(X),
            dn.ops.zeros((2, 3)),
            dn.ops.ones((4,), dtype="int64"),
            dn.ops.arange(5),
            dn.ops.random.normal((3, 3)),
        ]
        norm = dn.nn.BatchNorm()
        norm(dn.ops.convert_to_tensor(X))  # lazily built: weights and running statistics made at the first call
        model = mlp()
        optimizer = dn.optim.Adam(model.parameters(), lr=1e-2)
    assert devices_of(made) == {gpu}
    assert devices_of(t for _, t in norm.named_parameters()) == {gpu}
    assert devices_of(t for _, t in norm.named_buffers()) == {gpu}
    assert devices_of(model.parameters()) == {gpu}

    def loss_fn(m: dn.nn.Module) -> object:
        return dn.ops.mean(dn.ops.square(m(dn.ops.to_device(X, gpu))))

    loss, grads = dn.value_and_grad(loss_fn)(model)
    assert dn.ops.device_of(loss) == gpu and devices_of(grads) == {gpu}
    optimizer.step(grads)
    state = [v for entry in optimizer.state for v in entry.values() if dn.ops.is_tensor(v)]
    assert state and devices_of(state) == {gpu}


def test_module_to_the_gpu_and_back_keeps_values_and_parameter_objects(gpu: str) -> None:
    with dn.device("cpu"):
        model = mlp()
    before = model.state_dict()
    params = model.parameters()
    x = dn.ops.convert_to_tensor(X[:4])
    expected = dn.ops.to_numpy(model(x))
    assert model.to(gpu) is model
    assert devices_of(model.parameters()) == {gpu}
    assert all(a is b for a, b in zip(model.parameters(), params))  # an optimizer made before still holds them
    out = model(dn.ops.to_device(x, gpu))
    assert dn.ops.device_of(out) == gpu
    np.testing.assert_allclose(dn.ops.to_numpy(out), expected, rtol=1e-5, atol=1e-6)
    model.to("cpu")
    assert devices_of(model.parameters()) == {"cpu"}
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])
    lazy = dn.nn.Dense(2).to(gpu)  # not built yet: its weights are made on the device it was moved to
    with dn.device("cpu"):
        lazy(dn.ops.to_device(X[:2], gpu))
    assert devices_of(lazy.parameters()) == {gpu}


@needs_gpu
def test_an_op_on_two_devices_raises_device_error_naming_both(gpu: str) -> None:
    on_gpu = dn.ops.to_device(X[:4], gpu)
    on_cpu = dn.ops.to_device(X[:4], "cpu")
    both = r"the operands are on different devices, '(cuda:0' and 'cpu|cpu' and 'cuda:0)'"
    for op in (dn.ops.add, dn.ops.multiply, dn.ops.maximum, dn.ops.less):
        with pytest.raises(dn.DeviceError, match=both):
            op(on_gpu, on_cpu)
    with pytest.raises(dn.DeviceError, match="matmul: " + both):
        dn.ops.matmul(on_gpu, dn.ops.transpose(on_cpu))
    with dn.device(gpu):
        dense, conv = mlp(), dn.nn.Conv2D(2, 3)
        conv(dn.ops.convert_to_tensor(IMAGES[:1]))
        embedding = dn.nn.Embedding(10, 4)
        embedding(dn.ops.convert_to_tensor(np.array([[1, 2]])))
    with pytest.raises(dn.DeviceError, match="linear: " + both):
        dense(on_cpu)
    with pytest.raises(dn.DeviceError, match="conv: " + both):
        conv(dn.ops.to_device(IMAGES[:2], "cpu"))
    with pytest.raises(dn.DeviceError, match="embedding: " + both):
        embedding(dn.ops.to_device(np.array([[1, 2]]), "cpu"))
    # a 0-d CPU tensor is a scalar to torch and mixes with any device
    assert dn.ops.device_of(dn.ops.add(on_gpu, dn.ops.to_device(np.float32(2.0), "cpu"))) == gpu


def test_memory_is_released_after_del_model(gpu: str) -> None:
    # A first run makes what CUDA keeps for the process (cuBLAS workspaces, counted by memory_allocated too).
    trainer_on(gpu).fit(X, np.zeros(len(X), "int64"), epochs=1, batch_size=32, verbose=0)
    gc.collect()
    start = _allocated(gpu)
    trainer = trainer_on(gpu)
    trainer.fit(X, np.zeros(len(X), "int64"), epochs=1, batch_size=32, verbose=0)
    watched = [weakref.ref(p) for p in trainer.model.parameters()]
    watched += [weakref.ref(v) for entry in trainer.optimizer.state for v in entry.values() if dn.ops.is_tensor(v)]
    assert _allocated(gpu) > start or gpu == "cpu"
    del trainer
    gc.collect()
    assert all(ref() is None for ref in watched), "a parameter or optimizer buffer outlived its model"
    assert _allocated(gpu) == start


def _allocated(device: str) -> int:
    """Bytes held by live tensors on ``device`` (torch's caching allocator; 0 on the CPU, which has no counter)."""
    if device == "cpu":
        return 0
    import torch

    torch.cuda.synchronize()
    return int(torch.cuda.memory_allocated(device))
