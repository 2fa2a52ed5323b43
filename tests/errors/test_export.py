"""Misuse of dn.export that is caught before any exporter runs (no subprocess, no ONNX toolchain needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import dualnet as dn
from tests.errors.catalogue import Case, X, check, mlp


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(
            lambda tmp: Case(
                "unknown format",
                lambda: dn.export.export("zip", mlp(), X, tmp / "m.zip"),
                dn.ArgumentError,
                ("format 'zip'", "use one of onnx"),
            ),
            id="format",
        ),
        pytest.param(
            lambda tmp: Case(
                "not a module",
                lambda: dn.export.onnx(lambda x: x, X, tmp / "m.onnx"),
                dn.ArgumentError,
                ("dn.export: model must be a dn.nn.Module", "function"),
            ),
            id="not module",
        ),  # type: ignore[arg-type]
        pytest.param(
            lambda tmp: Case(
                "scalar example",
                lambda: dn.export.onnx(mlp(), 1.0, tmp / "m.onnx"),
                dn.ArgumentError,
                ("example must have a batch dimension", "shape (N, ...)"),
            ),
            id="scalar example",
        ),
        pytest.param(
            lambda tmp: Case(
                "example of other features",
                lambda: dn.export.onnx(mlp(), np.ones((2, 7), "float32"), tmp / "m.onnx"),
                dn.ShapeError,
                ("layer '0' (Dense)", "3 features"),
            ),
            id="example shape",
        ),
        pytest.param(
            lambda tmp: Case(
                "onnx opset",
                lambda: dn.export.onnx(mlp(), X, tmp / "m.onnx", opset=5),
                dn.ArgumentError,
                ("opset=5", "an int in [13, 23]", "pass e.g. opset=18"),
            ),
            id="opset",
        ),
        pytest.param(
            lambda tmp: Case(
                "string example",
                lambda: dn.export.onnx(mlp(), np.array([["a", "b", "c"]]), tmp / "m.onnx"),
                dn.DTypeError,
                ("convert_to_tensor", "convert the data to numbers"),
            ),
            id="string example",
        ),
    ],
)
def test_export_misuse(backend: str, tmp_path: Path, make: object) -> None:
    check(make(tmp_path))  # type: ignore[operator]
