"""Gradient clipping: by value, by each gradient's norm, by the norm of all gradients together.

Lists of gradients in, lists out (``None`` entries pass through). The norm
clips follow ``torch.nn.utils.clip_grad_norm_``: the scale is
``min(max_norm / (norm + 1e-6), 1)`` and every gradient is multiplied by it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet import dtypes
from dualnet.arguments import check_float
from dualnet.backend.dispatch import B

__all__ = ["clip_by_global_norm", "clip_by_norm", "clip_by_value", "global_norm"]

_EPS = 1e-6  # torch's clip_grad_norm_ guard against a zero norm


def _positive(where: str, name: str, value: Any) -> float:
    return check_float(where, name, value, low=0.0, low_open=True, example=f"{name}=1.0")


def _scale(grad: Any, factor: Any) -> Any:
    return grad * B.cast(factor, B.dtype(grad))


def clip_by_value(grads: Sequence[Any], clip_value: float) -> list[Any]:
    """Each gradient limited elementwise to ``[-clip_value, clip_value]`` (shapes unchanged).

    Raises:
        ArgumentError: ``clip_value`` is not a number > 0.
    """
    bound = _positive("clip_by_value", "clip_value", clip_value)
    return [None if g is None else B.clip(g, -bound, bound) for g in grads]


def clip_by_norm(grads: Sequence[Any], max_norm: float) -> list[Any]:
    """Each gradient scaled separately so that its 2-norm is at most ``max_norm`` (Keras ``clipnorm``).

    Raises:
        ArgumentError: ``max_norm`` is not a number > 0.
    """
    limit = _positive("clip_by_norm", "max_norm", max_norm)
    out: list[Any] = []
    for g in grads:
        if g is None:
            out.append(None)
            continue
        norm = B.norm(g, None, None, False)
        out.append(_scale(g, B.minimum(limit / (norm + _EPS), 1.0)))
    return out


def global_norm(grads: Sequence[Any]) -> Any:
    """The 2-norm of all gradients together, as a scalar tensor (``None`` entries ignored)."""
    present = [g for g in grads if g is not None]
    if not present:
        return B.convert_to_tensor(0.0)
    common = dtypes.result_type(*[B.dtype(g) for g in present])
    norms = [B.cast(B.norm(g, None, None, False), common) for g in present]
    return B.norm(B.stack(norms, 0), None, None, False)


def clip_by_global_norm(grads: Sequence[Any], max_norm: float, foreach: bool | None = None) -> tuple[list[Any], Any]:
    """``(clipped, norm)``: all gradients scaled together so that their joint 2-norm is at most ``max_norm``.

    ``norm`` is the joint norm before clipping (a scalar tensor), as ``torch.nn.utils.clip_grad_norm_`` returns.
    Outside a compiled step the backend's fused version runs unless ``foreach=False``.

    Raises:
        ArgumentError: ``max_norm`` is not a number > 0.
    """

    limit = _positive("clip_by_global_norm", "max_norm", max_norm)
    present = [g for g in grads if g is not None]
    if present and foreach is not False and not B.is_tracing():
        clipped, norm = B.optim_clip_by_global_norm(present, limit)
        it = iter(clipped)
        return [None if g is None else next(it) for g in grads], norm
    norm = global_norm(grads)
    factor = B.minimum(limit / (norm + _EPS), 1.0)
    return [None if g is None else _scale(g, factor) for g in grads], norm
