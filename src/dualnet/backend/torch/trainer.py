"""The pieces of the Trainer's step that differ per framework, on PyTorch.

``compile_step(fn, jit)``: the step as it runs each batch: eager Python unless
``jit`` (then ``torch.compile`` with ``torch.autograd.grad`` traced into the
graph, so forward, backward and update compile as one). ``run_if(pred, fn)``: run ``fn`` when a scalar bool tensor is
true (a Python branch: one host sync). ``leading_size(x)``: the batch size of
``x`` as a number usable in arithmetic inside the step. ``traces_checks()``:
False, the Trainer's step needs no flags from its value checks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dualnet.backend.torch.autograd import compiled


def compile_step(fn: Callable[..., Any], jit: bool) -> Callable[..., Any]:
    """``fn`` itself (eager) or, when ``jit``, ``torch.compile(fn)`` with its gradients in the graph."""
    return compiled(fn) if jit else fn


def traces_checks() -> bool:
    """False: the eager step checks values itself; under torch.compile torch's own ops raise on them (CPU)."""
    return False


def run_if(pred: Any, fn: Callable[[], None]) -> None:
    """Call ``fn()`` when ``pred`` (a scalar bool tensor) is true."""
    if bool(pred):
        fn()


def leading_size(x: Any) -> Any:
    """``x.shape[0]`` as a float (symbolic while compiling), for weighting by batch size."""
    return float(x.shape[0])
