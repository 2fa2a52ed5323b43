"""The layer table ``docs/reference/layers-table.md``: every Keras 3 layer outside preprocessing against ``dn.nn``.

    python docs/scripts/layers_table.py           # print the counts and the names still missing
    python docs/scripts/layers_table.py --write   # regenerate the page, then print the counts

Every class ``keras.layers`` exports is listed once, except the preprocessing
layers (those defined under ``keras.src.layers.preprocessing``, which belong with
``dn.data``), with its torch.nn counterpart (:data:`TORCH`, kept by hand) and its
status: present in ``dn.nn`` under the name the page gives, in progress
(:data:`PENDING`: being added now, emptied once merged), omitted on purpose (with
the reason, :data:`OMITTED`) or missing (each named in :data:`MISSING`, with what
it needs). ``tests/docs/test_layers_table.py`` fails when the page differs from
what this script writes, or when a missing name is not listed in :data:`MISSING`.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import keras

import dualnet as dn

PAGE = Path(__file__).resolve().parents[1] / "reference" / "layers-table.md"
PREPROCESSING = "keras.src.layers.preprocessing"

# Keras names that dualnet has under another name: Keras name -> dn.nn name.
RENAMED: dict[str, str] = {
    "Layer": "Module",
    "InputLayer": "Input",
    "TorchModuleWrapper": "Wrapped",
}

# Being added by work in progress: shown as "in progress" and not failing the test. The lead empties it after
# the merge (a name here that is present already is reported as present).
PENDING: frozenset[str] = frozenset()

# Left out on purpose, with the reason (at most 5).
OMITTED: dict[str, str] = {
    "FlaxLayer": "wraps a Flax module for the JAX backend; dualnet has no JAX backend",
    "JaxLayer": "wraps a JAX function for the JAX backend; dualnet has no JAX backend",
    "TFSMLayer": "loads a TensorFlow SavedModel as an inference-only layer; use `dn.nn.wrap` on the loaded module",
    "Wrapper": "Keras's abstract base of Bidirectional and TimeDistributed; a dualnet wrapper is a Module holding one",
}

# Missing, each named here with what it needs, so that a new gap is a decision and not an accident.
MISSING: dict[str, str] = {}

# The torch.nn counterpart of each Keras layer, kept by hand ("" where torch.nn has none).
TORCH: dict[str, str] = {
    "Activation": "",
    "ActivityRegularization": "",
    "AdaptiveAveragePooling1D": "AdaptiveAvgPool1d",
    "AdaptiveAveragePooling2D": "AdaptiveAvgPool2d",
    "AdaptiveAveragePooling3D": "AdaptiveAvgPool3d",
    "AdaptiveMaxPooling1D": "AdaptiveMaxPool1d",
    "AdaptiveMaxPooling2D": "AdaptiveMaxPool2d",
    "AdaptiveMaxPooling3D": "AdaptiveMaxPool3d",
    "Add": "",
    "AdditiveAttention": "",
    "AlphaDropout": "AlphaDropout",
    "Attention": "",
    "Average": "",
    "AveragePooling1D": "AvgPool1d",
    "AveragePooling2D": "AvgPool2d",
    "AveragePooling3D": "AvgPool3d",
    "AvgPool1D": "AvgPool1d",
    "AvgPool2D": "AvgPool2d",
    "AvgPool3D": "AvgPool3d",
    "BatchNormalization": "BatchNorm1d/2d/3d",
    "Bidirectional": "",
    "Concatenate": "",
    "Conv1D": "Conv1d",
    "Conv1DTranspose": "ConvTranspose1d",
    "Conv2D": "Conv2d",
    "Conv2DTranspose": "ConvTranspose2d",
    "Conv3D": "Conv3d",
    "Conv3DTranspose": "ConvTranspose3d",
    "ConvLSTM1D": "",
    "ConvLSTM2D": "",
    "ConvLSTM3D": "",
    "Convolution1D": "Conv1d",
    "Convolution1DTranspose": "ConvTranspose1d",
    "Convolution2D": "Conv2d",
    "Convolution2DTranspose": "ConvTranspose2d",
    "Convolution3D": "Conv3d",
    "Convolution3DTranspose": "ConvTranspose3d",
    "Cropping1D": "",
    "Cropping2D": "",
    "Cropping3D": "",
    "Dense": "Linear",
    "DepthwiseConv1D": "Conv1d (groups=in_channels)",
    "DepthwiseConv2D": "Conv2d (groups=in_channels)",
    "Dot": "",
    "Dropout": "Dropout",
    "ELU": "ELU",
    "EinsumDense": "",
    "Embedding": "Embedding",
    "Flatten": "Flatten",
    "FlaxLayer": "",
    "GRU": "GRU",
    "GRUCell": "GRUCell",
    "GaussianDropout": "",
    "GaussianNoise": "",
    "GlobalAveragePooling1D": "AdaptiveAvgPool1d(1)",
    "GlobalAveragePooling2D": "AdaptiveAvgPool2d(1)",
    "GlobalAveragePooling3D": "AdaptiveAvgPool3d(1)",
    "GlobalAvgPool1D": "AdaptiveAvgPool1d(1)",
    "GlobalAvgPool2D": "AdaptiveAvgPool2d(1)",
    "GlobalAvgPool3D": "AdaptiveAvgPool3d(1)",
    "GlobalMaxPool1D": "AdaptiveMaxPool1d(1)",
    "GlobalMaxPool2D": "AdaptiveMaxPool2d(1)",
    "GlobalMaxPool3D": "AdaptiveMaxPool3d(1)",
    "GlobalMaxPooling1D": "AdaptiveMaxPool1d(1)",
    "GlobalMaxPooling2D": "AdaptiveMaxPool2d(1)",
    "GlobalMaxPooling3D": "AdaptiveMaxPool3d(1)",
    "GroupNormalization": "GroupNorm",
    "GroupQueryAttention": "",
    "Identity": "Identity",
    "InputLayer": "",
    "InputSpec": "",
    "JaxLayer": "",
    "LSTM": "LSTM",
    "LSTMCell": "LSTMCell",
    "Lambda": "",
    "Layer": "Module",
    "LayerNormalization": "LayerNorm",
    "LeakyReLU": "LeakyReLU",
    "Masking": "",
    "MaxPool1D": "MaxPool1d",
    "MaxPool2D": "MaxPool2d",
    "MaxPool3D": "MaxPool3d",
    "MaxPooling1D": "MaxPool1d",
    "MaxPooling2D": "MaxPool2d",
    "MaxPooling3D": "MaxPool3d",
    "Maximum": "",
    "Minimum": "",
    "MultiHeadAttention": "MultiheadAttention",
    "Multiply": "",
    "PReLU": "PReLU",
    "Permute": "",
    "RMSNormalization": "RMSNorm",
    "RNN": "",
    "ReLU": "ReLU",
    "RepeatVector": "",
    "Reshape": "",
    "ReversibleEmbedding": "",
    "SeparableConv1D": "",
    "SeparableConv2D": "",
    "SeparableConvolution1D": "",
    "SeparableConvolution2D": "",
    "SimpleRNN": "RNN",
    "SimpleRNNCell": "RNNCell",
    "Softmax": "Softmax",
    "SpatialDropout1D": "Dropout1d",
    "SpatialDropout2D": "Dropout2d",
    "SpatialDropout3D": "Dropout3d",
    "SpectralNormalization": "utils.parametrizations.spectral_norm",
    "StackedRNNCells": "",
    "Subtract": "",
    "TFSMLayer": "",
    "TimeDistributed": "",
    "TorchModuleWrapper": "",
    "UnitNormalization": "",
    "UpSampling1D": "Upsample",
    "UpSampling2D": "Upsample",
    "UpSampling3D": "Upsample",
    "Wrapper": "",
    "ZeroPadding1D": "ZeroPad1d",
    "ZeroPadding2D": "ZeroPad2d",
    "ZeroPadding3D": "ZeroPad3d",
}


def keras_layers() -> list[str]:
    """The classes ``keras.layers`` exports, preprocessing layers left out, sorted."""
    names = []
    for name in dir(keras.layers):
        value = getattr(keras.layers, name)
        if inspect.isclass(value) and not value.__module__.startswith(PREPROCESSING):
            names.append(name)
    return sorted(names)


def _present(name: str) -> bool:
    return name in dn.nn.__all__ and callable(getattr(dn.nn, name, None))


def status(name: str) -> tuple[str, str]:
    """``("present", "dn.nn.X")``, ``("pending", "")``, ``("omitted", reason)`` or ``("missing", need)``."""
    ours = RENAMED.get(name, name)
    if _present(ours):
        return "present", f"dn.nn.{ours}"
    if name in PENDING:
        return "pending", ""
    if name in OMITTED:
        return "omitted", OMITTED[name]
    return "missing", MISSING.get(name, "")


def rows() -> list[tuple[str, str, str, str]]:
    """``(Keras name, torch.nn name, status, detail)`` per Keras layer."""
    return [(name, TORCH.get(name, ""), *status(name)) for name in keras_layers()]


def counts() -> dict[str, int]:
    found = {"present": 0, "pending": 0, "omitted": 0, "missing": 0}
    for _, _, state, _ in rows():
        found[state] += 1
    return found


def _cell(state: str, detail: str) -> str:
    if state == "present":
        return f"`{detail}`"
    if state == "pending":
        return "in progress"
    return f"{state}: {detail}" if detail else state


def page() -> str:
    """The whole Markdown page."""
    found = counts()
    lines = [
        "# Keras layers table",
        "",
        "<!-- Generated by docs/scripts/layers_table.py --write; do not edit by hand. -->",
        "",
        f"Every layer class of Keras {keras.__version__}'s `keras.layers` outside preprocessing (the classes "
        f"defined under `{PREPROCESSING}`, which belong with `dn.data`), its torch.nn counterpart, and dualnet's "
        "name. Keras's other names for one class (`Convolution2D`, `MaxPooling2D`) are dualnet aliases of the "
        "same class too.",
        "",
        f"- present: {found['present']}",
        f"- in progress: {found['pending']}",
        f"- omitted on purpose: {found['omitted']}",
        f"- missing: {found['missing']}",
        "",
        "| Keras name | torch.nn | dualnet |",
        "| --- | --- | --- |",
    ]
    for name, torch_name, state, detail in rows():
        torch_cell = f"`{torch_name}`" if torch_name else ""
        lines.append(f"| `{name}` | {torch_cell} | {_cell(state, detail)} |")
    lines.append("")
    return "\n".join(lines)


def _report() -> str:
    found = counts()
    missing = [name for name, _, state, _ in rows() if state == "missing"]
    text = ", ".join(f"{k} {v}" for k, v in found.items())
    return text + ("\nmissing: " + " ".join(missing) if missing else "")


if __name__ == "__main__":
    if "--write" in sys.argv[1:]:
        tmp = PAGE.with_suffix(".md.tmp")
        tmp.write_text(page(), encoding="utf-8")
        tmp.replace(PAGE)  # atomic: the page is never half written
    print(_report())
