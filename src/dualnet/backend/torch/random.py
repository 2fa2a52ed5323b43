"""random ops on torch.

``seed=None`` draws from torch's global generator (``dn.seed`` calls
``torch.manual_seed``); an int seed uses a fresh ``torch.Generator`` on the
target device, so the call is deterministic on its own.
"""

from __future__ import annotations

import numbers
from typing import Any

import torch

from dualnet.arguments import is_integer
from dualnet.backend.api.types import ArrayLike, DTypeName, Shape, StaticShape
from dualnet.backend.common import canonical_axis
from dualnet.backend.torch.core import convert_to_tensor, native_dtype, target_device
from dualnet.backend.torch.nn import dropout as _dropout
from dualnet.errors import ShapeError


def _generator(seed: int | None, device: Any) -> torch.Generator | None:
    return None if seed is None else torch.Generator(device=device).manual_seed(seed)


def _scalars(*values: Any) -> bool:
    return all(isinstance(v, numbers.Real) for v in values)


def random_normal(
    shape: Shape, mean: ArrayLike = 0.0, stddev: ArrayLike = 1.0, dtype: DTypeName = "float32", seed: int | None = None
) -> torch.Tensor:
    device = target_device()
    out = torch.randn(shape, generator=_generator(seed, device), dtype=native_dtype(dtype), device=device)
    if _scalars(mean, stddev):
        return out.mul_(stddev).add_(mean)  # in place: the sample buffer is ours
    return out * convert_to_tensor(stddev) + convert_to_tensor(mean)


def random_uniform(
    shape: Shape,
    minval: ArrayLike = 0.0,
    maxval: ArrayLike = 1.0,
    dtype: DTypeName = "float32",
    seed: int | None = None,
) -> torch.Tensor:
    device = target_device()
    out = torch.rand(shape, generator=_generator(seed, device), dtype=native_dtype(dtype), device=device)
    if _scalars(minval, maxval):
        return out.mul_(maxval - minval).add_(minval)
    minval = convert_to_tensor(minval)
    return out * (convert_to_tensor(maxval) - minval) + minval


def random_randint(
    shape: Shape, minval: int, maxval: int, dtype: DTypeName = "int64", seed: int | None = None
) -> torch.Tensor:
    device = target_device()
    return torch.randint(
        minval, maxval, shape, generator=_generator(seed, device), dtype=native_dtype(dtype), device=device
    )


def random_truncated_normal(
    shape: Shape, mean: float = 0.0, stddev: float = 1.0, dtype: DTypeName = "float32", seed: int | None = None
) -> torch.Tensor:
    device = target_device()
    target = native_dtype(dtype)
    # Inverse-CDF sampling needs erfinv, which half precisions lack on some devices: sample in float32.
    work = target if target == torch.float64 else torch.float32
    out = torch.empty(shape, dtype=work, device=device)
    low, high = mean - 2 * stddev, mean + 2 * stddev
    torch.nn.init.trunc_normal_(out, mean, stddev, low, high, generator=_generator(seed, device))
    return out.to(target)


def random_bernoulli(p: ArrayLike, shape: Shape | None = None, seed: int | None = None) -> torch.Tensor:
    p = p if isinstance(p, numbers.Real) else convert_to_tensor(p)
    work = p.dtype if isinstance(p, torch.Tensor) and p.dtype.is_floating_point else torch.float32
    device = p.device if isinstance(p, torch.Tensor) else target_device()
    if shape is None:
        shape = tuple(p.shape) if isinstance(p, torch.Tensor) else ()
    return torch.rand(shape, generator=_generator(seed, device), dtype=work, device=device) < p


def random_permutation(x: int | ArrayLike, seed: int | None = None) -> torch.Tensor:
    if is_integer(x):
        x = int(x)
        device = target_device()
        return torch.randperm(x, generator=_generator(seed, device), dtype=torch.int64, device=device)
    x = convert_to_tensor(x)
    if x.ndim == 0:
        raise ShapeError("random.permutation: x must be an int or at least 1-D, got a 0-d tensor")
    order = torch.randperm(x.shape[0], generator=_generator(seed, x.device), device=x.device)
    return x[order]


