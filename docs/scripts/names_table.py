"""The tables of loss, metric and optimizer names in ``docs/guides/losses-and-metrics.md``, made from the registries.

    python docs/scripts/names_table.py           # print the tables
    python docs/scripts/names_table.py --write   # put them into the page, between its markers

``tests/docs/test_names_table.py`` fails when the page's tables differ from
these, so the page cannot fall behind the code.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from dualnet.losses import names as loss_names
from dualnet.metrics import names as metric_names
from dualnet.optim import names as optimizer_names

PAGE = Path(__file__).resolve().parents[1] / "guides" / "losses-and-metrics.md"
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


def _follows(text: str) -> str:
    return f"`{text}`" if text.startswith(("keras.", "torch.")) else text


def _table(registry: Mapping[str, Any], case_free: frozenset[str]) -> list[str]:
    lines = ["| string | builds | means |", "| --- | --- | --- |"]
    for group, named in _grouped(registry):
        lines.append(f"| {_quoted(group, case_free)} | `{named.describe()}` | {_follows(named.follows)} |")
    return lines


def tables() -> str:
    """The Markdown that goes between the page's markers."""
    lines = ["### Losses", "", *_table(loss_names.NAMES, loss_names.CASE_FREE), ""]
    lines += ["### Metrics", "", *_table(metric_names.NAMES, metric_names.CASE_FREE), ""]
    lines += ["### Keras names that are not available yet", ""]
    lines += [f"- losses: {_quoted(sorted(loss_names.KERAS_NOT_YET, key=_ignoring_case), frozenset()) or 'none'}"]
    lines += [f"- metrics: {_quoted(sorted(metric_names.KERAS_NOT_YET, key=_ignoring_case), frozenset())}", ""]
    lines += ["### Optimizers", "", "| Keras's name (any case) | construct instead |", "| --- | --- |"]
    for name, (cls, lr) in optimizer_names.KERAS_EQUIVALENTS.items():
        lines.append(f'| `"{name}"` | `dn.optim.{cls}(model.parameters(), lr={lr})` |')
    lines += ["", f"Not available yet: {_quoted(sorted(optimizer_names.KERAS_NOT_YET), frozenset())}."]
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
