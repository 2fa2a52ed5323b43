"""``dn.io``: weights files (safetensors) and atomic writes."""

from dualnet.io.atomic import WriteError, write_atomic
from dualnet.io.model import load, read_config, save
from dualnet.io.registry import register_module
from dualnet.io.weights import WeightsNotFoundError, load_state, load_weights, save_state, save_weights

__all__ = [
    "WeightsNotFoundError",
    "WriteError",
    "load",
    "read_config",
    "register_module",
    "save",
    "load_state",
    "load_weights",
    "save_state",
    "save_weights",
    "write_atomic",
]
