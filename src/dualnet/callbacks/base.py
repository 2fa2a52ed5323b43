"""``Callback``: hooks the Trainer calls during fit, evaluate and predict; ``CallbackList`` calls them in order.

Hook names follow Keras. ``epoch`` and ``batch`` are 0-based indices (``epoch``
counts from ``initial_epoch``; ``batch`` restarts at 0 each epoch). ``logs`` is a
dict of Python floats: ``"loss"``, metric names, ``"val_loss"`` and
``"val_<metric>"`` (at epoch end, with validation), and ``"lr"`` at epoch end.
Batch logs hold the running values of the epoch so far; the trainer fills them
only when some callback's :attr:`Callback.needs_batch_logs` is true, so a
callback that does not override the batch hooks costs no device-to-host copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from dualnet.errors import ArgumentError

__all__ = ["Callback", "CallbackList", "LambdaCallback"]

Logs = dict[str, Any]


class Callback:
    """Base class: override the hooks you need. The trainer calls :meth:`set_trainer` and :meth:`set_params` first.

    Attributes available in every hook: ``self.trainer`` (``.model``, ``.optimizer``,
    ``.stop_training``, ``.epoch``, ``.global_step``, ``.history``), ``self.model``
    and ``self.params`` (``{"epochs": final epoch count, "steps": batches per epoch
    or None, "verbose": 0 | 1 | 2}``). Set ``self.trainer.stop_training = True`` to
    stop after the current batch.
    """

    trainer: Any = None
    model: Any = None
    # True for callbacks that write files or print: with Trainer(strategy="data_parallel") only rank 0 runs them.
    main_process_only: bool = False

    def __init__(self) -> None:
        self.trainer = None
        self.model = None
        self.params: dict[str, Any] = {}

    def set_trainer(self, trainer: Any) -> None:
        """Attach the trainer (and its model) this callback serves."""
        self.trainer = trainer
        self.model = getattr(trainer, "model", None)

    def set_params(self, params: dict[str, Any]) -> None:
        """Receive ``{"epochs", "steps", "verbose"}`` of the run about to start."""
        self.params = dict(params)

    @property
    def needs_batch_logs(self) -> bool:
        """True if this callback reads per-batch logs: by default, when a subclass overrides a batch hook."""
        cls = type(self)
        return cls.on_batch_begin is not Callback.on_batch_begin or cls.on_batch_end is not Callback.on_batch_end

    def on_train_begin(self, logs: Logs | None = None) -> None:
        """Called once when ``fit`` starts."""

    def on_train_end(self, logs: Logs | None = None) -> None:
        """Called once when ``fit`` ends (also after an early stop); ``logs`` are the last epoch's."""

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        """Called at the start of epoch ``epoch`` (0-based)."""

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        """Called at the end of epoch ``epoch`` with the epoch's training and validation values and ``"lr"``."""

    def on_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Called before training batch ``batch`` (0-based within the epoch)."""

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """Called after training batch ``batch`` with the running ``"loss"`` and metrics of the epoch."""

    def on_test_begin(self, logs: Logs | None = None) -> None:
        """Called when ``evaluate`` (or validation inside ``fit``) starts."""

    def on_test_end(self, logs: Logs | None = None) -> None:
        """Called when ``evaluate`` (or validation inside ``fit``) ends, with its results."""

    def on_predict_begin(self, logs: Logs | None = None) -> None:
        """Called when ``predict`` starts."""

    def on_predict_end(self, logs: Logs | None = None) -> None:
        """Called when ``predict`` ends."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def global_step(trainer: Any) -> int | None:
    """``trainer.global_step`` (training batches run so far, counted after each batch) if it has one."""
    step = getattr(trainer, "global_step", None)
    return step if isinstance(step, int) and not isinstance(step, bool) else None


_HOOKS = (
    "on_train_begin",
    "on_train_end",
    "on_epoch_begin",
    "on_epoch_end",
    "on_batch_begin",
    "on_batch_end",
    "on_test_begin",
    "on_test_end",
    "on_predict_begin",
    "on_predict_end",
)


