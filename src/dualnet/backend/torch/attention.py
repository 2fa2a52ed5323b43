"""dot_product_attention on torch: ``F.scaled_dot_product_attention`` on (B, H, T, D) views.

Keras's masking: masked logits get a large negative value (``-0.7`` times the
dtype's max), not ``-inf``, so a fully masked row attends uniformly instead of
giving NaN; the mask is therefore passed to the kernel as an additive float
mask. ``is_causal`` without a mask or bias uses the kernel's own causal path.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.torch.core import convert_to_tensor


def dot_product_attention(
    query: ArrayLike,
    key: ArrayLike,
    value: ArrayLike,
    bias: ArrayLike | None = None,
    mask: ArrayLike | None = None,
    scale: float | None = None,
    is_causal: bool = False,
) -> torch.Tensor:
    q, k, v = (convert_to_tensor(t) for t in (query, key, value))
    dtype = torch.promote_types(torch.promote_types(q.dtype, k.dtype), v.dtype)
    if not dtype.is_floating_point:
        dtype = torch.float32
    q, k, v = (t.to(dtype).transpose(1, 2) for t in (q, k, v))
    additive = None if bias is None else convert_to_tensor(bias).to(dtype)
    keep = None if mask is None else convert_to_tensor(mask).to(torch.bool)
    if is_causal and (keep is not None or additive is not None):
        t, s = q.shape[2], k.shape[2]
        causal = torch.ones((t, s), dtype=torch.bool, device=q.device).tril()
        keep, is_causal = (causal if keep is None else keep & causal), False
    if keep is not None:
        low = torch.full((), -0.7 * torch.finfo(dtype).max, dtype=dtype, device=q.device)
        blocked = torch.where(keep, torch.zeros((), dtype=dtype, device=q.device), low)
        additive = blocked if additive is None else additive + blocked
    gqa = q.shape[1] != k.shape[1]
    y = F.scaled_dot_product_attention(q, k, v, attn_mask=additive, is_causal=is_causal, scale=scale, enable_gqa=gqa)
    return y.transpose(1, 2)
