"""Crafted safetensors files: every defect is a WeightsFileError naming the file and the tensor, with bounded memory."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from safetensors.numpy import save as save_tensors

import dualnet as dn
from dualnet.errors import WeightsFileError
from dualnet.io import load, load_checkpoint, load_state
from dualnet.io.header import MAX_HEADER, read_header

F32 = {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}


def _crafted(path: Path, header: Any, body: bytes = b"\0" * 8) -> Path:
    """A file with ``header`` (a dict to dump as JSON, or raw bytes) and ``body``; the length field is honest."""
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    path.write_bytes(len(raw).to_bytes(8, "little") + raw + body)
    return path


# name -> (header, body, what the message must say)
CASES: dict[str, tuple[Any, bytes, str]] = {
    "invalid JSON": (b'{"a": {"dtype": "F32",', b"", "not valid JSON"),
    "not UTF-8": (b'{"\xff\xfe": 1}', b"", "not valid JSON"),
    "JSON array": (b"[1, 2, 3]", b"", "not a JSON object but a list"),
    "NaN in JSON": (b'{"a": {"dtype": "F32", "shape": [NaN], "data_offsets": [0, 0]}}', b"", "NaN is not valid JSON"),
    "deeply nested JSON": (b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", b"", "not valid JSON"),
    "duplicate tensor key": (b'{"a": %s, "a": %s}' % ((json.dumps(F32).encode(),) * 2), b"\0" * 8, "'a' appears twice"),
    "duplicate metadata key": (b'{"__metadata__": {"k": "1", "k": "2"}}', b"", "'k' appears twice"),
    "metadata not strings": ({"__metadata__": {"k": 1}}, b"", "must map strings to strings"),
    "unknown dtype": ({"w": {**F32, "dtype": "F8_E4M3"}}, b"\0" * 8, "tensor 'w': unknown dtype 'F8_E4M3'"),
    "object dtype": ({"w": {**F32, "dtype": "O"}}, b"\0" * 8, "tensor 'w': unknown dtype 'O'"),
    "negative dimension": ({"w": {**F32, "shape": [-2]}}, b"\0" * 8, r"tensor 'w': shape \[-2\] is not"),
    "float dimension": ({"w": {**F32, "shape": [2.0]}}, b"\0" * 8, r"tensor 'w': shape \[2.0\] is not"),
    "bool dimension": ({"w": {**F32, "shape": [True, 2]}}, b"\0" * 8, "tensor 'w': shape .* is not"),
    "rank 100": ({"w": {**F32, "shape": [1] * 100}}, b"\0" * 8, "at most 32"),
    "huge shape": ({"w": {**F32, "shape": [2**40, 2**40]}}, b"\0" * 8, r"needs 4835703278458516698824704 bytes"),
    "shape and offsets disagree": ({"w": {**F32, "shape": [3]}}, b"\0" * 8, r"shape \[3\] of F32 needs 12 bytes"),
    "offsets past the end": ({"w": {**F32, "shape": [4], "data_offsets": [0, 16]}}, b"\0" * 8, "truncated body"),
    "offsets reversed": ({"w": {**F32, "data_offsets": [8, 0]}}, b"\0" * 8, r"\[8, 0\] end before they begin"),
    "offsets not ints": ({"w": {**F32, "data_offsets": [0, "8"]}}, b"\0" * 8, "data_offsets .* is not"),
    "overlapping tensors": (
        {"a": F32, "b": {**F32, "data_offsets": [4, 12]}},
        b"\0" * 12,
        r"tensor 'b': data_offsets \[4, 12\] overlaps",
    ),
    "gap between tensors": (
        {"a": F32, "b": {**F32, "data_offsets": [12, 20]}},
        b"\0" * 20,
        r"tensor 'b': data_offsets \[12, 20\] leaves a gap",
    ),
    "trailing data": ({"w": F32}, b"\0" * 12, "tensors cover only 8"),
    "missing key": ({"w": {"dtype": "F32", "shape": [2]}}, b"\0" * 8, "tensor 'w': expected the keys"),
    "extra key": ({"w": {**F32, "code": "os.system"}}, b"\0" * 8, "tensor 'w': expected the keys"),
    "entry not an object": ({"w": "F32"}, b"", "tensor 'w': expected the keys"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_crafted_header_is_a_weights_file_error(backend: str, tmp_path: Path, case: str) -> None:
    header, body, message = CASES[case]
    path = _crafted(tmp_path / "crafted.safetensors", header, body)
    model = dn.nn.Dense(2, in_features=1)
    before = model.state_dict()
    # Every reader validates the same way: plain weights, checkpoints, whole models.
    for read in (model.load_weights, lambda p: load_checkpoint(p, model=model), load):
        with pytest.raises(WeightsFileError, match=message) as caught:
            read(path)
        assert str(path) in str(caught.value) and "use an intact copy" in str(caught.value)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


def test_header_length_beyond_the_file(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    path.write_bytes((2**63).to_bytes(8, "little") + b"{}")
    with pytest.raises(WeightsFileError, match="length field says 9223372036854775808 bytes but only 2 follow"):
        load_state(path)


def _peak_bytes(fn: Any) -> int:
    tracemalloc.start()
    try:
        fn()
    except WeightsFileError:
        pass
    else:
        raise AssertionError("expected a WeightsFileError")
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_4_gb_header_fails_before_it_is_read(tmp_path: Path) -> None:
    # A sparse file: the length field is honest about the file's size, but above the cap.
    path = tmp_path / "big.safetensors"
    with path.open("wb") as handle:
        handle.write((4 * 2**30).to_bytes(8, "little"))
        handle.truncate(8 + 4 * 2**30 + 8)
    with pytest.raises(WeightsFileError, match=f"more than the limit of {MAX_HEADER}"):
        read_header(path)
    assert _peak_bytes(lambda: load_state(path)) < 2**20


def test_a_2_to_the_40_element_tensor_is_never_allocated(tmp_path: Path) -> None:
    header = {"w": {"dtype": "F32", "shape": [2**40], "data_offsets": [0, 4 * 2**40]}}
    path = _crafted(tmp_path / "huge.safetensors", header)
    with pytest.raises(WeightsFileError, match="tensors need 4398046511104 bytes after the header, the file has 8"):
        load_state(path)
    assert _peak_bytes(lambda: load_state(path)) < 2**20


def test_metadata_with_code_is_data_only(backend: str, tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    payloads = {
        "format": "dualnet",
        "dualnet.config": f"__import__('os').system('touch {canary}')",
        "dualnet.checkpoint": json.dumps({"format": {"__reduce__": ["os.system", [f"touch {canary}"]]}}),
    }
    path = tmp_path / "w.safetensors"
    path.write_bytes(save_tensors({"kernel": np.ones((1, 2), "float32")}, metadata=payloads))
    with pytest.raises(WeightsFileError, match="not valid JSON"):
        load(path)
    with pytest.raises(WeightsFileError, match=r"format .* is not 'dualnet.checkpoint'"):
        load_checkpoint(path, model=dn.nn.Dense(2, in_features=1))
    assert sorted(load_state(path)) == ["kernel"]  # the tensors themselves are plain data
    assert not canary.exists()


def test_valid_files_of_every_dtype_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    arrays = {
        name: rng.integers(0, 2, size=(2, 3)).astype(dtype)
        for name, dtype in [("b", "bool"), ("u8", "uint8"), ("i16", "int16"), ("f16", "float16"), ("c64", "complex64")]
    }
    arrays.update({"f64": rng.standard_normal((3,)), "i64": np.arange(4), "empty": np.zeros((0, 5), "float32")})
    path = tmp_path / "w.safetensors"
    path.write_bytes(save_tensors(arrays, metadata={"format": "dualnet"}))
    loaded = load_state(path)
    assert sorted(loaded) == sorted(arrays)
    for name, value in arrays.items():
        assert loaded[name].dtype == value.dtype and loaded[name].shape == value.shape, name
        np.testing.assert_array_equal(loaded[name], value, err_msg=name)
    loaded["f64"][0] = 1.0  # writable arrays: loading them into a model needs no copy and warns nothing
    assert read_header(path).metadata == {"format": "dualnet"}
