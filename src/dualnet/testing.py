"""``dn.testing``: check that a module or a function computes the same thing on every backend.

:func:`module_parity` builds the module on each backend from the same seed,
runs it on the same inputs, and differentiates a fixed random projection of its
outputs with respect to the float inputs and every trainable parameter; then it
compares outputs, gradients and the state after the call (running statistics)
across backends. :func:`function_parity` does the same for a function of
tensors. Both switch backends in this process; ``isolate=True`` runs each
backend in its own subprocess instead, for callables importable by name.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dualnet import autograd, seeding, tree
from dualnet.backend import selection
from dualnet.backend.dispatch import B
from dualnet.nn.module import Module

__all__ = ["Run", "function_parity", "module_parity"]

DEFAULT_BACKENDS = ("torch", "tensorflow")


@dataclass
class Run:
    """What one backend computed: outputs, gradients and state, all as NumPy arrays."""

    backend: str
    outputs: list[np.ndarray]
    input_grads: list[np.ndarray | None]
    param_grads: dict[str, np.ndarray] = field(default_factory=dict)
    initial_state: dict[str, np.ndarray] = field(default_factory=dict)
    final_state: dict[str, np.ndarray] = field(default_factory=dict)

    def to_json(self) -> str:
        """Serialise for the subprocess mode."""

        def arrays(items: Any) -> Any:
            if isinstance(items, dict):
                return {k: arrays(v) for k, v in items.items()}
            if isinstance(items, list):
                return [arrays(v) for v in items]
            return None if items is None else {"dtype": items.dtype.name, "data": items.tolist()}

        return json.dumps({k: arrays(v) if k != "backend" else v for k, v in vars(self).items()})

    @classmethod
    def from_json(cls, text: str) -> Run:
        """Inverse of :meth:`to_json`."""

        def arrays(items: Any) -> Any:
            if isinstance(items, dict) and set(items) == {"dtype", "data"}:
                return np.asarray(items["data"], items["dtype"])
            if isinstance(items, dict):
                return {k: arrays(v) for k, v in items.items()}
            if isinstance(items, list):
                return [arrays(v) for v in items]
            return items

        raw = json.loads(text)
        return cls(**{k: arrays(v) if k != "backend" else v for k, v in raw.items()})


def _cotangents(outputs: list[np.ndarray]) -> list[np.ndarray | None]:
    rng = np.random.default_rng(1234)
    return [rng.standard_normal(o.shape).astype(o.dtype) if o.dtype.kind == "f" else None for o in outputs]


def _projection(out: Any, cotangents: list[np.ndarray | None]) -> Any:
    total = None
    for tensor, cot in zip(tree.leaves(out), cotangents):
        if cot is None:
            continue
        term = B.sum(B.multiply(tensor, B.convert_to_tensor(cot, B.dtype(tensor))))
        total = term if total is None else B.add(total, term)
    return total if total is not None else B.zeros(())


def _run(
    backend: str,
    fn: Callable[..., Any],
    inputs: Sequence[np.ndarray],
    module_factory: Callable[[], Any] | None,
    training: bool,
    seed: int,
    kwargs: dict[str, Any],
) -> Run:
    selection.set_backend(backend)
    seeding.seed(seed)
    module = module_factory() if module_factory is not None else None
    tensors = [B.convert_to_tensor(x) for x in inputs]
    float_positions = [i for i, x in enumerate(inputs) if np.asarray(x).dtype.kind == "f"]
    if isinstance(module, Module):
        module.eval()  # the probing call builds lazily sized weights without updating running statistics
        with autograd.no_grad():
            module(*tensors, **kwargs)
        initial = module.state_dict()
        module.train(training)
        with autograd.no_grad():
            probe = module(*tensors, **kwargs)
        module.load_state_dict(initial)  # undo the state updates of the second probe
        call: Callable[..., Any] = module
    else:
        probe, initial, call = fn(*tensors, **kwargs), {}, fn
    outputs = [B.to_numpy(t) for t in tree.leaves(probe)]
    cotangents = _cotangents(outputs)

    def objective(mod: Any, *xs: Any) -> Any:
        out = call(*xs, **kwargs) if mod is None else mod(*xs, **kwargs)
        return _projection(out, cotangents), out

    positions = ([0] if module is not None else []) + [1 + i for i in float_positions]
    if not positions:
        return Run(backend, outputs, [None] * len(inputs))
    (_, out), grads = autograd.value_and_grad(objective, has_aux=True, wrt=tuple(positions))(module, *tensors)
    grads = list(grads)
    param_grads: dict[str, np.ndarray] = {}
    if module is not None:
        names = [name for name, _ in module.named_parameters()]
        param_grads = {n: B.to_numpy(g) for n, g in zip(names, grads.pop(0)) if g is not None}
    input_grads: list[np.ndarray | None] = [None] * len(inputs)
    for i, g in zip(float_positions, grads):
        input_grads[i] = B.to_numpy(g)
    final = module.state_dict() if module is not None else {}
    return Run(backend, [B.to_numpy(t) for t in tree.leaves(out)], input_grads, param_grads, initial, final)


def _compare(runs: list[Run], rtol: float, atol: float) -> None:
    ref = runs[0]
    for other in runs[1:]:
        label = f"{ref.backend} vs {other.backend}"
        assert len(ref.outputs) == len(other.outputs), f"{label}: number of outputs differs"
        for i, (a, b) in enumerate(zip(ref.outputs, other.outputs)):
            np.testing.assert_allclose(b, a, rtol=rtol, atol=atol, err_msg=f"{label}: output {i}")
        for i, (ga, gb) in enumerate(zip(ref.input_grads, other.input_grads)):
            if ga is not None and gb is not None:
                np.testing.assert_allclose(gb, ga, rtol=rtol, atol=atol, err_msg=f"{label}: gradient of input {i}")
        assert list(ref.param_grads) == list(other.param_grads), f"{label}: parameter names differ"
        for name, a in ref.param_grads.items():
            np.testing.assert_allclose(other.param_grads[name], a, rtol=rtol, atol=atol, err_msg=f"{label}: d/d{name}")
        assert list(ref.initial_state) == list(other.initial_state), f"{label}: state keys differ"
        for name, a in ref.initial_state.items():
            np.testing.assert_array_equal(other.initial_state[name], a, err_msg=f"{label}: initial {name}")
        for name, a in ref.final_state.items():
            np.testing.assert_allclose(other.final_state[name], a, rtol=rtol, atol=atol, err_msg=f"{label}: {name}")


def _in_subprocess(backend: str, target: str, inputs: Sequence[np.ndarray], training: bool, seed: int) -> Run:
    arrays = [np.asarray(x) for x in inputs]
    payload = json.dumps({"inputs": [{"dtype": a.dtype.name, "data": a.tolist()} for a in arrays]})
    code = (
        "import json, sys, numpy as np; from dualnet import testing; "
        "p = json.loads(sys.stdin.read()); xs = [np.asarray(i['data'], i['dtype']) for i in p['inputs']]; "
        f"print(testing._run_target({backend!r}, {target!r}, xs, {training!r}, {seed!r}).to_json())"
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "DUALNET_BACKEND": backend}
    proc = subprocess.run([sys.executable, "-c", code], input=payload, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise AssertionError(f"{backend} subprocess failed:\n{proc.stderr}")
    return Run.from_json(proc.stdout.strip().splitlines()[-1])


def _resolve(target: str) -> Any:
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def _run_target(backend: str, target: str, inputs: Sequence[np.ndarray], training: bool, seed: int) -> Run:
    factory = _resolve(target)
    return _run(backend, factory, inputs, factory, training, seed, {})


def module_parity(
    factory: Callable[[], Any] | str,
    inputs: Sequence[np.ndarray],
    *,
    training: bool = False,
    backends: Sequence[str] = DEFAULT_BACKENDS,
    seed: int = 0,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    isolate: bool = False,
    call_kwargs: dict[str, Any] | None = None,
) -> list[Run]:
    """Assert that ``factory()`` gives the same module behaviour on every backend; return the runs.

    ``factory`` builds the module (or, with ``isolate=True``, is a ``"module:attr"``
    string naming it). ``inputs`` are NumPy arrays passed positionally. Initial
    weights must be bit-identical; outputs, input and parameter gradients and
    the state after the call must agree to ``rtol``/``atol``; a disagreement fails with the builtin AssertionError.

    Raises:
        BackendError: a name in ``backends`` is unknown or its framework is not installed.
        ArgumentError: ``seed`` is not a non-negative int.
    """
    previous = selection.backend()
    try:
        if isolate:
            if not isinstance(factory, str):
                raise TypeError("module_parity(isolate=True) needs factory as a 'module:attr' string")
            runs = [_in_subprocess(b, factory, inputs, training, seed) for b in backends]
        else:
            build = _resolve(factory) if isinstance(factory, str) else factory
            runs = [_run(b, build, inputs, build, training, seed, call_kwargs or {}) for b in backends]
    finally:
        selection.set_backend(previous)
    _compare(runs, rtol, atol)
    return runs


def function_parity(
    fn: Callable[..., Any],
    inputs: Sequence[np.ndarray],
    *,
    backends: Sequence[str] = DEFAULT_BACKENDS,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    **kwargs: Any,
) -> list[Run]:
    """Assert that ``fn(*inputs, **kwargs)`` and its input gradients agree on every backend; return the runs.

    A disagreement fails with the builtin AssertionError.

    Raises:
        BackendError: a name in ``backends`` is unknown or its framework is not installed.
    """

    previous = selection.backend()
    try:
        runs = [_run(b, fn, inputs, None, False, 0, kwargs) for b in backends]
    finally:
        selection.set_backend(previous)
    _compare(runs, rtol, atol)
    return runs
