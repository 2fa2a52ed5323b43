"""``dn.nn.clone``: the same architecture as a model, rebuilt from its config, with fresh or copied weights.

Like ``keras.models.clone_model``: every module is constructed anew from its
config (a Sequential's layers, a functional model's graph replayed on new
inputs, a ModuleList's entries, any other module's constructor arguments), so
the clone shares no layer and no variable with the original. Configs are used
in memory, never written out, so a ``Lambda``'s function is reused as it is.
"""

from __future__ import annotations

from typing import Any

from dualnet.arguments import argument_error, check_choice
from dualnet.errors import ArgumentError, StateDictError
from dualnet.nn.containers import Sequential
from dualnet.nn.lambda_layer import Lambda
from dualnet.nn.module import Module
from dualnet.nn.native import Wrapped
from dualnet.nn.spec import InputSpec

__all__ = ["clone"]


def clone(model: Module, weights: str = "fresh") -> Module:
    """A new model of ``model``'s architecture: ``weights="fresh"`` (initial values) or ``"copy"`` (its values).

    Every module of the tree is rebuilt from its config: a ``Sequential`` from
    its layers, a functional ``dn.Model`` from its graph, a ``ModuleList`` /
    ``ModuleDict`` from its entries, every other layer or subclass by calling
    its class with the arguments it was constructed with (``get_config()``);
    a layer used twice is cloned once and used twice. When ``model`` has been
    called, the clone is built for the same input shapes and dtypes.

    ``"fresh"``: new weights drawn from the seeded stream, exactly those a
    model constructed in code at this point would get (``dn.seed(1);
    clone(m)`` equals ``dn.seed(1); build()`` for the same construction
    order), as Keras's ``clone_model`` gives new initial weights.
    ``"copy"``: the clone then loads ``model.state_dict()`` (parameters and
    buffers such as BatchNorm statistics). Either way it takes ``model``'s
    training mode; trainable flags are as constructed.

    Raises:
        ArgumentError: ``model`` is not a Module, ``weights`` is neither choice, a module in it holds a wrapped
            native object (whose weights no config describes), or, with ``"copy"``, a subclass whose
            constructor arguments do not rebuild the weights it has (it changed after construction).
        StateError: with ``"copy"``, ``model`` was built on another backend than the active one.
    """
    if not isinstance(model, Module):
        raise argument_error("dn.nn.clone", "model", model, "a dn.nn.Module", "pass a model or layer")
    weights = check_choice("dn.nn.clone", "weights", weights, ("fresh", "copy"))
    state = model.state_dict() if weights == "copy" else None  # before anything is built: a wrong backend fails here
    copy = _clone(model, {})
    signature = model._input_signature()
    if signature is not None and None not in signature:  # built for the shapes of the first call (any batch size)
        copy.build(*[InputSpec((None, *shape[1:]) if shape else (), dtype) for shape, dtype in signature])  # type: ignore[misc]
    if state is not None:
        try:
            copy.load_state_dict(state)
        except StateDictError as exc:
            raise ArgumentError(
                f"dn.nn.clone(weights='copy'): the {type(model).__name__} rebuilt from its config does not have "
                f"the weights of the original ({exc}); clone rebuilds every module from the arguments it was "
                "constructed with, so a module changed after construction cannot be copied: build the clone in "
                "code and call clone.load_state_dict(model.state_dict())"
            ) from exc
    copy.train(model.training)
    return copy


def _clone(module: Module, memo: dict[int, Module]) -> Module:
    """A new module of ``module``'s class and config; ``memo`` maps id(original) -> clone (shared layers)."""
    found = memo.get(id(module))
    if found is not None:
        return found
    if isinstance(module, Wrapped):
        raise ArgumentError(
            f"dn.nn.clone: {module._where()} wraps a native object, whose architecture and weights no config "
            "describes; wrap a new native module with dn.nn.wrap(...) and build the model again in code"
        )
    copy: Module
    if isinstance(module, Lambda):  # its config is refused (for files); in memory the function is reused
        name = module._given_name()
        copy = Lambda(module.function, module.output_shape, **({} if name is None else {"name": name}))
    else:
        config = module.get_config()
        if isinstance(module, Sequential):
            config["layers"] = list(module)  # also layers added after construction
        config = {key: _cloned(value, memo) for key, value in config.items()}
        build = getattr(type(module), "from_config", None)  # dn.Model: its graph replayed on new inputs
        copy = build(config) if build is not None else type(module)(**config)
    memo[id(module)] = copy
    return copy


def _cloned(value: Any, memo: dict[int, Module]) -> Any:
    if isinstance(value, Module):
        return _clone(value, memo)
    if isinstance(value, list | tuple):
        return type(value)(_cloned(v, memo) for v in value)
    if isinstance(value, dict):
        return {k: _cloned(v, memo) for k, v in value.items()}
    return value
