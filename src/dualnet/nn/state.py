"""``state_dict`` and ``load_state_dict``: module state as NumPy arrays keyed by dotted path.

Loading converts an array to its variable's dtype without asking only when no
value changes (:func:`cast_problem`):

- within a kind (float to float, integer to integer, signed or not), when every
  value is held exactly: always for a wider dtype (``float16`` into ``float32``,
  ``int32`` into ``int64``); for a narrower one when the values fit (``np.zeros(4)``,
  float64, into a float32 variable; float32 values that are all bfloat16 values
  into a ``bfloat16`` variable, which is how ``state_dict()`` hands out bfloat16
  weights, as NumPy and safetensors files have no bfloat16);
- never across kinds (bool, integer, float, complex): an ``I32`` tensor into a
  float32 variable is refused even when its values would fit, because a tensor of
  the wrong kind is nearly always the wrong tensor or a mislabelled file.

Anything else is a StateDictError naming the keys, unless ``cast=True``, which
converts every array as NumPy's ``astype`` would (rounding, wrapping, truncating).
"""

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
    return _listed_text([repr(k) for k in keys])


def _listed_text(items: list[str]) -> str:
    shown = ", ".join(items[:_SHOWN])
    return shown + (f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")


def cast_problem(value: np.ndarray, target: str) -> str | None:
    """Why converting ``value`` to dtype ``target`` would change it (see the module docstring), or None."""
    source = value.dtype
    if source.name == target:
        return None
    target_kind = "f" if target == "bfloat16" else np.dtype(target).kind
    kinds = {source.kind, target_kind}
    if not (kinds <= {"i", "u"} or kinds in ({"f"}, {"c"})):
        return "the kind changes (bool, integer, float and complex are not converted into each other without asking)"
    if target != "bfloat16" and np.can_cast(source, target, "safe"):
        return None  # a wider dtype of the same kind holds every value
    if value.size == 0:
        return None
    if target_kind in "iu":
        low, high = np.iinfo(target).min, np.iinfo(target).max
        return None if low <= value.min() and value.max() <= high else f"values fall outside {target}'s range"
    with np.errstate(over="ignore", invalid="ignore"):
        narrowed = value.astype("float32" if target == "bfloat16" else target)
        exact = np.array_equal(narrowed.astype(source), value, equal_nan=True)
    if exact and target == "bfloat16":
        # A float32 is a bfloat16 exactly when its low 16 bits are zero (NaN payloads aside).
        exact = not np.any((narrowed.view(np.uint32) & 0xFFFF) * ~np.isnan(narrowed))
    return None if exact else f"{target} would round or overflow some values"


def _as_array(value: Any) -> np.ndarray:
    """A state entry as NumPy; Python floats (not NumPy's) read as float32, as dualnet reads them everywhere."""
    if B.is_tensor(value):
        return B.to_numpy(value)  # type: ignore[no-any-return]
    array = np.asarray(value)
    if not isinstance(value, np.ndarray | np.generic) and array.dtype == np.float64:
        return array.astype(np.float32)
    return array


def load_into(module: Module, state: dict[str, Any], strict: bool, cast: bool = False) -> None:
    """Check every key, shape and dtype of ``state`` against ``module``, then assign; all or nothing.

    ``cast``: convert every array to its variable's dtype, also where that rounds or changes the kind
    (otherwise refused, see the module docstring).
    """
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
    lossy: list[str] = []
    for key, var in targets.items():
        if key not in state:
            continue
        value = _as_array(state[key])
        expected = tuple(B.shape(var))
        if value.shape != expected:
            raise StateDictError(
                f"load_state_dict: key {key!r} has shape {value.shape} but the model expects {expected}; "
                "the weights come from a different architecture (check layer sizes)"
            )
        problem = None if cast else cast_problem(value, B.dtype(var))
        if problem is not None:
            lossy.append(f"{key!r} ({value.dtype.name} into {B.dtype(var)}: {problem})")
        arrays[key] = value
    if lossy:
        raise StateDictError(
            f"load_state_dict into {type(module).__name__}: converting {_listed_text(lossy)} would not be exact; "
            "pass cast=True to convert anyway (load_state_dict(state, cast=True), load_weights(path, cast=True), "
            "dn.load(path, cast=True)), or give arrays of the model's dtypes"
        )
    with np.errstate(over="ignore", invalid="ignore"):  # with cast=True, overflow is what was asked for
        for key, value in arrays.items():
            B.assign(targets[key], B.convert_to_tensor(value, B.dtype(targets[key])))
