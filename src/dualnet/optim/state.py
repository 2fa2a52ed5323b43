"""An optimizer's state as a flat ``{name: np.ndarray}`` dict, and back.

Names: ``iterations`` (the step count), ``param_groups.<g>.params`` (the flat
indices of the group's parameters), ``param_groups.<g>.<hyper>`` (numbers,
bools and tuples such as ``betas``; a ``None`` inside a tuple is stored as NaN)
and ``state.<i>.<buffer>`` (the buffers of parameter ``i``, with ``ema`` its
moving average under ``use_ema``). Plain arrays under string keys, so the dict
can be written to safetensors and read on either backend.

Hyper-parameters that are strings or ``None`` (``line_search_fn``) and
schedules are configuration, not state: they are not stored. A stored
hyper-parameter missing from a loaded dict keeps the optimizer's own value, so
a state saved before an option existed still loads; buffers must all be there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from dualnet.backend.dispatch import B
from dualnet.errors import StateDictError

if TYPE_CHECKING:
    from dualnet.optim.optimizer import Optimizer

__all__: list[str] = []


def _hyper_array(value: Any) -> np.ndarray | None:
    if value is None or callable(value) or isinstance(value, str):
        return None  # schedules are code (the step count is enough to resume them); strings are configuration
    if isinstance(value, bool):
        return np.array(value, np.bool_)
    if isinstance(value, tuple | list):
        return np.array([np.nan if v is None else v for v in value], np.float64)
    return np.asarray(value, np.float64)


def to_arrays(opt: Optimizer) -> dict[str, np.ndarray]:
    """The state dict of ``opt`` (see the module docstring for the names)."""
    out: dict[str, np.ndarray] = {"iterations": np.array(opt.iterations, np.int64)}
    for g, (group, indices) in enumerate(zip(opt.param_groups, opt._group_indices)):
        out[f"param_groups.{g}.params"] = np.array(indices, np.int64)
        for key, value in group.items():
            array = None if key == "params" else _hyper_array(value)
            if array is not None:
                out[f"param_groups.{g}.{key}"] = array
    for i, buffers in enumerate(opt.state):
        for name, buffer in buffers.items():
            out[f"state.{i}.{name}"] = B.to_numpy(buffer)
    return out


def _restore_hyper(where: str, current: Any, saved: np.ndarray) -> Any:
    if isinstance(current, bool):
        return bool(saved)
    if isinstance(current, tuple | list):
        if saved.shape != (len(current),):
            raise StateDictError(f"{where}: expected {len(current)} values, got shape {saved.shape}")
        return tuple(
            None if c is None and np.isnan(x) else int(x) if isinstance(c, int) else float(x)
            for c, x in zip(current, saved)
        )
    if saved.shape != ():
        raise StateDictError(f"{where}: expected a single number, got shape {saved.shape}")
    return int(saved) if isinstance(current, int) else float(saved)


def from_arrays(opt: Optimizer, state: Mapping[str, Any]) -> None:
    """Load ``state`` into ``opt``; StateDictError naming the entry when it does not fit."""
    name = type(opt).__name__
    if not isinstance(state, Mapping):
        raise StateDictError(f"{name}.load_state_dict: expected a dict of arrays, got {type(state).__name__}")
    saved = {key: np.asarray(value) for key, value in state.items()}
    expected = set(to_arrays(opt))
    optional = {k for k in expected if k.startswith("param_groups.") and not k.endswith(".params")}
    optional |= {f"param_groups.{g}.lr" for g in range(len(opt.param_groups))}  # a schedule replaced by a rate
    missing = sorted(expected - optional - set(saved))
    unexpected = sorted(set(saved) - expected - optional)
    if missing or unexpected:
        raise StateDictError(
            f"{name}.load_state_dict: missing entries {missing[:5]}, unexpected entries {unexpected[:5]}; "
            f"load a state dict saved from a {name} with the same parameter groups and options"
        )
    groups = []
    for g, (group, indices) in enumerate(zip(opt.param_groups, opt._group_indices)):
        key = f"param_groups.{g}.params"
        if saved[key].tolist() != indices:
            raise StateDictError(
                f"{name}.load_state_dict: {key} holds parameters {saved[key].tolist()} but this optimizer's "
                f"group {g} has {indices}; build the optimizer with the same parameter groups"
            )
        restored = dict(group)
        for hyper, value in group.items():
            entry = f"param_groups.{g}.{hyper}"
            if hyper != "params" and entry in saved:  # params was checked above; it stays the variables
                restored[hyper] = _restore_hyper(f"{name}.load_state_dict: {entry}", value, saved[entry])
        opt.check_group(f"{name}.load_state_dict: param group {g}", restored)
        groups.append(restored)
    for i, buffers in enumerate(opt.state):
        for buffer_name, buffer in buffers.items():
            key = f"state.{i}.{buffer_name}"
            if saved[key].shape != tuple(B.shape(buffer)):
                raise StateDictError(
                    f"{name}.load_state_dict: {key} has shape {saved[key].shape}, expected "
                    f"{tuple(B.shape(buffer))}; load a state dict saved for the same model"
                )
    for group, restored in zip(opt.param_groups, groups):
        group.update(restored)
    for index in range(len(opt.param_groups)):
        opt._sync_lr(index)
    for i, buffers in enumerate(opt.state):
        for buffer_name, buffer in buffers.items():
            B.assign(buffer, saved[f"state.{i}.{buffer_name}"])
    opt.iterations = int(saved["iterations"])
