"""Measure how far torch and tensorflow are apart, layer by layer; print a Markdown table.

For each layer, ``dn.testing.module_parity`` builds it on both backends from
``dn.seed(0)``, runs it on the same float32 input and differentiates a fixed
random projection of the output. The table gives the largest absolute and
relative differences of the outputs and of all gradients (inputs and
parameters), and whether the initial weights were bit-identical (the check
``module_parity`` makes with ``assert_array_equal``).

    python docs/scripts/parity_table.py        # about a minute on two CPU cores
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

import dualnet as dn

nn = dn.nn

LAYERS = [
    ("Dense(16)", lambda: nn.Dense(16, activation="relu"), (8, 32)),
    ("Conv1D(8, 3)", lambda: nn.Conv1D(8, 3, padding="same"), (4, 16, 3)),
    ("Conv2D(8, 3)", lambda: nn.Conv2D(8, 3, padding="same"), (4, 8, 8, 3)),
    ("Conv2DTranspose(4, 3, 2)", lambda: nn.Conv2DTranspose(4, 3, strides=2), (2, 5, 5, 3)),
    ("DepthwiseConv2D(3)", lambda: nn.DepthwiseConv2D(3), (4, 8, 8, 3)),
    ("MaxPool2D(2)", lambda: nn.MaxPool2D(2), (4, 8, 8, 3)),
    ("AvgPool2D(2)", lambda: nn.AvgPool2D(2), (4, 8, 8, 3)),
    ("BatchNorm (training)", lambda: nn.BatchNorm(), (8, 6)),
    ("LayerNorm", lambda: nn.LayerNorm(), (8, 6)),
    ("GroupNorm(2)", lambda: nn.GroupNorm(2), (4, 5, 5, 4)),
    ("LSTM(8)", lambda: nn.LSTM(8), (4, 6, 5)),
    ("GRU(8)", lambda: nn.GRU(8), (4, 6, 5)),
    ("MultiHeadAttention(2, 4)", lambda: nn.MultiHeadAttention(2, 4), (2, 5, 8)),
    (
        "TransformerEncoderLayer(16, 2)",
        lambda: nn.TransformerEncoderLayer(16, 2, dim_feedforward=32, dropout=0.0),
        (2, 5, 16),
    ),
]


def _gap(a: list[np.ndarray], b: list[np.ndarray]) -> tuple[float, float]:
    absolute = max((float(np.max(np.abs(x - y))) for x, y in zip(a, b) if x.size), default=0.0)
    scale = max((float(np.max(np.abs(x))) for x in a if x.size), default=1.0)
    return absolute, absolute / scale if scale else 0.0


def main() -> None:
    rng = np.random.default_rng(0)
    columns = ["layer", "input", "initial weights", "output: max abs diff", "output: max rel diff"]
    columns += ["gradients: max abs diff", "gradients: max rel diff"]
    print("| " + " | ".join(columns) + " |")
    print("|---|---|---|---|---|---|---|")
    for name, factory, shape in LAYERS:
        x = rng.standard_normal(shape).astype("float32")
        # Loose tolerances: measure the gap rather than assert a bound; initial weights are still compared exactly.
        torch_run, tf_run = dn.testing.module_parity(factory, [x], training="training" in name, rtol=1.0, atol=1.0)
        out_abs, out_rel = _gap(torch_run.outputs, tf_run.outputs)
        grads_a = [g for g in torch_run.input_grads if g is not None] + list(torch_run.param_grads.values())
        grads_b = [g for g in tf_run.input_grads if g is not None] + list(tf_run.param_grads.values())
        grad_abs, grad_rel = _gap(grads_a, grads_b)
        print(f"| `{name}` | `{shape}` | identical | {out_abs:.1e} | {out_rel:.1e} | {grad_abs:.1e} | {grad_rel:.1e} |")


if __name__ == "__main__":
    main()
