"""Devices that this machine lacks: each place that takes a device names it and lists the available ones."""

from __future__ import annotations

import pytest

import dualnet as dn
from tests.errors.catalogue import Case, X, cases, check, mlp, tensor

ABSENT = "cuda:7"  # no machine in the test fleet has eight GPUs


def _scope(name: str) -> None:
    with dn.device(name):
        pass


CASES = cases(
    Case("device scope", lambda: _scope(ABSENT), dn.DeviceError, (f"'{ABSENT}'", "available devices: ", "pick one")),
    Case("unknown device kind", lambda: _scope("tpu:0"), dn.DeviceError, ("'tpu:0'", "available devices")),
    Case("negative device index", lambda: _scope("cuda:-1"), dn.DeviceError, ("'cuda:-1'", "pick one")),
    Case("empty device name", lambda: _scope(""), dn.DeviceError, ("device ''", "available devices")),
    Case("model.to", lambda: mlp().to(ABSENT), dn.DeviceError, (f"'{ABSENT}'", "pick one of these")),
    Case("ops.to_device", lambda: dn.ops.to_device(tensor(X), "mps"), dn.DeviceError, ("'mps'", "available devices")),
    Case(
        "Trainer(device=)",
        lambda: dn.Trainer(mlp(), dn.optim.SGD(mlp().parameters()), "mse", device=ABSENT),
        dn.DeviceError,
        (f"'{ABSENT}'", "available devices"),
    ),
)


@pytest.mark.parametrize("case", CASES)
def test_device_misuse(backend: str, case: Case) -> None:
    check(case)
    with pytest.raises(dn.DeviceError) as caught:
        case.call()
    assert f"backend '{backend}'" in str(caught.value)  # the message names the backend too
