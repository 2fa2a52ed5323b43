"""The tables of loss, metric, optimizer and schedule names in ``docs/guides/losses-and-metrics.md``.

Made from the registries, from ``keras`` and ``torch`` themselves (which of
their classes carry a dualnet class's name) and, for the schedules, from the
reference tests' tables (the class each schedule is checked against), so
run it where both frameworks are installed:

    python docs/scripts/names_table.py           # print the tables
    python docs/scripts/names_table.py --write   # put them into the page, between its markers

``tests/docs/test_names_table.py`` fails when the page's tables differ from
these, so the page cannot fall behind the code.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import dualnet as dn
from dualnet.losses import names as loss_names, pytorch_names
from dualnet.metrics import names as metric_names
from dualnet.optim import names as optimizer_names

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "guides" / "losses-and-metrics.md"
SCHEDULE_REFERENCES = ROOT / "tests" / "optim" / "test_schedule_references.py"
START, END = "<!-- names-table:start -->", "<!-- names-table:end -->"


def _quoted(names: Iterable[str], case_free: frozenset[str]) -> str:
    return ", ".join(f'`"{n}"`' + (" (any case)" if n in case_free else "") for n in names)


def _ignoring_case(name: str) -> tuple[str, str]:
    return name.lower(), name


def _grouped(registry: Mapping[str, Any]) -> list[tuple[list[str], Any]]:
    """The names of each entry together, in registry order (several names share one entry object)."""
    groups: dict[int, tuple[list[str], Any]] = {}
    for name, named in registry.items():
        groups.setdefault(id(named), ([], named))[0].append(name)
    return list(groups.values())


def _by_value(registry: Mapping[str, str]) -> dict[str, list[str]]:
    """The names that share each value, in registry order."""
    groups: dict[str, list[str]] = {}
    for name, value in registry.items():
        groups.setdefault(value, []).append(name)
    return groups


def _follows(text: str) -> str:
    return f"`{text}`" if text.startswith(("keras.", "torch.")) else text


def _table(registry: Mapping[str, Any], case_free: frozenset[str]) -> list[str]:
    lines = ["| string | builds | means |", "| --- | --- | --- |"]
    for group, named in _grouped(registry):
        lines.append(f"| {_quoted(group, case_free)} | `{named.describe()}` | {_follows(named.follows)} |")
    return lines


class _Recorder:
    """Stands in for a framework module and keeps the last class a reference factory asked it for."""

    def __init__(self) -> None:
        self.last = ""

    def __getattr__(self, name: str) -> Any:
        def make(*args: Any, **kwargs: Any) -> None:
            self.last = name

        return make


def _checked_against(table: Mapping[str, tuple[Any, Any]], *leading: Any) -> dict[str, set[str]]:
    """dualnet schedule class -> the framework classes its reference cases are compared with."""
    found: dict[str, set[str]] = {}
    for schedule, factory in table.values():
        recorder = _Recorder()
        if factory is not None:
            factory(*leading, recorder)
        if recorder.last:
            found.setdefault(type(schedule).__name__, set()).add(recorder.last)
    return found


def _schedule_references() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    spec = importlib.util.spec_from_file_location("schedule_references", SCHEDULE_REFERENCES)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return _checked_against(module.KERAS), _checked_against(module.TORCH, None)


def _cell(names: Iterable[str], prefix: str) -> str:
    return ", ".join(f"`{prefix}{n}`" for n in sorted(set(names))) or "-"


def _loss_counterparts() -> dict[str, tuple[set[str], set[str]]]:
    """dualnet loss class -> (Keras classes and strings, torch.nn classes and functions) of the same meaning."""
    rows: dict[str, tuple[set[str], set[str]]] = {name: (set(), set()) for name in dn.losses.__all__}
    for named in loss_names.NAMES.values():
        keras, torch = rows.setdefault(named.cls.__name__, (set(), set()))
        if named.follows.startswith(("keras.", "torch.")):
            (keras if named.follows.startswith("keras.") else torch).add(named.follows.split(".")[-1])
    for name in pytorch_names.__all__:
        base = getattr(pytorch_names, name).__mro__[1].__name__
        if base in ("Loss", "ElementwiseLoss"):  # no dualnet class of the same convention: its own row
            rows[name][1].add(name)
        else:
            rows[base][1].add(name)
            rows.pop(name, None)

    def is_loss(name: str) -> bool:
        value = getattr(dn.losses, name, None)
        return isinstance(value, type) and name not in ("Loss", "ElementwiseLoss")

    return {name: sides for name, sides in rows.items() if is_loss(name)}


def side_by_side() -> list[str]:
    """Each dualnet class beside the Keras 3 and PyTorch classes it reproduces."""
    import keras
    import torch

    lines = ["### Side by side: dualnet, Keras 3, PyTorch", ""]
    lines += ["`-`: no class of that framework is registered or checked as the same.", ""]
    lines += ["Losses (Keras's classes from the string registry; PyTorch's are `dn.losses`'s `torch.nn`-named", ""]
    lines[-2] += " classes, the dualnet class with PyTorch's defaults, and the registry's `torch.nn` names):"
    lines += ["| dualnet | Keras 3 | PyTorch |", "| --- | --- | --- |"]
    for name, (k, t) in sorted(_loss_counterparts().items()):
        lines.append(f"| `dn.losses.{name}` | {_cell(k, 'keras.losses.')} | {_cell(t, '')} |")
    lines += ["", "Optimizers (the framework class of the same name; `Nadam` is Keras's spelling of `NAdam`):", ""]
    lines += ["| dualnet | Keras 3 | PyTorch |", "| --- | --- | --- |"]
    for name in sorted(n for n in dn.optim.__all__ if n[0].isupper() and n not in ("Optimizer", "OptimizerOptions")):
        k = [n for n in (name, {"NAdam": "Nadam"}.get(name, name)) if hasattr(keras.optimizers, n)]
        t = [n for n in (name, {"Nadam": "NAdam"}.get(name, name)) if hasattr(torch.optim, n)]
        t += [f"swa_utils.{name}"] if hasattr(torch.optim.swa_utils, name) else []
        lines.append(f"| `dn.optim.{name}` | {_cell(k, 'keras.optimizers.')} | {_cell(t, 'torch.optim.')} |")
    keras_refs, torch_refs = _schedule_references()
    lines += ["", "Schedules (the classes each is checked against in `test_schedule_references.py`):", ""]
    lines += ["| dualnet | `keras.optimizers.schedules` | `torch.optim.lr_scheduler` |", "| --- | --- | --- |"]
    for name in sorted(n for n in dn.optim.schedules.__all__ if n != "Schedule"):
        k, t = keras_refs.get(name, set()), torch_refs.get(name, set())
        lines.append(f"| `dn.optim.schedules.{name}` | {_cell(k, '')} | {_cell(t, '')} |")
    return lines


def tables() -> str:
    """The Markdown that goes between the page's markers."""
    lines = ["### Losses", "", *_table(loss_names.NAMES, loss_names.CASE_FREE), ""]
    lines += ["### Metrics", "", *_table(metric_names.NAMES, metric_names.CASE_FREE), ""]
    lines += ["### Keras metric names that need arguments", ""]
    lines += ["Keras cannot build these from the string either; construct the metric.", ""]
    lines += ["| string | construct instead |", "| --- | --- |"]
    for example, group in _by_value(metric_names.NEEDS_ARGUMENTS).items():
        lines.append(f"| {_quoted(group, frozenset())} | `dn.metrics.{example}` |")
    lines += ["", "### Keras names that are not available yet", ""]
    for kind, missing in (("losses", loss_names.KERAS_NOT_YET), ("metrics", metric_names.KERAS_NOT_YET)):
        lines += [f"- {kind}: {_quoted(sorted(missing, key=_ignoring_case), frozenset()) if missing else 'none'}"]
    lines += [""]
    lines += ["### Optimizers", "", "| Keras's name (any case) | construct instead |", "| --- | --- |"]
    for name, (cls, lr) in optimizer_names.KERAS_EQUIVALENTS.items():
        lines.append(f'| `"{name}"` | `dn.optim.{cls}(model.parameters(), lr={lr})` |')
    lines += ["", f"Not available yet: {_quoted(sorted(optimizer_names.KERAS_NOT_YET), frozenset())}.", ""]
    lines += side_by_side()
    return "\n".join(lines)


def page_with_tables(text: str) -> str:
    """``text`` with everything between the markers replaced by :func:`tables`."""
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n\n{tables()}\n\n{END}{after}"


if __name__ == "__main__":
    if "--write" in sys.argv[1:]:
        PAGE.write_text(page_with_tables(PAGE.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(tables())
