"""Gradient clipping: the functions against NumPy, and the optimizers' ``clipnorm`` / ``global_clipnorm`` /
``clipvalue`` arguments against a step on gradients clipped by hand (torch's utilities: tests/optim/test_vs_torch.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet import optim
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError
from tests.helpers import assert_matches_numpy

RNG = np.random.default_rng(3)
ARRAYS = [RNG.standard_normal((3, 4)).astype("float32"), RNG.standard_normal(5).astype("float32") * 3]


def _tensors() -> list[Any]:
    return [B.convert_to_tensor(a) for a in ARRAYS]


def test_clip_by_value(backend: str) -> None:
    clipped = optim.clip_by_value([_tensors()[0], None], 0.5)
    assert clipped[1] is None
    assert_matches_numpy(clipped[0], np.clip(ARRAYS[0], -0.5, 0.5))


def test_clip_by_norm_scales_each_gradient_separately(backend: str) -> None:
    clipped = optim.clip_by_norm([*_tensors(), None], 2.0)
    for got, a in zip(clipped, ARRAYS):
        norm = np.linalg.norm(a)
        assert_matches_numpy(got, a * min(2.0 / (norm + 1e-6), 1.0), rtol=1e-6)
    assert clipped[2] is None
    small = optim.clip_by_norm([B.convert_to_tensor(np.full(4, 0.1, "float32"))], 2.0)[0]
    assert_matches_numpy(small, np.full(4, 0.1, "float32"))


@pytest.mark.parametrize("foreach", [None, False])
def test_clip_by_global_norm(backend: str, foreach: bool | None) -> None:
    joint = np.sqrt(sum(float(np.sum(a.astype("float64") ** 2)) for a in ARRAYS))
    clipped, norm = optim.clip_by_global_norm([None, *_tensors()], 1.5, foreach=foreach)
    assert clipped[0] is None
    assert_matches_numpy(norm, np.float32(joint), rtol=1e-6)
    for got, a in zip(clipped[1:], ARRAYS):
        assert_matches_numpy(got, (a * (1.5 / (joint + 1e-6))).astype("float32"), rtol=1e-6)
    unchanged, _ = optim.clip_by_global_norm(_tensors(), 100.0, foreach=foreach)
    for got, a in zip(unchanged, ARRAYS):
        assert_matches_numpy(got, a)


def test_global_norm_of_mixed_dtypes_and_of_nothing(backend: str) -> None:
    grads = [B.convert_to_tensor(ARRAYS[0]), B.convert_to_tensor(ARRAYS[1].astype("float64"))]
    norm = optim.global_norm(grads)
    want = np.sqrt(np.sum(ARRAYS[0].astype("float64") ** 2) + np.sum(ARRAYS[1].astype("float64") ** 2))
    assert dn.ops.dtype(norm) == "float64"
    np.testing.assert_allclose(dn.ops.to_numpy(norm), want, rtol=1e-6)
    assert float(dn.ops.to_numpy(optim.global_norm([None]))) == 0.0
    clipped, _ = optim.clip_by_global_norm(grads, 1.0)
    assert [dn.ops.dtype(g) for g in clipped] == ["float32", "float64"]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda g: optim.clip_by_value(g, 0), r"clip_by_value\(clip_value=0\): clip_value must be a number > 0"),
        (lambda g: optim.clip_by_norm(g, -1.0), r"clip_by_norm\(max_norm=-1.0\)"),
        (lambda g: optim.clip_by_global_norm(g, float("nan")), r"clip_by_global_norm\(max_norm=nan\)"),
        (lambda g: optim.clip_by_global_norm(g, "1"), r"clip_by_global_norm\(max_norm='1'\)"),
    ],
)
def test_bad_clipping_arguments_raise(backend: str, call: Any, match: str) -> None:
    with pytest.raises(ArgumentError, match=match):
        call(_tensors())


@pytest.mark.parametrize(
    ("option", "clip"),
    [
        ("clipnorm", lambda g: optim.clip_by_norm(g, 0.7)),
        ("global_clipnorm", lambda g: optim.clip_by_global_norm(g, 0.7, foreach=False)[0]),
        ("clipvalue", lambda g: optim.clip_by_value(g, 0.7)),
    ],
)
@pytest.mark.parametrize("foreach", [None, False])
def test_optimizer_clips_before_its_update(backend: str, option: str, clip: Any, foreach: bool | None) -> None:
    params = [B.variable(np.zeros_like(a), True, f"p{i}") for i, a in enumerate(ARRAYS)]
    opt = optim.SGD(params, lr=1.0, foreach=foreach, **{option: 0.7})
    opt.step(_tensors())
    for got, want in zip(params, clip(_tensors())):
        np.testing.assert_allclose(dn.ops.to_numpy(got), -dn.ops.to_numpy(want), rtol=1e-6, atol=1e-7)


def test_only_one_clipping_option(backend: str) -> None:
    params = [B.variable(np.zeros(2, "float32"), True, "p")]
    with pytest.raises(ArgumentError, match="only one of clipnorm, clipvalue and global_clipnorm"):
        optim.Adam(params, clipnorm=1.0, clipvalue=0.5)
    with pytest.raises(ArgumentError, match=r"Adam\(global_clipnorm=0\): global_clipnorm must be a number > 0"):
        optim.Adam(params, global_clipnorm=0)
