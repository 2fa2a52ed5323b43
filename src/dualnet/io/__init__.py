"""``dn.io``: weights files (safetensors) and atomic writes."""

from dualnet.io.atomic import WriteError, write_atomic
from dualnet.io.checkpoint import load_checkpoint, read_metadata, save_checkpoint
from dualnet.io.model import load, read_config, save
from dualnet.io.registry import register_module
from dualnet.io.weights import WeightsNotFoundError, load_state, load_weights, save_state, save_weights

__all__ = [
    "WeightsNotFoundError",
    "WriteError",
    "load",
    "load_checkpoint",
    "read_config",
    "read_metadata",
    "register_module",
    "save",
    "save_checkpoint",
    "load_state",
    "load_weights",
    "save_state",
    "save_weights",
    "write_atomic",
]
