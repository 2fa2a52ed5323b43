"""Module: tracking, naming, state_dict, modes, lazy building, deterministic initial weights."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend.dispatch import B


class Block(dn.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layers = [dn.nn.Dense(4, activation="relu"), dn.nn.Dense(3)]
        self.heads = {"a": dn.nn.Dense(2), "b": dn.nn.Dense(1, use_bias=False)}
        self.scale = self.add_weight("scale", (1,), "ones", trainable=False)
        self.add_buffer("count", np.zeros((), "int64"))

    def forward(self, x):  # type: ignore[no-untyped-def]
        for layer in self.layers:
            x = layer(x)
        return self.heads["a"](x) * self.scale, self.heads["b"](x)


def _x(n: int = 5, d: int = 6) -> np.ndarray:
    return np.random.default_rng(1).standard_normal((n, d)).astype("float32")


def test_tracks_parameters_in_lists_and_dicts_with_dotted_names(backend: str) -> None:
    model = Block()
    model(_x())
    names = [name for name, _ in model.named_parameters()]
    assert names == [
        "scale",
        "layers.0.kernel",
        "layers.0.bias",
        "layers.1.kernel",
        "layers.1.bias",
        "heads.a.kernel",
        "heads.a.bias",
        "heads.b.kernel",
    ]
    assert all(B.is_variable(p) for p in model.parameters())
    assert model.trainable_mask() == [False] + [True] * 7
    assert [n for n, _ in model.named_buffers()] == ["count"]
    assert list(model.state_dict()) == [*names, "count"]
    assert model.state_dict()["layers.0.kernel"].shape == (6, 4)


def test_state_dict_round_trip_and_strict_errors(backend: str) -> None:
    model, other = Block(), Block()
    model(_x())
    other(_x())
    other.load_state_dict(model.state_dict())
    for (name, a), b in zip(model.state_dict().items(), other.state_dict().values()):
        np.testing.assert_array_equal(a, b, err_msg=name)
    state = model.state_dict()
    del state["heads.a.bias"]
    state["extra.kernel"] = np.zeros(3)
    before = other.state_dict()
    with pytest.raises(dn.StateDictError, match=r"missing keys 'heads.a.bias'.*unexpected keys 'extra.kernel'"):
        other.load_state_dict(state)
    state = model.state_dict()
    state["layers.1.kernel"] = np.zeros((4, 5), "float32")
    state["layers.0.bias"] = np.full((4,), 7.0, "float32")
    with pytest.raises(dn.StateDictError, match=r"'layers.1.kernel' has shape \(4, 5\).*expects \(4, 3\)"):
        other.load_state_dict(state)
    for (name, a), b in zip(before.items(), other.state_dict().values()):
        np.testing.assert_array_equal(a, b, err_msg=f"{name} changed by a failed load")


def test_non_strict_load_takes_the_matching_keys(backend: str) -> None:
    model, other = Block(), Block()
    model(_x())
    other(_x())
    state = {"layers.0.bias": np.full((4,), 2.0, "float32"), "unknown": np.zeros(1)}
    other.load_state_dict(state, strict=False)
    np.testing.assert_array_equal(other.state_dict()["layers.0.bias"], np.full((4,), 2.0))


def test_loading_into_an_unbuilt_model_says_to_call_it_first(backend: str) -> None:
    model = Block()
    with pytest.raises(dn.StateDictError, match="not built yet: call the model once"):
        model.load_state_dict({"layers.0.kernel": np.zeros((6, 4))})


def test_train_and_eval_set_every_submodule(backend: str) -> None:
    model = Block()
    assert model.training and model.layers[0].training
    model.eval()
    assert not model.training and not model.heads["b"].training
    model.train()
    assert model.heads["b"].training


def test_freezing_excludes_parameters_from_gradients(backend: str) -> None:
    model = Block()
    model(_x())
    model.layers[0].trainable = False
    assert model.trainable_mask()[1:3] == [False, False]

    def loss(m, x):  # type: ignore[no-untyped-def]
        a, b = m(x)
        return dn.ops.sum(a) + dn.ops.sum(b)

    grads = dn.grad(loss)(model, _x())
    assert grads[0] is None and grads[1] is None and grads[2] is None
    assert grads[3] is not None


def test_same_seed_same_weights_whatever_the_build_order(backend: str) -> None:
    class Net(dn.nn.Module):
        def __init__(self, reverse: bool) -> None:
            super().__init__()
            self.reverse = reverse
            self.fc1 = dn.nn.Dense(3)
            self.fc2 = dn.nn.Dense(3)

        def forward(self, x):  # type: ignore[no-untyped-def]
            if self.reverse:  # builds fc2 first
                return self.fc2(x) + self.fc1(x)
            return self.fc1(x) + self.fc2(x)

    dn.seed(7)
    forward_order = Net(reverse=False)
    forward_order(_x())
    dn.seed(7)
    reverse_order = Net(reverse=True)
    reverse_order(_x())
    for (name, a), b in zip(forward_order.state_dict().items(), reverse_order.state_dict().values()):
        np.testing.assert_array_equal(a, b, err_msg=name)
    assert not np.array_equal(forward_order.state_dict()["fc1.kernel"], forward_order.state_dict()["fc2.kernel"])


def test_eager_and_lazy_sizes_give_the_same_weights(backend: str) -> None:
    class Net(dn.nn.Module):
        def __init__(self, eager: bool) -> None:
            super().__init__()
            self.fc = dn.nn.Dense(3, in_features=6 if eager else None)

        def forward(self, x):  # type: ignore[no-untyped-def]
            return self.fc(x)

    dn.seed(3)
    eager = Net(eager=True)
    dn.seed(3)
    lazy = Net(eager=False)
    lazy(_x())
    np.testing.assert_array_equal(eager.state_dict()["fc.kernel"], lazy.state_dict()["fc.kernel"])


def test_two_models_in_a_row_differ_and_reseeding_repeats(backend: str) -> None:
    dn.seed(0)
    first, second = dn.nn.Dense(3, in_features=4), dn.nn.Dense(3, in_features=4)
    dn.seed(0)
    again = dn.nn.Dense(3, in_features=4)
    assert not np.array_equal(first.state_dict()["kernel"], second.state_dict()["kernel"])
    np.testing.assert_array_equal(first.state_dict()["kernel"], again.state_dict()["kernel"])


def test_summary_lists_layers_shapes_and_counts(backend: str) -> None:
    model = Block()
    model(_x())
    lines: list[str] = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "layers.0" in text and "Dense" in text and "(5, 4)" in text
    assert "Total params: 55" in text  # 1 + (6*4+4) + (4*3+3) + (3*2+2) + 3
    assert "Non-trainable params: 1" in text


def test_setting_attributes_before_init_is_a_clear_error(backend: str) -> None:
    class Broken(dn.nn.Module):
        def __init__(self) -> None:
            self.fc = dn.nn.Dense(2)
            super().__init__()

    with pytest.raises(dn.StateError, match=r"call super\(\).__init__\(\) first"):
        Broken()


def test_forward_must_be_defined(backend: str) -> None:
    with pytest.raises(dn.StateError, match="forward"):
        dn.nn.Module()(np.zeros(1))


def test_repr_shows_the_tree(backend: str) -> None:
    text = repr(Block())
    assert "(layers.0): Dense(units=4" in text and "(heads.b): Dense(units=1" in text