def _work_float(target: torch.dtype) -> torch.dtype:
    """The dtype a sampler runs in: float64 stays, everything else draws in float32 (half kernels are patchy)."""
    return torch.float64 if target == torch.float64 else torch.float32


def _broadcast(op: str, name: str, value: ArrayLike, shape: Shape, dtype: torch.dtype) -> torch.Tensor:
    """A distribution parameter as a contiguous tensor of ``shape``."""
    t = torch.as_tensor(value, dtype=dtype, device=target_device()) if isinstance(value, numbers.Real) else None
    t = convert_to_tensor(value).to(dtype) if t is None else t
    try:
        return torch.broadcast_to(t, shape).contiguous()
    except RuntimeError:
        raise ShapeError(
            f"random.{op}: {name} of shape {tuple(t.shape)} does not broadcast to shape {tuple(shape)}"
        ) from None


def random_gamma(shape: Shape, alpha: ArrayLike, dtype: DTypeName = "float32", seed: int | None = None) -> torch.Tensor:
    target = native_dtype(dtype)
    a = _broadcast("gamma", "alpha", alpha, shape, _work_float(target))
    return torch._standard_gamma(a, generator=_generator(seed, a.device)).to(target)


def random_beta(
    shape: Shape, alpha: ArrayLike, beta: ArrayLike, dtype: DTypeName = "float32", seed: int | None = None
) -> torch.Tensor:
    target = native_dtype(dtype)
    work = _work_float(target)
    a, b = _broadcast("beta", "alpha", alpha, shape, work), _broadcast("beta", "beta", beta, shape, work)
    # A two-class Dirichlet is Beta(a, b); its kernel normalises the two gammas stably for small a, b.
    pair = torch._sample_dirichlet(torch.stack([a, b], -1), generator=_generator(seed, a.device))
    return pair[..., 0].to(target)


def random_binomial(
    shape: Shape,
    counts: ArrayLike,
    probabilities: ArrayLike,
    dtype: DTypeName = "float32",
    seed: int | None = None,
) -> torch.Tensor:
    target = native_dtype(dtype)
    work = _work_float(target)
    n, p = (
        _broadcast("binomial", "counts", counts, shape, work),
        _broadcast("binomial", "probabilities", probabilities, shape, work),
    )
    return torch.binomial(n, p, generator=_generator(seed, n.device)).to(target)


def random_categorical(
    logits: ArrayLike, num_samples: int, dtype: DTypeName = "int32", seed: int | None = None
) -> torch.Tensor:
    logits = convert_to_tensor(logits)
    if logits.ndim != 2:
        raise ShapeError(
            f"random.categorical: logits must be 2-D (batch, classes), got shape {tuple(logits.shape)}; "
            "add a batch axis with dn.ops.expand_dims(logits, 0)"
        )
    probs = torch.softmax(logits.to(_work_float(logits.dtype)), dim=-1)
    ids = torch.multinomial(probs, num_samples, replacement=True, generator=_generator(seed, probs.device))
    return ids.to(native_dtype(dtype))


def random_shuffle(x: ArrayLike, axis: int = 0, seed: int | None = None) -> torch.Tensor:
    x = convert_to_tensor(x)
    if x.ndim == 0:
        raise ShapeError("random.shuffle: x must be at least 1-D, got a 0-d tensor")
    axis = canonical_axis(axis, x.ndim, "random.shuffle")
    order = torch.randperm(x.shape[axis], generator=_generator(seed, x.device), device=x.device)
    return x.index_select(axis, order)


def random_dropout(
    inputs: ArrayLike, rate: float, noise_shape: StaticShape | None = None, seed: int | None = None
) -> torch.Tensor:
    if noise_shape is None:
        return _dropout(inputs, rate, True, seed)
    x = convert_to_tensor(inputs)
    x = x if x.is_floating_point() else x.to(torch.float32)
    if rate == 0:
        return x
    draw = torch.rand(noise_shape, generator=_generator(seed, x.device), dtype=x.dtype, device=x.device)
    return x * ((draw >= rate).to(x.dtype) * (1.0 / (1.0 - rate)))
