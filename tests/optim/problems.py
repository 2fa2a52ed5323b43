"""Fixed problems, optimizer configurations and runners shared by the optimizer tests.

Two problems: a quadratic (gradients in closed form) and a tiny tanh MLP (gradients from
``dn.value_and_grad``). :func:`run` trains with a dualnet optimizer on the active backend;
:func:`run_torch_optim` trains the same problem with ``torch.optim`` (torch backend only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import dualnet as dn
from dualnet import optim
from dualnet.backend.dispatch import B
from dualnet.optim import schedules

# name -> (optimizer class name, keyword arguments); torch.optim takes the same names (Lion excepted).
CONFIGS: dict[str, tuple[str, dict[str, Any]]] = {
    "sgd": ("SGD", {"lr": 0.05}),
    "sgd_momentum_dampening": ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.1}),
    "sgd_nesterov_weight_decay": ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-2}),
    "adam": ("Adam", {"lr": 0.005}),
    "adam_amsgrad_weight_decay": ("Adam", {"lr": 3e-3, "amsgrad": True, "weight_decay": 1e-2, "betas": (0.4, 0.999)}),
    "adamw": ("AdamW", {"lr": 0.005, "weight_decay": 0.1}),
    "adamw_amsgrad": ("AdamW", {"lr": 0.005, "amsgrad": True, "betas": (0.8, 0.99)}),
    "rmsprop": ("RMSprop", {"lr": 2e-3}),
    "rmsprop_centered_momentum_weight_decay": (
        "RMSprop",
        {"lr": 1e-3, "centered": True, "momentum": 0.5, "weight_decay": 1e-2, "eps": 1e-2},
    ),
    "adagrad": ("Adagrad", {"lr": 0.1}),
    "adagrad_options": (
        "Adagrad",
        {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 1e-2, "initial_accumulator_value": 0.1},
    ),
    "lion": ("Lion", {"lr": 2e-3}),
    "lion_weight_decay": ("Lion", {"lr": 2e-3, "weight_decay": 0.5, "betas": (0.95, 0.98)}),
}

_rng = np.random.default_rng(42)
_A = (_rng.standard_normal((6, 5)) / 2).astype("float32")
_B = _rng.standard_normal(6).astype("float32")
_C = _rng.standard_normal((3, 2)).astype("float32")
_D = np.linspace(0.5, 2.0, 6).reshape(3, 2).astype("float32")
QUADRATIC_INIT = [_rng.standard_normal(5).astype("float32"), _rng.standard_normal((3, 2)).astype("float32")]
MLP_X = _rng.standard_normal((16, 4)).astype("float32")
MLP_Y = np.sin(MLP_X @ np.array([1.0, -0.5, 0.3, 0.8], "float32"))[:, None].astype("float32")


class Quadratic:
    """``0.5 |A w - b|^2 + 0.5 sum(d (m - c)^2)`` over ``w (5,)`` and ``m (3, 2)``."""

    def __init__(self) -> None:
        self.params = [B.variable(v.copy(), True, f"q{i}") for i, v in enumerate(QUADRATIC_INIT)]
        self.a, self.b = B.convert_to_tensor(_A), B.convert_to_tensor(_B)
        self.c, self.d = B.convert_to_tensor(_C), B.convert_to_tensor(_D)

    def grads(self) -> list[Any]:
        w, m = self.params
        residual = B.matmul(self.a, w) - self.b
        return [B.matmul(B.transpose(self.a), residual), self.d * (m - self.c)]


class MLP(dn.nn.Module):
    """4 -> 8 (tanh) -> 1: input ``(N, 4)``, output ``(N, 1)``."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = dn.nn.Dense(8, activation="tanh", in_features=4)
        self.out = dn.nn.Dense(1, in_features=8)

    def forward(self, x: Any) -> Any:
        return self.out(self.hidden(x))


def _mse(model: MLP, x: Any, y: Any) -> Any:
    return dn.ops.mean(dn.ops.square(model(x) - y))


_NETWORKS: dict[str, Any] = {}


class Network:
    """The MLP on fixed data, starting from the same weights on every backend (``dn.seed(0)``).

    One model per backend, reset for each run, so its compiled gradient is traced once.
    """

    def __init__(self) -> None:
        backend = dn.backend()
        if backend not in _NETWORKS:
            dn.seed(0)
            model = MLP()
            _NETWORKS[backend] = (model, model.state_dict(), dn.function(dn.value_and_grad(_mse)))
        self.model, initial, self._grad = _NETWORKS[backend]
        self.model.load_state_dict(initial)
        self.params = self.model.parameters()
        self.x, self.y = B.convert_to_tensor(MLP_X), B.convert_to_tensor(MLP_Y)

    def grads(self) -> list[Any]:
        return list(self._grad(self.model, self.x, self.y)[1])


PROBLEMS: dict[str, Callable[[], Any]] = {"quadratic": Quadratic, "mlp": Network}

# name -> (dualnet schedule for a base lr, torch scheduler factory (optimizer, base lr) or None)
SCHEDULES: dict[str, Callable[[float], Any]] = {
    "step": lambda lr: schedules.StepDecay(lr, step_size=50, gamma=0.5),
    "onecycle": lambda lr: schedules.OneCycle(lr, total_steps=200),
    "cosine": lambda lr: schedules.CosineDecay(lr, decay_steps=200, alpha=0.1),
}

# name -> optimizer keyword
CLIPS: dict[str, dict[str, float]] = {
    "global_clipnorm": {"global_clipnorm": 0.3},
    "clipnorm": {"clipnorm": 0.2},
    "clipvalue": {"clipvalue": 0.05},
}


def make_optimizer(config: str, params: list[Any], schedule: str | None = None, **extra: Any) -> optim.Optimizer:
    """The dualnet optimizer of ``config`` over ``params``."""
    name, kwargs = CONFIGS[config]
    kwargs = dict(kwargs)
    if schedule is not None:
        kwargs["lr"] = SCHEDULES[schedule](kwargs["lr"])
    return getattr(optim, name)(params, **kwargs, **extra)  # type: ignore[no-any-return]


def run(
    config: str, problem: str, steps: int = 200, schedule: str | None = None, clip: str | None = None, **extra: Any
) -> list[np.ndarray]:
    """Final parameters after ``steps`` steps of ``config`` on ``problem`` (active backend)."""
    task = PROBLEMS[problem]()
    opt = make_optimizer(config, task.params, schedule, **CLIPS.get(clip or "", {}), **extra)
    for _ in range(steps):
        opt.step(task.grads())
    return [dn.ops.to_numpy(p) for p in task.params]


def assert_close(got: list[np.ndarray], want: list[np.ndarray], rtol: float, what: str) -> None:
    """Every array of ``got`` equals ``want`` to ``rtol``; entries near 0 to ``rtol`` times the largest parameter."""
    scale = max(float(np.max(np.abs(w))) for w in want)
    for i, (g, w) in enumerate(zip(got, want)):
        np.testing.assert_allclose(g, w, rtol=rtol, atol=rtol * scale, err_msg=f"{what}: parameter {i}")
