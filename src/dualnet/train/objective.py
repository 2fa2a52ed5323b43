"""What the default steps compute from outputs and targets: the losses (weighted sum) and the metrics, per output.

``loss``: a name, a :class:`~dualnet.losses.Loss` (class or object), a callable
``(y_pred, y_true) -> scalar``, or, for a model with several outputs, a
tuple/list (one per output, None for an output without a loss) or a dict keyed
by output name. One loss given for several outputs applies to each. The total
is ``sum(loss_weights[i] * loss_i)``; logs hold ``"loss"`` and, with several
losses, ``"<output>_loss"`` each.

``metrics``: names, Metric classes or objects, or functions
(:func:`dualnet.metrics.get`). A flat list applies to every output (names and
classes make one metric per output); a dict keyed by output name (or a list of
lists, one per tuple output) picks them per output. Logs name them
``"<metric name>"`` for one output, ``"<output>_<metric name>"`` otherwise;
a name given as a string is the metric's name, as in Keras (``"acc"`` logs ``acc``).

Keras's loss and metric names mean what Keras means (:func:`dualnet.losses.get`);
an unknown name fails when the Trainer is made, with the close matches.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from dualnet import losses as losses_mod, metrics as metrics_mod
from dualnet.arguments import check_float
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError
from dualnet.metrics.base import Metric
from dualnet.train.structure import Key, describe, output_keys, output_name, pick

__all__: list[str] = []


class _Output:
    """One output's loss, weight and metrics."""

    def __init__(self, key: Key, loss: Callable[..., Any] | None, weight: float) -> None:
        self.key, self.loss, self.weight = key, loss, weight
        self.name = output_name(key)
        self.metrics: list[tuple[str, Metric]] = []  # (log name, metric)
        self.weighted = loss is not None and _takes_sample_weight(loss)


class Objective:
    """The losses and metrics of a Trainer, resolved against the model's output structure by :meth:`bind`."""

    def __init__(self, loss: Any, loss_weights: Any, metrics: Any) -> None:
        self._loss, self._loss_weights, self._metrics = loss, loss_weights, metrics
        _check_names(loss, metrics)  # bad names fail at construction, before any data is read
        self.outputs: list[_Output] = []
        self.metrics: list[tuple[str, Metric]] = []  # (log name, metric), every output's
        self.bound = False

    # --- binding ----------------------------------------------------------------------------

    def bind(self, keys: list[Key]) -> None:
        """Create the per-output losses and metrics for outputs at ``keys`` (see :func:`output_keys`)."""
        losses = _per_output("loss", self._loss, keys)
        weights = _per_output("loss_weights", self._loss_weights, keys)
        metric_specs = _metric_specs(self._metrics, keys)
        # A metric object listed for several outputs would mix their values; one per output (a dict) is fine.
        listed = [id(item) for items in metric_specs.values() for item in items if isinstance(item, Metric)]
        shared = {i for i in listed if listed.count(i) > 1}
        self.outputs = []
        names: set[str] = set()
        for key in keys:
            spec = losses.get(key)
            loss = None if spec is None else losses_mod.get(spec, "Trainer(loss=...)")
            weight = _weight(weights.get(key, 1.0))
            entry = _Output(key, loss, weight)
            for identifier in metric_specs.get(key, []):
                metric = _metric(identifier, id(identifier) in shared)
                name = _unique(f"{entry.name}_{metric.name}" if entry.name else metric.name, names)
                entry.metrics.append((name, metric))
            self.outputs.append(entry)
        self.metrics = [pair for entry in self.outputs for pair in entry.metrics]
        self.bound = True

    @property
    def has_loss(self) -> bool:
        """True if at least one output has a loss."""
        return any(entry.loss is not None for entry in self.outputs)

    # --- inside a step -------------------------------------------------------------------------

    def compute_loss(self, y_pred: Any, y_true: Any, sample_weight: Any = None) -> tuple[Any, dict[str, Any]]:
        """``(total, logs)``: the weighted sum of the outputs' losses (a float32 scalar) and its parts."""
        if not self.bound:
            self.bind(output_keys(y_pred))
        if not self.has_loss:
            raise ArgumentError(
                "Trainer(loss=None): the default train and test steps need a loss; pass loss='mse', a dn.losses "
                "object or a function (y_pred, y_true) -> scalar, or write the step yourself (step_fn=...)"
            )
        if y_true is None:
            raise ArgumentError(
                "Trainer: the data has no targets y, but the loss needs them; pass fit(x, y, ...) or batches "
                "(x, y), or use step_fn=... for a loss without targets"
            )
        keys = [entry.key for entry in self.outputs]
        several = sum(entry.loss is not None for entry in self.outputs) > 1
        logs: dict[str, Any] = {}
        total: Any = None
        for entry in self.outputs:
            if entry.loss is None:
                continue
            pred = pick(y_pred, entry.key, "the model's outputs")
            true = pick(y_true, entry.key, "y")
            weight = _pick_weight(sample_weight, entry.key, keys)
            if weight is not None and not entry.weighted:
                raise ArgumentError(
                    f"loss {entry.loss!r}: sample_weight was given but this loss function takes no sample_weight "
                    "argument; use a dn.losses.Loss, or add a sample_weight=None parameter to the function"
                )
            value = entry.loss(pred, true) if weight is None else entry.loss(pred, true, sample_weight=weight)
            value = B.convert_to_tensor(value)
            if B.ndim(value):
                value = B.mean(value)  # an unreduced loss (reduction="none") is averaged, as Keras does
            value = B.cast(value, "float32")
            if several:
                logs[f"{entry.name}_loss"] = value
            term = value if entry.weight == 1.0 else B.multiply(value, entry.weight)
            total = term if total is None else B.add(total, term)
        logs = {"loss": total, **logs}
        return total, logs

    def update_metrics(self, y_pred: Any, y_true: Any) -> None:
        """Add one batch to every metric (unweighted, as Keras's ``metrics``)."""
        if not self.bound:
            self.bind(output_keys(y_pred))
        for entry in self.outputs:
            if not entry.metrics:
                continue
            pred = pick(y_pred, entry.key, "the model's outputs")
            true = None if y_true is None else pick(y_true, entry.key, "y")
            for _, metric in entry.metrics:
                metric.update(pred, true)

    # --- on the host ------------------------------------------------------------------------------

    def reset(self) -> None:
        """Zero every metric."""
        for _, metric in self.metrics:
            metric.reset()

    def results(self) -> dict[str, float]:
        """Every metric's value since the last reset, by log name (``name_0``, ``name_1``, ... for one per class)."""
        return {key: value for name, metric in self.metrics for key, value in metric.log_values(name).items()}


