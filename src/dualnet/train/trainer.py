"""``Trainer``: Keras's ``fit`` / ``evaluate`` / ``predict`` habit on a dualnet model, on either backend.

The loops (epochs, callbacks, logs) run in Python; each batch goes through one
compiled step from :func:`B.compile_step`: a ``tf.function`` on tensorflow
(XLA with ``jit=True``), eager PyTorch on torch (``torch.compile`` with
``jit=True``). The default steps (:meth:`Trainer.train_step`,
:meth:`Trainer.test_step`, :meth:`Trainer.predict_step`) are written once on
``dn.value_and_grad``, the optimizer and the metrics; override them in a
subclass, or pass ``step_fn=fn(trainer, batch) -> dict`` for a custom training
step (two optimizers, GAN-style): callbacks, progress and History still work.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from dualnet import autograd
from dualnet.arguments import check_bool, check_callable, check_int
from dualnet.backend.dispatch import B
from dualnet.backend.selection import canonical_device, current_device, device as device_scope
from dualnet.callbacks.base import CallbackList
from dualnet.callbacks.history import History
from dualnet.callbacks.progress import ProgressBar, check_verbose, resolve_verbose
from dualnet.data import adapt
from dualnet.debug.step_checks import CheckedStep
from dualnet.distributed.data_parallel import data_parallel
from dualnet.errors import ArgumentError, DualnetError, StateError
from dualnet.io.checkpoint import load_checkpoint
from dualnet.nn.module import Module
from dualnet.nn.regularization import has_penalties, regularization_loss
from dualnet.optim.names import name_error as optimizer_name_error
from dualnet.optim.optimizer import Optimizer
from dualnet.train.loop import Epochs, fit_data, training_and_validation
from dualnet.train.objective import Objective
from dualnet.train.placement import place
from dualnet.train.precision import Autocast, LossScaler, get_policy
from dualnet.train.running import check_step, compile_entry, custom_train_step, diagnose, numerics_scope, prepare_step
from dualnet.train.step import GradientApplier, RunningMeans, detached
from dualnet.train.structure import (
    batch_size,
    call_model,
    cast_floats,
    concatenate,
    first_leaf,
    is_batch_source,
    to_numpy,
    unpack,
)

__all__ = ["Trainer"]


class Trainer:
    """Trains ``model`` with ``optimizer`` on ``loss``, tracking ``metrics``.

    Args:
        model: a :class:`dualnet.nn.Module`; a tuple/list input batch is passed
            positionally (``model(*x)``), a dict or a tensor as one argument.
        optimizer: a :class:`dualnet.optim.Optimizer` over ``model.parameters()``
            (None only with a custom step that steps its own optimizers).
        loss: a name, a Loss, a function ``(y_pred, y_true) -> scalar``, or a
            tuple/dict of those for a multi-output model (see :mod:`dualnet.train.objective`).
        metrics: names, Metric objects or functions; a dict per output for several outputs.
        jit: compile harder: ``torch.compile`` on torch (forward, backward and update as one graph), XLA on
            tensorflow. On CPU, XLA's convolutions are slower than TensorFlow's own kernels (see the benchmarks).
            Value checks (class ids, Embedding ids) hold in compiled steps: on tensorflow they return a flag
            the trainer reads after each step and raise then, so that batch's update has been applied
            (:mod:`dualnet.debug.step_checks`).
        precision: ``"float32"``, ``"bf16-mixed"`` or ``"fp16-mixed"`` (CUDA; dynamic loss scaling).
        device: where the model and every batch go (``"cpu"``, ``"cuda:0"``); default: the current device.
        grad_accumulation: add the gradients of this many consecutive batches, then step once.
        loss_weights: weights of the per-output losses in the total.
        step_fn: ``fn(trainer, batch) -> dict of scalars`` replacing :meth:`train_step`.
        check_numerics: stop at the first NaN or inf in a layer output, the loss or a gradient with a
            :class:`dualnet.NumericsError` naming the layer or parameter, the epoch and the step (see
            :func:`dualnet.debug.check_numerics`). The steps then run eagerly, uncompiled (like Keras's
            ``run_eagerly``), so that each layer can be checked: slower, for debugging.
        strategy: ``"data_parallel"`` to train with every process of a ``dualnet launch`` run (each on its
            slice of every global batch of ``batch_size``, gradients averaged over the processes; see
            :mod:`dualnet.distributed`); None (default): this process alone.

    Attributes for callbacks: ``model``, ``optimizer``, ``stop_training``,
    ``stop_error``, ``epoch``, ``global_step`` (batches trained since the trainer
    was made), ``completed_epochs`` (epochs finished, counted on before each
    ``on_epoch_end``: what a checkpoint resumes from), ``history`` (the last fit's :class:`History`).

    Raises:
        ArgumentError: an argument outside its valid values (the message names it), at construction or in
            ``fit`` / ``evaluate`` / ``predict`` (data, batch size, epochs, callbacks, a batch ``forward`` cannot take).
        ShapeError: targets or sample weights that do not match the model's outputs, or batches without a sample axis.
        DeviceError: ``device`` does not exist here, or the optimizer keeps its variables on another device.
        UnsupportedError: ``precision="fp16-mixed"`` off CUDA, or ``jit=True`` with a strategy the backend cannot
            compile.
        NumericsError: with ``check_numerics`` or :class:`~dualnet.callbacks.TerminateOnNaN`, at a non-finite value.
        StateError: the trainer is used after a switch to another backend.
        DistributedError: with ``strategy="data_parallel"``, a bad launch environment, or ranks that disagree or left.
    """

    def __init__(
        self,
        model: Module,
        optimizer: Optimizer | None = None,
        loss: Any = None,
        metrics: Any = None,
        jit: bool = False,
        precision: str = "float32",
        device: str | None = None,
        grad_accumulation: int = 1,
        loss_weights: Any = None,
        step_fn: Callable[[Trainer, Any], Any] | None = None,
        check_numerics: bool = False,
        strategy: str | None = None,
    ) -> None:
        if not isinstance(model, Module):
            raise ArgumentError(f"Trainer(model=...): expected a dn.nn.Module, got {type(model).__name__}")
        if isinstance(optimizer, str):
            raise optimizer_name_error("Trainer(optimizer=...)", optimizer)
        if optimizer is not None and not isinstance(optimizer, Optimizer):
            raise ArgumentError(
                f"Trainer(optimizer=...): expected a dn.optim optimizer, e.g. dn.optim.Adam(model.parameters()), "
                f"got {type(optimizer).__name__}"
            )
        jit = check_bool("Trainer", "jit", jit)
        self.check_numerics = check_bool("Trainer", "check_numerics", check_numerics)
        if step_fn is not None:
            check_callable(
                "Trainer",
                "step_fn",
                step_fn,
                what="a function fn(trainer, batch) -> dict of scalars",
                example="step_fn=lambda trainer, batch: {'loss': ...}",
            )
        self.strategy = data_parallel(strategy)
        self.grad_accumulation = check_int(
            "Trainer", "grad_accumulation", grad_accumulation, low=1, example="grad_accumulation=4"
        )
        self.model, self.optimizer, self.jit, self.step_fn = model, optimizer, jit, step_fn
        self.objective = Objective(loss, loss_weights, metrics)
        self.device = None if device is None else place(model, optimizer, canonical_device(device))
        target = self.device or current_device()
        self.policy = get_policy(precision, target)
        if self.strategy is not None:
            self.strategy.check_jit(jit, target)
        self.stop_training, self.stop_error = False, None
        self.epoch, self.global_step, self.completed_epochs = 0, 0, 0
        self.history: History | None = None
        self._backend = B.name
        model.parameters()  # a StateError naming the layer if the model was built on another backend
        self._prepared = False
        self._custom_step_ran = False  # a custom step's first run is eager (it may build the model)
        self._autocast: Autocast | None = None
        self._scaler: LossScaler | None = None  # fp16's loss scale, made with the other step state by prepare_step
        self._applier: GradientApplier | None = None
        self._apply = True  # read by the default step while it is traced / run: step the optimizer this batch
        self._compiled: dict[str, Callable[..., Any]] = {}
        self._checked: dict[str, CheckedStep] = {}  # the steps whose calls return value-check flags
        # Whether the model has regularizers, known before any step is compiled: an attribute that changed inside
        # the compiled step would make torch.compile trace it again.
        self._penalised = has_penalties(model)

    # --- the steps: override these, or pass step_fn ---------------------------------------------------

    def train_step(self, batch: Any) -> dict[str, Any]:
        """One training batch ``(x, y[, sample_weight])``: forward, loss, gradients, optimizer step, metrics.

        Returns ``{"loss": scalar, ...}``; the trainer averages each value over the
        epoch (weighted by batch size) for the logs, and adds the metrics' results.
        """
        if self.optimizer is None or self._applier is None:
            raise ArgumentError("Trainer(optimizer=None): the default train_step needs an optimizer")
        x, y, sample_weight = unpack(batch)

        def objective(model: Module) -> tuple[Any, Any]:
            y_pred = self.forward(x)
            loss, logs = self.compute_loss(y_pred, y, sample_weight)
            scaled = loss if self._scaler is None else self._scaler.scale(loss)
            return scaled, (y_pred, logs)

        (_, (y_pred, logs)), grads = autograd.value_and_grad(objective, has_aux=True)(self.model)
        self._applier(grads, B.leading_size(first_leaf(x)), self._apply)
        self.objective.update_metrics(y_pred, y)
        return logs  # type: ignore[no-any-return]

    def test_step(self, batch: Any) -> dict[str, Any]:
        """One evaluation batch ``(x, y[, sample_weight])``: forward, loss, metrics (no gradients)."""
        x, y, sample_weight = unpack(batch)
        y_pred = self.forward(x)
        _, logs = self.compute_loss(y_pred, y, sample_weight)
        self.objective.update_metrics(y_pred, y)
        return logs

    def predict_step(self, x: Any) -> Any:
        """The model's outputs for one batch of inputs ``x`` (float32 under mixed precision)."""
        return self.forward(x)

    # --- building blocks for steps --------------------------------------------------------------------

    def forward(self, x: Any) -> Any:
        """``model(x)`` under the precision policy: inputs and parameters in the compute dtype, outputs float32."""
        if not self.policy.mixed:
            return call_model(self.model, x)
        if self._autocast is None:
            self._autocast = Autocast(self.model, self.policy.compute_dtype)
        with self._autocast.scope():
            y_pred = call_model(self.model, cast_floats(x, self.policy.compute_dtype))
        return cast_floats(y_pred, "float32")

    def compute_loss(self, y_pred: Any, y: Any, sample_weight: Any = None) -> tuple[Any, dict[str, Any]]:
        """``(total loss, logs)`` of the configured loss(es) for outputs ``y_pred`` and targets ``y``.

        The total (and ``logs["loss"]``) includes ``dn.regularization_loss(model)``, the
        model's weight and activity penalties, as Keras's ``compute_loss`` adds ``model.losses``.
        """
        total, logs = self.objective.compute_loss(y_pred, y, sample_weight)
        if self._penalised:  # most models have no penalty, and pay nothing per step
            total = B.add(total, regularization_loss(self.model))
            logs["loss"] = total
        return total, logs

    def update_metrics(self, y_pred: Any, y: Any) -> None:
        """Add a batch to the configured metrics (for custom steps)."""
        self.objective.update_metrics(y_pred, y)

    @property
    def metrics(self) -> list[Any]:
        """The metric objects, in log order (empty until the first batch shows the output structure)."""
        return [metric for _, metric in self.objective.metrics]

    # --- fit / evaluate / predict -----------------------------------------------------------------------

    def fit(
        self,
        x: Any,
        y: Any = None,
        *,
        epochs: int = 1,
        batch_size: int | None = None,
        shuffle: bool = True,
        validation_data: Any = None,
        validation_split: float = 0.0,
        callbacks: Any = (),
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        verbose: int | str = "auto",
        sample_weight: Any = None,
        class_weight: dict[int, float] | None = None,
        resume_from: str | os.PathLike[str] | None = None,
    ) -> History:
        """Train for epochs ``initial_epoch .. epochs - 1``; returns the :class:`History` of per-epoch logs.

        ``x``/``y``: arrays (tuples/dicts of them for several inputs/outputs), or
        ``x`` alone as a ``dn.data.DataLoader``, the backend's own loader or a
        generator of ``(x, y[, sample_weight])`` batches. ``batch_size`` (default
        32) and ``shuffle`` apply to arrays. ``steps_per_epoch`` caps the batches
        per epoch (needed for an endless generator). ``verbose``: 0 silent, 1 a
        progress bar, 2 one line per epoch, ``"auto"`` 1 on a terminal else 2.
        Raises the ``stop_error`` a callback left (TerminateOnNaN) after ``on_train_end``.
        ``resume_from``: a :func:`dualnet.save_checkpoint` file; its weights, optimizer state,
        step, RNG state and history are loaded and training continues at its epoch
        (which replaces ``initial_epoch``): an uninterrupted run and a resumed one end equal.
        """
        self._check_backend()
        resumed = None if resume_from is None else load_checkpoint(resume_from, trainer=self)
        if resumed is not None:
            initial_epoch = int(resumed["epoch"])
        epochs = check_int("fit", "epochs", epochs, low=0, example="epochs=10")
        initial_epoch = check_int("fit", "initial_epoch", initial_epoch, low=0, example="initial_epoch=0")
        steps = check_int("fit", "steps_per_epoch", steps_per_epoch, low=1, or_none=True, example="steps_per_epoch=100")
        mode = resolve_verbose(check_verbose("fit", verbose))
        with self._placement():
            data = fit_data(x, y, sample_weight, class_weight)
            train, validation = training_and_validation(
                data, y is not None, validation_data, validation_split, batch_size, shuffle
            )
            if self.strategy is not None:
                train = self.strategy.shard(train)
                validation = None if validation is None else self.strategy.shard(validation)
            epochs_of = Epochs(train, steps, "fit")
            history = History()
            self.history = history
            listed = self._callbacks(callbacks, history, verbose if mode else 0)
            listed.set_params({"epochs": epochs, "steps": epochs_of.steps_per_epoch, "verbose": mode})
            self.stop_training, self.stop_error = False, None
            self._train_loop(epochs_of, validation, listed, initial_epoch, epochs, resumed)
        if self.stop_error is not None:
            raise self.stop_error
        return history

    def _train_loop(
        self, batches: Epochs, validation: Any, callbacks: CallbackList, first: int, end: int, resumed: Any = None
    ) -> None:
        batch_logs = callbacks.needs_batch_logs
        means = RunningMeans()
        logs: dict[str, float] = {}
        if self._applier is not None:
            self._applier.reset()  # a run stopped early may have left part of an accumulation behind
        callbacks.on_train_begin({})
        if resumed is not None and self.history is not None:  # the resumed run's History carries on the saved one
            self.history.epoch = list(resumed["history"]["epoch"])
            self.history.history = {key: list(values) for key, values in resumed["history"]["logs"].items()}
        for epoch in range(first, end):
            self.epoch = epoch
            self.model.train()
            self.objective.reset()
            means.reset()
            callbacks.on_epoch_begin(epoch, {})
            for index, batch, last in batches.epoch(epoch):
                if batch_logs:
                    callbacks.on_batch_begin(index, {})
                apply = last or (index + 1) % self.grad_accumulation == 0
                means.add(self._run("train", batch, apply), batch_size(batch))
                self.global_step += 1
                if batch_logs:
                    callbacks.on_batch_end(index, self._logs(means))
                if self.stop_training:
                    break
            logs = self._epoch_logs(means)
            if validation is not None and self.stop_error is None:
                logs.update({f"val_{k}": v for k, v in self._evaluate(validation, callbacks).items()})
                self.model.train()
            if self.optimizer is not None:
                logs["lr"] = float(self.optimizer.lr)
            self.completed_epochs = epoch + 1
            callbacks.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        if self.optimizer is not None and end > first:  # as Keras's fit: use_ema leaves the averaged weights
            self.optimizer.finalize_variable_values()
        callbacks.on_train_end(logs)

    def evaluate(
        self,
        x: Any,
        y: Any = None,
        *,
        batch_size: int | None = 32,
        sample_weight: Any = None,
        verbose: int | str = 0,
        callbacks: Any = (),
    ) -> dict[str, float]:
        """The loss and metrics over ``x``/``y`` (arrays, or a loader/generator of batches), in eval mode.

        Returns ``{"loss": ..., "<metric>": ...}`` (Python floats); ``verbose`` 1 or 2 prints them in one line.
        """
        self._check_backend()
        batch_size = check_int("evaluate", "batch_size", batch_size, low=1, or_none=True, example="batch_size=32")
        mode = resolve_verbose(check_verbose("evaluate", verbose))
        with self._placement():
            data = adapt(
                fit_data(x, y, sample_weight, None),
                batch_size=batch_size,
                shuffle=False,
                name=("x", "y", "sample_weight")[: 3 if sample_weight is not None else 2] if y is not None else "x",
            )
            data = data if self.strategy is None else self.strategy.shard(data)
            listed = self._callbacks(callbacks, None, 0)
            listed.set_params({"epochs": 1, "steps": Epochs(data, None).length, "verbose": mode})
            logs = self._evaluate(data, listed)
        if mode and (self.strategy is None or self.strategy.is_main):
            print("Evaluate - " + " - ".join(f"{key}: {value:.4f}" for key, value in logs.items()))
        return logs

    def _evaluate(self, data: Any, callbacks: CallbackList) -> dict[str, float]:
        callbacks.on_test_begin({})
        self.model.eval()
        self.objective.reset()
        means = RunningMeans()
        with autograd.no_grad():
            for _, batch, _ in Epochs(data, None, "evaluate").epoch(0):
                means.add(self._run("test", batch), batch_size(batch))
        logs = self._epoch_logs(means)
        callbacks.on_test_end(logs)
        return logs

    def predict(self, x: Any, *, batch_size: int | None = 32, verbose: int | str = 0, callbacks: Any = ()) -> Any:
        """The model's outputs for ``x``, batch by batch in eval mode without gradients, as NumPy.

        ``x``: inputs as arrays (a tuple/dict for several inputs), or a loader or
        generator of batches (``(x, ...)`` tuples or inputs alone). Returns one array
        of shape ``(n, ...)``, or a tuple/dict of them for several outputs.
        """
        self._check_backend()
        batch_size = check_int("predict", "batch_size", batch_size, low=1, or_none=True, example="batch_size=32")
        check_verbose("predict", verbose)
        inputs_only = not is_batch_source(x)
        with self._placement():
            data = adapt(x, batch_size=batch_size, shuffle=False, name="x")
            listed = self._callbacks(callbacks, None, 0)
            listed.on_predict_begin({})
            self.model.eval()
            chunks: list[Any] = []
            with autograd.no_grad():
                for _, batch, _ in Epochs(data, None, "predict").epoch(0):
                    inputs = batch if inputs_only else unpack(batch)[0]
                    chunks.append(to_numpy(self._run("predict", inputs)))
            listed.on_predict_end({})
        return concatenate(chunks)

    # --- running the steps ---------------------------------------------------------------------------------

    def _run(self, kind: str, batch: Any, apply: bool = True) -> Any:
        """Run the compiled ``kind`` step on ``batch``; a framework error gets a dualnet diagnosis if one applies."""
        if not self._prepared:
            state = prepare_step(self, batch if kind != "predict" else (batch,), self._scaler)
            self._autocast, self._scaler, self._applier = state.autocast, state.scaler, state.applier
            self._prepared = True
        fn = self._compiled.get(kind)
        if fn is None:
            entry = getattr(self, f"_{kind}_entry")
            if kind == "train" and not self._custom_step_ran and custom_train_step(self):
                # A custom step builds the model and binds the objective itself (prepare_step ran no forward):
                # its first run is eager, as a compiled step cannot create variables; later ones are compiled.
                fn, self._custom_step_ran = entry, True
            else:
                if self.check_numerics:
                    fn = self._compiled[kind] = entry
                else:
                    fn, checked_step = compile_entry(self, entry)
                    self._compiled[kind] = fn
                    if checked_step is not None:
                        self._checked[kind] = checked_step
        try:
            # fp16's loss scaling skips steps with inf gradients itself: the scope leaves gradients alone then
            checked = numerics_scope(self, kind, self._scaler is None) if self.check_numerics else nullcontext()
            with checked as scope:
                out = fn(batch, apply) if kind == "train" else fn(batch)
                if kind in self._checked and fn is self._compiled.get(kind):
                    out = check_step(self, kind, self._checked[kind], out)
                if scope is not None and kind != "predict":
                    scope.step_logs(out)
        except DualnetError:
            raise
        except Exception as err:
            if self.strategy is not None:
                self.strategy.lost(err)
            if kind != "train" or (self.step_fn is None and type(self).train_step is Trainer.train_step):
                diagnose(self, kind, batch, err)  # a custom step's failure is the user's code: no second run
            raise
        if kind != "predict" and not isinstance(out, dict):
            raise ArgumentError(
                f"Trainer: the {kind} step must return a dict of scalars (e.g. {{'loss': loss}}), got "
                f"{type(out).__name__}"
            )
        return out

    def _train_entry(self, batch: Any, apply: bool) -> Any:
        self._apply = apply
        out = self.step_fn(self, batch) if self.step_fn is not None else self.train_step(batch)
        return detached(out)

    def _test_entry(self, batch: Any) -> Any:
        return detached(self.test_step(batch))

    def _predict_entry(self, x: Any) -> Any:
        return self.predict_step(x)

    # --- helpers -------------------------------------------------------------------------------------------

    def _logs(self, means: RunningMeans) -> dict[str, float]:
        return {**means.result(), **self.objective.results()}

    def _epoch_logs(self, means: RunningMeans) -> dict[str, float]:
        """The logs of a whole pass: over every process with ``strategy="data_parallel"``."""
        if self.strategy is None:
            return self._logs(means)
        return self.strategy.epoch_logs(means, self.objective)

    def _callbacks(self, callbacks: Any, history: History | None, verbose: int | str) -> CallbackList:
        listed = CallbackList(callbacks)
        if history is not None:
            listed.append(history)
        if verbose and not any(type(c).__name__ == "ProgressBar" for c in listed):
            listed.append(ProgressBar(verbose))
        if self.strategy is not None:
            listed.callbacks = self.strategy.callbacks(listed.callbacks)
        listed.set_trainer(self)
        return listed

    @contextmanager
    def _placement(self) -> Iterator[None]:
        with device_scope(self.device) if self.device is not None else nullcontext():
            yield

    def _check_backend(self) -> None:
        if B.name != self._backend:
            raise StateError(
                f"Trainer: made on backend {self._backend!r} but the active backend is {B.name!r}; the model's "
                f"variables belong to {self._backend}: switch back with dn.set_backend({self._backend!r})"
            )

    def __repr__(self) -> str:
        return (
            f"Trainer(model={type(self.model).__name__}, optimizer={self.optimizer!r}, jit={self.jit}, "
            f"precision={self.policy.name!r}, grad_accumulation={self.grad_accumulation})"
        )
