"""Around the Trainer's compiled step: the state it needs (made once, eagerly), its numerics scope, its diagnosis.

:func:`prepare_step` runs before the first compiled call: it builds a lazy model
with one eager forward (not with a custom ``step_fn`` or ``train_step``, whose
model may not take the data's x), learns the output structure for the losses and metrics
(metrics sized by the data make their state from it, as a compiled step cannot),
and makes what the default step keeps across batches (autocast, fp16 loss scale,
gradient routing). :func:`numerics_scope` places ``dn.debug.check_numerics`` at
the trainer's epoch and step. :func:`diagnose` re-runs a failed step's forward
eagerly, where dualnet's own input checks can name what the compiled run hit.
:func:`compile_entry` compiles a step so that, where the backend traces it
without values, the value checks inside (class ids, Embedding ids) come back as
flags that :func:`check_step` raises after the step ran (``dualnet.debug.step_checks``).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dualnet import autograd
from dualnet.backend.dispatch import B
from dualnet.debug import NumericsCheck, check_numerics
from dualnet.debug.step_checks import CheckedStep
from dualnet.errors import ArgumentError, DualnetError
from dualnet.nn.module import Module
from dualnet.train.precision import Autocast, LossScaler
from dualnet.train.step import GradientApplier
from dualnet.train.structure import call_model, output_keys, unpack

if TYPE_CHECKING:
    from dualnet.train.trainer import Trainer

__all__: list[str] = []


@dataclass
class StepState:
    """What the default step keeps across batches: None where the trainer's settings need none."""

    autocast: Autocast | None
    scaler: LossScaler | None
    applier: GradientApplier | None


def prepare_step(trainer: Trainer, batch: Any, scaler: LossScaler | None) -> StepState:
    """Once, eagerly, before the first compiled call: build the model, learn its outputs, make step state.

    ``scaler``: a loss scale the trainer already has (restored from a checkpoint), kept.
    """
    model = trainer.model
    x, y, _ = unpack(batch)
    if custom_train_step(trainer):
        # A custom step (a GAN's generator fed latent vectors) need not take the data's x: no forward here;
        # the objective binds at its first compute_loss, the model builds at its first call in the step.
        return _step_state(trainer, model, scaler)
    mode = model.training
    model.eval()  # no dropout, no running-statistics update: this call only looks
    try:
        with autograd.no_grad():
            y_pred = call_model(model, x)
    except TypeError as err:
        check_model_takes(model, x, err)
        raise
    finally:
        model.train(mode)
    if not trainer.objective.bound:
        trainer.objective.bind(output_keys(y_pred))
    if y is not None and not all(metric.built for _, metric in trainer.objective.metrics):
        # Metrics sized by the data (F1Score, R2Score) make their state in one eager update: a compiled step
        # cannot create variables. The reset undoes the update; the loops reset the metrics before each pass anyway.
        trainer.objective.update_metrics(y_pred, y)
        trainer.objective.reset()
    return _step_state(trainer, model, scaler)


def custom_train_step(trainer: Trainer) -> bool:
    """True if the trainer trains with ``step_fn=`` or an overridden ``train_step``."""
    from dualnet.train.trainer import Trainer  # at run time: trainer.py imports this module

    return trainer.step_fn is not None or type(trainer).train_step is not Trainer.train_step


def _step_state(trainer: Trainer, model: Module, scaler: LossScaler | None) -> StepState:
    policy, strategy = trainer.policy, trainer.strategy
    autocast = Autocast(model, policy.compute_dtype) if policy.mixed else None
    if policy.loss_scaling and scaler is None:
        scaler = LossScaler()
    if strategy is not None:
        strategy.check_parameters(model)
    applier = None
    if trainer.optimizer is not None and trainer.step_fn is None:
        reduce = strategy.reduce_gradients if strategy is not None and strategy.active else None
        applier = GradientApplier(model, trainer.optimizer, trainer.grad_accumulation, scaler, reduce)
    return StepState(autocast, scaler, applier)


def check_model_takes(model: Module, x: Any, err: TypeError) -> None:
    """After ``model(x)`` failed with ``err``: ArgumentError if ``forward`` cannot take the batch's inputs at all."""
    inputs = tuple(x) if isinstance(x, tuple | list) else (x,)
    try:
        inspect.signature(model.forward).bind(*inputs)
    except TypeError:
        kind = f"a {type(x).__name__} of {len(inputs)} inputs" if isinstance(x, tuple | list) else "one input"
        raise ArgumentError(
            f"Trainer: the batch's x is {kind}, which {type(model).__name__}.forward cannot take ({err}); a "
            "tuple or list x is passed as separate arguments (model(*x)) and anything else as one: make the "
            "data's x match the signature of forward"
        ) from err
    except ValueError:
        return


@contextmanager
def numerics_scope(trainer: Trainer, kind: str, gradients: bool) -> Iterator[NumericsCheck]:
    """``dn.debug.check_numerics`` around one eager ``kind`` step, placed at the trainer's epoch and step."""
    where = {
        "train": f"at epoch {trainer.epoch + 1}, step {trainer.global_step + 1}",
        "test": f"in evaluation after training step {trainer.global_step}",
        "predict": "in predict",
    }[kind]
    with check_numerics(gradients=gradients) as scope:
        scope.location = where
        yield scope


def diagnose(trainer: Trainer, kind: str, batch: Any, err: Exception) -> None:
    """Re-run the forward (and loss) of a failed step eagerly; raise the DualnetError it meets, from ``err``."""
    x, y, sample_weight = (batch, None, None) if kind == "predict" else unpack(batch)
    try:
        with autograd.no_grad():
            y_pred = trainer.forward(x)
            if kind != "predict":
                trainer.compute_loss(y_pred, y, sample_weight)
    except DualnetError as found:
        raise found from err
    except Exception:
        return


def compile_entry(trainer: Trainer, entry: Any) -> tuple[Any, CheckedStep | None]:
    """``entry`` compiled by the backend, and the :class:`CheckedStep` whose report its calls return, if any.

    With a CheckedStep the compiled step returns ``(output, report)``: pass both to :func:`check_step`.
    """
    if not B.traces_checks():
        return B.compile_step(entry, trainer.jit), None
    checked = CheckedStep(entry)
    return B.compile_step(checked.traced, trainer.jit), checked


def check_step(trainer: Trainer, kind: str, checked: CheckedStep, result: Any) -> Any:
    """The step's output from a compiled call's ``result``; raises the first value check that failed in it.

    Raises:
        DualnetError: the error of that check (ArgumentError for class ids or Embedding ids out of
            range), naming the step. The step ran: its update has been applied.
    """
    out, report = result
    where = {
        "train": f"the compiled train step at epoch {trainer.epoch + 1}, step {trainer.global_step + 1}, after it "
        "ran: that batch's update has been applied",
        "test": f"the compiled evaluation step after training step {trainer.global_step}",
        "predict": "the compiled predict step",
    }[kind]
    checked.check(report, where)
    return out
