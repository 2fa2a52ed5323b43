"""Native data loaders: a ``torch.utils.data.DataLoader`` or ``tf.data.Dataset`` feeding the Trainer."""

from __future__ import annotations

from typing import Any, Protocol

from dualnet.backend.api.types import NativeBatches


class DataAPI(Protocol):
    """Recognising the framework's own loaders."""

    def native_batches(self, obj: Any) -> NativeBatches | None:
        """``obj``'s batches (shapes as the loader makes them) on the current device; None if not a loader."""
