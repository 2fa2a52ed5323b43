"""Parametrizes the shared reference checks (``tests/losses/reference.py``) over each module's ``SPECS``."""

from __future__ import annotations

import pytest

_NEEDS = {
    "test_values_match_keras": "keras",
    "test_gradient_matches_keras": "keras",
    "test_values_match_torch": "torch",
    "test_gradient_matches_torch": "torch",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "spec" not in metafunc.fixturenames:
        return
    specs = getattr(metafunc.module, "SPECS", ())
    needed = _NEEDS.get(metafunc.function.__name__)
    chosen = [s for s in specs if needed is None or getattr(s, needed) is not None]
    metafunc.parametrize("spec", chosen, ids=[s.id for s in chosen])
