"""The errors dualnet raises.

Every error derives from :class:`DualnetError` and also from the builtin a
Python user would catch for that kind of mistake, so ``except ValueError``
keeps working. Messages say where (layer path or argument), what was expected,
what came, and how to fix it; :func:`message` builds them in that order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING


class DualnetError(Exception):
    """Base class of every error raised by dualnet."""

    if not TYPE_CHECKING:
        # Exception's own __init__: TensorFlow's autograph then re-raises a dualnet error from a traced function
        # as the same type (with its trace), instead of replacing it with its StagingError.
        __init__ = Exception.__init__

    def __str__(self) -> str:
        # KeyError-derived subclasses would otherwise print the message quoted.
        return str(self.args[0]) if self.args else ""


class BackendError(DualnetError, ValueError):
    """An unknown backend name, or a backend whose framework is not installed."""


class DeviceError(DualnetError, RuntimeError):
    """A device that does not exist on this machine, or a misplaced tensor."""


class ShapeError(DualnetError, ValueError):
    """An input or weight with a shape the operation cannot take."""


class DTypeError(DualnetError, TypeError):
    """An unknown dtype name, or an input of a dtype the operation cannot take."""


class ArgumentError(DualnetError, ValueError):
    """An argument outside its valid range or set of values."""


class StateError(DualnetError, RuntimeError):
    """An object used in a state that does not allow it (not built, wrong backend)."""


class StateDictError(DualnetError, KeyError):
    """Missing, unexpected or mis-shaped entries when loading weights."""


class NumericsError(DualnetError, FloatingPointError):
    """A NaN or infinity where a finite value was needed (a loss, a gradient, a layer output)."""


class WeightsFileError(DualnetError, ValueError):
    """A weights or checkpoint file that cannot be read: corrupt, truncated or not safetensors."""


class UnsupportedError(DualnetError, NotImplementedError):
    """A feature the active backend does not provide; names the backend and the feature."""


class DistributedError(DualnetError, RuntimeError):
    """A multi-process run that cannot go on: an incomplete launch environment, ranks that disagree, a lost rank."""


class DataError(DualnetError, RuntimeError):
    """A data pipeline that cannot go on: a corrupt file, a dataset item or collate_fn that failed, a lost worker."""


def message(where: str, what: str, fix: str) -> str:
    """Compose an error message: ``"{where}: {what}; {fix}"``.

    ``where`` names the layer path or argument, ``what`` says what was expected
    and what came, ``fix`` tells the user what to change.
    """
    return f"{where}: {what}; {fix}"