# --- spec helpers ------------------------------------------------------------------------------------


def _check_names(loss: Any, metrics: Any) -> None:
    """ArgumentError for an unknown loss or metric name (with the close matches), anywhere in the specs."""
    losses = loss.values() if isinstance(loss, dict) else loss if isinstance(loss, tuple | list) else [loss]
    for item in losses:
        if item is not None:
            losses_mod.get(item, "Trainer(loss=...)")
    for item in _leaves(metrics):
        if isinstance(item, str):
            metrics_mod.names.check(item, "Trainer(metrics=...)")


def _leaves(spec: Any) -> list[Any]:
    """The items of a metrics spec: one item, a tuple/list, a dict, or lists of those."""
    if isinstance(spec, dict):
        return [leaf for value in spec.values() for leaf in _leaves(value)]
    if isinstance(spec, tuple | list):
        return [leaf for value in spec for leaf in _leaves(value)]
    return [spec]


def _per_output(what: str, spec: Any, keys: list[Key]) -> dict[Key, Any]:
    """``spec`` spread over the outputs: a single value for all, a tuple/list by position, a dict by key."""
    if spec is None:
        return {}
    if isinstance(spec, dict):
        unknown = [k for k in spec if k not in keys]
        if unknown:
            raise ArgumentError(
                f"Trainer({what}=...): keys {unknown} name no output; the model returns {describe(keys)}; "
                f"key {what} by the output names"
            )
        return dict(spec)
    if isinstance(spec, tuple | list):
        if len(spec) != len(keys) or keys == [None]:
            raise ArgumentError(
                f"Trainer({what}=...): got {len(spec)} items but the model returns {describe(keys)}; "
                f"give one {what} per output, or a single one for all"
            )
        return dict(zip(keys, spec))
    return dict.fromkeys(keys, spec)


def _metric_specs(spec: Any, keys: list[Key]) -> dict[Key, list[Any]]:
    if spec is None:
        return {}
    if isinstance(spec, dict):
        return {k: _as_list(v) for k, v in _per_output("metrics", spec, keys).items()}
    items = _as_list(spec)
    if len(keys) > 1 and items and all(isinstance(i, tuple | list | type(None)) for i in items):
        return {k: _as_list(v) for k, v in _per_output("metrics", items, keys).items()}
    return dict.fromkeys(keys, items)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, tuple | list) else [value]


def _metric(identifier: Any, shared: bool) -> Metric:
    if shared and isinstance(identifier, Metric):
        raise ArgumentError(
            f"Trainer(metrics=[{identifier!r}]): a metric object cannot serve several outputs; pass its name or "
            "class, or a dict {'<output>': [metric, ...]} with one object per output"
        )
    return metrics_mod.get(identifier, "Trainer(metrics=...)")


def _weight(value: Any) -> float:
    return check_float("Trainer", "loss_weights", value, low=0.0, example="loss_weights=[1.0, 0.5], one per output")


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate)
    return candidate


def _pick_weight(sample_weight: Any, key: Key, keys: list[Key]) -> Any:
    """A per-output sample weight when ``sample_weight`` is structured like the outputs, else the shared one."""
    if sample_weight is None or key is None:
        return sample_weight
    if isinstance(sample_weight, dict) and isinstance(key, str):
        return sample_weight.get(key)
    if isinstance(sample_weight, tuple | list) and len(sample_weight) == len(keys):
        return sample_weight[key] if isinstance(key, int) else None
    return sample_weight


def _takes_sample_weight(fn: Callable[..., Any]) -> bool:
    if isinstance(fn, losses_mod.Loss):
        return True
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "sample_weight" or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
