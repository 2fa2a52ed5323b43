"""Parametrizes the shared reference checks (``tests/losses/reference.py``) over each module's ``SPECS``."""

from __future__ import annotations

import pytest

_NEEDS = {
    "test_values_match_keras": "keras",
    "test_gradient_matches_keras": "keras_gradient",
    "test_values_match_torch": "torch",
    "test_gradient_matches_torch": "torch",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "spec" not in metafunc.fixturenames:
        return
    specs = getattr(metafunc.module, "SPECS", ())
    needed = _NEEDS.get(metafunc.function.__name__)
    chosen = [s for s in specs if needed is None or _has(s, needed)]
    metafunc.parametrize("spec", chosen, ids=[s.id for s in chosen])


def _has(spec: object, reference: str) -> bool:
    if reference == "keras_gradient":
        return getattr(spec, "keras", None) is not None and bool(getattr(spec, "keras_gradient", True))
    return getattr(spec, reference, None) is not None
