"""Training checkpoints: weights, optimizer state, epoch, step, RNG state and history in one safetensors file.

Tensors: ``model.<name>`` (the model's ``state_dict()``), ``optimizer.<name>``
(the optimizer's flat ``state_dict()``), ``rng.<backend>`` (the framework
generator's state as uint8 bytes). The safetensors metadata key
``"dualnet.checkpoint"`` holds JSON::

    {"format": "dualnet.checkpoint", "version": 1, "backend": "torch", "epoch": 3,
     "global_step": 96, "history": {"epoch": [0, 1, 2], "logs": {"loss": [...]}},
     "seed": 0, "trainer": {"epoch": 3, "global_step": 96}}

``epoch`` counts completed epochs: ``fit(resume_from=path)`` continues with
that epoch index. Writes are atomic (:func:`dualnet.io.atomic.write_atomic`).
Loading validates every part before assigning any, so a failed load changes
nothing. The framework RNG state is restored only on the backend that wrote it:
a checkpoint from the other backend restores weights, optimizer, epoch, step
and history, but dropout then draws a different stream. Dropout's stream is
part of that state on both backends (TensorFlow's comes from the global
``tf.random.Generator``), so a same-backend resume is bitwise.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from dualnet import seeding
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, DualnetError, WeightsFileError
from dualnet.io import checkpoint_metadata
from dualnet.io.header import FIX, read_header, read_tensors
from dualnet.io.weights import save_state, source_file
from dualnet.nn.module import Module
from dualnet.optim.optimizer import Optimizer

__all__ = ["load_checkpoint", "read_metadata", "save_checkpoint"]

FORMAT, VERSION = checkpoint_metadata.FORMAT, checkpoint_metadata.VERSION
_PARTS = ("model.", "optimizer.", "rng.")


class CheckpointedTrainer(Protocol):
    """What a checkpoint reads from and restores into a trainer; ``dn.Trainer`` is one.

    A protocol rather than the Trainer class, because :mod:`dualnet.train` sits
    above this package (it resumes from checkpoints). ``history``, when the
    trainer has one, is read for its ``epoch`` list and ``history`` dict.
    """

    epoch: int
    completed_epochs: int
    global_step: int

    @property
    def model(self) -> Module: ...

    @property
    def optimizer(self) -> Optimizer | None: ...


def save_checkpoint(
    path: str | os.PathLike[str],
    *,
    model: Module | None = None,
    optimizer: Optimizer | None = None,
    trainer: CheckpointedTrainer | None = None,
    logs: dict[str, Any] | None = None,
) -> Path:
    """Write a checkpoint of ``model``, ``optimizer`` and ``trainer`` to ``path`` (atomic); returns the path.

    With ``trainer``, ``model`` and ``optimizer`` default to the trainer's, and the
    epoch (``trainer.completed_epochs``), step and history are stored.
    ``logs``: the current epoch's logs when saving from ``on_epoch_end`` (History
    records them after the other callbacks); they complete the stored history.

    Raises:
        ArgumentError: none of ``model``, ``optimizer`` and ``trainer`` is given.
        WriteError: the file cannot be written (missing folder, no permission, disk full).
    """
    model = model if model is not None else getattr(trainer, "model", None)
    optimizer = optimizer if optimizer is not None else getattr(trainer, "optimizer", None)
    if model is None and optimizer is None:
        raise ArgumentError("save_checkpoint(path): nothing to save; pass model=..., optimizer=... and/or trainer=...")
    tensors: dict[str, np.ndarray] = {}
    if model is not None:
        tensors.update({f"model.{k}": v for k, v in model.state_dict().items()})
    if optimizer is not None:
        tensors.update({f"optimizer.{k}": v for k, v in optimizer.state_dict().items()})
    tensors[f"rng.{B.name}"] = B.rng_state()
    epoch = int(getattr(trainer, "completed_epochs", 0))
    step = int(getattr(trainer, "global_step", 0))
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "backend": B.name,
        "epoch": epoch,
        "global_step": step,
        "history": _history(trainer, epoch, logs),
        "seed": seeding.current_seed(),
        "trainer": {"epoch": epoch, "global_step": step} if trainer is not None else {},
        "parts": sorted({name.split(".")[0] for name in tensors}),
    }
    return save_state(tensors, path, metadata={FORMAT: json.dumps(meta)})


def load_checkpoint(
    path: str | os.PathLike[str],
    *,
    model: Module | None = None,
    optimizer: Optimizer | None = None,
    trainer: CheckpointedTrainer | None = None,
) -> dict[str, Any]:
    """Restore what is given from the checkpoint at ``path``; returns its metadata (see the module docstring).

    With ``trainer``, ``model`` and ``optimizer`` default to the trainer's and its
    ``epoch``, ``completed_epochs`` and ``global_step`` are set. All or nothing:
    every key and shape is checked before anything is assigned.

    Raises:
        WeightsNotFoundError: no file at ``path``.
        WeightsFileError: the file is not a readable dualnet checkpoint, or lacks the part asked for.
        StateDictError: the model or optimizer state does not match (names the keys and shapes).
    """
    model = model if model is not None else getattr(trainer, "model", None)
    optimizer = optimizer if optimizer is not None else getattr(trainer, "optimizer", None)
    meta = read_metadata(path)
    tensors = read_tensors(path, "checkpoint")[1]
    parts: dict[str, dict[str, np.ndarray]] = {prefix: {} for prefix in _PARTS}
    for name, value in tensors.items():
        prefix = next((p for p in _PARTS if name.startswith(p)), None)
        if prefix is None:
            raise WeightsFileError(
                f"checkpoint {str(path)!r}: unexpected tensor {name!r} (expected model.*, optimizer.* or rng.*); "
                "the file was not written by dualnet.save_checkpoint"
            )
        parts[prefix][name[len(prefix) :]] = value
    for wanted, part in ((model, "model"), (optimizer, "optimizer")):
        if wanted is not None and part not in meta["parts"]:
            raise WeightsFileError(
                f"checkpoint {str(path)!r} holds no {part} state (it has: {', '.join(meta['parts'])}); "
                f"load it without {part}=..., or save the checkpoint with {part}=..."
            )
    previous = B.rng_state()
    rng = parts["rng."].get(B.name)
    if rng is not None:
        _set_rng(path, rng)
    try:
        _restore(model, optimizer, parts["model."], parts["optimizer."])
    except DualnetError:
        B.set_rng_state(previous)
        raise
    seeding.restore_seed(int(meta["seed"]))  # data loaders made after this shuffle as the saved run did
    if trainer is not None:
        trainer.epoch = trainer.completed_epochs = int(meta["epoch"])
        trainer.global_step = int(meta["global_step"])
    return meta


def read_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The checkpoint's metadata (JSON) without loading its tensors.

    Every field is checked (:mod:`dualnet.io.checkpoint_metadata`): a crafted or damaged file fails
    here, naming the field, rather than deep in ``fit``.

    Raises:
        WeightsNotFoundError: no file at ``path``.
        WeightsFileError: ``path`` is a folder, pipe or device; the file is not a dualnet checkpoint; a
            metadata field is missing, unexpected, of the wrong type or out of range (the message names it);
            or the version is newer.
    """

    source = source_file(path, "checkpoint")
    raw = read_header(source, "checkpoint").metadata.get(FORMAT)
    if raw is None:
        raise WeightsFileError(
            f"{str(source)!r} is a safetensors file but not a dualnet checkpoint (no {FORMAT!r} metadata): it "
            "holds weights only, as model.save_weights and ModelCheckpoint (save_weights_only=True by default) "
            "write; load it with model.load_weights(path), and to resume training (fit(resume_from=...)) write "
            "full checkpoints with dn.callbacks.ModelCheckpoint(..., save_weights_only=False) or dn.save_checkpoint"
        )
    return checkpoint_metadata.parse(source, raw)


