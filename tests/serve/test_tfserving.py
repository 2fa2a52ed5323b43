"""TF Serving's REST API in process: predict in row and columnar format, named inputs and outputs, status,
metadata, and every kind of bad request answered with a 400/404/405/413 JSON error."""

from __future__ import annotations

import numpy as np
import pytest

from dualnet.serve import create_app
from tests.serve.conftest import X, dense_model, expected, pair, serving, two_towers

pytestmark = pytest.mark.anyio

PREDICT = "/v1/models/m:predict"


async def test_row_format_returns_predictions_per_instance(backend: str) -> None:
    model = dense_model()
    async with serving(create_app(model, "m")) as client:
        response = await client.post(PREDICT, json={"instances": X.tolist()})
        versioned = await client.post("/v1/models/m/versions/1:predict", json={"instances": X[:1].tolist()})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert list(response.json()) == ["predictions"]
    np.testing.assert_allclose(response.json()["predictions"], expected(model, X), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(versioned.json()["predictions"], expected(model, X[:1]), rtol=1e-5, atol=1e-5)


async def test_columnar_format_returns_outputs(backend: str) -> None:
    model = dense_model()
    async with serving(create_app(model, "m")) as client:
        unnamed = await client.post(PREDICT, json={"inputs": X.tolist(), "signature_name": "serving_default"})
        named = await client.post(PREDICT, json={"inputs": {"input": X.tolist()}})
        named_rows = await client.post(PREDICT, json={"instances": [{"input": row} for row in X.tolist()]})
    for body in (unnamed.json()["outputs"], named.json()["outputs"], named_rows.json()["predictions"]):
        np.testing.assert_allclose(body, expected(model, X), rtol=1e-5, atol=1e-5)


async def test_named_inputs_and_outputs(backend: str) -> None:
    model = two_towers()
    image = np.arange(3 * 4, dtype="float32").reshape(3, 2, 2) / 10
    extra = np.ones((3, 3), "float32")
    want = expected(model, image, extra)
    instances = [{"image": i.tolist(), "extra": e.tolist()} for i, e in zip(image, extra)]
    async with serving(create_app(model, "m")) as client:
        rows = (await client.post(PREDICT, json={"instances": instances})).json()["predictions"]
        columns = await client.post(PREDICT, json={"inputs": {"extra": extra.tolist(), "image": image.tolist()}})
    # Row format: one object per instance; columnar: one object of whole tensors (TF Serving's shapes).
    assert len(rows) == 3 and all(set(row) == {"logits", "score"} for row in rows)
    np.testing.assert_allclose([row["logits"] for row in rows], want["logits"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose([row["score"] for row in rows], want["score"], rtol=1e-5, atol=1e-5)
    outputs = columns.json()["outputs"]
    np.testing.assert_allclose(outputs["logits"], want["logits"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(outputs["score"], want["score"], rtol=1e-5, atol=1e-5)


async def test_tuple_outputs_are_named_by_position(backend: str) -> None:
    model = pair()
    async with serving(create_app(model, "m")) as client:
        outputs = (await client.post(PREDICT, json={"inputs": X.tolist()})).json()["outputs"]
    first, second = expected(model, X)
    np.testing.assert_allclose(outputs["output_0"], first, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(outputs["output_1"], second, rtol=1e-5, atol=1e-5)


async def test_status_and_metadata(backend: str) -> None:
    async with serving(create_app(two_towers(), "towers")) as client:
        status = (await client.get("/v1/models/towers")).json()
        metadata = (await client.get("/v1/models/towers/versions/1/metadata")).json()
    assert status == {
        "model_version_status": [
            {"version": "1", "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}
        ]
    }
    assert metadata["model_spec"] == {"name": "towers", "signature_name": "", "version": "1"}
    signature = metadata["metadata"]["signature_def"]["signature_def"]["serving_default"]
    assert signature["method_name"] == "tensorflow/serving/predict"
    image = signature["inputs"]["image"]
    assert image["dtype"] == "DT_FLOAT" and image["tensor_shape"]["unknown_rank"] is False
    assert [d["size"] for d in image["tensor_shape"]["dim"]] == ["-1", "2", "2"]
    assert [d["size"] for d in signature["outputs"]["score"]["tensor_shape"]["dim"]] == ["-1"]
    assert list(signature["inputs"]) == ["image", "extra"] and list(signature["outputs"]) == ["logits", "score"]


BAD_BODIES = [
    (b"{", "not valid JSON"),
    (b"[1, 2]", "expected a JSON object"),
    (b'{"instances": [[1, 2, 3, 4, 5]], "inputs": [[1, 2, 3, 4, 5]]}', "exactly one of 'instances'"),
    (b'{"signature_name": "other", "instances": [[1, 2, 3, 4, 5]]}', "'other' is not a signature"),
    (b'{"instances": []}', "non-empty list"),
    (b'{"instances": [[1, 2, 3, 4, 5], [1, 2, 3]]}', "ragged: row 1 has 3 elements but row 0 has 5"),
    (b'{"instances": [[1, 2, 3, 4]]}', "each instance must have shape (5,), got (4,)"),
    (b'{"instances": [[1, 2, 3, 4, "x"]]}', "element [0][4] is 'x', not a number"),
    (b'{"instances": [[true, false, true, true, true]]}', "expected numbers for a float32 input, got booleans"),
    (b'{"instances": [{"input": [1, 2, 3, 4, 5]}, [1, 2, 3, 4, 5]]}', "same form"),
    (b'{"instances": [{"inpt": [1, 2, 3, 4, 5]}]}', "unknown input 'inpt'"),
    (b'{"instances": [{}]}', "missing input 'input'"),
    (b'{"inputs": [1, 2, 3, 4, 5]}', "the tensor must have shape (N, 5), got (5,)"),
    (b'{"inputs": [[null, 2, 3, 4, 5]]}', "element [0][0] is None"),
]


@pytest.mark.parametrize(("body", "error"), BAD_BODIES, ids=[e for _, e in BAD_BODIES])
async def test_a_bad_request_gets_a_400_naming_the_problem(backend: str, body: bytes, error: str) -> None:
    async with serving(create_app(dense_model(), "m")) as client:
        response = await client.post(PREDICT, content=body)
        after = await client.post(PREDICT, json={"instances": X[:1].tolist()})
    assert response.status_code == 400, response.text
    assert error in response.json()["error"]
    assert after.status_code == 200  # the server goes on serving


async def test_named_input_errors_name_the_inputs(backend: str) -> None:
    async with serving(create_app(two_towers(), "m")) as client:
        unnamed = await client.post(PREDICT, json={"instances": [[1.0]]})
        columns = await client.post(PREDICT, json={"inputs": [[1.0]]})
        batches = await client.post(
            PREDICT, json={"inputs": {"image": np.zeros((2, 2, 2)).tolist(), "extra": np.zeros((3, 3)).tolist()}}
        )
    assert unnamed.status_code == columns.status_code == batches.status_code == 400
    assert "several inputs ['image', 'extra']" in unnamed.json()["error"]
    assert "must be an object {input_name: tensor}" in columns.json()["error"]
    assert "same batch size" in batches.json()["error"]


async def test_unknown_model_version_and_endpoint_get_404(backend: str) -> None:
    async with serving(create_app(dense_model(), "m")) as client:
        other = await client.post("/v1/models/other:predict", json={"instances": X.tolist()})
        version = await client.get("/v1/models/m/versions/7")
        label = await client.get("/v1/models/m/labels/stable/metadata")
        no_verb = await client.post("/v1/models/m", json={})
        nowhere = await client.get("/v3/anything")
        classify = await client.post("/v1/models/m:classify", json={})
        get_predict = await client.get(PREDICT)
    assert other.status_code == 404 and other.json()["error"].startswith(
        "Servable not found for request: Latest(other)"
    )
    assert version.status_code == 404 and "Specific(m, 7)" in version.json()["error"]
    assert label.status_code == 404 and "Labeled(m, stable)" in label.json()["error"]
    assert no_verb.status_code == 404 and ":predict" in no_verb.json()["error"]
    assert nowhere.status_code == 404 and "no such endpoint" in nowhere.json()["error"]
    assert classify.status_code == 400 and ":predict only" in classify.json()["error"]
    assert get_predict.status_code == 405 and "use POST" in get_predict.json()["error"]


async def test_a_body_over_the_limit_gets_a_413(backend: str) -> None:
    async with serving(create_app(dense_model(), "m", max_body_bytes=200)) as client:
        declared = await client.post(PREDICT, json={"instances": np.zeros((20, 5)).tolist()})

        async def chunks():  # no Content-Length: the limit applies while the body streams in
            for _ in range(10):
                yield b" " * 50

        streamed = await client.post(PREDICT, content=chunks())
        small = await client.post(PREDICT, json={"instances": X[:1].tolist()})
    for response in (declared, streamed):
        assert response.status_code == 413 and "limit of 200 bytes" in response.json()["error"]
    assert small.status_code == 200


async def test_non_finite_values_travel_as_tf_serving_writes_them(backend: str) -> None:
    async with serving(create_app(dense_model(), "m")) as client:
        response = await client.post(PREDICT, content=b'{"instances": [[NaN, 1, 2, 3, Infinity]]}')
    assert response.status_code == 200
    assert "NaN" in response.text
