"""Validation of the Trainer's scalar arguments: ArgumentError naming the call and the argument, with an example."""

from __future__ import annotations

import inspect
import sys
from typing import Any

from dualnet.errors import ArgumentError, as_int_at_least, int_bound
from dualnet.nn.module import Module
from dualnet.optim.names import name_error as optimizer_name_error
from dualnet.optim.optimizer import Optimizer


def check_trainer_arguments(model: Any, optimizer: Any, jit: Any, step_fn: Any, check_numerics: Any) -> None:
    """ArgumentError for a model that is not a Module, an optimizer that is not dualnet's, a non-bool flag..."""
    if not isinstance(model, Module):
        raise ArgumentError(f"Trainer(model=...): expected a dn.nn.Module, got {type(model).__name__}")
    if isinstance(optimizer, str):
        raise optimizer_name_error("Trainer(optimizer=...)", optimizer)
    if optimizer is not None and not isinstance(optimizer, Optimizer):
        raise ArgumentError(
            f"Trainer(optimizer=...): expected a dn.optim optimizer, e.g. dn.optim.Adam(model.parameters()), "
            f"got {type(optimizer).__name__}"
        )
    if not isinstance(jit, bool):
        raise ArgumentError(f"Trainer(jit={jit!r}): jit must be True or False")
    if not isinstance(check_numerics, bool):
        raise ArgumentError(f"Trainer(check_numerics={check_numerics!r}): expected True or False")
    if step_fn is not None and not callable(step_fn):
        raise ArgumentError(f"Trainer(step_fn={step_fn!r}): must be a function fn(trainer, batch) -> dict")


def int_at_least(where: str, name: str, value: Any, minimum: int, example: str) -> int:
    """``value`` as an int ``>= minimum`` (bools refused), else ArgumentError ``"where(name=value): ..."``."""
    number = as_int_at_least(value, minimum)
    if number is None:
        raise ArgumentError(
            f"{where}({name}={value!r}): {name} must be {int_bound(minimum)}; pass e.g. {name}={example}"
        )
    return number


def verbosity(verbose: Any) -> int:
    """``verbose`` as 0, 1 or 2; ``"auto"`` is 1 when stdout is a terminal, else 2."""
    if isinstance(verbose, str) and verbose == "auto":
        isatty = getattr(sys.stdout, "isatty", None)
        return 1 if isatty is not None and isatty() else 2
    if isinstance(verbose, bool) or verbose not in (0, 1, 2):
        raise ArgumentError(f"verbose={verbose!r}: use 0 (silent), 1 (progress bar), 2 (one line per epoch) or 'auto'")
    return int(verbose)


def check_model_takes(model: Module, x: Any, err: TypeError) -> None:
    """After ``model(x)`` failed with ``err``: ArgumentError if ``forward`` cannot take the batch's inputs at all."""
    inputs = tuple(x) if isinstance(x, tuple | list) else (x,)
    try:
        inspect.signature(model.forward).bind(*inputs)
    except TypeError:
        kind = f"a {type(x).__name__} of {len(inputs)} inputs" if isinstance(x, tuple | list) else "one input"
        raise ArgumentError(
            f"Trainer: the batch's x is {kind}, which {type(model).__name__}.forward cannot take ({err}); a "
            "tuple or list x is passed as separate arguments (model(*x)) and anything else as one: make the "
            "data's x match the signature of forward"
        ) from err
    except ValueError:
        return