def _set_rng(path: str | os.PathLike[str], state: np.ndarray) -> None:
    try:
        B.set_rng_state(state)
    except Exception as exc:  # each framework rejects a bad generator state with its own error type
        raise WeightsFileError(
            f"checkpoint {str(path)!r}: tensor 'rng.{B.name}' is not a valid {B.name} generator state "
            f"(shape {state.shape}, dtype {state.dtype}: {exc}); {FIX}"
        ) from exc


def _restore(
    model: Module | None, optimizer: Optimizer | None, weights: dict[str, np.ndarray], state: dict[str, np.ndarray]
) -> None:
    """Load both or neither: each load checks before it assigns; a failing optimizer load rolls the model back."""
    before = model.state_dict() if model is not None and optimizer is not None else None
    if model is not None:
        model.load_state_dict(weights, strict=True)
    if optimizer is not None:
        try:
            optimizer.load_state_dict(state)
        except DualnetError:
            if model is not None and before is not None:
                model.load_state_dict(before, strict=True)
            raise


def _history(trainer: CheckpointedTrainer | None, epoch: int, logs: dict[str, Any] | None) -> dict[str, Any]:
    history = getattr(trainer, "history", None)
    epochs = list(getattr(history, "epoch", []))
    recorded = {key: list(values) for key, values in getattr(history, "history", {}).items()}
    if logs and epoch > 0 and (not epochs or epochs[-1] != epoch - 1):
        epochs.append(epoch - 1)
        for key, value in logs.items():
            recorded.setdefault(key, []).append(float(value))
    return {"epoch": epochs, "logs": recorded}
