"""Callback and CallbackList: hook order, trainer and params hand-over, bad entries, batch-log needs."""

from __future__ import annotations

from typing import Any

import pytest

import dualnet as dn
from dualnet.callbacks import Callback, CallbackList, LambdaCallback

from .driver import Driver


class Recorder(Callback):
    def __init__(self, name: str, calls: list[str]) -> None:
        super().__init__()
        self.name, self.calls = name, calls

    def on_train_begin(self, logs: Any = None) -> None:
        self.calls.append(f"{self.name}:train_begin")

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self.calls.append(f"{self.name}:epoch_begin:{epoch}")

    def on_batch_end(self, batch: int, logs: Any = None) -> None:
        self.calls.append(f"{self.name}:batch_end:{batch}")

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        self.calls.append(f"{self.name}:epoch_end:{epoch}:{sorted(logs)}")

    def on_train_end(self, logs: Any = None) -> None:
        self.calls.append(f"{self.name}:train_end")


def test_hooks_run_in_list_order_with_trainer_and_params(backend: str) -> None:
    calls: list[str] = []
    first, second = Recorder("a", calls), Recorder("b", calls)
    driver = Driver()
    driver.fit([first, second], epochs=1, steps=2)
    assert calls == [
        "a:train_begin",
        "b:train_begin",
        "a:epoch_begin:0",
        "b:epoch_begin:0",
        "a:batch_end:0",
        "b:batch_end:0",
        "a:batch_end:1",
        "b:batch_end:1",
        "a:epoch_end:0:['loss', 'lr']",
        "b:epoch_end:0:['loss', 'lr']",
        "a:train_end",
        "b:train_end",
    ]
    assert first.trainer is driver and first.model is driver.model
    assert first.params == {"epochs": 1, "steps": 2, "verbose": 0}


def test_every_hook_exists_on_the_base_class_and_does_nothing() -> None:
    callback, logs = Callback(), {"loss": 1.0}
    callbacks = CallbackList([callback])
    for hook in (
        "on_train_begin",
        "on_train_end",
        "on_test_begin",
        "on_test_end",
        "on_predict_begin",
        "on_predict_end",
    ):
        getattr(callbacks, hook)(logs)
    for hook in ("on_epoch_begin", "on_epoch_end", "on_batch_begin", "on_batch_end"):
        getattr(callbacks, hook)(0, logs)
    callbacks.on_epoch_end(0)  # logs may be left out
    assert logs == {"loss": 1.0} and callback.params == {}


@pytest.mark.parametrize(
    ("entries", "position", "shown"),
    [
        ([dn.callbacks.EarlyStopping(), "early"], 1, "str"),
        ([lambda epoch, logs: None], 0, "function"),
        ([dn.callbacks.CSVLogger("x.csv"), dn.callbacks.TerminateOnNaN(), 3], 2, "int"),
    ],
)
def test_a_non_callback_is_an_argument_error_naming_its_position(entries: list[Any], position: int, shown: str) -> None:
    with pytest.raises(dn.ArgumentError, match=rf"callbacks\[{position}\].*{shown}"):
        CallbackList(entries)


def test_a_function_gets_a_lambda_callback_hint() -> None:
    with pytest.raises(dn.ArgumentError, match="LambdaCallback"):
        CallbackList([print])


def test_callbacks_must_be_a_list() -> None:
    with pytest.raises(dn.ArgumentError, match=r"list of dn\.callbacks\.Callback"):
        CallbackList("early_stopping")  # type: ignore[arg-type]
    with pytest.raises(dn.ArgumentError, match=r"callbacks\[0\]"):
        CallbackList([]).append("not a callback")  # type: ignore[arg-type]


def test_single_callback_and_none_are_accepted() -> None:
    callback = Callback()
    assert list(CallbackList(callback)) == [callback]
    assert len(CallbackList(None)) == 0


def test_needs_batch_logs_only_when_a_batch_hook_is_overridden() -> None:
    assert not Callback().needs_batch_logs
    assert Recorder("a", []).needs_batch_logs
    assert not dn.callbacks.EarlyStopping().needs_batch_logs
    assert not dn.callbacks.ModelCheckpoint("w.safetensors").needs_batch_logs
    assert dn.callbacks.TerminateOnNaN().needs_batch_logs
    assert not dn.callbacks.TensorBoard("logs").needs_batch_logs
    assert dn.callbacks.TensorBoard("logs", update_freq="batch").needs_batch_logs
    assert not dn.callbacks.ProgressBar(verbose=2).needs_batch_logs
    assert dn.callbacks.ProgressBar(verbose=1).needs_batch_logs
    assert not CallbackList([Callback(), dn.callbacks.EarlyStopping()]).needs_batch_logs
    assert CallbackList([Callback(), dn.callbacks.TerminateOnNaN()]).needs_batch_logs


def test_lambda_callback_calls_the_functions(backend: str) -> None:
    seen: list[tuple[str, int]] = []
    callback = LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append(("epoch", epoch)),
        on_train_end=lambda logs: seen.append(("end", len(logs))),
    )
    assert not callback.needs_batch_logs
    Driver().fit([callback], epochs=2, steps=1)
    assert seen == [("epoch", 0), ("epoch", 1), ("end", 2)]
    assert LambdaCallback(on_batch_end=lambda batch, logs: None).needs_batch_logs


def test_lambda_callback_rejects_unknown_hooks_and_non_functions() -> None:
    with pytest.raises(dn.ArgumentError, match=r"LambdaCallback.*on_epoch_finish"):
        LambdaCallback(on_epoch_finish=print)
    with pytest.raises(dn.ArgumentError, match=r"LambdaCallback.*on_epoch_end.*function"):
        LambdaCallback(on_epoch_end=3)  # type: ignore[arg-type]
