"""Messages for names that resolve to nothing: the close matches, so a typo is fixed at once."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from dualnet.errors import ArgumentError

__all__: list[str] = []  # internal: used by dualnet itself, not re-exported


def _folded(name: str) -> str:
    return name.lower().replace("_", "")


def close_matches(name: str, known: Iterable[str], count: int = 3) -> list[str]:
    """The names of ``known`` closest to ``name`` (``difflib``'s ratio >= 0.6), ignoring case and "_".

    Spellings of one name ("MSE", "mse"; "MeanSquaredError", "mean_squared_error") show as the lower-case ones;
    up to ``count`` such groups, best first.
    """
    groups: dict[str, list[str]] = {}
    for candidate in sorted(known):
        groups.setdefault(_folded(candidate), []).append(candidate)
    found = difflib.get_close_matches(_folded(name), list(groups), n=count)
    shown: list[str] = []
    for folded in found:
        spellings = groups[folded]
        shown.extend([s for s in spellings if s.islower()] or spellings[:1])
    return shown


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``"did you mean 'accuracy'? "`` (or several, joined by "or"), or ``""`` when nothing is close."""
    found = close_matches(name, known)
    if not found:
        return ""
    return f"did you mean {' or '.join(repr(match) for match in found)}? "


# -- identifiers of dn.regularizers and dn.constraints ----------------------------------------------------------------
# A name is a class name or its snake case (Keras's ALL_OBJECTS_DICT: "L2"/"l2", "L1L2"/"l1l2", "MaxNorm"/"max_norm");
# a dict is Keras's serialized form {"class_name": ..., "config": {...}} ("module" and "registered_name" ignored);
# only the classes given are looked up, so a config read from a file cannot reach other code.

_SERIAL_KEYS = {"class_name", "config", "module", "registered_name"}


def _snake(name: str) -> str:
    """Keras's ``to_snake_case``: ``MaxNorm`` -> ``max_norm``, ``L1L2`` -> ``l1l2``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def resolve_identifier(
    identifier: Any, classes: dict[str, type], kind: str, where: str, name: str, example: str
) -> Any:
    """None, an instance of ``classes`` (or any callable), a name or a config dict -> the object, or None.

    Raises:
        ArgumentError: an unknown name or class_name, a malformed dict, or a value that is not callable.
    """
    if identifier is None:
        return None
    where = f"{where}({name}"  # completed with "=value)" below, as dualnet.arguments words its messages
    names = {**classes, **{_snake(n): c for n, c in classes.items()}}
    if isinstance(identifier, str):
        cls = names.get(identifier)
        if cls is None:
            raise ArgumentError(
                f"{where}={identifier!r}): unknown {kind} name; {did_you_mean(identifier, names)}"
                f"the names are {sorted(names)}; pass e.g. {example}"
            )
        return cls()
    if isinstance(identifier, dict):
        return _from_dict(identifier, names, kind, where, example)
    if isinstance(identifier, type) and any(issubclass(identifier, c) for c in classes.values()):
        return identifier()
    if not callable(identifier):
        raise ArgumentError(
            f"{where}={identifier!r:.80}): a {kind} must be a name, a config dict, a dn.{kind}s object or a "
            f"function of one tensor; pass e.g. {example}"
        )
    return identifier


def _from_dict(data: dict[str, Any], names: dict[str, type], kind: str, where: str, example: str) -> Any:
    config = data.get("config", {})
    name = data.get("class_name")
    if not set(data) <= _SERIAL_KEYS or not isinstance(name, str) or not isinstance(config, dict):
        raise ArgumentError(
            f"{where}={data!r:.120}): a {kind} config dict has the keys 'class_name' (a string) and 'config' (a "
            f"dict of arguments); pass e.g. {{'class_name': 'L2', 'config': {{'l2': 0.01}}}}, or {example}"
        )
    cls = names.get(name)
    if cls is None:
        raise ArgumentError(
            f"{where}=...): unknown {kind} class_name {name!r}; {did_you_mean(name, names)}the classes are "
            f"{sorted(n for n in names if n[:1].isupper())}"
        )
    try:
        return cls.from_config(config)  # type: ignore[attr-defined]
    except TypeError as err:
        raise ArgumentError(
            f"{where}=...): the config {config!r:.120} does not fit {name}'s arguments ({err}); write it as "
            f"{name}(...).get_config() gives it"
        ) from None


def serialized(obj: Any) -> dict[str, Any]:
    """``{"class_name": ..., "config": ...}`` of a regularizer or constraint object (Keras's layout)."""
    return {"class_name": type(obj).__name__, "config": obj.get_config()}
