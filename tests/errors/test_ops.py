"""Misuse of dn.ops: shapes that do not fit, axes out of range, non-numeric data. Framework errors are wrapped."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from tests.errors.catalogue import IMAGES, Case, X, cases, check, tensor

ops = dn.ops


def _ones(*shape: int) -> object:
    return tensor(np.ones(shape, "float32"))


CASES = cases(
    Case(
        "matmul shapes",
        lambda: ops.matmul(_ones(2, 3), _ones(4, 5)),
        dn.ShapeError,
        ("matmul", "(2, 3) and (4, 5)"),
        True,
    ),
    Case(
        "reshape count",
        lambda: ops.reshape(_ones(2, 3), (4,)),
        dn.ShapeError,
        ("reshape", "(4,)", "multiply to the same count"),
        True,
    ),
    Case(
        "concatenate",
        lambda: ops.concatenate([_ones(2, 3), _ones(2, 4)], 0),
        dn.ShapeError,
        ("concatenate", "(2, 3), (2, 4)"),
        True,
    ),
    Case("stack", lambda: ops.stack([_ones(2, 3), _ones(2, 4)]), dn.ShapeError, ("stack", "(2, 3), (2, 4)"), True),
    Case(
        "einsum",
        lambda: ops.einsum("ij,jk->ik", tensor(X), tensor(X)),
        dn.ShapeError,
        ("einsum('ij,jk->ik')", "(4, 3) and (4, 3)"),
        True,
    ),
    Case(
        "broadcast_to",
        lambda: ops.broadcast_to(tensor(X), (5, 5)),
        dn.ShapeError,
        ("broadcast_to", "(5, 5)", "must match or be 1"),
        True,
    ),
    Case(
        "add broadcast",
        lambda: ops.add(_ones(2, 3), _ones(4)),
        dn.ShapeError,
        ("add", "(2, 3) and (4,)", "expand_dims"),
    ),
    Case(
        "where broadcast",
        lambda: ops.where(tensor(np.ones((2, 3), bool)), _ones(4), _ones(2, 3)),
        dn.ShapeError,
        ("where", "reshape or expand_dims"),
    ),
    Case(
        "take out of bounds",
        lambda: ops.take(tensor(X), tensor(np.array([7])), axis=0),
        dn.ArgumentError,
        ("take", "out of bounds", "[-n, n)"),
        True,
    ),
    Case(
        "scatter_add updates",
        lambda: ops.scatter_add(tensor(X), tensor(np.array([[1]])), _ones(1, 5)),
        dn.ShapeError,
        ("scatter_add", "(1, 5)", "expected updates of shape (1, 3)"),
        True,
    ),
    Case("tile negative", lambda: ops.tile(tensor(X), (-1,)), dn.ArgumentError, ("tile", "(-1,)", "0 or more times")),
    Case("sum axis", lambda: ops.sum(tensor(X), axis=5), dn.ArgumentError, ("sum", "axis 5", "-2 <= axis < 2")),
    Case(
        "mean repeated axis",
        lambda: ops.mean(tensor(X), axis=(0, 0)),
        dn.ArgumentError,
        ("mean", "(0, 0)", "name each axis once"),
    ),
    Case(
        "softmax axis", lambda: ops.softmax(tensor(X), axis=3), dn.ShapeError, ("softmax", "axis 3", "-2 <= axis < 2")
    ),
    Case(
        "transpose axes",
        lambda: ops.transpose(tensor(X), (0,)),
        dn.ArgumentError,
        ("transpose", "(0,)", "each of the 2 axes once"),
    ),
    Case(
        "squeeze size",
        lambda: ops.squeeze(tensor(X), axis=1),
        dn.ShapeError,
        ("squeeze", "axis 1 has size 3", "only axes of size 1"),
    ),
    Case(
        "split unequal",
        lambda: ops.split(_ones(5), 2),
        dn.ArgumentError,
        ("split", "indices_or_sections=2", "list of split points"),
    ),
    Case(
        "one_hot depth",
        lambda: ops.one_hot(tensor(np.array([1, 2])), -3),
        dn.ArgumentError,
        ("one_hot", "num_classes", "-3"),
    ),
    Case("top_k too large", lambda: ops.top_k(tensor(X), 10), dn.ArgumentError, ("top_k", "k=10", "[0, 3]")),
    Case(
        "arange zero step",
        lambda: ops.arange(0, 5, 0),
        dn.ArgumentError,
        ("arange", "step must not be zero", "positive step"),
    ),
    Case("zeros negative", lambda: ops.zeros((-1,)), dn.ArgumentError, ("zeros", "negative", "-1")),
    Case(
        "unknown dtype",
        lambda: ops.convert_to_tensor(X, dtype="float33"),
        dn.DTypeError,
        ("'float33'", "use one of", "float32"),
    ),
    Case(
        "strings to tensor",
        lambda: ops.convert_to_tensor(np.array(["a", "b"])),
        dn.DTypeError,
        ("convert_to_tensor", "<U1", "convert the data to numbers"),
    ),
    Case(
        "None to tensor",
        lambda: ops.convert_to_tensor(None),
        dn.DTypeError,
        ("convert_to_tensor", "got NoneType", "np.asarray"),
    ),
    Case("full of a string", lambda: ops.full((2,), "a"), dn.DTypeError, ("convert_to_tensor", "numbers or booleans")),
    Case(
        "embedding float ids",
        lambda: ops.embedding(tensor(X), _ones(5, 2)),
        dn.DTypeError,
        ("embedding", "float32", "dn.ops.cast(ids, 'int64')"),
    ),
    Case(
        "linear sizes",
        lambda: ops.linear(tensor(X), _ones(5, 2)),
        dn.ShapeError,
        ("linear", "kernel (5, 2)", "make the last dimension"),
    ),
    Case(
        "layer_norm scale",
        lambda: ops.layer_norm(tensor(X), scale=_ones(5), offset=_ones(5)),
        dn.ShapeError,
        ("layer_norm", "scale has shape (5,)", "pass a scale of shape (3,)"),
        True,
    ),
    Case(
        "conv channels",
        lambda: ops.conv(tensor(IMAGES), _ones(3, 3, 4, 2)),
        dn.ShapeError,
        ("conv", "3 channels", "in_channels // groups"),
    ),
    Case(
        "max_pool rank", lambda: ops.max_pool(tensor(X), 2), dn.ShapeError, ("max_pool", "(4, 3)", "batch/channel axis")
    ),
    Case("dropout rate", lambda: ops.dropout(tensor(X), 1.5), dn.ArgumentError, ("dropout", "1.5", "e.g. 0.1")),
    Case("norm order", lambda: ops.norm(tensor(X), ord="foo"), dn.ArgumentError, ("norm", "ord='foo'", "'fro'")),
    Case(
        "lstm rank",
        lambda: ops.lstm(tensor(X), _ones(3, 8), _ones(2, 8), _ones(8)),
        dn.ShapeError,
        ("lstm", "rank 3", "batch-first"),
    ),
)


@pytest.mark.parametrize("case", CASES)
def test_op_misuse(backend: str, case: Case) -> None:
    check(case)