class LambdaCallback(Callback):
    """A callback from plain functions: ``LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs))``.

    Each keyword is one of the hook names; epoch and batch hooks take ``(index, logs)``,
    the others ``(logs)``.

    Raises:
        ArgumentError: a keyword that is not a hook name, or a value that is not callable.
    """

    def __init__(self, **hooks: Callable[..., Any]) -> None:
        super().__init__()
        for name, fn in hooks.items():
            if name not in _HOOKS:
                raise ArgumentError(
                    f"LambdaCallback({name}=...): unknown hook {name!r}; use one of {', '.join(_HOOKS)}"
                )
            if not callable(fn):
                raise ArgumentError(
                    f"LambdaCallback({name}={fn!r}): {name} must be a function; pass e.g. {name}=lambda *args: None"
                )
            setattr(self, name, fn)
        self._hooks = sorted(hooks)

    @property
    def needs_batch_logs(self) -> bool:
        return "on_batch_begin" in self._hooks or "on_batch_end" in self._hooks

    def __repr__(self) -> str:
        return f"LambdaCallback({', '.join(self._hooks)})"


def _checked(callbacks: Any) -> list[Callback]:
    if callbacks is None:
        return []
    if isinstance(callbacks, Callback):
        return [callbacks]
    if isinstance(callbacks, str | bytes | dict) or not isinstance(callbacks, Iterable):
        raise ArgumentError(
            f"callbacks: expected a list of dn.callbacks.Callback objects, got {type(callbacks).__name__}; "
            "pass e.g. callbacks=[dn.callbacks.EarlyStopping(patience=3)]"
        )
    items = list(callbacks)
    for index, item in enumerate(items):
        if isinstance(item, Callback):
            continue
        kind = type(item)
        named = f"{kind.__module__}.{kind.__qualname__}" if kind.__module__ != "builtins" else kind.__qualname__
        if kind.__module__.split(".")[0] in ("keras", "tensorflow", "tf_keras"):
            fix = "Keras callbacks do not run in dualnet; use the dn.callbacks one of the same name"
        elif callable(item):
            fix = "wrap a function in dn.callbacks.LambdaCallback(on_epoch_end=fn) or subclass dn.callbacks.Callback"
        else:
            fix = "pass instances of dn.callbacks.Callback subclasses"
        raise ArgumentError(f"callbacks[{index}]: expected a dn.callbacks.Callback, got {named} ({item!r}); {fix}")
    return items


class CallbackList:
    """Calls each hook on every callback, in list order, with the same ``logs`` dict.

    ``callbacks`` is a list of :class:`Callback` (a single one and None are accepted).
    ``trainer`` and ``params`` are handed to each callback now, if given.

    Raises:
        ArgumentError: ``callbacks`` holds something that is not a Callback (names its position and type).
    """

    def __init__(
        self,
        callbacks: Iterable[Callback] | Callback | None = (),
        trainer: Any = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.callbacks: list[Callback] = _checked(callbacks)
        if trainer is not None:
            self.set_trainer(trainer)
        if params is not None:
            self.set_params(params)

    def append(self, callback: Callback) -> None:
        """Add ``callback`` at the end (ArgumentError if it is not a Callback)."""
        self.callbacks.extend(_checked([callback]))

    def set_trainer(self, trainer: Any) -> None:
        for callback in self.callbacks:
            callback.set_trainer(trainer)

    def set_params(self, params: dict[str, Any]) -> None:
        for callback in self.callbacks:
            callback.set_params(params)

    @property
    def needs_batch_logs(self) -> bool:
        """True if any callback reads per-batch logs (the trainer then converts batch values to floats)."""
        return any(callback.needs_batch_logs for callback in self.callbacks)

    def __iter__(self) -> Iterator[Callback]:
        return iter(self.callbacks)

    def __len__(self) -> int:
        return len(self.callbacks)

    def __repr__(self) -> str:
        return f"CallbackList({self.callbacks!r})"

    def on_train_begin(self, logs: Logs | None = None) -> None:
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_train_begin(logs)

    def on_train_end(self, logs: Logs | None = None) -> None:
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_train_end(logs)

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_epoch_end(epoch, logs)

    def on_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_batch_begin(batch, logs)

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_batch_end(batch, logs)

    def on_test_begin(self, logs: Logs | None = None) -> None:
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_test_begin(logs)

    def on_test_end(self, logs: Logs | None = None) -> None:
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_test_end(logs)

    def on_predict_begin(self, logs: Logs | None = None) -> None:
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_predict_begin(logs)

    def on_predict_end(self, logs: Logs | None = None) -> None:
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            callback.on_predict_end(logs)
