"""Misuse of dn.data: splits, loaders and generators whose batches the model cannot take."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from tests.errors.catalogue import Case, cases, check, mlp

XT = np.ones((16, 3), "float32")
YT = np.ones((16, 2), "float32")


def _fit_generator(batches: list[object]) -> None:
    model = mlp()
    dn.Trainer(model, dn.optim.SGD(model.parameters()), "mse").fit(iter(batches), epochs=1, verbose=0)


CASES = cases(
    Case("split fraction", lambda: dn.data.split(XT, 1.5), dn.ArgumentError, ("fraction=1.5", "(0, 1)", "e.g. 0.2")),
    Case(
        "split fraction as text",
        lambda: dn.data.split(XT, "half"),
        dn.ArgumentError,
        ("'half'", "strictly between 0 and 1"),
    ),  # type: ignore[arg-type]
    Case(
        "split a list of numbers",
        lambda: dn.data.split([1, 2, 3], 0.5),
        dn.ShapeError,
        ("data[0]", "wrap a list of numbers in np.asarray"),
    ),
    Case(
        "adapt an object",
        lambda: dn.data.adapt(object(), batch_size=4, shuffle=False),
        dn.ArgumentError,
        ("data: expected arrays", "convert it to NumPy"),
    ),
    Case(
        "adapt a number",
        lambda: dn.data.adapt(5, batch_size=4, shuffle=False),
        dn.ArgumentError,
        ("got int", "convert it to NumPy"),
    ),
    Case(
        "shuffle as text",
        lambda: dn.data.DataLoader(XT, shuffle="batch"),
        dn.ArgumentError,
        ("DataLoader(shuffle='batch')", "shuffle=True"),
    ),
    Case(
        "fractional batch size",
        lambda: dn.data.DataLoader(XT, batch_size=2.5),
        dn.ArgumentError,
        ("batch_size", "2.5", "batch_size=32"),
    ),  # type: ignore[arg-type]
    Case(
        "drop_last leaves nothing",
        lambda: dn.data.DataLoader(XT, batch_size=32, drop_last=True),
        dn.ArgumentError,
        ("16 samples", "set drop_last=False"),
    ),
    Case(
        "generator of strings",
        lambda: _fit_generator(["batch"]),
        dn.ArgumentError,
        ("a batch of the generator", "got str"),
    ),
    Case(
        "generator batch of four parts",
        lambda: _fit_generator([(XT, YT, YT, YT)]),
        dn.ArgumentError,
        ("a tuple of 4 inputs", "match the signature of forward"),
        True,
    ),
)


@pytest.mark.parametrize("case", CASES)
def test_data_misuse(backend: str, case: Case) -> None:
    check(case)
