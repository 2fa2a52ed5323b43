"""The options every optimizer takes besides its own hyper-parameters, and the learning-rate check."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from dualnet.arguments import argument_error, check_bool, check_float, is_number
from dualnet.errors import ArgumentError
from dualnet.naming import did_you_mean
from dualnet.optim import ema

__all__ = ["OptimizerOptions"]


class OptimizerOptions(TypedDict, total=False):
    """The keyword options every optimizer takes besides its own hyper-parameters.

    ``clipnorm`` clips each gradient to that norm, ``global_clipnorm`` all gradients together (like
    ``torch.nn.utils.clip_grad_norm_``), ``clipvalue`` each element to ``[-clipvalue, clipvalue]``; at
    most one of them. ``foreach=False`` forces the reference path (one parameter at a time).
    ``use_ema`` keeps an exponential moving average of the parameters, Keras's way:
    ``average = ema_momentum * average + (1 - ema_momentum) * param`` after each step (the first step
    copies the parameter), and every ``ema_overwrite_frequency`` steps (None: never) the parameters are
    overwritten with their averages; see :mod:`dualnet.optim.ema`.

    Raises:
        ArgumentError: (from the optimizer given them) an unknown option, a value outside its range, more
            than one clipping, or ``ema_overwrite_frequency`` without ``use_ema``.
    """

    clipnorm: float | None
    clipvalue: float | None
    global_clipnorm: float | None
    foreach: bool | None
    use_ema: bool
    ema_momentum: float
    ema_overwrite_frequency: int | None


@dataclass(frozen=True)
class Options:
    """:class:`OptimizerOptions` checked: at most one clipping, ``foreach``, and the averaging (None: off)."""

    clipnorm: float | None
    clipvalue: float | None
    global_clipnorm: float | None
    foreach: bool | None
    ema: ema.Averaging | None

    @classmethod
    def parse(cls, owner: str, options: Mapping[str, Any], defaults: Mapping[str, Any]) -> Options:
        """The checked options of optimizer ``owner`` (whose hyper-parameters are ``defaults``).

        Raises:
            ArgumentError: an unknown option (with the close names), a value outside its range, two clippings.
        """
        unknown = sorted(set(options) - set(OptimizerOptions.__annotations__))
        if unknown:
            known = ["lr", *sorted({*OptimizerOptions.__annotations__, *defaults} - {"lr"})]
            raise ArgumentError(
                f"{owner}: unknown argument(s) {unknown}; {did_you_mean(unknown[0], known)}"
                f"{owner} takes {', '.join(known)}"
            )
        clips = {key: options.get(key) for key in ("clipnorm", "clipvalue", "global_clipnorm")}
        checked = {
            key: check_float(owner, key, value, low=0.0, low_open=True, or_none=True, example=f"{key}=1.0")
            for key, value in clips.items()
        }
        if sum(v is not None for v in checked.values()) > 1:
            shown = ", ".join(f"{key}={value}" for key, value in clips.items())
            raise ArgumentError(
                f"{owner}({shown}): only one of clipnorm, clipvalue and global_clipnorm can be set; keep one"
            )
        return cls(
            checked["clipnorm"],
            checked["clipvalue"],
            checked["global_clipnorm"],
            check_bool(owner, "foreach", options.get("foreach"), or_none=True),
            ema.Averaging.from_options(owner, options),
        )


def check_learning_rate(owner: str, lr: Any) -> Any:
    """``lr`` as a float (finite, >= 0), or the schedule itself (any callable ``step -> lr``).

    Raises:
        ArgumentError: ``lr`` is negative, NaN, infinite, or neither a number nor callable.
    """
    if callable(lr) and not is_number(lr):
        return lr
    if is_number(lr) and math.isfinite(lr) and lr >= 0:
        return float(lr)
    number = "a finite number" if is_number(lr) and math.isinf(lr) else "a number"
    raise argument_error(
        owner,
        "lr",
        lr,
        f"{number} >= 0 or a schedule",
        "pass e.g. lr=1e-3 or lr=dn.optim.schedules.CosineDecay(1e-3, decay_steps=1000)",
    )
