"""Muon: ``torch.optim.Muon``'s parameters on the torch backend; the same numbers on TensorFlow.

Muon takes only 2-D parameters: the quadratic's ``(3, 2)`` matrix and the MLP's two kernels.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend import registry
from dualnet.backend.dispatch import B
from tests.optim.problems import PROBLEMS, assert_close

CONFIGS: dict[str, dict[str, Any]] = {
    "default": {"lr": 0.02},
    "options": {"lr": 0.01, "nesterov": False, "weight_decay": 0.0, "adjust_lr_fn": "match_rms_adamw", "ns_steps": 3},
}
MATRICES = {"quadratic": [1], "mlp": [0, 2]}  # which of the problem's parameters are 2-D


@cache
def _run(config: str, problem: str, backend: str, steps: int, reference: bool = False, **extra: Any) -> Any:
    dn.set_backend(backend)
    task = PROBLEMS[problem]()
    chosen = MATRICES[problem]
    params = [task.params[i] for i in chosen]
    if reference:
        import torch

        opt = torch.optim.Muon(params, **CONFIGS[config])
    else:
        opt = dn.optim.Muon(params, **CONFIGS[config], **extra)
    for _ in range(steps):
        grads = task.grads()
        if reference:
            for i, p in zip(chosen, params):
                p.grad = grads[i]
            opt.step()
        else:
            opt.step([grads[i] for i in chosen])
    return [dn.ops.to_numpy(p) for p in params]


@pytest.mark.parametrize("problem", list(MATRICES))
@pytest.mark.parametrize("config", list(CONFIGS))
def test_matches_torch_muon(config: str, problem: str) -> None:
    pytest.importorskip("torch")
    want = _run(config, problem, "torch", 200, reference=True)
    assert_close(_run(config, problem, "torch", 200), want, 1e-6, f"{config} on {problem}")


@pytest.mark.skipif(not all(registry.is_installed(n) for n in ("torch", "tensorflow")), reason="needs both")
@pytest.mark.parametrize(("config", "ns_dtype"), [("default", "float32"), ("options", "float32"), ("default", None)])
def test_same_parameters_on_both_backends(config: str, ns_dtype: str | None) -> None:
    extra = {} if ns_dtype is None else {"ns_dtype": ns_dtype}
    for problem in MATRICES:
        on_torch = _run(config, problem, "torch", 30, **extra)
        assert_close(_run(config, problem, "tensorflow", 30, **extra), on_torch, 1e-5, f"{config} on {problem}")


@pytest.mark.skipif(not all(registry.is_installed(n) for n in ("torch", "tensorflow")), reason="needs both")
@pytest.mark.parametrize("shape", [(4, 8), (8, 4), (8, 1), (3, 3)])
def test_bfloat16_orthogonalisation_rounds_as_torch_does(shape: tuple[int, int]) -> None:
    """TensorFlow emulates torch's bfloat16 ``addmm`` (products in float32, one rounding): equal bits, small sizes."""
    x = np.random.default_rng(sum(shape)).standard_normal(shape).astype("float32")
    results = {}
    for backend in ("torch", "tensorflow"):
        dn.set_backend(backend)
        out = B.optim_newton_schulz(B.convert_to_tensor(x), (3.4445, -4.775, 2.0315), 5, 1e-7, "bfloat16")
        assert B.dtype(out) == "bfloat16" and tuple(B.shape(out)) == shape
        results[backend] = dn.ops.to_numpy(B.cast(out, "float32"))
    np.testing.assert_array_equal(results["tensorflow"], results["torch"])
    singular = np.linalg.svd(results["torch"], compute_uv=False)
    assert np.all((singular > 0.5) & (singular < 1.5))  # approximately orthogonal, as the iteration promises


@pytest.mark.parametrize("config", list(CONFIGS))
def test_fast_path_matches_reference(backend: str, config: str) -> None:
    """torch's own ops (torch) or one compiled update (TensorFlow) against the rule written once on ``B``."""
    fast = _run(config, "mlp", backend, 10, ns_dtype="float32")
    reference = _run(config, "mlp", backend, 10, ns_dtype="float32", foreach=False)
    assert_close(reference, fast, 1e-6, config)


def test_only_matrices_are_taken(backend: str) -> None:
    task = PROBLEMS["quadratic"]()
    with pytest.raises(dn.ArgumentError, match=r"Muon: parameter 0 has shape \(5,\), but Muon updates only 2-D"):
        dn.optim.Muon(task.params)
