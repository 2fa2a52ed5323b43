"""``place``: the Trainer's ``device=``: the model moves there, and its optimizer must already live there."""

from __future__ import annotations

from dualnet.backend.dispatch import B
from dualnet.errors import DeviceError
from dualnet.nn.module import Module
from dualnet.optim.optimizer import Optimizer

__all__: list[str] = []


def place(model: Module, optimizer: Optimizer | None, device: str) -> str:
    """Move ``model`` to ``device`` (a canonical name) if any of its parameters or buffers is elsewhere.

    An optimizer holds its parameters and state where they were when it was
    built (TensorFlow variables cannot even move: moving makes new ones), so an
    optimizer built before the move raises DeviceError saying to build it after.
    """
    tensors = [v for _, v in model.named_parameters()] + [b for _, b in model.named_buffers()]
    if all(B.device_of(t) == device for t in tensors):
        return device
    model.to(device)
    if optimizer is not None:
        state = [v for entry in optimizer.state for v in entry.values() if B.is_tensor(v)]
        owned = [p for group in optimizer.param_groups for p in group["params"]]
        params = {id(p) for p in model.parameters()}
        if any(id(p) not in params for p in owned) or any(B.device_of(t) != device for t in state + owned):
            raise DeviceError(
                f"Trainer(device={device!r}): the model was moved to {device}, but its optimizer was built before "
                "that and keeps its variables and state on the old device; build the model and the optimizer under "
                f"`with dn.device({device!r}):`, or call model.to({device!r}) before making the optimizer"
            )
    return device
