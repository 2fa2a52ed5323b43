"""``create_app``'s arguments and the models it refuses, each with a dualnet error; eval mode for serving."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.serve import create_app
from tests.serve.conftest import X, dense_model, expected, serving

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"name": ""}, "non-empty string without '/' or ':'"),
        ({"name": "a/b"}, "non-empty string without '/' or ':'"),
        ({"max_batch_size": 0}, "max_batch_size=0): max_batch_size must be a positive int"),
        ({"max_queue_size": True}, "max_queue_size=True): max_queue_size must be a positive int"),
        ({"max_body_bytes": 0}, "max_body_bytes=0)"),
        ({"batch_timeout_ms": -1}, "batch_timeout_ms=-1): batch_timeout_ms must be"),
        ({"batch_timeout_ms": float("nan")}, "batch_timeout_ms=nan)"),
    ],
)
def test_bad_arguments_raise_argument_error(backend: str, kwargs: dict[str, Any], error: str) -> None:
    with pytest.raises(dn.ArgumentError, match=re.escape(error)):
        create_app(dense_model(), **kwargs)


def test_not_a_module_is_refused(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"model must be a dn\.nn\.Module"):
        create_app(lambda x: x)  # type: ignore[arg-type]


def test_a_model_never_called_has_no_signature(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match="input signature is unknown"):
        create_app(dn.nn.Dense(3, in_features=5))


class BatchMean(dn.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = dn.nn.Dense(2)

    def forward(self, x: Any) -> Any:
        return dn.ops.mean(self.fc(x), axis=0)


class Words(dn.nn.Module):
    def forward(self, x: Any) -> Any:
        return "not a tensor"


@pytest.mark.parametrize(
    ("make", "error"),
    [(BatchMean, "must have the batch as its first dimension"), (Words, "output 'output' is a str")],
    ids=["no-batch-dimension", "not-a-tensor"],
)
def test_outputs_that_cannot_be_served_are_refused(backend: str, make: type[dn.nn.Module], error: str) -> None:
    model = make()
    if isinstance(model, BatchMean):
        model(X[:1])
    else:
        model._input_spec = [((1, 5), "float32")]  # type: ignore[attr-defined]  # as if called once
    with pytest.raises(dn.UnsupportedError, match=error):
        create_app(model)


async def test_the_model_is_served_in_eval_mode(backend: str) -> None:
    model = dn.nn.Sequential([dn.nn.Dense(8), dn.nn.Dropout(0.5), dn.nn.Dense(2)])
    model(X[:1])
    model.train()
    app = create_app(model, "m")
    assert not model.training
    async with serving(app) as client:
        first = (await client.post("/v1/models/m:predict", json={"instances": X.tolist()})).json()
        second = (await client.post("/v1/models/m:predict", json={"instances": X.tolist()})).json()
    assert first == second
    np.testing.assert_allclose(first["predictions"], expected(model, X), rtol=1e-5, atol=1e-5)
