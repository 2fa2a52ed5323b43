"""Stochastic weight averaging against ``torch.optim.swa_utils`` on the same run, on both backends.

``AveragedModel`` (equal weights, ``avg_fn``, ``multi_avg_fn``, ``use_buffers``), ``SWALR``'s rates,
``update_bn``'s statistics; the swap into the trained model, and checkpoints of the averages.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend import registry
from dualnet.backend.dispatch import B
from tests.optim.problems import MLP_X, MLP_Y, assert_close


def _net(norm: bool = False) -> dn.nn.Module:
    dn.seed(3)
    layers: list[Any] = [dn.nn.Dense(6, activation="tanh", in_features=4)]
    if norm:
        layers.append(dn.nn.BatchNorm(num_features=6))
    return dn.nn.Sequential([*layers, dn.nn.Dense(1, in_features=6)])


def _train(model: dn.nn.Module, steps: int, every: int, averagers: list[Any]) -> None:
    """SGD on the MLP data; every ``every`` steps each of ``averagers`` is called (with no argument)."""
    grad = dn.value_and_grad(lambda m, x, y: dn.ops.mean(dn.ops.square(m(x) - y)))
    opt = dn.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    x, y = dn.ops.convert_to_tensor(MLP_X), dn.ops.convert_to_tensor(MLP_Y)
    for step in range(1, steps + 1):
        opt.step(grad(model, x, y)[1])
        if step % every == 0:
            for average in averagers:
                average()


AVERAGING = ["swa", "ema_avg_fn", "ema_multi_avg_fn", "swa_multi_avg_fn", "use_buffers"]


def _averagers(kind: str, torch: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    utils = torch.optim.swa_utils
    ours: dict[str, Any] = {
        "swa": {},
        "ema_avg_fn": {"avg_fn": dn.optim.get_ema_avg_fn(0.8)},
        "ema_multi_avg_fn": {"multi_avg_fn": dn.optim.get_ema_multi_avg_fn(0.8)},
        "swa_multi_avg_fn": {"multi_avg_fn": dn.optim.get_swa_multi_avg_fn()},
        "use_buffers": {"use_buffers": True},
    }
    theirs: dict[str, Any] = {
        "swa": {},
        "ema_avg_fn": {"avg_fn": utils.get_ema_avg_fn(0.8)},
        "ema_multi_avg_fn": {"multi_avg_fn": utils.get_ema_multi_avg_fn(0.8)},
        "swa_multi_avg_fn": {"multi_avg_fn": utils.get_swa_multi_avg_fn()},
        "use_buffers": {"use_buffers": True},
    }
    return ours[kind], theirs[kind]


@pytest.mark.parametrize("kind", AVERAGING)
def test_averaged_model_matches_torch(kind: str) -> None:
    torch = pytest.importorskip("torch")
    dn.set_backend("torch")
    model = _net(norm=kind == "use_buffers")
    ours, theirs = _averagers(kind, torch)
    swa = dn.optim.AveragedModel(model, **ours)
    reference = torch.optim.swa_utils.AveragedModel(model.native(), **theirs)
    _train(model, 30, 5, [lambda: swa.update_parameters(model), lambda: reference.update_parameters(model.native())])
    assert int(dn.ops.to_numpy(swa.n_averaged)) == int(reference.n_averaged) == 6
    got = {k: v for k, v in swa.state_dict().items() if k != "n_averaged"}
    want = {f"module.{k}": v.detach().numpy() for k, v in reference.module.state_dict().items()}
    assert set(got) == set(want)
    assert_close([got[k] for k in want], list(want.values()), 1e-6, kind)
    trained = model.state_dict()["0.kernel"]
    assert not np.allclose(got["module.0.kernel"], trained)  # an average, not a copy of the last weights


def _averaged_run(backend: str) -> dict[str, np.ndarray]:
    dn.set_backend(backend)
    model = _net(norm=True)
    swa = dn.optim.AveragedModel(model, multi_avg_fn=dn.optim.get_ema_multi_avg_fn(0.7), use_buffers=True)
    _train(model, 20, 4, [lambda: swa.update_parameters(model)])
    return swa.state_dict()


@pytest.mark.skipif(not all(registry.is_installed(n) for n in ("torch", "tensorflow")), reason="needs both")
def test_averages_agree_across_backends() -> None:
    on_torch, on_tensorflow = _averaged_run("torch"), _averaged_run("tensorflow")
    assert list(on_torch) == list(on_tensorflow)
    assert_close(list(on_tensorflow.values()), list(on_torch.values()), 1e-5, "AveragedModel")


@pytest.mark.parametrize(
    ("swa_lr", "anneal_epochs", "strategy"), [(0.05, 3, "cos"), ([0.02, 0.3], 4, "linear"), (0.01, 0, "cos")]
)
def test_swalr_sets_torchs_rates(backend: str, swa_lr: Any, anneal_epochs: int, strategy: str) -> None:
    torch = pytest.importorskip("torch")
    ours = [B.variable(np.ones(2, "float32"), True, f"p{i}") for i in range(2)]
    opt = dn.optim.SGD([{"params": ours[:1]}, {"params": ours[1:], "lr": 0.2}], lr=0.5)
    theirs = [torch.nn.Parameter(torch.ones(2)) for _ in range(2)]
    torch_opt = torch.optim.SGD([{"params": theirs[:1]}, {"params": theirs[1:], "lr": 0.2}], lr=0.5)
    schedule = dn.optim.SWALR(opt, swa_lr, anneal_epochs=anneal_epochs, anneal_strategy=strategy)
    reference = torch.optim.swa_utils.SWALR(torch_opt, swa_lr, anneal_epochs=anneal_epochs, anneal_strategy=strategy)
    rates, expected = [schedule.get_last_lr()], [reference.get_last_lr()]
    for _ in range(6):
        opt.step([np.zeros(2, "float32")] * 2)
        torch_opt.step()
        schedule.step()
        reference.step()
        rates.append(schedule.get_last_lr())
        expected.append(reference.get_last_lr())
    np.testing.assert_allclose(rates, expected, rtol=1e-12)
    assert [opt.group_lr(i) for i in range(2)] == pytest.approx(expected[-1], rel=1e-12)
    resumed = dn.optim.SWALR(dn.optim.SGD(ours, lr=0.1), 0.0) if np.ndim(swa_lr) == 0 else None
    if resumed is not None:  # a one-group state loads into a one-group schedule
        with pytest.raises(dn.StateDictError, match=r"2 rates saved for 1 parameter groups"):
            resumed.load_state_dict(schedule.state_dict())


def test_update_bn_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    dn.set_backend("torch")
    model = dn.nn.Sequential([dn.nn.Dense(3, in_features=4), dn.nn.BatchNorm(num_features=3, momentum=0.9)])
    reference = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
    with torch.no_grad():
        reference[0].weight.copy_(model.parameters()[0].T)
        reference[0].bias.copy_(model.parameters()[1])
    rng = np.random.default_rng(0)
    batches = [(rng.standard_normal((8, 4)).astype("float32") + i, np.zeros(8)) for i in range(3)]
    model.eval()
    dn.optim.update_bn(batches, model)
    torch.optim.swa_utils.update_bn([(torch.tensor(x), y) for x, y in batches], reference)
    state = model.state_dict()
    np.testing.assert_allclose(state["1.moving_mean"], reference[1].running_mean.numpy(), rtol=1e-6)
    # torch averages unbiased batch variances, dualnet (as Keras) biased ones: 8 rows per batch
    unbiased = state["1.moving_variance"] * 8 / 7
    np.testing.assert_allclose(unbiased, reference[1].running_var.numpy(), rtol=1e-5)
    bn = model.modules()[2]
    assert bn.momentum == 0.9 and not bn.training  # restored


def test_swapped_into_and_checkpointed(backend: str, tmp_path: Any) -> None:
    model = _net()
    swa = dn.optim.AveragedModel(model)
    _train(model, 12, 3, [lambda: swa.update_parameters(model)])
    x = dn.ops.convert_to_tensor(MLP_X)
    trained, averaged_out = model.state_dict(), dn.ops.to_numpy(swa(x))
    with swa.swapped_into(model):
        np.testing.assert_array_equal(dn.ops.to_numpy(model(x)), averaged_out)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, trained[name])
    path = tmp_path / "swa.safetensors"
    dn.save_checkpoint(path, model=swa)
    fresh = dn.optim.AveragedModel(model)
    dn.load_checkpoint(path, model=fresh)
    assert int(dn.ops.to_numpy(fresh.n_averaged)) == 4
    for a, b in zip(fresh.state_dict().values(), swa.state_dict().values()):
        np.testing.assert_array_equal(a, b)
    swa.update_parameters(model)
    fresh.update_parameters(model)  # resumed: the next average is the same
    np.testing.assert_array_equal(dn.ops.to_numpy(fresh(x)), dn.ops.to_numpy(swa(x)))
    with pytest.raises(dn.ShapeError, match=r"AveragedModel\.update_parameters: the model has"):
        swa.update_parameters(_net(norm=True))
