"""Tensors, dtypes, variables and devices on PyTorch."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import torch

from dualnet import dtypes
from dualnet.backend import common
from dualnet.backend.placement import current_device
from dualnet.errors import DeviceError

name = "torch"

_DTYPES = {n: getattr(torch, n) for n in dtypes.NAMES}


def native_dtype(name_or_dtype: Any) -> torch.dtype:
    """The ``torch.dtype`` for a dtype name (or anything :func:`dtypes.standardize` takes)."""
    if isinstance(name_or_dtype, torch.dtype):
        return name_or_dtype
    return _DTYPES[dtypes.standardize(name_or_dtype)]


@cache
def native_device(neutral: str) -> torch.device:
    """The ``torch.device`` for a neutral device name (``"cpu"``, ``"cuda:0"``)."""
    return torch.device(neutral)


def target_device() -> torch.device:
    """Where new tensors go: the current ``dn.device`` scope or default."""
    return native_device(current_device())


def seed(value: int) -> None:
    torch.manual_seed(value)


def rng_state() -> np.ndarray:
    """torch's global generator states as uint8 bytes, shape ``(n,)``: the CPU one, then each CUDA device's."""
    states = [torch.get_rng_state()]
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        states += list(torch.cuda.get_rng_state_all())
    return np.concatenate([state.numpy() for state in states]).astype(np.uint8)


def set_rng_state(state: np.ndarray) -> None:
    """Restore what :func:`rng_state` returned (CUDA states only where this process has the same devices)."""
    data = np.asarray(state, np.uint8).reshape(-1)
    size = torch.get_rng_state().numel()
    if data.size < size:
        raise ValueError(f"torch RNG state has {data.size} bytes, expected at least {size}")
    torch.set_rng_state(torch.from_numpy(data[:size].copy()))
    rest = data[size:]
    if rest.size and torch.cuda.is_available():
        count = torch.cuda.device_count()
        if rest.size % count == 0:
            torch.cuda.set_rng_state_all(list(torch.from_numpy(rest.copy()).chunk(count)))


@cache
def devices() -> list[str]:
    found = ["cpu"]
    if torch.cuda.is_available():
        found += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    return found


def is_tensor(x: Any) -> bool:
    return isinstance(x, torch.Tensor)


def is_variable(x: Any) -> bool:
    return isinstance(x, torch.nn.Parameter)


def convert_to_tensor(x: Any, dtype: str | None = None) -> torch.Tensor:
    """A tensor on the current device; Python floats become float32, ints int64."""
    target = None if dtype is None else native_dtype(dtype)
    if isinstance(x, torch.Tensor):
        return x if target is None or x.dtype == target else x.to(target)
    if not isinstance(x, np.ndarray | np.generic):
        x = common.numeric_array(x)
        if target is None and x.dtype == np.float64:
            target = torch.float32  # Python data: default float, as torch.tensor does
        elif target is None and x.dtype == np.complex128:
            target = torch.complex64  # and Python complex data the default complex (dualnet.dtypes)
    elif x.dtype.kind not in "biufc":
        x = common.numeric_array(x)  # raises the DTypeError
    return torch.as_tensor(x, dtype=target, device=target_device())


def to_numpy(x: Any) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        x = x.detach()
        if x.dtype == torch.bfloat16:
            x = x.float()
        # .numpy() of a CPU tensor shares its memory; a copy keeps later in-place updates out.
        array: np.ndarray = x.clone().numpy() if x.device.type == "cpu" else x.cpu().numpy()
        return array
    return np.asarray(x)


def cast(x: Any, dtype: str) -> torch.Tensor:
    return convert_to_tensor(x).to(native_dtype(dtype))


def dtype(x: Any) -> str:
    return str(convert_to_tensor(x).dtype).removeprefix("torch.")


def shape(x: Any) -> tuple[int, ...]:
    return tuple(convert_to_tensor(x).shape)


def ndim(x: Any) -> int:
    rank: int = convert_to_tensor(x).ndim
    return rank


def size(x: Any) -> int:
    count: int = convert_to_tensor(x).numel()
    return count


def _check_device(device: str) -> torch.device:
    if device not in devices():
        raise DeviceError(f"device {device!r} is not available; available devices: {', '.join(devices())}")
    return native_device(device)


def check_same_device(op: str, *operands: Any) -> None:
    """Raise DeviceError naming the devices when ``op``'s tensor operands are on more than one.

    Called only after an op failed, so a successful op pays nothing. 0-d CPU tensors are
    left out: torch lets them mix with tensors on any device.
    """
    found: list[str] = []
    for t in operands:
        if isinstance(t, torch.Tensor) and (t.ndim or t.device.type != "cpu"):
            dev = t.device
            where = f"cuda:{dev.index or 0}" if dev.type == "cuda" else str(dev)
            if where not in found:
                found.append(where)
    if len(found) > 1:
        listed = " and ".join(repr(d) for d in found)
        raise DeviceError(
            f"{op}: the operands are on different devices, {listed}; an op needs all its tensors on one device: "
            f"move them with dn.ops.to_device(x, {found[0]!r}), or make them under one `with dn.device(...)` "
            "scope (for a model: model.to(device))"
        ) from None


def to_device(x: Any, device: str) -> torch.Tensor:
    return convert_to_tensor(x).to(_check_device(device))


def device_of(x: Any) -> str:
    dev = convert_to_tensor(x).device
    return "cpu" if dev.type == "cpu" else f"{dev.type}:{dev.index or 0}"


def variable(value: Any, trainable: bool, name: str, dtype: str | None = None) -> torch.nn.Parameter:
    data = convert_to_tensor(np.array(value, order="C") if isinstance(value, np.ndarray) else value, dtype)
    return torch.nn.Parameter(data.detach().clone(), requires_grad=trainable)


def set_trainable(variable: torch.Tensor, trainable: bool) -> None:
    variable.requires_grad_(trainable)


def buffer(value: np.ndarray, name: str) -> torch.Tensor:
    return torch.as_tensor(np.array(value, order="C"), device=target_device())


def assign(variable: torch.Tensor, value: Any) -> None:
    with torch.no_grad():
        variable.copy_(convert_to_tensor(value))


def move_variable(variable: torch.Tensor, device: str) -> torch.Tensor:
    # Swapping .data keeps the Parameter object, so optimizers holding it stay valid.
    variable.data = variable.data.to(_check_device(device))
    return variable


def is_tracing() -> bool:
    """True while a step is being compiled: tensors are symbolic and have no values to read."""
    return bool(torch.compiler.is_compiling())
