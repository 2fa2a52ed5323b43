"""Run a dualnet Transformer module and its torch.nn counterpart on the same weights: outputs and gradients.

:func:`torch_state` maps a dualnet state dict to torch's names and layouts
(``in_proj_weight`` is the query, key and value kernels transposed and stacked;
Linear weights are ``(out, in)``; LayerNorm's ``gamma``/``beta`` are
``weight``/``bias``). The map is linear, so it maps gradients too: a test
compares ours, mapped, with torch's ``.grad`` of each parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import dualnet as dn

QKV = ("query", "key", "value")


def torch_state(ours: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``ours`` (dualnet names and layouts) under torch's names and layouts."""
    out: dict[str, np.ndarray] = {}
    for name, value in ours.items():
        prefix, _, leaf = name.rpartition(".")
        base = f"{prefix}." if prefix else ""
        if leaf.startswith(QKV):
            continue  # stacked below, from the output kernel's entry
        if leaf == "output_kernel":
            d_out = value.shape[-1]
            kernels = [ours[f"{base}{p}_kernel"] for p in QKV]
            out[f"{base}in_proj_weight"] = np.concatenate([k.reshape(k.shape[0], -1).T for k in kernels])
            out[f"{base}out_proj.weight"] = value.reshape(-1, d_out).T
        elif leaf == "output_bias":
            out[f"{base}in_proj_bias"] = np.concatenate([ours[f"{base}{p}_bias"].ravel() for p in QKV])
            out[f"{base}out_proj.bias"] = value
        elif leaf == "kernel":
            out[f"{base}weight"] = value.T
        elif leaf == "gamma":
            out[f"{base}weight"] = value
        else:  # a Dense bias, or LayerNorm's beta
            out[f"{base}bias"] = value
    return {k: np.ascontiguousarray(v) for k, v in out.items()}


def perturbed(module: dn.nn.Module) -> None:
    """Give biases and norm weights non-trivial values so the comparison sees them."""
    rng = np.random.default_rng(1)
    state = module.state_dict()
    module.load_state_dict({k: v + 0.1 * rng.standard_normal(v.shape).astype(v.dtype) for k, v in state.items()})


def ours(
    module: dn.nn.Module, inputs: Sequence[np.ndarray], cot: np.ndarray, **kwargs: Any
) -> tuple[np.ndarray, list[np.ndarray], dict[str, np.ndarray]]:
    """Output, input gradients and parameter gradients (torch's names) of ``sum(module(*inputs) * cot)``."""
    names = [n for n, _ in module.named_parameters()]

    def loss(m: dn.nn.Module, *xs: Any) -> Any:
        return dn.ops.sum(dn.ops.multiply(m(*xs, **kwargs), cot))

    tensors = [dn.ops.convert_to_tensor(x) for x in inputs]
    _, (dparams, *dxs) = dn.value_and_grad(loss, wrt=tuple(range(len(inputs) + 1)))(module, *tensors)
    grads = torch_state({n: dn.ops.to_numpy(g) for n, g in zip(names, dparams, strict=True)})
    y = dn.ops.to_numpy(module(*inputs, **kwargs))
    return y, [dn.ops.to_numpy(g) for g in dxs], grads


def torch(
    module: Any, weights: dict[str, np.ndarray], inputs: Sequence[np.ndarray], cot: np.ndarray, **kwargs: Any
) -> tuple[np.ndarray, list[np.ndarray], dict[str, np.ndarray]]:
    """The same for a torch.nn module loaded with ``weights`` (dualnet's state dict); masks as NumPy in kwargs."""
    import torch as th

    module.load_state_dict({k: th.tensor(v) for k, v in torch_state(weights).items()}, strict=True)
    module.eval()  # dropout is 0 in every comparison; eval keeps torch off any training-only path
    tensors = [th.tensor(x, requires_grad=True) for x in inputs]
    options = {k: th.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    y = module(*tensors, **options)
    (y * th.tensor(cot)).sum().backward()
    grads = {n: p.grad.numpy() for n, p in module.named_parameters()}
    return y.detach().numpy(), [t.grad.numpy() for t in tensors], grads


def assert_same(got: Any, want: Any, tol: float = 1e-5) -> None:
    """Outputs, input gradients and every parameter gradient within ``tol``."""
    y, dxs, grads = got
    ty, tdxs, tgrads = want
    np.testing.assert_allclose(y, ty, rtol=tol, atol=tol)
    for a, b in zip(dxs, tdxs, strict=True):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
    assert sorted(grads) == sorted(tgrads)
    for name, g in grads.items():
        np.testing.assert_allclose(g, tgrads[name], rtol=tol, atol=tol, err_msg=name)
