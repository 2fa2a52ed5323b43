"""Misuse of the Trainer and its callbacks: what fit, evaluate and predict say when data and model disagree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from tests.errors.catalogue import Case, cases, check, mlp

XT = np.random.default_rng(1).standard_normal((16, 3)).astype("float32")
YT = np.random.default_rng(2).standard_normal((16, 2)).astype("float32")
cb = dn.callbacks


def _trainer(**kwargs: Any) -> dn.Trainer:
    model = mlp()
    return dn.Trainer(model, dn.optim.SGD(model.parameters(), lr=0.01), "mse", **kwargs)


def _fit(x: Any, y: Any = YT, **kwargs: Any) -> None:
    _trainer().fit(x, y, epochs=1, batch_size=8, verbose=0, **kwargs)


CASES = cases(
    Case(
        "features the model was not built for",
        lambda: _fit(np.ones((16, 5), "float32")),
        dn.ShapeError,
        ("layer '0' (Dense)", "last dimension 3", "3 features"),
    ),
    Case(
        "targets of another shape",
        lambda: _fit(XT, np.ones((16, 3), "float32")),
        dn.ShapeError,
        ("MeanSquaredError", "(8, 3)", "y[:, None]"),
    ),
    Case(
        "predict with other features",
        lambda: _trainer().predict(np.ones((4, 7), "float32")),
        dn.ShapeError,
        ("layer '0' (Dense)", "(4, 7)"),
    ),
    Case(
        "evaluate with other targets",
        lambda: _trainer().evaluate(XT, np.ones((16, 4), "float32")),
        dn.ShapeError,
        ("MeanSquaredError", "(16, 4)"),
    ),
    Case(
        "x as two inputs for a one-input model",
        lambda: _fit((XT, XT)),
        dn.ArgumentError,
        ("a tuple of 2 inputs", "Sequential.forward", "match the signature"),
        True,
    ),
    Case("x as a dict for a tensor model", lambda: _fit({"a": XT}), dn.DTypeError, ("convert_to_tensor", "got dict")),
    Case("string targets", lambda: _fit(XT, np.array(["a"] * 16)), dn.ArgumentError, ("y:", "<U1", "integer labels")),
    Case("a file name as data", lambda: _fit("data.csv"), dn.ArgumentError, ("x:", "got str", "np.asarray")),
    Case("unknown precision", lambda: _trainer(precision="fp8"), dn.ArgumentError, ("precision='fp8'", "'bf16-mixed'")),
    Case(
        "grad_accumulation",
        lambda: _trainer(grad_accumulation=0),
        dn.ArgumentError,
        ("grad_accumulation=0", "grad_accumulation=4"),
    ),
    Case(
        "loss keyed by outputs a model lacks",
        lambda: dn.Trainer(mlp(), dn.optim.SGD(mlp().parameters()), {"a": "mse"}).fit(XT, YT, verbose=0),
        dn.ArgumentError,
        ("keys ['a'] name no output", "key loss by the output names"),
    ),
    Case(
        "custom step without a dict",
        lambda: dn.Trainer(mlp(), step_fn=lambda t, b: 3.0).fit(XT, YT, verbose=0),
        dn.ArgumentError,
        ("train step must return a dict", "{'loss': loss}"),
    ),
    Case(
        "class_weight as a list",
        lambda: _fit(XT, YT, class_weight=[1, 2]),
        dn.ArgumentError,
        ("class_weight=[1, 2]", "{0: 1.0, 1: 5.0}"),
    ),
    Case(
        "check_numerics flag",
        lambda: _trainer(check_numerics=1),
        dn.ArgumentError,
        ("check_numerics=1", "True or False"),
    ),
    Case(
        "EarlyStopping mode", lambda: cb.EarlyStopping(mode="upward"), dn.ArgumentError, ("mode='upward'", "mode='min'")
    ),
    Case(
        "ReduceLROnPlateau factor",
        lambda: cb.ReduceLROnPlateau(factor=1.5),
        dn.ArgumentError,
        ("factor=1.5", "factor=0.5"),
    ),
    Case(
        "LearningRateScheduler function",
        lambda: cb.LearningRateScheduler(3),
        dn.ArgumentError,
        ("schedule=3", "lambda epoch, lr"),
    ),  # type: ignore[arg-type]
    Case(
        "schedule returning a string",
        lambda: _fit(XT, callbacks=[cb.LearningRateScheduler(lambda e, lr: "fast")]),
        dn.ArgumentError,
        ("returned 'fast' at epoch 0", "finite number"),
    ),
    Case(
        "LambdaCallback hook",
        lambda: cb.LambdaCallback(on_epoch_finish=print),
        dn.ArgumentError,
        ("on_epoch_finish", "use one of on_train_begin"),
    ),
    Case(
        "TensorBoard update_freq",
        lambda: cb.TensorBoard("logs", update_freq="often"),
        dn.ArgumentError,
        ("update_freq='often'", "'epoch'"),
    ),
)


@pytest.mark.parametrize("case", CASES)
def test_trainer_misuse(backend: str, case: Case) -> None:
    check(case)


def test_csv_logger_into_a_folder(backend: str, tmp_path: Path) -> None:
    check(
        Case(
            "CSVLogger path is a folder",
            lambda: _fit(XT, callbacks=[cb.CSVLogger(tmp_path)]),
            dn.DualnetError,
            (f"CSVLogger: cannot open '{tmp_path}'", "check that the folder is writable"),
            wrapped=True,
        )
    )


def test_resume_from_a_missing_checkpoint(backend: str, tmp_path: Path) -> None:
    missing = tmp_path / "run.ckpt"
    check(
        Case(
            "resume_from",
            lambda: _fit(XT, resume_from=missing),
            dn.DualnetError,
            (f"'{missing}' does not exist", "check the path"),
        )
    )
