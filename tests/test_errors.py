"""The error hierarchy: every dualnet error is also the builtin a user would catch."""

from __future__ import annotations

import pytest

import dualnet as dn
from dualnet.backend.dispatch import B


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (dn.BackendError, ValueError),
        (dn.DeviceError, RuntimeError),
        (dn.ShapeError, ValueError),
        (dn.DTypeError, TypeError),
        (dn.ArgumentError, ValueError),
        (dn.StateError, RuntimeError),
        (dn.StateDictError, KeyError),
        (dn.UnsupportedError, NotImplementedError),
    ],
)
def test_each_error_is_a_dualnet_error_and_a_builtin(error: type[Exception], builtin: type[Exception]) -> None:
    assert issubclass(error, dn.DualnetError)
    assert issubclass(error, builtin)
    with pytest.raises(builtin):
        raise error("where: what; fix")


def test_key_error_message_is_not_quoted() -> None:
    assert str(dn.StateDictError("layer 'fc': missing; fix it")) == "layer 'fc': missing; fix it"


def test_missing_backend_function_raises_unsupported(backend: str) -> None:
    with pytest.raises(dn.UnsupportedError, match=f"backend '{backend}' does not provide 'no_such_op'"):
        _ = B.no_such_op
