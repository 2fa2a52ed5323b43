"""Misuse by file: checkpoints whose metadata was damaged or crafted, refused when opened and naming the field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import dualnet as dn
from dualnet.io.checkpoint import read_metadata
from tests.errors.catalogue import Case, check
from tests.reliability.files import DROP, crafted

FIX = "dn.save_checkpoint"
HUGE = "__huge__"

# (id, metadata changes, raw-JSON edit, what the message must say besides the fix)
TABLE: list[tuple[str, dict[str, Any], Callable[[str], str] | None, tuple[str, ...]]] = [
    ("seed negative", {"seed": -5}, None, ("field 'seed'", "int in [0, 18446744073709551615]", "got int -5")),
    ("seed a string", {"seed": "0"}, None, ("field 'seed'", 'got str "0"')),
    ("seed too large", {"seed": 2**64}, None, ("field 'seed'", "got int 18446744073709551616")),
    ("seed missing", {"seed": DROP}, None, ("lacks the field 'seed'",)),
    ("epoch 10**30", {"epoch": 10**30}, None, ("field 'epoch'", "[0, 2147483647]", "got int 1" + "0" * 30)),
    ("epoch negative", {"epoch": -1}, None, ("field 'epoch'", "got int -1")),
    ("epoch a float", {"epoch": 2.0}, None, ("field 'epoch'", "got float 2.0")),
    ("epoch a bool", {"epoch": True}, None, ("field 'epoch'", "got bool true")),
    ("epoch missing", {"epoch": DROP}, None, ("lacks the field 'epoch'",)),
    ("global_step negative", {"global_step": -3}, None, ("field 'global_step'", "got int -3")),
    ("global_step null", {"global_step": None}, None, ("field 'global_step'", "got NoneType null")),
    ("history 1e309", {"history": {"epoch": [0], "logs": {"loss": [HUGE]}}}, None, ("1e309", "float64's range")),
    ("history not an object", {"history": [1, 2]}, None, ("field 'history'", "{'epoch': [...]")),
    ("history logs not lists", {"history": {"epoch": [0], "logs": {"loss": 3}}}, None, ("'logs'['loss']",)),
    ("history log strings", {"history": {"epoch": [0], "logs": {"loss": ["x"]}}}, None, ("a list of numbers",)),
    ("history epoch strings", {"history": {"epoch": ["a"], "logs": {}}}, None, ("'epoch' a list of ints",)),
    ("history extra key", {"history": {"epoch": [], "logs": {}, "x": 1}}, None, ("field 'history'",)),
    ("history missing", {"history": DROP}, None, ("lacks the field 'history'",)),
    ("parts unknown", {"parts": ["model", "weights"]}, None, ("field 'parts'", "model, optimizer, rng")),
    ("parts repeated", {"parts": ["model", "model"]}, None, ("field 'parts'", "distinct")),
    ("parts a string", {"parts": "model"}, None, ("field 'parts'", 'got str "model"')),
    ("trainer disagrees", {"trainer": {"epoch": 9, "global_step": 0}}, None, ("field 'trainer'", "top-level epoch")),
    ("trainer a list", {"trainer": []}, None, ("field 'trainer'", "got list []")),
    ("backend empty", {"backend": ""}, None, ("field 'backend'", "a backend name")),
    ("backend a number", {"backend": 5}, None, ("field 'backend'", "got int 5")),
    ("unknown field", {"owner": "x"}, None, ("unexpected field(s) 'owner'",)),
    ("version 0", {"version": 0}, None, ("version int 0", "version 1..1")),
    ("version a string", {"version": "1"}, None, ('version str "1"',)),
    ("format other", {"format": "keras"}, None, ('format str "keras"', "'dualnet.checkpoint'")),
    ("not an object", {}, lambda raw: "[1, 2]", ("is not a JSON object but list [1, 2]",)),
    ("not JSON", {}, lambda raw: raw[:-1], ("is not valid JSON",)),
    ("two fields wrong", {"seed": -1, "epoch": -1}, None, ("field 'epoch'", "field 'seed'")),
]


def _edit(raw_edit: Callable[[str], str] | None) -> Callable[[str], str]:
    def edit(raw: str) -> str:
        raw = raw.replace(f'"{HUGE}"', "1e309")
        return raw_edit(raw) if raw_edit is not None else raw

    return edit


@pytest.mark.parametrize(("changes", "raw_edit", "says"), [pytest.param(*row[1:], id=row[0]) for row in TABLE])
def test_crafted_metadata_is_refused_when_opened(
    backend: str, tmp_path: Path, changes: dict[str, Any], raw_edit: Callable[[str], str] | None, says: tuple[str, ...]
) -> None:
    path = crafted(tmp_path, changes, _edit(raw_edit))
    check(Case("read_metadata", lambda: read_metadata(path), dn.WeightsFileError, (repr(str(path)), *says, FIX)))


def test_newer_version_asks_for_an_upgrade(backend: str, tmp_path: Path) -> None:
    path = crafted(tmp_path, {"version": 2})
    check(Case("newer", lambda: read_metadata(path), dn.WeightsFileError, ("version 2 is newer", "upgrade dualnet")))


@pytest.mark.parametrize("changes", [{"seed": -5}, {"epoch": 10**30}], ids=["seed -5", "epoch 10**30"])
def test_resume_from_crafted_metadata_fails_before_training(
    backend: str, tmp_path: Path, changes: dict[str, Any]
) -> None:
    path = crafted(tmp_path, changes)
    net = dn.nn.Sequential([dn.nn.Dense(2, in_features=3)])
    before = net.state_dict()
    trainer = dn.Trainer(net, dn.optim.SGD(net.parameters(), lr=0.1), "mse")
    x = dn.ops.to_numpy(dn.ops.ones((4, 3)))
    field = next(iter(changes))
    check(
        Case(
            "fit(resume_from=crafted)",
            lambda: trainer.fit(x, x[:, :2], epochs=1, verbose=0, resume_from=path),
            dn.WeightsFileError,
            (f"field {field!r}", FIX),
        )
    )
    assert trainer.global_step == 0
    for name, value in net.state_dict().items():
        assert (value == before[name]).all(), name  # nothing was restored or trained
