"""Per-model caches: parameter lists are walked again only after a change in that model's own tree."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend.dispatch import B
from dualnet.nn import tracking


class Walks:
    """Counts tree walks (every traversal goes through ``tracking.walk``)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        original = tracking.walk

        def counted(*args: Any, **kwargs: Any) -> Iterator[Any]:
            self.count += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(tracking, "walk", counted)

    def during(self, fn: Any) -> int:
        before = self.count
        fn()
        return self.count - before


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> Walks:
    return Walks(monkeypatch)


class Inner(dn.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = dn.nn.Dense(2, in_features=3)
        self.items: list[dn.nn.Module] = []
        self.add_buffer("count", np.zeros(2, "float32"))

    def forward(self, x: Any) -> Any:
        return self.fc(x)


class Outer(dn.nn.Module):
    def __init__(self, shared: Inner | None = None) -> None:
        super().__init__()
        self.blocks = [Inner(), {"deep": Inner()}]
        self.shared = shared if shared is not None else Inner()

    def forward(self, x: Any) -> Any:
        return self.shared(x)


def _names(model: dn.nn.Module) -> list[str]:
    return [name for name, _ in model.named_parameters()]


def test_a_valid_cache_is_not_walked_while_an_unrelated_module_waits(backend: str, walks: Walks) -> None:
    unrelated = dn.nn.Dense(3, in_features=4)  # its weights wait for values until its own tree is materialised
    model = dn.nn.Sequential([dn.nn.Dense(2, in_features=2) for _ in range(50)])
    model(np.ones((1, 2), "float32"))
    calls = [model.parameters for _ in range(100)]
    assert walks.during(lambda: [len(call()) for call in calls]) <= 1
    assert len(model.parameters()) == 100
    assert walks.during(model.parameters) == 0
    assert not np.any(B.to_numpy(unrelated.kernel)), "an unrelated model's parameters() drew another tree's weights"
    assert np.any(unrelated.state_dict()["kernel"])  # its own call fills them


@pytest.mark.parametrize(
    ("change", "check"),
    [
        pytest.param(
            lambda m: setattr(m.blocks[1]["deep"], "extra", dn.nn.Dense(1, in_features=3)),
            lambda m, before: _names(m)[4:6] == ["blocks.1.deep.extra.kernel", "blocks.1.deep.extra.bias"],
            id="new-child",
        ),
        pytest.param(
            lambda m: delattr(m.blocks[0], "fc"),
            lambda m, before: _names(m) == [n for n in before if not n.startswith("blocks.0.fc.")],
            id="deleted-attribute",
        ),
        pytest.param(
            lambda m: setattr(m.blocks[0], "count", B.buffer(np.ones(2, "float32"), "count")),
            lambda m, before: np.array_equal(m.state_dict()["blocks.0.count"], np.ones(2)),
            id="buffer-reassigned",
        ),
        pytest.param(
            lambda m: setattr(m.blocks[1]["deep"].fc, "trainable", False),
            lambda m, before: m.trainable_mask() == [not n.startswith("blocks.1.deep.") for n in before],
            id="trainable-toggled",
        ),
        pytest.param(
            lambda m: m.blocks[0].items.append(dn.nn.Dense(1, in_features=3)),
            lambda m, before: _names(m)[2:4] == ["blocks.0.items.0.kernel", "blocks.0.items.0.bias"],
            id="list-append",
        ),
        pytest.param(
            lambda m: m.blocks[1].update(deep=dn.nn.Dense(1, in_features=3)),
            lambda m, before: _names(m)[2:4] == ["blocks.1.deep.kernel", "blocks.1.deep.bias"],
            id="dict-entry-replaced",
        ),
    ],
)
def test_a_change_deep_in_the_tree_reaches_the_root(backend: str, walks: Walks, change: Any, check: Any) -> None:
    model = Outer()
    before = _names(model)
    assert before[:2] == ["blocks.0.fc.kernel", "blocks.0.fc.bias"] and len(before) == 6
    assert walks.during(model.parameters) == 0  # cached
    change(model)
    assert check(model, before)
    assert walks.during(model.parameters) == 0  # cached again after one walk


def test_a_shared_child_changed_under_two_parents(backend: str, walks: Walks) -> None:
    shared = Inner()
    first, second = Outer(shared), Outer(shared)
    for parent in (first, second):
        assert _names(parent)[-2:] == ["shared.fc.kernel", "shared.fc.bias"]
    shared.extra = dn.nn.Dense(1, in_features=3)
    for parent in (first, second):
        assert _names(parent)[-2:] == ["shared.extra.kernel", "shared.extra.bias"]
        assert walks.during(parent.parameters) == 0
    shared.trainable = False
    assert first.trainable_mask()[-4:] == second.trainable_mask()[-4:] == [False] * 4


def test_an_unrelated_models_changes_do_not_invalidate(backend: str, walks: Walks) -> None:
    model, other = Outer(), Outer()
    moved = model.shared
    model.shared = Inner()  # ``moved`` no longer belongs to ``model``
    other.shared = moved
    model.parameters(), other.parameters()

    def change_other() -> None:
        other.blocks[0].extra = dn.nn.Dense(1, in_features=3)
        other.blocks[1]["deep"].trainable = False
        other.blocks[0].count = B.buffer(np.ones(2, "float32"), "count")
        moved.fc = dn.nn.Dense(4, in_features=3)
        other.blocks[0].items.append(dn.nn.Dense(1, in_features=3))
        dn.nn.Dense(5)  # an unbuilt module elsewhere

    change_other()
    assert walks.during(model.parameters) == 0
    assert "blocks.0.extra.kernel" in _names(other) and "shared.fc.kernel" in _names(other)
    assert "blocks.0.extra.kernel" not in _names(model)


def test_lazily_built_weights_and_device_moves_refresh_the_lists(backend: str) -> None:
    model = dn.nn.Sequential([dn.nn.Dense(3), dn.nn.Dense(2)])
    assert model.parameters() == []
    model(np.ones((1, 4), "float32"))
    assert _names(model) == ["0.kernel", "0.bias", "1.kernel", "1.bias"]
    model.to("cpu")
    held = [model[0].kernel, model[0].bias, model[1].kernel, model[1].bias]
    assert [id(p) for p in model.parameters()] == [id(p) for p in held]


def test_cycles_and_self_references_end(backend: str) -> None:
    a, b = Inner(), Inner()
    a.items.append(b)
    b.items.append(a)
    assert _names(a) == ["fc.kernel", "fc.bias", "items.0.fc.kernel", "items.0.fc.bias"]
    b.extra = dn.nn.Dense(1, in_features=3)
    assert _names(a)[-2:] == ["items.0.extra.kernel", "items.0.extra.bias"]
    assert _names(b)[:2] == ["fc.kernel", "fc.bias"]


def test_a_module_appended_after_it_was_built_is_listed(backend: str) -> None:
    earlier = dn.nn.Dense(2, in_features=2)
    earlier.parameters()
    model = Inner()
    assert len(model.parameters()) == 2
    model.items.append(earlier)  # no construction in between to touch any cache
    assert _names(model) == ["fc.kernel", "fc.bias", "items.0.kernel", "items.0.bias"]


class Alike(dn.nn.Dense):
    def __eq__(self, other: object) -> bool:  # every Alike equals every other: only identity tells them apart
        return isinstance(other, Alike)

    __hash__ = dn.nn.Dense.__hash__


def test_swaps_in_lists_and_dicts_are_seen_however_items_compare(backend: str) -> None:
    model = Inner()
    model.items.append(Alike(1, in_features=3))
    model.table = {"a": Alike(1, in_features=3), "b": dn.nn.Dense(1, in_features=3)}
    model.parameters()
    model.items[0] = Alike(1, in_features=3)  # equal by ==, another module
    model.table["a"] = Alike(1, in_features=3)
    ids = {id(p) for p in model.parameters()}
    assert id(model.items[0].kernel) in ids and id(model.table["a"].kernel) in ids
    model.table["a"] = model.table.pop("a")  # same entries, another order: the names come in another order
    assert _names(model)[-4:] == ["table.b.kernel", "table.b.bias", "table.a.kernel", "table.a.bias"]
    plain = Inner()
    plain.items.append(dn.nn.Dense(1, in_features=3))
    assert len(plain.parameters()) == 4
    plain.items[0] = np.ones(3, "float32")  # == between an array and a module raises: taken as a change
    assert _names(plain) == ["fc.kernel", "fc.bias"]


def test_a_deep_copy_keeps_its_own_lists(backend: str) -> None:
    model = Outer()
    model.parameters()
    twin = copy.deepcopy(model)
    assert _names(twin) == _names(model)
    twin.blocks[0].extra = dn.nn.Dense(1, in_features=3)
    twin.shared.trainable = False
    assert "blocks.0.extra.kernel" in _names(twin) and "blocks.0.extra.kernel" not in _names(model)
    assert twin.trainable_mask()[-2:] == [False, False] and model.trainable_mask()[-2:] == [True, True]
    assert not {id(p) for p in twin.parameters()} & {id(p) for p in model.parameters()}


def test_a_deleted_buffer_leaves_the_state(backend: str) -> None:
    model = Inner()
    assert "count" in model.state_dict()
    del model.count
    assert [n for n, _ in model.named_buffers()] == []


def test_weights_waiting_in_the_tree_are_filled_by_parameters(backend: str) -> None:
    dn.seed(5)
    model = Outer()
    assert np.any(B.to_numpy(model.parameters()[0]))
    dn.seed(5)
    called = Outer()
    called(np.ones((1, 3), "float32"))
    for (name, a), b in zip(model.state_dict().items(), called.state_dict().values()):
        np.testing.assert_array_equal(a, b, err_msg=name)


def test_parameters_read_as_restores_when_a_conversion_fails(backend: str) -> None:
    model = Inner()
    model(np.ones((1, 3), "float32"))
    kernel, bias = model.fc.kernel, model.fc.bias
    targets = [(m, name) for m, name, _ in model._parameter_attributes()]
    assert targets == [(model.fc, "kernel"), (model.fc, "bias")]
    seen = []

    def convert(variable: Any) -> Any:
        if seen:
            raise RuntimeError("second")
        seen.append(variable)
        return B.cast(variable, "bfloat16")

    with pytest.raises(RuntimeError, match="second"), model._parameters_read_as(targets, convert):
        pass
    assert model.fc.kernel is kernel and model.fc.bias is bias
    assert model.parameters() == [kernel, bias]


def test_in_mode_restores_each_modules_own_flag(backend: str) -> None:
    model = Outer()
    model.blocks[0].eval()
    with pytest.raises(RuntimeError), model._in_mode(False):
        assert not model.training and not model.shared.training
        raise RuntimeError
    assert model.training and not model.blocks[0].training and model.blocks[1]["deep"].training
