"""A monitored log value: which direction is better, whether a value improves on another, and lookup in the logs."""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping
from typing import Any

from dualnet.arguments import argument_error, check_choice

MODES = ("auto", "min", "max")

__all__: list[str] = []

# Words in a log key that mean "higher is better" (Keras's auto mode looks for "acc"; metric names add more).
_MAX_WORDS = frozenset(
    {"acc", "accuracy", "auc", "precision", "recall", "f1", "fbeta", "iou", "r2", "dice"}
    | {"correlation", "similarity", "sensitivity", "specificity"}
)


def auto_mode(monitor: str) -> str:
    """``"max"`` for accuracy-like names (``val_accuracy``, ``top_k_accuracy``, ``auc``, ``f1_score``), else ``"min"``.

    The ``val_`` prefix is ignored; a name containing the word ``loss`` is always minimised.
    """
    # Keras's snake_case of IoU is "io_u" ("mean_io_u", "binary_io_u"): read it as the word "iou".
    words = set(re.split(r"[^a-z0-9]+", re.sub(r"io_u\b", "iou", monitor.lower().removeprefix("val_"))))
    return "max" if words & _MAX_WORDS and "loss" not in words else "min"


class Monitor:
    """The value named ``monitor`` in epoch logs, compared in ``mode`` with a margin of ``min_delta``.

    ``owner`` names the callback in errors and warnings. ``mode="auto"`` resolves
    with :func:`auto_mode`. A NaN never counts as an improvement.
    """

    def __init__(self, owner: str, monitor: str, mode: str, min_delta: float = 0.0) -> None:
        self.owner = owner
        if not isinstance(monitor, str) or not monitor:
            raise argument_error(
                owner, "monitor", monitor, "the name of a logged value", "pass e.g. monitor='val_loss'"
            )
        self.monitor = monitor
        mode = check_choice(owner, "mode", mode, MODES, fix="pass e.g. mode='min' for a loss, 'max' for accuracy")
        self.mode = auto_mode(self.monitor) if mode == "auto" else mode
        self.min_delta = abs(min_delta)

    @property
    def worst(self) -> float:
        """The starting ``best``: +inf when minimising, -inf when maximising."""
        return math.inf if self.mode == "min" else -math.inf

    def is_better(self, current: float, reference: float | None) -> bool:
        """True if ``current`` beats ``reference`` by more than ``min_delta`` (any number beats None)."""
        if math.isnan(current):
            return False
        if reference is None:
            return True
        if self.mode == "min":
            return current < reference - self.min_delta
        return current > reference + self.min_delta

    def value(self, logs: Mapping[str, Any] | None) -> float | None:
        """``logs[monitor]`` as a float; None (and a warning listing the available keys) when absent."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            available = ", ".join(sorted(logs)) or "none"
            hint = " (pass validation_data or validation_split to fit)" if self.monitor.startswith("val_") else ""
            warnings.warn(
                f"{self.owner}: monitor {self.monitor!r} is not in the logs{hint}; available keys: {available}",
                UserWarning,
                stacklevel=3,
            )
            return None
        return float(value)
