"""The optimizers of torch.optim and Keras beyond the first six: configurations and memoised runs.

Each configuration runs the shared problems of :mod:`tests.optim.problems` from the same initial
weights; a run is computed once per pytest process (``run``) and shared by the tests that compare
it with ``torch.optim`` (torch backend), with Keras (TensorFlow backend) and across backends.
A ``maximize`` configuration is fed the negated gradients, so it still descends the problem.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

import dualnet as dn
from dualnet import optim
from tests.optim.problems import PROBLEMS

# name -> (dualnet class, keyword arguments, problems it runs on)
BOTH = ("quadratic", "mlp")
QUADRATIC = ("quadratic",)
CONFIGS: dict[str, tuple[str, dict[str, Any], tuple[str, ...]]] = {
    "nadam": ("NAdam", {"lr": 0.01}, BOTH),
    "nadamw_maximize": (
        "NAdam",
        {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True, "momentum_decay": 0.01, "maximize": True},
        QUADRATIC,
    ),
    "nadam_keras_name": ("Nadam", {"lr": 0.005, "eps": 1e-7, "weight_decay": 0.01}, QUADRATIC),
    "radam": ("RAdam", {"lr": 0.01, "weight_decay": 0.01}, BOTH),
    "radamw_maximize": (
        "RAdam",
        {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True},
        QUADRATIC,
    ),
    "adamax": ("Adamax", {"lr": 0.01, "weight_decay": 0.01}, BOTH),
    "adamax_maximize": ("Adamax", {"lr": 0.02, "betas": (0.8, 0.99), "maximize": True}, QUADRATIC),
    "adadelta": ("Adadelta", {"lr": 0.5, "weight_decay": 0.01}, BOTH),
    "adadelta_maximize": ("Adadelta", {"lr": 1.0, "rho": 0.8, "maximize": True}, QUADRATIC),
    "adafactor": ("Adafactor", {"lr": 0.01}, BOTH),
    "adafactor_options": (
        "Adafactor",
        {"lr": 5e-3, "eps": (1e-3, 1e-3), "d": 1.5, "weight_decay": 0.05, "beta2_decay": -0.6, "maximize": True},
        QUADRATIC,
    ),
    "asgd": ("ASGD", {"lr": 0.02, "t0": 50, "lambd": 1e-3}, BOTH),
    "asgd_options": (
        "ASGD",
        {"lr": 0.02, "weight_decay": 0.01, "alpha": 0.5, "t0": 20, "maximize": True},
        QUADRATIC,
    ),
    "rprop": ("Rprop", {"lr": 0.01}, BOTH),
    "rprop_options": (
        "Rprop",
        {"lr": 0.02, "etas": (0.4, 1.1), "step_sizes": (1e-4, 0.1), "maximize": True},
        QUADRATIC,
    ),
    "sgd_maximize": ("SGD", {"lr": 0.05, "momentum": 0.9, "maximize": True}, QUADRATIC),
    "adam_decoupled_maximize": (
        "Adam",
        {"lr": 0.005, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True},
        QUADRATIC,
    ),
    "adamw_maximize": ("AdamW", {"lr": 0.005, "amsgrad": True, "maximize": True}, QUADRATIC),
    "adagrad_maximize": ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "maximize": True}, QUADRATIC),
    "rmsprop_maximize": ("RMSprop", {"lr": 2e-3, "centered": True, "maximize": True}, QUADRATIC),
    # Keras's algorithms (torch has none): compared with keras.optimizers
    "lamb": ("Lamb", {"lr": 2e-3}, BOTH),
    "lamb_weight_decay": ("Lamb", {"lr": 0.01, "weight_decay": 0.05, "betas": (0.8, 0.99)}, QUADRATIC),
    "ftrl": ("Ftrl", {"lr": 0.1}, BOTH),
    "ftrl_regularized": (
        "Ftrl",
        {
            "lr": 0.2,
            "lr_power": -0.7,
            "l1_regularization_strength": 0.01,
            "l2_regularization_strength": 0.02,
            "l2_shrinkage_regularization_strength": 0.03,
            "beta": 0.1,
        },
        QUADRATIC,
    ),
}
KERAS_ONLY = ("Lamb", "Ftrl")


def cases(*, keras: bool | None = None) -> list[tuple[str, str]]:
    """``(config, problem)`` pairs; ``keras=True`` only Keras's algorithms, ``False`` only torch's."""
    pairs = []
    for name, (cls, _, problems) in CONFIGS.items():
        if keras is None or (cls in KERAS_ONLY) == keras:
            pairs += [(name, problem) for problem in problems]
    return pairs


def make(config: str, params: list[Any], **extra: Any) -> optim.Optimizer:
    """The dualnet optimizer of ``config`` over ``params``; ``extra`` adds or replaces keyword arguments."""
    cls, kwargs, _ = CONFIGS[config]
    return getattr(optim, cls)(params, **{**kwargs, **extra})  # type: ignore[no-any-return]


def sign(config: str) -> float:
    """-1 for a ``maximize`` configuration: its gradients are negated, so that it descends the problem."""
    return -1.0 if CONFIGS[config][1].get("maximize") else 1.0


@cache
def run(config: str, problem: str, backend: str, steps: int) -> tuple[np.ndarray, ...]:
    """Final parameters after ``steps`` eager steps of ``config`` on ``problem`` with dualnet on ``backend``."""
    dn.set_backend(backend)
    task = PROBLEMS[problem]()
    opt, factor = make(config, task.params), sign(config)
    for _ in range(steps):
        opt.step([factor * g for g in task.grads()])
    return tuple(dn.ops.to_numpy(p) for p in task.params)


@cache
def run_torch_optim(config: str, problem: str, steps: int) -> tuple[np.ndarray, ...]:
    """``run(config, problem, "torch", steps)`` with ``torch.optim`` doing the updates."""
    import torch

    dn.set_backend("torch")
    task = PROBLEMS[problem]()
    cls, kwargs, _ = CONFIGS[config]
    opt = getattr(torch.optim, "NAdam" if cls == "Nadam" else cls)(task.params, **kwargs)
    factor = sign(config)
    for _ in range(steps):
        for p, g in zip(task.params, task.grads()):
            p.grad = factor * g
        opt.step()
    return tuple(p.detach().numpy().copy() for p in task.params)


KERAS_NAMES = {"lr": "learning_rate", "lr_power": "learning_rate_power", "eps": "epsilon"}


def keras_optimizer(config: str, **extra: Any) -> Any:
    """Keras's optimizer for ``config`` (Keras's argument names), for the TensorFlow backend."""
    import keras

    cls, kwargs, _ = CONFIGS[config]
    args = {KERAS_NAMES.get(k, k): v for k, v in kwargs.items()}
    if "betas" in args:
        args["beta_1"], args["beta_2"] = args.pop("betas")
    return getattr(keras.optimizers, cls)(**args, **extra)


def run_keras(opt: Any, problem: str, steps: int) -> tuple[list[np.ndarray], Any]:
    """Train ``problem`` with the Keras optimizer ``opt`` on Keras variables; ``(final values, variables)``."""
    import keras
    import tensorflow as tf

    from dualnet.backend.dispatch import B

    dn.set_backend("tensorflow")
    task = PROBLEMS[problem]()
    variables = [keras.Variable(dn.ops.to_numpy(p)) for p in task.params]
    opt.build(variables)
    apply = tf.function(lambda grads: opt.apply(grads, variables))  # compiled, as Keras's fit runs it
    for _ in range(steps):
        for p, v in zip(task.params, variables):  # the problem's gradients at Keras's values
            B.assign(p, v.value)
        apply(task.grads())
    return [np.asarray(v.numpy()) for v in variables], variables
