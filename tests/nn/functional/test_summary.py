"""``summary()`` of a functional model: a row per input and Keras's "Connected to" column (``layer[call][output]``)."""

from __future__ import annotations

import dualnet as dn
from tests.nn.functional.test_keras_models import siamese


def _rows(model: dn.nn.Module) -> dict[str, list[str]]:
    lines: list[str] = []
    model.summary(print_fn=lines.append)
    assert lines[1].split() == ["Layer", "(path)", "Type", "Output", "shape", "Params", "Connected", "to"]
    return {line.split()[0]: line.split() for line in lines[3:] if line and not line.startswith(("-", "Total"))}


def test_inputs_shared_calls_and_merges(backend: str) -> None:
    rows = _rows(siamese())
    assert list(rows)[:4] == ["(root)", "a", "b", "encoder"]  # inputs after the root, before the layers
    assert " ".join(rows["(root)"][2:-1]) == "[(None, 1), (None, 1)]"  # the symbolic outputs, as given
    assert rows["a"] == ["a", "Input", "(None,", "8)", "0", "-"]
    # The shared encoder: one row, both calls; the merge takes its first and second call's outputs.
    assert rows["encoder"][-2:] == ["a[0][0];", "b[0][0]"] and rows["encoder"][1:4] == ["Model", "(None,", "4)"]
    assert rows["diff"][-2:] == ["encoder[0][0],", "encoder[1][0]"]
    assert rows["cosine"][-2:] == ["encoder[0][0],", "encoder[1][0]"]
    assert rows["score"][-1] == "abs[0][0]" and rows["score"][-2] == "5"  # 4 weights + 1 bias
    assert "encoder.enc1" in rows and rows["encoder.enc1"][-1] == str(8 * 16 + 16)  # nested: no connections
    assert f"Total params: {(8 * 16 + 16) + (16 * 4 + 4) + (4 + 1)}" in _lines(siamese())


def test_unnamed_inputs_are_numbered_like_keras(backend: str) -> None:
    a, b = dn.Input((3,)), dn.Input((2,))
    joined = dn.nn.Concatenate()([a, b])
    rows = _rows(dn.Model([a, b], dn.nn.Dense(1)(joined)))
    assert rows["input"][1] == rows["input_1"][1] == "Input"
    assert rows["concatenate"][-2:] == ["input[0][0],", "input_1[0][0]"]


def _lines(model: dn.nn.Module) -> list[str]:
    lines: list[str] = []
    model.summary(print_fn=lines.append)
    return lines
