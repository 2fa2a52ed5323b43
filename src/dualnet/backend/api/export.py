"""Export formats. A format that belongs to the other framework raises UnsupportedError (dn.export reaches it
through a subprocess on that backend)."""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import Model, Tensor


class ExportAPI(Protocol):
    """Writing a built model, traced on ``example`` (a batch of shape ``(N, ...)``), to a file or folder."""

    def export_torch_program(self, model: Model, example: Tensor, path: str, dynamic_batch: bool) -> None:
        """Save ``torch.export.export`` of ``model`` on ``example`` to ``path`` (torch only)."""

    def export_onnx(self, model: Model, example: Tensor, path: str, dynamic_batch: bool, opset: int) -> None:
        """Write an ONNX model with input ``"input"`` of ``example``'s shape (batch symbolic if ``dynamic_batch``)."""

    def export_saved_model(self, model: Model, example: Tensor, path: str) -> None:
        """Write a SavedModel: ``serving_default`` takes ``example``'s shape, batch free (tensorflow only)."""

    def export_tflite(self, model: Model, example: Tensor, path: str) -> None:
        """Write a TFLite flatbuffer with a free batch dimension (tensorflow only)."""
