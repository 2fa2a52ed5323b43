"""The table of defaults that differ between Keras and PyTorch, in both porting guides, read from the real signatures.

    python docs/scripts/defaults_table.py           # print the table
    python docs/scripts/defaults_table.py --write   # put it into the pages, between their markers

Each row names a dualnet class and argument and the same-named Keras and PyTorch ones; the three
defaults come from ``inspect.signature`` of the installed classes, and only rows where Keras and
PyTorch differ are kept. ``tests/docs/test_defaults_table.py`` fails when a page falls behind.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from pathlib import Path
from typing import Any

GUIDES = Path(__file__).resolve().parents[1] / "guides"
PAGES = (GUIDES / "porting-from-keras.md", GUIDES / "porting-from-pytorch.md")
START, END = "<!-- defaults-table:start -->", "<!-- defaults-table:end -->"

# (dualnet class, its argument, torch class, torch's argument, Keras class, Keras's argument)
ROWS: list[tuple[str, str, str, str, str, str]] = [
    (f"dualnet.optim.{o}", a, f"torch.optim.{t}", a, f"keras.optimizers.{k}", b)
    for o, t, k, pairs in [
        ("SGD", "SGD", "SGD", [("lr", "learning_rate")]),
        ("Adam", "Adam", "Adam", [("lr", "learning_rate"), ("eps", "epsilon")]),
        ("AdamW", "AdamW", "AdamW", [("lr", "learning_rate"), ("eps", "epsilon"), ("weight_decay", "weight_decay")]),
        ("RMSprop", "RMSprop", "RMSprop", [("lr", "learning_rate"), ("alpha", "rho"), ("eps", "epsilon")]),
        (
            "Adagrad",
            "Adagrad",
            "Adagrad",
            [("lr", "learning_rate"), ("initial_accumulator_value", "initial_accumulator_value"), ("eps", "epsilon")],
        ),
        ("Adamax", "Adamax", "Adamax", [("lr", "learning_rate"), ("eps", "epsilon")]),
        ("Adadelta", "Adadelta", "Adadelta", [("lr", "learning_rate"), ("rho", "rho"), ("eps", "epsilon")]),
        ("NAdam", "NAdam", "Nadam", [("lr", "learning_rate"), ("eps", "epsilon")]),
        ("Nadam", "NAdam", "Nadam", [("lr", "learning_rate"), ("eps", "epsilon")]),
    ]
    for a, b in pairs
] + [
    (
        "dualnet.nn.BatchNorm",
        "momentum",
        "torch.nn.BatchNorm1d",
        "momentum",
        "keras.layers.BatchNormalization",
        "momentum",
    ),
    ("dualnet.nn.BatchNorm", "epsilon", "torch.nn.BatchNorm1d", "eps", "keras.layers.BatchNormalization", "epsilon"),
    ("dualnet.nn.LayerNorm", "epsilon", "torch.nn.LayerNorm", "eps", "keras.layers.LayerNormalization", "epsilon"),
]


def _default(path: str, argument: str) -> Any:
    module, _, name = path.rpartition(".")
    cls = getattr(importlib.import_module(module), name)
    return inspect.signature(cls).parameters[argument].default


def _follows(ours: Any, torch: Any, keras: Any) -> str:
    if ours == torch:
        return "PyTorch"
    return "Keras" if ours == keras else "neither"


def table() -> str:
    """The Markdown that goes between the pages' markers."""
    lines = [
        "| dualnet | default | PyTorch | default | Keras | default | dualnet follows |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for ours, arg, torch_cls, torch_arg, keras_cls, keras_arg in ROWS:
        values = _default(ours, arg), _default(torch_cls, torch_arg), _default(keras_cls, keras_arg)
        if values[1] == values[2]:
            continue
        short = ours.removeprefix("dualnet.")
        lines.append(
            f"| `{short}({arg})` | `{values[0]!r}` | `{torch_cls}({torch_arg})` | `{values[1]!r}` "
            f"| `{keras_cls}({keras_arg})` | `{values[2]!r}` | {_follows(*values)} |"
        )
    return "\n".join(lines)


def page_with_table(text: str) -> str:
    head, start, rest = text.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise SystemExit(f"the page lacks the markers {START} ... {END}")
    return f"{head}{START}\n{table()}\n{END}{tail}"


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        for page in PAGES:
            temporary = page.with_suffix(".md.tmp")
            temporary.write_text(page_with_table(page.read_text(encoding="utf-8")), encoding="utf-8")
            os.replace(temporary, page)  # atomic: a reader sees the old page or the new one
    else:
        print(table())
