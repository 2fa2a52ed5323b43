"""Backend selection: names, aliases, environment, errors, third-party entry points."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import EntryPoint

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend import dispatch, registry
from tests.helpers import HANG_LIMIT_S


@pytest.mark.parametrize(
    ("given", "expected"),
    [("torch", "torch"), ("PyTorch", "torch"), ("TF", "tensorflow"), (" tensorflow ", "tensorflow")],
)
def test_names_and_aliases_are_case_insensitive(given: str, expected: str) -> None:
    assert registry.canonical_name(given) == expected


def test_unknown_backend_lists_the_valid_names() -> None:
    with pytest.raises(dn.BackendError, match=r"valid names are: .*tensorflow.*torch") as info:
        dn.set_backend("jax")
    assert isinstance(info.value, ValueError)


def test_backend_not_installed_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = registry.BackendSpec("ghost", "dualnet_ghost", "ghost_framework_xyz", "pip install 'dualnet[ghost]'")
    monkeypatch.setattr(registry, "registered", lambda: {**registry.BUILTIN, "ghost": spec})
    registry.load.cache_clear()
    with pytest.raises(dn.BackendError, match=r"not installed.*pip install 'dualnet\[ghost\]'"):
        dn.set_backend("ghost")


def test_available_backends_are_the_installed_ones() -> None:
    available = dn.available_backends()
    assert available == [name for name in ("torch", "tensorflow") if registry.is_installed(name)]


def test_set_backend_switches_the_active_backend(backend: str) -> None:
    assert dn.backend() == backend
    assert dispatch.B.name == backend
    x = dn.ops.convert_to_tensor([1.0])
    assert type(x).__module__.split(".")[0] in (backend, "tensorflow" if backend == "tensorflow" else "torch")


def test_third_party_backend_registers_through_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = EntryPoint(name="mytorch", value="dualnet.backend.torch", group=registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda group: [fake] if group == registry.ENTRY_POINT_GROUP else [])
    registry.registered.cache_clear()
    registry.load.cache_clear()
    try:
        assert "mytorch" in registry.registered()
        previous = dn.backend()
        dn.set_backend("mytorch")
        assert dn.backend() == "mytorch"
        assert dn.ops.dtype(dn.ops.convert_to_tensor([1.0])) == "float32"
        dn.set_backend(previous)
    finally:
        registry.registered.cache_clear()
        registry.load.cache_clear()


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **env}
    full_env.pop("DUALNET_BACKEND", None) if "DUALNET_BACKEND" not in env else None
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=full_env, timeout=HANG_LIMIT_S
    )


@pytest.mark.parametrize(("env_value", "expected"), [("TF", "tensorflow"), ("pytorch", "torch")])
def test_environment_variable_picks_the_backend(env_value: str, expected: str) -> None:
    result = _run("import dualnet as dn; print(dn.backend())", DUALNET_BACKEND=env_value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_default_is_torch_when_installed() -> None:
    result = _run("import dualnet as dn; print(dn.backend())")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ("torch" if registry.is_installed("torch") else "tensorflow")


def test_bad_environment_variable_says_which_variable() -> None:
    result = _run("import dualnet as dn; dn.backend()", DUALNET_BACKEND="mxnet")
    assert result.returncode != 0
    assert "DUALNET_BACKEND='mxnet'" in result.stderr and "valid names are" in result.stderr


def _draw() -> np.ndarray:
    return dn.ops.to_numpy(dn.ops.random.normal((4,)))


def test_switching_backend_seeds_the_new_framework_from_the_current_seed(backend: str) -> None:
    other = "tensorflow" if backend == "torch" else "torch"
    dn.set_backend(other)
    _draw()  # move the other framework's generator away from any seeded start
    dn.set_backend(backend)
    dn.seed(3)
    try:
        dn.set_backend(other)  # no dn.seed call on this framework: the switch seeds it
        after_switch = _draw()
        dn.seed(3)
        np.testing.assert_array_equal(after_switch, _draw())
    finally:
        dn.set_backend(backend)
