"""ModuleList and ModuleDict: torch.nn's methods and state_dict names, tracking after changes, parity,
dn.save across backends, and errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn

nn = dn.nn
RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 4)).astype("float32")


def _np(x: Any) -> np.ndarray:
    return dn.ops.to_numpy(x)


def _ours(units: int) -> dn.nn.Module:
    return nn.Dense(units, in_features=4)


def _torch(units: int) -> Any:
    import torch

    return torch.nn.Linear(4, units)


def _torch_keys(module: Any) -> list[str]:
    # torch's Linear weight is our Dense kernel: the same path, another leaf name.
    return [key.replace(".weight", ".kernel") for key in module.state_dict()]


def _widths(container: Any) -> list[int]:
    return [int(getattr(m, "units", getattr(m, "out_features", 0))) for m in container]


def test_list_methods_and_state_dict_keys_match_torch_module_list(backend: str) -> None:
    import torch

    ours, theirs = nn.ModuleList([_ours(1), _ours(2)]), torch.nn.ModuleList([_torch(1), _torch(2)])
    steps: list[tuple[str, Any, Any]] = [
        ("append", lambda m, make: m.append(make(3)), None),
        ("extend", lambda m, make: m.extend([make(4), make(5)]), None),
        ("insert", lambda m, make: m.insert(1, make(6)), None),
        ("setitem", lambda m, make: m.__setitem__(-2, make(7)), None),
        ("delitem", lambda m, make: m.__delitem__(0), None),
        ("delslice", lambda m, make: m.__delitem__(slice(1, 3)), None),
        ("pop", lambda m, make: m.pop(1), None),
        ("iadd", lambda m, make: m.__iadd__([make(8)]), None),
    ]
    for name, step, _ in steps:
        step(ours, _ours)
        step(theirs, _torch)
        assert _widths(ours) == _widths(theirs), name
        assert list(ours.state_dict()) == _torch_keys(theirs), name
        assert len(ours) == len(theirs)
    assert _widths(ours[1:]) == _widths(theirs[1:]) and isinstance(ours[1:], nn.ModuleList)
    assert ours[1:][0] is ours[1] and ours[-1] is list(ours)[-1]
    assert _widths(ours + nn.ModuleList([_ours(9)])) == [*_widths(ours), 9]
    assert [n for n, _ in ours.named_parameters()] == list(ours.state_dict())


def test_dict_methods_and_state_dict_keys_match_torch_module_dict(backend: str) -> None:
    import torch

    ours = nn.ModuleDict({"a": _ours(1), "b": _ours(2)})
    theirs = torch.nn.ModuleDict({"a": _torch(1), "b": _torch(2)})
    steps = [
        lambda m, make: m.__setitem__("c", make(3)),
        lambda m, make: m.__setitem__("a", make(4)),  # replaced: keeps its place
        lambda m, make: m.update([("d", make(5)), ("b", make(6))]),
        lambda m, make: m.__delitem__("c"),
        lambda m, make: m.pop("a"),
        lambda m, make: m.update({"e": make(7)}),
    ]
    for i, step in enumerate(steps):
        step(ours, _ours)
        step(theirs, _torch)
        assert list(ours.keys()) == list(theirs.keys()), i
        assert _widths(ours.values()) == _widths(theirs.values()), i
        assert list(ours.state_dict()) == _torch_keys(theirs), i
    assert list(ours) == list(theirs) and "d" in ours and "a" not in ours and len(ours) == len(theirs)
    assert [k for k, _ in ours.items()] == list(ours.keys())
    ours.clear()
    assert len(ours) == 0 and ours.state_dict() == {}


class Tower(dn.nn.Module):
    """Blocks in a ModuleList and heads in a ModuleDict, as a PyTorch user writes them."""

    def __init__(self, widths: tuple[int, ...] = (5, 3), plain: bool = False) -> None:
        super().__init__()
        blocks = [nn.Dense(w, activation="tanh") for w in widths]
        self.blocks = blocks if plain else nn.ModuleList(blocks)
        heads = {"score": nn.Dense(1), "logits": nn.Dense(2)}
        self.heads = heads if plain else nn.ModuleDict(heads)

    def forward(self, x: Any) -> Any:
        for block in self.blocks:
            x = block(x)
        return [self.heads[name](x) for name in ("score", "logits")]


def test_a_model_holding_them_names_parameters_like_torch_and_like_plain_containers(backend: str) -> None:
    import torch

    class TorchTower(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.blocks = torch.nn.ModuleList([torch.nn.Linear(4, 5), torch.nn.Linear(5, 3)])
            self.heads = torch.nn.ModuleDict({"score": torch.nn.Linear(3, 1), "logits": torch.nn.Linear(3, 2)})

    model, plain = Tower(), Tower(plain=True)
    model(X)
    plain(X)
    assert list(model.state_dict()) == _torch_keys(TorchTower()) == list(plain.state_dict())
    assert [v.shape for v in model.state_dict().values()] == [v.shape for v in plain.state_dict().values()]
    state = model.state_dict()
    h = np.tanh(X @ state["blocks.0.kernel"] + state["blocks.0.bias"])
    h = np.tanh(h @ state["blocks.1.kernel"] + state["blocks.1.bias"])
    np.testing.assert_allclose(
        _np(model(X)[1]), h @ state["heads.logits.kernel"] + state["heads.logits.bias"], atol=1e-5
    )


def test_a_module_appended_to_a_built_model_is_tracked_and_named_by_its_path(backend: str) -> None:
    model = Tower()
    model(X)
    count = len(model.parameters())
    model.blocks.append(nn.Dense(3))
    model(X)
    assert len(model.parameters()) == count + 2 and "blocks.2.kernel" in model.state_dict()
    model.heads["extra"] = nn.Dense(2, in_features=4)
    assert "heads.extra.kernel" in model.state_dict()
    with pytest.raises(dn.ShapeError, match=r"layer 'blocks.2' \(Dense\) expects inputs with last dimension 3"):
        model.blocks[2](np.zeros((1, 5), "float32"))
    del model.blocks[2]
    assert "blocks.2.kernel" not in model.state_dict() and len(model.parameters()) == count + 2
    model.blocks.insert(0, nn.Dense(4))
    with pytest.raises(dn.ShapeError, match=r"layer 'blocks.1' \(Dense\) expects inputs with last dimension 4"):
        model.blocks[1](np.zeros((1, 5), "float32"))  # the entry that moved up is named by its new place


@pytest.mark.parametrize("training", [False, True])
def test_parity_across_backends(training: bool) -> None:
    dn.testing.module_parity(Tower, [X], training=training)


@pytest.mark.parametrize(("source", "target"), [("torch", "tensorflow"), ("tensorflow", "torch")])
def test_saved_on_one_backend_loads_on_the_other(tmp_path: Path, source: str, target: str) -> None:
    dn.set_backend(source)
    dn.seed(0)
    layers = nn.ModuleList([_ours(3), nn.Sequential([_ours(2)])])
    heads = nn.ModuleDict({"a": _ours(1)}, name="heads")
    layers.append(_ours(5))  # after construction: saved too
    paths = [dn.save(layers, tmp_path / "list.safetensors"), dn.save(heads, tmp_path / "dict.safetensors")]
    states = [layers.state_dict(), heads.state_dict()]
    dn.set_backend(target)
    for path, state in zip(paths, states):
        loaded = dn.load(path)
        assert list(loaded.state_dict()) == list(state)
        for key, value in loaded.state_dict().items():
            np.testing.assert_array_equal(value, state[key])
    assert _widths(dn.load(paths[0])) == [3, 0, 5] and dn.load(paths[1]).name == "heads"


def test_they_are_not_layers(backend: str) -> None:
    with pytest.raises(dn.StateError, match=r"a ModuleList holds modules but is not a layer.*for layer in self.lay"):
        nn.ModuleList([nn.Dense(2)])(X)
    with pytest.raises(dn.StateError, match=r"a ModuleDict holds modules but is not a layer"):
        nn.ModuleDict({"a": nn.Dense(2)})(dn.Input((4,)))


def test_bad_entries_keys_and_indices(backend: str) -> None:
    layers = nn.ModuleList([nn.Dense(2)])
    with pytest.raises(dn.ArgumentError, match=r"the module at index 1 is a function, not a dn.nn.Module; wrap a fu"):
        layers.append(dn.ops.relu)
    with pytest.raises(dn.ArgumentError, match=r"ModuleList: extend's argument must be an iterable of modules, got D"):
        layers.extend(nn.Dense(2))
    with pytest.raises(dn.ArgumentError, match=r"ModuleList: modules must be an iterable of modules, got Dense"):
        nn.ModuleList(nn.Dense(2))
    with pytest.raises(dn.ArgumentError, match=r"indices must be ints or slices, got str"):
        layers["0"]
    with pytest.raises(IndexError, match=r"index 3 is out of range for 1 modules"):
        layers[3]
    heads = nn.ModuleDict()
    for key in ("a.b", "", "_hidden", "keys", "training", 3):
        with pytest.raises(dn.ArgumentError, match=rf"key {key!r} cannot name a module; keys must be non-empty"):
            heads[key] = nn.Dense(1)  # type: ignore[index]
    heads["a"] = nn.Dense(1)
    with pytest.raises(KeyError, match=r"no module under the key 'b'; the keys are \['a'\]"):
        heads["b"]
    with pytest.raises(dn.ArgumentError, match=r"expected a mapping or \(key, module\) pairs"):
        heads.update([nn.Dense(1)])  # type: ignore[list-item]
    with pytest.raises(dn.ArgumentError, match=r"the module under the key 'c' is a str, not a dn.nn.Module"):
        heads["c"] = "relu"  # type: ignore[assignment]
