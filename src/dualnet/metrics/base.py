"""The :class:`Metric` base class (running totals in backend buffers) and the checks metrics share."""

from __future__ import annotations

from typing import Any

import numpy as np

from dualnet.arguments import check_probability
from dualnet.backend.dispatch import B
from dualnet.backend.selection import ensure_backend
from dualnet.errors import ShapeError, StateError
from dualnet.losses.base import compatible, integer_class_ids

__all__ = ["Metric"]


class Metric:
    """Base class: running totals in float64 buffers declared with :meth:`add_state`.

    Subclasses implement :meth:`update` (adding to the totals with
    :meth:`_accumulate`) and :meth:`result` (reading them with :meth:`totals`).
    :meth:`update` takes a batch of the shapes the subclass states (``y_pred`` usually ``(N, ...)``);
    :meth:`result` is a Python float, or a float64 array of shape ``(K,)`` for the
    few metrics that give one value per class or per threshold, as their Keras
    namesakes do (``F1Score(average=None)``, ``TruePositives(thresholds=[...])``).
    Every total is a sum, so totals from several processes add up.

    A metric whose state is sized by the data (``R2Score``, ``F1Score``: the
    number of outputs or classes) makes it at its first :meth:`update`, which
    must run eagerly: a compiled step cannot create variables. The Trainer makes
    one eager update before it compiles its steps; :attr:`built` says whether the
    state exists.

    Raises:
        StateError: :meth:`update` after a backend switch without :meth:`reset`; a first update of a metric
            sized by the data inside a compiled function.
    """

    default_name = "metric"

    def __init__(self, name: str | None = None) -> None:
        self.name = name or self.default_name
        self._shapes: dict[str, tuple[int, ...]] = {}
        self._buffers: dict[str, Any] = {}
        self._backend = ensure_backend()  # B.name is None until an op activates the default backend
        self._built = True

    @property
    def built(self) -> bool:
        """Whether the state exists: False until the first update of a metric sized by the data."""
        return self._built

    def add_state(self, name: str, shape: tuple[int, ...] = ()) -> None:
        """Declare a running total of ``shape``, starting at zero.

        Raises:
            StateError: called while a compiled step is being traced (the first update of a metric sized by
                the data must run eagerly).
        """
        if B.is_tracing():
            raise StateError(
                f"metric '{self.name}' ({type(self).__name__}) sizes its state from the first batch, which must "
                "come eagerly (a compiled step cannot create variables); call update() once outside the compiled "
                "function and reset() it, as Trainer.fit and evaluate do"
            )
        self._shapes[name] = shape
        # Scalars are held as shape (1,): the torch backend's buffer() turns a 0-d array into a 1-d one.
        self._buffers[name] = B.buffer(np.zeros(shape or (1,), np.float64), f"{self.name}/{name}")

    @property
    def variables(self) -> list[Any]:
        """The native buffers holding the totals, in declaration order (for compiled steps and checkpoints)."""
        return list(self._buffers.values())

    def _accumulate(self, name: str, value: Any) -> None:
        if B.name != self._backend:
            self._refuse("update()")
        buffer = self._buffers[name]
        B.assign(buffer, B.add(buffer, B.cast(value, "float64")))

    def totals(self) -> dict[str, np.ndarray]:
        """The running totals as float64 NumPy arrays.

        Raises:
            StateError: after a backend switch without :meth:`reset`.
        """
        if B.name != self._backend:
            self._refuse("result()")
        return {name: B.to_numpy(self._buffers[name]).reshape(shape) for name, shape in self._shapes.items()}

    def _refuse(self, action: str) -> None:
        raise StateError(
            f"metric '{self.name}' ({type(self).__name__}) holds {self._backend} buffers but the active backend is "
            f"{B.name}, so {action} cannot run; call reset() after switching backends (the totals start from zero), "
            "or create the metric afterwards"
        )

    def reset(self) -> None:
        """Zero every total (on the active backend: a metric moves there when reset after a switch)."""
        if B.name != self._backend:
            self._backend = B.name
            for name, shape in self._shapes.items():
                self.add_state(name, shape)
            return
        for name, shape in self._shapes.items():
            B.assign(self._buffers[name], np.zeros(shape or (1,), np.float64))

    def update(self, y_pred: Any, y_true: Any = None, sample_weight: Any = None) -> None:
        """Add one batch to the totals."""
        raise NotImplementedError

    def result(self) -> float | np.ndarray:
        """The metric over every batch since the last reset: a Python float (or an array of one per class)."""
        raise NotImplementedError

    def log_values(self, key: str) -> dict[str, float]:
        """The result as a Trainer logs it under ``key``: ``{key: value}``.

        A result with one value per class or threshold gives one entry per position:
        ``{"f1_score_0": ..., "f1_score_1": ...}`` (logs hold Python floats).
        """
        value = self.result()
        if isinstance(value, np.ndarray):
            return {f"{key}_{i}": float(v) for i, v in enumerate(value.reshape(-1))}
        return {key: value}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


def ratio(numerator: Any, denominator: Any) -> np.ndarray:
    """``numerator / denominator``, 0 where the denominator is 0 (Keras's divide_no_nan)."""
    numerator, denominator = np.asarray(numerator, np.float64), np.asarray(denominator, np.float64)
    out: np.ndarray = np.zeros_like(numerator)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def class_ids(where: str, y_pred: Any, y_true: Any) -> Any:
    """Integer ids from ``y_true``: ids of y_pred's shape minus its last axis (or that axis as 1), or one-hot.

    Float ids must be whole numbers (ArgumentError otherwise, checked in eager mode).
    """
    pred_shape, true_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
    if compatible(true_shape, pred_shape[:-1]):
        ids = y_true
    elif pred_shape[-1] != 1 and compatible(true_shape, (*pred_shape[:-1], 1)):
        ids = B.squeeze(y_true, -1)
    elif compatible(true_shape, pred_shape):
        ids = B.argmax(y_true, -1)
    else:
        raise ShapeError(
            f"{where}: y_pred has shape {pred_shape} (classes last) but y_true has shape {true_shape}; "
            f"pass integer class ids of shape {pred_shape[:-1]} or one-hot rows of shape {pred_shape}"
        )
    return integer_class_ids(where, ids)


def matched(where: str, y_pred: Any, y_true: Any) -> tuple[Any, Any]:
    """``y_true`` with ``y_pred``'s shape, allowing a trailing size-1 axis on either side."""
    y_pred, y_true = B.convert_to_tensor(y_pred), B.convert_to_tensor(y_true)
    pred_shape, true_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
    if compatible(true_shape, pred_shape[:-1]) and pred_shape[-1:] == (1,):
        y_true = B.expand_dims(y_true, -1)
    elif compatible(true_shape[:-1], pred_shape) and true_shape[-1:] == (1,):
        y_true = B.squeeze(y_true, -1)
    elif not compatible(true_shape, pred_shape):
        raise ShapeError(
            f"{where}: y_pred has shape {pred_shape} but y_true has shape {true_shape}; they must match "
            "(reshape the target, e.g. y[:, None] for a single output)"
        )
    return y_pred, y_true


def last_axis_mean(values: Any) -> Any:
    """Keras's reduction of per-value scores to one per example: the mean over the last axis (rank 1 stays)."""
    return B.mean(values, -1) if len(B.shape(values)) > 1 else values


def check_threshold(where: str, threshold: Any) -> float:
    """A constructor's ``threshold``: a number in [0, 1], as a float."""
    return check_probability(where, "threshold", threshold, example="threshold=0.5")
