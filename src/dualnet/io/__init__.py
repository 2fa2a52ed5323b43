"""``dn.io``: weights files (safetensors) and atomic writes."""

from dualnet.io.atomic import WriteError, write_atomic
from dualnet.io.weights import WeightsNotFoundError, load_state, load_weights, save_state, save_weights

__all__ = [
    "WeightsNotFoundError",
    "WriteError",
    "load_state",
    "load_weights",
    "save_state",
    "save_weights",
    "write_atomic",
]
