"""Penalties and constraints on a module tree: ``model.losses``, ``dn.regularization_loss``, ``dn.apply_constraints``.

A weight gets a regularizer and a constraint from ``Module.add_weight(...,
regularizer=, constraint=)``; a layer's output gets a penalty from its
``activity_regularizer``. ``model.losses`` lists, as scalar tensors, the
activity penalties of the last outermost forward (each ``regularizer(output) /
batch size``, as Keras 3 divides them) and the weight penalties computed from
the weights as they are now, so differentiating ``loss + regularization_loss(model)``
inside ``dn.value_and_grad`` differentiates the penalties too.

Forwards are told apart by a counter that each outermost call (the module of
path ``""``) advances: a layer records its activity penalties tagged with the
counter, and ``losses`` keeps those tagged at or after the model's own last
outermost call, so a branch not taken in the last forward contributes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from dualnet.backend.dispatch import B

if TYPE_CHECKING:
    from dualnet.nn.module import Module

__all__ = ["apply_constraints", "regularization_loss"]

_FORWARDS = [0]  # the outermost-call counter: one list cell, so Module.__call__ advances it without a global


_ACTIVITY_IN_USE = [False]


def note_activity(regularizer: Any) -> None:
    """Note that a layer got an activity regularizer: from now on outermost calls are counted (``next_forward``)."""
    if regularizer is not None:
        _ACTIVITY_IN_USE[0] = True


def activity_in_use() -> bool:
    """Whether any layer of this process has had an activity regularizer (until then no call is counted)."""
    return _ACTIVITY_IN_USE[0]


def next_forward() -> int:
    """Advance and return the outermost-call counter (Module.__call__ of a module of path ``""``)."""
    _FORWARDS[0] += 1
    return _FORWARDS[0]


def record_activity(module: Module, regularizer: Any, out: Any) -> None:
    """Keep ``regularizer(y) / batch size`` for each tensor ``y`` of a call's output, tagged with this forward."""
    d = module.__dict__
    if d.get("_activity_tag") != _FORWARDS[0]:
        d["_activity_tag"], d["_activity_losses"] = _FORWARDS[0], []
    kept = d["_activity_losses"]
    for y in out if isinstance(out, tuple | list) else (out,):
        if not B.is_tensor(y):
            continue
        penalty = regularizer(y)
        shape = tuple(B.shape(y))
        if shape:  # Keras divides by the batch size (divide_no_nan: an empty batch gives 0, as its sum is 0)
            size = shape[0]
            if size is None:  # traced with an unknown batch size
                penalty = B.divide(penalty, B.cast(B.leading_size(y), B.dtype(penalty)))
            elif size:
                penalty = B.divide(penalty, float(size))
        kept.append(penalty)


def module_losses(model: Module) -> list[Any]:
    """``model.losses``: activity penalties of the last forward, then the weight penalties of the current weights."""
    modules = model.modules()
    tags = [m.__dict__["_activity_tag"] for m in modules if "_activity_tag" in m.__dict__]
    since = model.__dict__.get("_forward_id", max(tags, default=0))
    out = [
        penalty
        for m in modules
        if m.__dict__.get("_activity_tag", -1) >= since
        for penalty in m.__dict__.get("_activity_losses", ())
    ]
    for m in modules:
        for name, regularizer in m.__dict__.get("_regularizers", {}).items():
            out.append(regularizer(m._params[name]))
    return out


def regularization_loss(model: Module) -> Any:
    """The sum of ``model.losses`` as a float32 scalar tensor, shape ``()`` (0 when there are none), for custom loops.

    ``loss = loss_fn(model(x), y) + dn.regularization_loss(model)`` inside the
    function given to ``dn.value_and_grad``, after the forward (activity penalties
    come from the last forward); the Trainer adds it to the loss itself.

    Raises:
        ShapeError: a regularizer cannot take its weight (``OrthogonalRegularizer`` on a weight of rank other than 2).
    """
    total = B.zeros((), "float32")
    for penalty in module_losses(model):
        total = B.add(total, B.cast(penalty, "float32"))
    return total


def has_penalties(model: Module) -> bool:
    """True if some module of the tree has a weight regularizer or an activity regularizer (weights not yet
    made count by their layer's ``<weight>_regularizer`` argument)."""
    return any(
        m.__dict__.get("_regularizers")
        or m.__dict__.get("_activity") is not None
        or any(k.endswith("_regularizer") and v is not None for k, v in m.__dict__.items())
        for m in model.modules()
    )


def constraint_slots(model: Module) -> list[tuple[Module, str, Any]]:
    """``(module, weight name, constraint)`` for each constrained weight (the variable is read at each use:
    ``model.to`` may replace it)."""
    return [(m, name, c) for m in model.modules() for name, c in m.__dict__.get("_constraints", {}).items()]


def apply_slots(slots: Iterable[tuple[Module, str, Any]]) -> None:
    """Assign each constrained weight its projection (outside the gradient record)."""
    for module, name, constraint in slots:
        var = module._params[name]
        B.assign(var, B.cast(constraint(var), B.dtype(var)))


def apply_constraints(model: Module) -> None:
    """Project every constrained weight of ``model`` (``kernel_constraint=`` ...) onto its constraint, in place.

    Call it after each ``opt.step(grads)`` of a custom loop; the Trainer does it
    after every optimizer step, as Keras's ``optimizer.apply`` does. Each weight keeps its shape and dtype.

    Raises:
        StateError: the model was built on another backend than the active one.
    """
    apply_slots(constraint_slots(model))
