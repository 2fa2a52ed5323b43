"""The text table printed by ``Module.summary()``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from dualnet.backend.dispatch import B

if TYPE_CHECKING:
    from dualnet.nn.module import Module

__all__: list[str] = []


def _size(var: Any) -> int:
    return int(np.prod(tuple(B.shape(var)), dtype=np.int64))


def summary_lines(model: Module) -> list[str]:
    """One row per module: path, type, output shape (after the first call), own parameter count.

    A functional model (``dn.Model``) adds a row per ``dn.Input``, its layers' symbolic output shapes and Keras's
    "Connected to" column: the tensors each layer takes, as ``layer[call][output]`` (``shared[1][0]`` is the
    first output of the second call of ``shared``), a shared layer's calls separated by ``;``.
    """
    graph: dict[int, tuple[str, str]] = getattr(model, "_connections", dict)()
    inputs: list[tuple[str, str]] = getattr(model, "_input_rows", list)()
    wide = bool(graph or inputs)
    output_text = getattr(model, "_output_text", None)
    rows = [("Layer (path)", "Type", "Output shape", "Params", *(("Connected to",) if wide else ()))]
    total = trainable = 0
    for index, (path, module) in enumerate(model.named_modules()):
        count = sum(_size(v) for v in module._own_parameters())
        shape = module._first_output_shape()
        shape = "?" if shape is None else str(shape)
        shape, connected = graph.get(id(module), (shape, ""))
        if index == 0 and output_text is not None:  # not the shape of the zeros a symbolic call ran on
            shape = output_text()
        row = (path or "(root)", type(module).__name__, shape, f"{count:,}")
        rows.append((*row, connected) if wide else row)
        if index == 0:  # a functional model's inputs come after the root, before its layers, as in Keras
            rows += [(name, "Input", shape, "0", "-") for name, shape in inputs]
    for var, train in zip(model.parameters(), model.trainable_mask()):
        n = _size(var)
        total += n
        trainable += n if train else 0
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    lines = [rule]
    for i, row in enumerate(rows):
        lines.append(
            "  ".join(cell.rjust(w) if j == 3 else cell.ljust(w) for j, (cell, w) in enumerate(zip(row, widths)))
        )
        if i == 0:
            lines.append(rule)
    lines += [
        rule,
        f"Total params: {total:,}",
        f"Trainable params: {trainable:,}",
        f"Non-trainable params: {total - trainable:,}",
    ]
    return lines
