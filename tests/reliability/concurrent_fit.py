"""Run as a script (``python -m tests.reliability.concurrent_fit``): two threads fit while a third predicts.

The backend comes from ``DUALNET_BACKEND``. Run 0 is eager and run 1 compiled
(``jit=True``), each seeding itself in its thread; a third thread predicts
with a third model the whole time and checks each prediction against the one
it made first. The two runs are done sequentially first; the script fails
unless the concurrent runs end with the same loss histories and bit-identical
weights. It prints ``ok <predictions made>``.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

import dualnet as dn

RNG = np.random.default_rng(0)
X = RNG.standard_normal((48, 5)).astype("float32")
Y = (X[:, 0] + X[:, 1] > 0).astype("int64")


def trainer(seed: int, jit: bool) -> dn.Trainer:
    dn.seed(seed)
    model = dn.nn.Sequential([dn.nn.Dense(8, activation="relu", in_features=5), dn.nn.Dense(2, in_features=8)])
    optimizer = dn.optim.Adam(model.parameters(), lr=1e-2)
    return dn.Trainer(model, optimizer=optimizer, loss=dn.losses.CrossEntropy(from_logits=True), jit=jit)


def fit(run: int, results: dict[Any, Any]) -> None:
    fitted = trainer(seed=run, jit=run == 1)
    history = fitted.fit(X, Y, epochs=3, batch_size=8, validation_data=(X, Y), verbose=0)
    results[run] = (history.history, fitted.model.state_dict())


def predict(stop: threading.Event, results: dict[Any, Any]) -> None:
    predictor = trainer(seed=7, jit=False)
    first = predictor.predict(X, batch_size=16)
    made = 0
    while not stop.is_set() or made == 0:
        np.testing.assert_array_equal(predictor.predict(X, batch_size=16), first)
        made += 1
    results["predictions"] = made


def in_thread(target: Any, *args: Any) -> threading.Thread:
    def guarded() -> None:
        try:
            target(*args)
        except BaseException as error:  # the main thread reports it: a thread's exception is otherwise only printed
            errors.append(error)
            raise

    thread = threading.Thread(target=guarded)
    thread.start()
    return thread


errors: list[BaseException] = []


def main() -> None:
    sequential: dict[Any, Any] = {}
    for run in (0, 1):
        fit(run, sequential)
    concurrent: dict[Any, Any] = {}
    stop = threading.Event()
    predictor = in_thread(predict, stop, concurrent)
    fits = [in_thread(fit, run, concurrent) for run in (0, 1)]
    for thread in fits:
        thread.join()
    stop.set()
    predictor.join()
    if errors:
        raise errors[0]
    for run in (0, 1):
        history, state = sequential[run]
        assert concurrent[run][0] == history, f"run {run}: {concurrent[run][0]} != sequential {history}"
        for name, value in state.items():
            np.testing.assert_array_equal(concurrent[run][1][name], value, err_msg=f"run {run}: {name}")
    print("ok", concurrent["predictions"])


if __name__ == "__main__":
    main()
