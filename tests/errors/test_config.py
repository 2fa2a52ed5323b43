"""Misuse of backend, seed and device selection."""

from __future__ import annotations

import pytest

import dualnet as dn
from tests.errors.catalogue import Case, cases, check


def _enter(name: object) -> None:
    with dn.device(name):  # type: ignore[arg-type]
        pass


CASES = cases(
    Case("unknown backend", lambda: dn.set_backend("jax"), dn.BackendError, ("'jax'", "valid names are", "torch")),
    Case("backend not a string", lambda: dn.set_backend(3), dn.BackendError, ("got int", "use 'torch'")),  # type: ignore[arg-type]
    Case("negative seed", lambda: dn.seed(-1), dn.ArgumentError, ("dn.seed(value=-1)", "an int >= 0", "dn.seed(0)")),
    Case("string seed", lambda: dn.seed("a"), dn.ArgumentError, ("dn.seed(value='a')", "dn.seed(0)")),  # type: ignore[arg-type]
    Case("float seed", lambda: dn.seed(1.5), dn.ArgumentError, ("dn.seed(value=1.5)", "an int >= 0")),  # type: ignore[arg-type]
    Case("device not a string", lambda: _enter(42), dn.DeviceError, ("device must be a string", "'cpu'", "got int")),
)


@pytest.mark.parametrize("case", CASES)
def test_config_misuse(backend: str, case: Case) -> None:
    check(case)
    assert dn.backend() == backend  # a refused switch leaves the backend as it was
