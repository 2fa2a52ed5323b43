"""Messages for names that resolve to nothing: the close matches, so a typo is fixed at once."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

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
