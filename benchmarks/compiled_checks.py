"""Which of dualnet's eager checks hold in the Trainer's compiled step: a probe, not a timing.

For ``jit=False`` and ``jit=True`` it fits three small bad runs on the backend
of ``DUALNET_BACKEND`` and prints, per case, the error raised or ``NO ERROR``
with the loss: class ids 5..7 with 3 classes; an Embedding(input_dim=5) fed id
9 in the second batch only (the first, checked eagerly when the model is
built, is valid); one NaN input with ``TerminateOnNaN``. Run:
``DUALNET_BACKEND=tensorflow OMP_NUM_THREADS=1 python -m benchmarks.compiled_checks``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

import dualnet as dn

X = np.random.default_rng(0).standard_normal((8, 4)).astype("float32")


def _trainer(model: dn.nn.Module, jit: bool) -> dn.Trainer:
    optimizer = dn.optim.SGD(model.parameters(), lr=0.1)
    return dn.Trainer(model, optimizer=optimizer, loss=dn.losses.CrossEntropy(from_logits=True), jit=jit)


def _fit(case: str, jit: bool) -> Any:
    dn.seed(0)
    labels = np.zeros(8, "int64")
    if case == "class ids 5..7, 3 classes":
        return _trainer(dn.nn.Dense(3, in_features=4), jit).fit(X, np.arange(8) % 3 + 5, batch_size=4, verbose=0)
    if case == "embedding id 9, input_dim 5":
        model = dn.nn.Sequential([dn.nn.Embedding(5, 3), dn.nn.Flatten(), dn.nn.Dense(2)])
        ids = np.array([[1, 2]] * 4 + [[1, 9]] * 4)
        return _trainer(model, jit).fit(ids, labels, batch_size=4, shuffle=False, verbose=0)
    x = X.copy()
    x[0, 0] = np.nan
    model = dn.nn.Sequential([dn.nn.Dense(4, activation="relu", in_features=4), dn.nn.Dense(2, in_features=4)])
    stop = [dn.callbacks.TerminateOnNaN()]
    return _trainer(model, jit).fit(x, labels, batch_size=4, verbose=0, callbacks=stop)


def main() -> None:
    warnings.simplefilter("ignore")
    for jit in (False, True):
        for case in ("class ids 5..7, 3 classes", "embedding id 9, input_dim 5", "NaN input, Dense+relu"):
            try:
                outcome = f"NO ERROR, loss {_fit(case, jit).history['loss']}"
            except dn.DualnetError as error:
                outcome = f"{type(error).__name__}: {str(error)[:70]}"
            print(f"{dn.backend()} jit={jit} {case}: {outcome}")


if __name__ == "__main__":
    main()
