"""The checkpoint metadata's schema: every field checked when the file is opened, before anything is restored.

A resume trusts these numbers: the epoch decides where ``fit`` starts (a huge
one silently skips training), the seed feeds the data loaders' shuffles (a
negative one fails deep in the first epoch), the history goes back into the
trainer's ``History``. A crafted or damaged file must fail here, with a
:class:`~dualnet.errors.WeightsFileError` naming the field, what it must be and
what came, never later in ``fit``.

The fields (``FIELDS``), all required, no others allowed:

- ``format``: ``"dualnet.checkpoint"``; ``version``: an int in ``[1, VERSION]``;
- ``backend``: the name of the backend that wrote the file (a non-empty string);
- ``epoch``: completed epochs, an int in ``[0, MAX_EPOCH]``;
- ``global_step``: optimizer steps taken, an int in ``[0, MAX_STEP]``;
- ``seed``: ``dn.seed``'s value, an int in ``[0, MAX_SEED]``;
- ``parts``: the parts the file holds, distinct names among ``model``, ``optimizer``, ``rng``;
- ``trainer``: ``{}`` (saved without a trainer) or ``{"epoch": e, "global_step": s}``
  equal to the top-level ``epoch`` and ``global_step``;
- ``history``: ``{"epoch": [ints in [0, MAX_EPOCH]], "logs": {name: [numbers]}}``.
  A log value may be NaN or infinite (a run that diverged records that, and
  ``save_checkpoint`` writes it as JSON's ``NaN`` / ``Infinity``), but a number
  too large for float64 (``1e309``) is refused: no writer produces one, and it
  would read back as infinity without saying so.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from dualnet.errors import WeightsFileError

__all__: list[str] = []

FORMAT = "dualnet.checkpoint"
VERSION = 1
MAX_EPOCH = 2**31 - 1
MAX_STEP = 2**53  # exact in float64, where logs and schedules use it
MAX_SEED = 2**64 - 1  # the largest seed torch's generator takes
PARTS = ("model", "optimizer", "rng")
FIELDS = ("format", "version", "backend", "epoch", "global_step", "seed", "parts", "trainer", "history")
FIX = (
    "the file was damaged or edited: resume from an intact checkpoint (an earlier one), or save it again with "
    "dn.save_checkpoint"
)


def parse(source: Path, raw: str) -> dict[str, Any]:
    """The metadata JSON ``raw`` of the checkpoint ``source``, with every field checked (see the module docstring).

    Raises:
        WeightsFileError: invalid JSON, a newer version, or a field missing, unexpected or out of range.
    """
    try:
        meta: Any = json.loads(raw, parse_float=_float)
    except _Overflow as exc:
        raise WeightsFileError(
            f"checkpoint {str(source)!r}: its metadata holds the number {exc}, beyond float64's range "
            f"(expected finite numbers, or NaN / Infinity for a diverged log); {FIX}"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise WeightsFileError(
            f"checkpoint {str(source)!r}: its metadata is not valid JSON ({str(exc)[:200]}); {FIX}"
        ) from exc
    where = f"checkpoint {str(source)!r}: metadata"
    if not isinstance(meta, dict):
        raise WeightsFileError(f"{where} is not a JSON object but {_shown(meta)}; {FIX}")
    if meta.get("format") != FORMAT or not _int_in(meta.get("version"), 1, 2**31):
        raise WeightsFileError(
            f"{where}: format {_shown(meta.get('format'))} version {_shown(meta.get('version'))} is not "
            f"{FORMAT!r} version 1..{VERSION}; {FIX}"
        )
    if meta["version"] > VERSION:
        raise WeightsFileError(
            f"{where}: version {meta['version']} is newer than this dualnet reads ({VERSION}); upgrade dualnet"
        )
    for name in FIELDS:
        if name not in meta:
            raise WeightsFileError(f"{where} lacks the field {name!r} (it has {sorted(meta)}); {FIX}")
    unexpected = sorted(set(meta) - set(FIELDS))
    if unexpected:
        raise WeightsFileError(
            f"{where} has unexpected field(s) {', '.join(map(repr, unexpected[:5]))} (a version-{VERSION} "
            f"checkpoint has exactly {', '.join(FIELDS)}); {FIX}"
        )
    problems = _problems(meta)
    if problems:
        listed = "; ".join(f"field {name!r}: {problem}" for name, problem in problems)
        raise WeightsFileError(f"{where} {listed}; {FIX}")
    return meta


def _problems(meta: dict[str, Any]) -> list[tuple[str, str]]:
    """``(field, "expected ..., got ...")`` for each field of ``meta`` that breaks the schema, in field order."""
    found: list[tuple[str, str]] = []

    def expect(name: str, ok: bool, expected: str, got: Any) -> None:
        if not ok:
            found.append((name, f"expected {expected}, got {_shown(got)}"))

    backend, parts, trainer = meta["backend"], meta["parts"], meta["trainer"]
    expect("backend", isinstance(backend, str) and 0 < len(backend) <= 64, "a backend name", backend)
    expect(
        "epoch",
        _int_in(meta["epoch"], 0, MAX_EPOCH),
        f"the completed epochs, an int in [0, {MAX_EPOCH}]",
        meta["epoch"],
    )
    step = meta["global_step"]
    expect("global_step", _int_in(step, 0, MAX_STEP), f"the steps taken, an int in [0, {MAX_STEP}]", step)
    expect("seed", _int_in(meta["seed"], 0, MAX_SEED), f"dn.seed's value, an int in [0, {MAX_SEED}]", meta["seed"])
    known = isinstance(parts, list) and all(isinstance(p, str) and p in PARTS for p in parts)
    expect("parts", known and len(set(parts)) == len(parts), f"distinct names among {', '.join(PARTS)}", parts)
    counters = {"epoch": meta["epoch"], "global_step": step}
    expect(
        "trainer",
        isinstance(trainer, dict) and (not trainer or trainer == counters),
        f"{{}} or {json.dumps(counters)} (the top-level epoch and global_step)",
        trainer,
    )
    history = meta["history"]
    if not isinstance(history, dict) or set(history) != {"epoch", "logs"}:
        expect("history", False, "{'epoch': [...], 'logs': {name: [numbers]}}", history)
        return found
    epochs, logs = history["epoch"], history["logs"]
    expect(
        "history",
        isinstance(epochs, list) and all(_int_in(e, 0, MAX_EPOCH) for e in epochs),
        f"'epoch' a list of ints in [0, {MAX_EPOCH}]",
        epochs,
    )
    if not isinstance(logs, dict):
        expect("history", False, "'logs' an object {name: [numbers]}", logs)
        return found
    for key, values in logs.items():
        if not isinstance(values, list) or not all(_log_value(v) for v in values):
            expect("history", False, f"'logs'[{key[:40]!r}] a list of numbers", values)
            break
    return found


class _Overflow(ValueError):
    """A JSON number literal beyond float64's range."""


def _float(text: str) -> float:
    value = float(text)
    if math.isinf(value):  # JSON writes infinities as Infinity, never as a literal: this one overflowed
        raise _Overflow(text[:40])
    return value


def _int_in(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _log_value(value: Any) -> bool:
    return isinstance(value, float) or _int_in(value, -MAX_STEP, MAX_STEP)


def _shown(value: Any) -> str:
    """``value`` for a message: its type and a short repr (a crafted file may hold anything)."""
    text = json.dumps(value) if isinstance(value, int | float | str | type(None)) else repr(value)
    return f"{type(value).__name__} {text[:80]}{'...' if len(text) > 80 else ''}"
