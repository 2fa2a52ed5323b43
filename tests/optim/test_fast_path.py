"""The backends' fast paths (torch ``_foreach``, one compiled TF update) give the reference path's numbers.

Also: a compiled step (``dn.function``) gives the eager numbers, and ``foreach=False`` forces the reference.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet import optim
from dualnet.backend.dispatch import B
from tests.optim.problems import CLIPS, CONFIGS, Quadratic, assert_close, make_optimizer, run


@pytest.mark.parametrize("config", list(CONFIGS))
def test_fast_path_matches_reference(backend: str, config: str) -> None:
    fast = run(config, "quadratic", steps=25, foreach=None)
    reference = run(config, "quadratic", steps=25, foreach=False)
    assert_close(fast, reference, 1e-6, config)


@pytest.mark.parametrize("clip", ["global_clipnorm", "clipnorm", "clipvalue"])
def test_fast_path_with_clipping_matches_reference(backend: str, clip: str) -> None:
    fast = run("adam", "mlp", steps=25, clip=clip)  # the MLP: four parameters of three shapes
    reference = run("adam", "mlp", steps=25, clip=clip, foreach=False)
    assert_close(fast, reference, 1e-6, clip)


def test_fused_global_norm_matches_reference(backend: str) -> None:
    rng = np.random.default_rng(0)
    grads = [B.convert_to_tensor(rng.standard_normal(s).astype("float32")) for s in [(3, 4), (4,), (2, 2, 2)]]
    fast, fast_norm = optim.clip_by_global_norm([grads[0], None, *grads[1:]], 0.5)
    ref, ref_norm = optim.clip_by_global_norm([grads[0], None, *grads[1:]], 0.5, foreach=False)
    assert fast[1] is None and ref[1] is None
    np.testing.assert_allclose(dn.ops.to_numpy(fast_norm), dn.ops.to_numpy(ref_norm), rtol=1e-6)
    for f, r in zip(fast[::2] + fast[3:], ref[::2] + ref[3:]):
        np.testing.assert_allclose(dn.ops.to_numpy(f), dn.ops.to_numpy(r), rtol=1e-6, atol=1e-7)


def test_foreach_false_never_calls_the_fast_path(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("fast path used")

    monkeypatch.setitem(B.__dict__, "optim_fused", fail)
    monkeypatch.setitem(B.__dict__, "optim_clip_by_global_norm", fail)
    task = Quadratic()
    opt = make_optimizer("adam", task.params, foreach=False, global_clipnorm=1.0)
    opt.step(task.grads())
    with pytest.raises(AssertionError, match="fast path used"):
        make_optimizer("adam", Quadratic().params).step(task.grads())


def test_fast_path_skips_parameters_without_gradients(backend: str) -> None:
    task = Quadratic()
    before = dn.ops.to_numpy(task.params[1])
    opt = make_optimizer("adam", task.params)
    for _ in range(3):
        opt.step([task.grads()[0], None])
    np.testing.assert_array_equal(dn.ops.to_numpy(task.params[1]), before)
    np.testing.assert_array_equal(dn.ops.to_numpy(opt.state[1]["exp_avg"]), np.zeros((3, 2), "float32"))
    assert not np.allclose(dn.ops.to_numpy(task.params[0]), dn.ops.to_numpy(Quadratic().params[0]))


@pytest.mark.parametrize(
    ("config", "extra"),
    [
        ("sgd_momentum_dampening", {"schedule": "step"}),
        ("adam_amsgrad_weight_decay", {"schedule": "onecycle", "clip": "global_clipnorm"}),
        ("adamw", {"schedule": "cosine"}),
        ("rmsprop_centered_momentum_weight_decay", {"clip": "clipnorm"}),
        ("adagrad_options", {"clip": "clipvalue"}),
        ("lion_weight_decay", {}),
    ],
)
def test_compiled_step_matches_eager(backend: str, config: str, extra: dict[str, Any], monkeypatch: Any) -> None:
    """On TensorFlow the step runs inside ``dn.function``; on torch the traced code path runs eagerly
    (``torch.compile`` would take seconds per case; tests/test_autograd.py compiles a training step)."""
    eager_task, traced_task = Quadratic(), Quadratic()
    schedule, clip = extra.get("schedule"), CLIPS.get(extra.get("clip", ""), {})
    eager = make_optimizer(config, eager_task.params, schedule, **clip)
    traced = make_optimizer(config, traced_task.params, schedule, **clip)
    if backend == "torch":
        monkeypatch.setitem(B.__dict__, "is_tracing", lambda: True)
        step = traced.step
    else:
        step = dn.function(traced.step)
    for i in range(30):
        eager.step(eager_task.grads())
        step(traced_task.grads())
        if i == 14 and schedule is None:  # a new learning rate reaches the compiled step
            eager.lr = traced.lr = eager.lr / 2
    assert traced.iterations == eager.iterations == 30
    got = [dn.ops.to_numpy(p) for p in traced_task.params]
    assert_close(got, [dn.ops.to_numpy(p) for p in eager_task.params], 1e-6, config)
