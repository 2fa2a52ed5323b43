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
from dualnet.backend.api.types import ArrayLike, DTypeName, Shape
from dualnet.backend.torch.core import convert_to_tensor, native_dtype, target_device
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
