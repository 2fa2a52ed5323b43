"""dn.utils.model_to_dot (the diagram's DOT source: nodes and edges) and plot_model (rendering, or its errors)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
import types
from pathlib import Path
from typing import Any

import pytest

import dualnet as dn

nn = dn.nn
NODE = re.compile(r'^  "(?P<name>[^"]+)" \[label="(?P<label>[^"]*)"\];$', re.M)
EDGE = re.compile(r'^  "(?P<source>[^"]+)" -> "(?P<target>[^"]+)";$', re.M)


def branched() -> dn.Model:
    """Two branches from one input joined by Concatenate, plus a second input through a shared layer."""
    x, y = dn.Input((4,), name="x"), dn.Input((3,), name="y")
    shared = nn.Dense(3, name="shared")
    left, right = nn.Dense(2, name="left")(x), shared(nn.Dense(3, name="right")(x))
    joined = nn.Concatenate(name="join")([left, right, shared(y)])
    return dn.Model([x, y], nn.Dense(1, name="head")(joined), name="branched")


def parse(source: str) -> tuple[dict[str, str], set[tuple[str, str]]]:
    return (
        {m["name"]: m["label"] for m in NODE.finditer(source)},
        {(m["source"], m["target"]) for m in EDGE.finditer(source)},
    )


def test_nodes_and_edges_of_a_branched_model(backend: str) -> None:
    source = dn.utils.model_to_dot(branched(), rankdir="LR", dpi=72)
    assert source.startswith('digraph "branched" {') and 'rankdir="LR", dpi=72' in source
    nodes, edges = parse(source)
    assert nodes == {
        "x": r"x (Input)", "y": r"y (Input)", "left": r"left (Dense)", "right": r"right (Dense)",
        "shared": r"shared (Dense)", "join": r"join (Concatenate)", "head": r"head (Dense)",
    }  # fmt: skip
    assert edges == {
        ("x", "left"), ("x", "right"), ("right", "shared"), ("y", "shared"),
        ("left", "join"), ("shared", "join"), ("join", "head"),
    }  # fmt: skip
    assert len(EDGE.findall(source)) == len(edges)  # the shared layer feeds join twice: one arrow


def test_shapes_and_types_only(backend: str) -> None:
    nodes, _ = parse(dn.utils.model_to_dot(branched(), show_shapes=True, show_layer_names=False))
    assert nodes["x"] == r"Input\n(None, 4)"
    assert nodes["join"] == r"Concatenate\n[(None, 2), (None, 3), (None, 3)] -> (None, 8)"
    assert nodes["shared"] == r"Dense\n(None, 3) -> (None, 3)"


def test_a_sequential_is_a_chain_and_a_nested_model_one_box(backend: str) -> None:
    seq = nn.Sequential([nn.Dense(3), nn.Dense(2)])
    seq(dn.ops.zeros((5, 4)))
    nodes, edges = parse(dn.utils.model_to_dot(seq, show_shapes=True))
    assert edges == {("input", "0"), ("0", "1")} and nodes["1"] == r"1 (Dense)\n(None, 3) -> (None, 2)"
    inner = branched()
    x, y = dn.Input((4,)), dn.Input((3,))
    outer = dn.Model([x, y], nn.Dense(2, name="top")(inner([x, y])))
    nodes, edges = parse(dn.utils.model_to_dot(outer))
    assert nodes["branched"] == "branched (Model)" and "shared" not in nodes
    assert edges == {("input", "branched"), ("input_1", "branched"), ("branched", "top")}


def test_bad_arguments(backend: str) -> None:
    class Free(nn.Module):
        def forward(self, x: Any) -> Any:
            return x

    with pytest.raises(dn.ArgumentError, match=r"model_to_dot: expected a functional dn.Model .* got Free"):
        dn.utils.model_to_dot(Free())
    with pytest.raises(dn.ArgumentError, match=r"rankdir must be one of 'TB', 'LR', 'BT', 'RL'"):
        dn.utils.model_to_dot(branched(), rankdir="up")
    with pytest.raises(dn.ArgumentError, match=r"dpi must be"):
        dn.utils.model_to_dot(branched(), dpi=0)
    with pytest.raises(
        dn.ArgumentError, match=r"plot_model\(to_file='model.gif'\): to_file must be a file name ending \.png"
    ):
        dn.utils.plot_model(branched(), "model.gif")


def test_plot_model_renders_or_says_what_to_install(backend: str, tmp_path: Path) -> None:
    """Whatever this machine has: a PNG with pydot and Graphviz, else the error naming the missing part."""
    path = tmp_path / "model.png"
    if importlib.util.find_spec("pydot") is None:
        with pytest.raises(dn.UnsupportedError, match=r"needs the pydot package.*pip install pydot.*Graphviz"):
            dn.utils.plot_model(branched(), path)
    elif shutil.which("dot") is None:
        with pytest.raises(dn.UnsupportedError, match=r"Graphviz's 'dot' program was not found"):
            dn.utils.plot_model(branched(), path)
    else:
        assert dn.utils.plot_model(branched(), path, show_shapes=True) == path
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


class _FakeGraph:
    def __init__(self, source: str, missing_dot: bool) -> None:
        self.source, self.missing_dot = source, missing_dot

    def write(self, path: str, format: str) -> None:
        if self.missing_dot:
            raise FileNotFoundError('"dot" not found in path.')
        Path(path).write_text(f"{format}\n{self.source}")


def _fake_pydot(missing_dot: bool) -> types.ModuleType:
    module = types.ModuleType("pydot")
    module.graph_from_dot_data = lambda source: [_FakeGraph(source, missing_dot)]  # type: ignore[attr-defined]
    return module


def test_plot_model_hands_the_dot_source_and_format_to_pydot(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = branched()
    monkeypatch.setitem(sys.modules, "pydot", _fake_pydot(missing_dot=False))
    written = dn.utils.plot_model(model, tmp_path / "m.SVG", rankdir="LR")
    assert written.read_text() == "svg\n" + dn.utils.model_to_dot(model, rankdir="LR")
    monkeypatch.setitem(sys.modules, "pydot", _fake_pydot(missing_dot=True))
    with pytest.raises(dn.UnsupportedError, match=r"'dot' program was not found.*apt install graphviz"):
        dn.utils.plot_model(model, tmp_path / "m.png")
