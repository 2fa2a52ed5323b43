"""The Open Inference Protocol (KServe v2) in process: health, server and model metadata, readiness, infer
with flat and nested data, requested outputs, ``id`` echoed, and the errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.serve import create_app
from tests.serve.conftest import X, dense_model, expected, serving, two_towers

pytestmark = pytest.mark.anyio

INFER = "/v2/models/m/infer"


def tensor(name: str, array: np.ndarray, datatype: str = "FP32", nested: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "shape": list(array.shape),
        "datatype": datatype,
        "data": array.tolist() if nested else array.ravel().tolist(),
    }


async def test_health_and_metadata(backend: str) -> None:
    async with serving(create_app(two_towers(), "m")) as client:
        live = await client.get("/v2/health/live")
        ready = await client.get("/v2/health/ready")
        server = await client.get("/v2")
        model_ready = await client.get("/v2/models/m/versions/1/ready")
        metadata = (await client.get("/v2/models/m")).json()
    assert live.json() == {"live": True} and ready.json() == {"ready": True}
    assert server.json() == {"name": "dualnet", "version": dn.__version__, "extensions": []}
    assert model_ready.status_code == 200 and model_ready.json() == {"name": "m", "ready": True}
    assert metadata == {
        "name": "m",
        "versions": ["1"],
        "platform": f"dualnet_{backend}",
        "inputs": [
            {"name": "image", "datatype": "FP32", "shape": [-1, 2, 2]},
            {"name": "extra", "datatype": "FP32", "shape": [-1, 3]},
        ],
        "outputs": [
            {"name": "logits", "datatype": "FP32", "shape": [-1, 3]},
            {"name": "score", "datatype": "FP32", "shape": [-1]},
        ],
    }


@pytest.mark.parametrize("nested", [False, True], ids=["flat", "nested"])
async def test_infer_returns_flat_outputs_and_echoes_the_id(backend: str, nested: bool) -> None:
    model = dense_model()
    async with serving(create_app(model, "m")) as client:
        response = await client.post(INFER, json={"id": "req-7", "inputs": [tensor("input", X, nested=nested)]})
    body = response.json()
    assert response.status_code == 200
    assert body["model_name"] == "m" and body["model_version"] == "1" and body["id"] == "req-7"
    (output,) = body["outputs"]
    assert output["name"] == "output" and output["datatype"] == "FP32" and output["shape"] == [4, 3]
    np.testing.assert_allclose(np.reshape(output["data"], (4, 3)), expected(model, X), rtol=1e-5, atol=1e-5)


async def test_infer_with_named_inputs_and_requested_outputs(backend: str) -> None:
    model = two_towers()
    image, extra = np.full((2, 2, 2), 0.5, "float32"), np.ones((2, 3), "float32")
    async with serving(create_app(model, "m")) as client:
        every = await client.post(INFER, json={"inputs": [tensor("extra", extra), tensor("image", image)]})
        score = await client.post(
            "/v2/models/m/versions/1/infer",
            json={"inputs": [tensor("image", image), tensor("extra", extra)], "outputs": [{"name": "score"}]},
        )
    want = expected(model, image, extra)
    outputs = {o["name"]: o for o in every.json()["outputs"]}
    assert "id" not in every.json()
    np.testing.assert_allclose(np.reshape(outputs["logits"]["data"], (2, 3)), want["logits"], rtol=1e-5, atol=1e-5)
    assert [o["name"] for o in score.json()["outputs"]] == ["score"]
    np.testing.assert_allclose(score.json()["outputs"][0]["data"], want["score"], rtol=1e-5, atol=1e-5)


BAD = [
    ({"inputs": []}, "non-empty list of tensors"),
    ({"inputs": [{"shape": [1, 5], "datatype": "FP32", "data": [0] * 5}]}, "inputs[0].name: expected a string"),
    ({"inputs": [{"name": "x", "shape": [1, 5], "datatype": "FP32", "data": [0] * 5}]}, "unknown input 'x'"),
    ({"inputs": [{"name": "input", "shape": [1, 5], "datatype": "FP64", "data": [0] * 5}]}, "takes FP32, got 'FP64'"),
    ({"inputs": [{"name": "input", "shape": [1, -5], "datatype": "FP32", "data": [0] * 5}]}, "non-negative ints"),
    ({"inputs": [{"name": "input", "shape": [1, 5], "datatype": "FP32"}]}, "data: missing"),
    ({"inputs": [{"name": "input", "shape": [1, 5], "datatype": "FP32", "data": [0] * 4}]}, "holds 4 values"),
    ({"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "data": [0] * 4}]}, "shape (N, 5), got (1, 4)"),
    ({"inputs": [{"name": "input", "shape": [1, 5], "datatype": "FP32", "data": [[0, 1], [2]]}]}, "ragged"),
    ({"id": 5, "inputs": [{"name": "input", "shape": [1, 5], "datatype": "FP32", "data": [0] * 5}]}, "id: expected"),
    (
        {
            "inputs": [{"name": "input", "shape": [1, 5], "datatype": "FP32", "data": [0] * 5}],
            "outputs": [{"name": "y"}],
        },
        "unknown output 'y'",
    ),
]


@pytest.mark.parametrize(("body", "error"), BAD, ids=[e for _, e in BAD])
async def test_a_bad_infer_request_gets_a_400(backend: str, body: dict[str, Any], error: str) -> None:
    async with serving(create_app(dense_model(), "m")) as client:
        response = await client.post(INFER, json=body)
    assert response.status_code == 400, response.text
    assert error in response.json()["error"]


async def test_integer_inputs_refuse_decimals(backend: str) -> None:
    model = dn.nn.Sequential([dn.nn.Embedding(10, 2), dn.nn.Flatten()])
    model(np.zeros((1, 3), "int64"))
    async with serving(create_app(model, "m")) as client:
        ints = await client.post(INFER, json={"inputs": [tensor("input", np.array([[1, 2, 3]]), "INT64")]})
        floats = await client.post(
            INFER, json={"inputs": [{"name": "input", "shape": [1, 3], "datatype": "INT64", "data": [1.5, 2, 3]}]}
        )
    assert ints.status_code == 200 and ints.json()["outputs"][0]["shape"] == [1, 6]
    assert floats.status_code == 400 and "expected integers for a int64 input" in floats.json()["error"]


async def test_unknown_model_gets_a_404(backend: str) -> None:
    async with serving(create_app(dense_model(), "m")) as client:
        for response in (
            await client.get("/v2/models/other"),
            await client.get("/v2/models/other/ready"),
            await client.get("/v2/models/m/versions/2"),
            await client.post("/v2/models/other/infer", json={}),
        ):
            assert response.status_code == 404
            assert "does not exist" in response.json()["error"]
