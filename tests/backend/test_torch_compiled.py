"""torch's compiled(): autograd.grad is traced into the graph, and only for dualnet's own compiled calls."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from dualnet.backend.torch.autograd import compiled  # noqa: E402


def test_a_gradient_step_compiles_without_graph_breaks_and_matches_eager() -> None:
    from torch._dynamo.utils import counters

    torch._dynamo.reset()
    counters.clear()
    w = torch.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)

    def step(x: torch.Tensor) -> torch.Tensor:
        loss = torch.tanh(x @ w).square().sum()
        (grad,) = torch.autograd.grad(loss, [w])
        return grad

    x = torch.tensor([[0.3, -0.7], [1.1, 0.2]])
    np.testing.assert_allclose(compiled(step)(x).numpy(), step(x).numpy(), rtol=1e-6)
    assert sum(counters["graph_break"].values()) == 0
    assert torch._dynamo.config.trace_autograd_ops is False  # the user's own torch.compile keeps its setting
