"""``state_dict`` and ``load_state_dict``: module state as NumPy arrays keyed by dotted path."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from dualnet.backend.dispatch import B
from dualnet.errors import StateDictError

if TYPE_CHECKING:
    from dualnet.nn.module import Module

__all__: list[str] = []

_SHOWN = 8  # keys listed in an error message before "and N more"


def module_state(module: Module) -> dict[str, np.ndarray]:
    """Parameters then buffers of ``module`` as NumPy copies, in a stable order."""
    state = {name: B.to_numpy(var) for name, var in module.named_parameters()}
    state.update((name, B.to_numpy(buf)) for name, buf in module.named_buffers())
    return state


def _listed(keys: list[str]) -> str:
    shown = ", ".join(repr(k) for k in keys[:_SHOWN])
    return shown + (f" and {len(keys) - _SHOWN} more" if len(keys) > _SHOWN else "")


def load_into(module: Module, state: dict[str, Any], strict: bool) -> None:
    """Check every key and shape of ``state`` against ``module``, then assign; all or nothing."""
    targets = dict(module.named_parameters())
    targets.update(module.named_buffers())
    missing = [k for k in targets if k not in state]
    unexpected = [k for k in state if k not in targets]
    unbuilt = [path or type(m).__name__ for path, m in module.named_modules() if not m.built]
    hint = (
        f"; layers {_listed(unbuilt)} are not built yet: call the model once on an example input first"
        if unbuilt
        else ""
    )
    if strict and (missing or unexpected):
        parts = []
        if missing:
            parts.append(f"missing keys {_listed(missing)}")
        if unexpected:
            parts.append(f"unexpected keys {_listed(unexpected)}")
        raise StateDictError(
            f"load_state_dict into {type(module).__name__}: {'; '.join(parts)}{hint}; "
            "pass strict=False to load only the matching keys"
        )
    arrays = {}
    for key, var in targets.items():
        if key not in state:
            continue
        value = np.asarray(state[key]) if not B.is_tensor(state[key]) else B.to_numpy(state[key])
        expected = tuple(B.shape(var))
        if value.shape != expected:
            raise StateDictError(
                f"load_state_dict: key {key!r} has shape {value.shape} but the model expects {expected}; "
                "the weights come from a different architecture (check layer sizes)"
            )
        arrays[key] = value
    for key, value in arrays.items():
        B.assign(targets[key], B.convert_to_tensor(value, B.dtype(targets[key])))
