"""Backend stamps: which backend an object's state was created on, and the StateError for using it on another.

A module's variables, an optimizer's state buffers and a metric's totals are
native objects of one framework: a ``torch.nn.Parameter`` cannot take part in
a TensorFlow computation, nor a ``tf.Variable`` in a torch one. An object made
before ``dn.set_backend`` and used after it would otherwise fail deep in the
framework (``Can't call numpy() on Tensor that requires grad``), or, worse,
compute through NumPy copies and silently train nothing.

So each such object records the active backend when it creates its state (a
module when its first variable or buffer is created or assigned, through
``Node._stamp_backend``; optimizers and metrics at construction), and every
operation that touches the state compares it with the active backend first (a
string comparison; for a module tree the stamps are gathered once per cached walk).
A module without state (``Flatten``, a lazily sized layer not yet built) has no
stamp and works under any backend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dualnet.backend.dispatch import B
from dualnet.errors import StateError

if TYPE_CHECKING:
    from dualnet.nn.module import Module

__all__: list[str] = []  # internal: Module, Optimizer and Metric call these


def fix(made_on: str, active: str | None) -> str:
    """How to use state made on ``made_on`` under ``active``: the text every stamp error ends with."""
    return (
        f"switch back with dn.set_backend({made_on!r}), or build the object again after "
        f"dn.set_backend({active!r}); to keep trained weights, take state = model.state_dict() on {made_on} "
        f"and call load_state_dict(state) on the model built on {active}"
    )


def module_error(root: Module, action: str) -> StateError:
    """The StateError for ``action`` on ``root``'s tree, naming the first module whose state is foreign."""
    from dualnet.nn.tracking import walk

    active = B.name
    for path, module in walk(root):
        made_on = module._made_on()
        if made_on is not None and made_on != active:
            named = module._named_path()  # its path in the whole model, when it was named
            path = named if named else path
            where = f"layer {path!r} ({type(module).__name__})" if path else type(module).__name__
            inside = "" if module is root else f" of {type(root).__name__}"
            return StateError(
                f"{type(root).__name__}.{action}: {where}{inside} holds {made_on} variables but the active backend "
                f"is {active}; {fix(made_on, active)}"
            )
    return StateError(f"{type(root).__name__}.{action}: its state is on another backend; {fix('?', active)}")


def check_module(root: Module, backends: tuple[str, ...], action: str) -> None:
    """Raise :func:`module_error` unless every stamp in ``backends`` (``tracking.stamps``) is the active backend."""
    if backends and (len(backends) > 1 or backends[0] != B.name):
        raise module_error(root, action)


def check_object(owner: str, made_on: str | None, action: str) -> None:
    """For optimizers and metrics: raise a StateError if ``made_on`` is not the active backend.

    ``owner`` names the object as users see it (``"Adam"``, ``"metric 'accuracy' (Accuracy)"``).
    """
    if made_on is not None and made_on != B.name:
        raise StateError(
            f"{owner}.{action}: its state was made on {made_on} but the active backend is {B.name}; "
            f"{fix(made_on, B.name)}"
        )


def foreign_framework(value: Any) -> str | None:
    """``"torch"`` or ``"tensorflow"`` when ``value`` is that framework's object and it is not the active backend.

    Read from the type's module name, so that nothing is imported.
    """
    root = type(value).__module__.partition(".")[0]
    framework = {"torch": "torch", "tensorflow": "tensorflow", "keras": "tensorflow"}.get(root)
    return framework if framework is not None and framework != B.name else None


def check_native(owner: str, value: Any) -> None:
    """Raise a StateError if ``value`` is the other framework's variable or tensor (made before a switch)."""
    framework = foreign_framework(value)
    if framework is not None:
        raise StateError(
            f"{owner}: got a {framework} {type(value).__name__} but the active backend is {B.name}; "
            f"{fix(framework, B.name)}"
        )
