"""``dn.export``: a model as a deployable artifact (ONNX, SavedModel, TFLite, torch.export program).

Each function traces the model on ``example`` in eval mode and writes ``path``;
see :mod:`dualnet.export.formats`. ``dualnet export`` does the same from a
model saved with ``dn.save``.
"""

from dualnet.export.formats import FORMATS, export, onnx, saved_model, tflite, torch_program

__all__ = ["FORMATS", "export", "onnx", "saved_model", "tflite", "torch_program"]
