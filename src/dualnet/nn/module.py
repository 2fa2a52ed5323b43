"""``Module``: the base of every layer and model, PyTorch-style, on native variables.

A module tracks what is assigned to its attributes (see
:mod:`dualnet.nn.tracking`): native variables become parameters, other modules
(also inside lists, tuples and dicts) become submodules; buffers are registered
with :meth:`Module.add_buffer`. Names are dotted paths (``encoder.0.kernel``),
the same on every backend.

Initial values come from :mod:`dualnet.nn.initializers`, keyed by the seed,
the model's stream and the parameter's full path. A weight declared before the
module knows its place in a model (in ``__init__``) is created empty and filled
when the outermost module first materialises (its first call, or
``parameters()``, ``state_dict()``... on a tree holding such weights); a weight
built lazily during that first call knows its path already and is filled at once.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import numpy as np

from dualnet import constraints, regularizers, seeding
from dualnet.arguments import argument_error, check_bool
from dualnet.backend.dispatch import B
from dualnet.backend.selection import canonical_device, device
from dualnet.debug import numerics as _numerics
from dualnet.dtypes import standardize
from dualnet.errors import ArgumentError, ShapeError, StateError
from dualnet.nn import budget, initializers, layer_access, regularization, stamp, tracking
from dualnet.nn.state import load_into, module_state
from dualnet.nn.summary import summary_lines
from dualnet.nn.symbolic import SymbolicTensor, has_symbolic, symbolic_call

__all__ = ["Module"]


class Module(tracking.Node):
    """Base class of layers and models: subclass it and define ``forward``.

    ``module(*inputs)`` runs ``forward``; the first call also builds lazily
    sized weights (see :meth:`build`) and records output shapes for
    :meth:`summary`.

    Raises:
        StateError: when an attribute is set before ``super().__init__()`` ran, or ``forward`` is not defined.
    """

    training: bool
    built: bool
    _activity: Any = None  # the activity regularizer; a class default, so the call path reads it for free
    _path: str | None  # dotted path from the root that materialised this module
    _init_key: tuple[int, int]
    _first_call_done: bool
    _out_shape: Any
    _device: str | None
    _backend: str | None  # the backend its own variables and buffers were made on (nn/stamp.py)
    _input_spec: list[tuple[tuple[int, ...], str] | None]  # set at the first call
    _init_args: tuple[tuple[Any, ...], dict[str, Any]]  # set at construction, for get_config()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Record the arguments of the outermost (most-derived) __init__ call for get_config()
        # and dn.save; construction only, so the forward path pays nothing.
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None and cls.__init__ is Module.__init__:
            init = Module.__init__  # a layer without an __init__ of its own (Flatten) still takes name=
        if init is not None and not getattr(init, "_dn_records_args", False):
            cls.__init__ = _recording(init)  # type: ignore[method-assign]
        hook = cls.__dict__.get("build")
        if hook is not None and not getattr(hook, "_dn_build", False):
            cls.build = _public_build(hook)  # type: ignore[method-assign]

    def get_config(self) -> dict[str, Any]:
        """The arguments this module was constructed with, by parameter name (only those passed).

        ``type(self)(**get_config())`` builds the same architecture; ``*args`` is
        stored under its parameter name as a list and ``**kwargs`` merged in.
        """
        args, kwargs = self.__dict__.get("_init_args", ((), {}))
        signature = inspect.signature(type(self).__init__)
        bound = signature.bind(self, *args, **kwargs).arguments
        config: dict[str, Any] = {}
        for name, param in list(signature.parameters.items())[1:]:
            if name not in bound:
                continue
            if param.kind is inspect.Parameter.VAR_KEYWORD:
                config.update(bound[name])
            elif param.kind is inspect.Parameter.VAR_POSITIONAL:
                config[name] = list(bound[name])
            else:
                config[name] = bound[name]
        if "_layer_name" in self.__dict__:
            config["name"] = self.__dict__["_layer_name"]
        return config

    @property
    def name(self) -> str:
        """The layer's name: ``name=`` given at construction, else its class name in snake case (``"dense"``)."""
        given = self.__dict__.get("_layer_name")
        return given if given is not None else _snake(type(self).__name__)

    @property
    def output(self) -> Any:
        """The symbolic output of this layer's call in a functional graph (``dn.Input``), as Keras's ``layer.output``.

        Raises:
            StateError: the layer was never called on symbolic inputs, or was called on several (shared).
        """
        return self._symbolic_call("output")

    @property
    def input(self) -> Any:
        """The symbolic input of this layer's call in a functional graph, as Keras's ``layer.input``."""
        return self._symbolic_call("input")

    def _symbolic_call(self, which: str) -> Any:
        calls = self.__dict__.get("_symbolic_calls", [])
        if len(calls) != 1:
            raise StateError(
                f"{self._where()}.{which}: the layer was called on symbolic inputs {len(calls)} times; {which} is "
                "defined for a layer called once in a functional graph: call it on dn.Input tensors first, or "
                "for a shared layer keep the tensors its calls returned"
            )
        return calls[0][0 if which == "input" else 1]

    def __init__(self) -> None:
        self._init_tracking()
        d = self.__dict__
        d["_path"] = None
        d["_init_key"] = seeding.next_stream()
        d["_first_call_done"] = False
        d["_out_shape"] = None
        d["_device"] = None
        d["_backend"] = None  # the backend of this module's own state, set when it creates any (nn/stamp.py)
        d["training"] = True
        d.setdefault("built", True)

    # -- creating state -----------------------------------------------------

    def add_weight(
        self,
        name: str,
        shape: tuple[int, ...],
        initializer: Any = "glorot_uniform",
        dtype: str = "float32",
        trainable: bool = True,
        regularizer: Any = None,
        constraint: Any = None,
    ) -> Any:
        """Create parameter ``name`` of ``shape`` (a native variable), set it as an attribute, return it.

        Its values are drawn by ``initializer`` from ``(dn.seed, stream, path)``.
        ``regularizer`` (see :mod:`dualnet.regularizers`) adds ``regularizer(weight)``
        to :attr:`losses`; ``constraint`` (see :mod:`dualnet.constraints`) projects
        the weight after each optimizer step of the Trainer (``dn.apply_constraints``).

        Raises:
            ArgumentError: an unknown initializer, regularizer or constraint.
            ShapeError: a negative size in ``shape``.
        """
        init = initializers.get(initializer, where=f"{self._where()}.{name}")
        penalty = regularizers.get(regularizer, f"{self._where()}.add_weight", "regularizer")
        projection = constraints.get(constraint, f"{self._where()}.add_weight", "constraint")
        shape = tuple(int(s) for s in shape)
        if any(size < 0 for size in shape):
            raise ShapeError(
                f"{self._where()}.add_weight({name!r}): shape {shape} has a negative size; sizes must be >= 0 "
                "(check the layer's arguments, e.g. units or filters)"
            )
        dtype = standardize(dtype)
        budget.charge(shape, f"{self._where()}.{name}")  # dn.load refuses sizes its file cannot back, before allocating
        with self._placement():
            if self._path is not None:
                values = init(shape, dtype, self._generator(name))
            else:
                values = np.zeros(shape, "float32" if dtype == "bfloat16" else dtype)
                self._waiting[name] = init  # filled when the tree is materialised
            var = B.variable(values, trainable, self._child_path(name), dtype)
        setattr(self, name, var)
        self._trainable[name] = trainable
        for key, value in (("_regularizers", penalty), ("_constraints", projection)):
            self.__dict__.setdefault(key, {}).pop(name, None)  # a weight made again keeps no stale one
            if value is not None:
                self.__dict__[key][name] = value
        return var

    def _set_penalties(self, layer: str, **arguments: Any) -> None:
        """A layer's Keras arguments ``<weight>_regularizer`` / ``<weight>_constraint`` / ``activity_regularizer``,
        resolved (names, config dicts) and set as attributes, for its ``add_weight`` calls to pass on.

        Raises:
            ArgumentError: an unknown name or a value that is neither callable nor a name (names the argument).
        """
        for key, value in arguments.items():
            if key == "activity_regularizer":
                self.__dict__["_activity"] = regularizers.get(value, layer, "activity_regularizer")
                regularization.note_activity(self._activity)
            else:
                resolve = regularizers.get if key.endswith("_regularizer") else constraints.get
                setattr(self, key, resolve(value, layer, key))

    def _penalties_of(self, weight: str) -> dict[str, Any]:
        """``add_weight`` keyword arguments from the attributes ``<weight>_regularizer`` / ``<weight>_constraint``
        that :meth:`_set_penalties` set (None where not set): ``add_weight(..., **self._penalties_of("kernel"))``."""
        d = self.__dict__
        return {"regularizer": d.get(f"{weight}_regularizer"), "constraint": d.get(f"{weight}_constraint")}

    def add_buffer(self, name: str, value: Any) -> Any:
        """Register non-trainable state ``name`` (e.g. running statistics), saved in ``state_dict``.

        Pass a broadcast view (``np.broadcast_to(np.float32(0), shape)``) for a
        large constant: it is counted against dn.load's budget before it is copied.
        """
        budget.charge(np.shape(value), f"{self._where()}.{name}")  # buffers count against dn.load's budget too
        with self._placement():
            buf = B.buffer(np.asarray(value), self._child_path(name))
        self._stamp_backend()
        self._buffers[name] = buf
        object.__setattr__(self, name, buf)
        tracking.invalidate(self)
        return buf

    def build(self, *inputs: Any) -> None:
        """Create every lazily sized weight from input shapes, changing nothing else (Keras's ``build``).

        ``model.build((None, 784))``: each argument describes one input of
        ``forward``, as a shape (``None`` for unknown sizes, the batch axis
        included), a ``dn.InputSpec``, a ``dn.Input`` tensor or an example array
        (only its shape and dtype are read). Several inputs are several
        arguments (``build((None, 8), (None, 3))``) or one tuple of shapes; a
        dict input is a dict of them. Runs one inference-mode forward on zeros
        without gradients, so no BatchNorm statistic moves and no dropout mask
        is drawn: the initial ``state_dict()`` is the same as before the call
        and the same on every backend. A built module is left as it is.

        Layers with lazily sized weights override this method as the hook that
        creates them from the first real inputs (``build(self, x)``): dualnet
        calls the override with tensors; a call from user code still means
        the public build above.

        Raises:
            ArgumentError: for a spec that is not a shape, InputSpec, Input or array.
            ShapeError: when the module cannot take inputs of those shapes (the message names the layer).
        """
        if self.__dict__.get("_in_build_hook"):
            return  # the base hook: nothing lazily sized
        if not self._first_call_done:
            from dualnet.nn.spec import build_from_specs

            build_from_specs(self, inputs)

    def _work(self, *inputs: Any) -> tuple[int, int]:
        """``(largest array, work)`` of the first call on ``inputs``, in elements and operations, before it runs.

        Checked by ``dn.load`` (see :mod:`dualnet.nn.budget`) so that a crafted
        config cannot make the example call allocate gigabytes or spin for
        minutes. Layers whose arrays can outgrow their input and weights (strided,
        dilated or padded windows, attention scores, recurrences) override it;
        ``(0, 0)`` means "no larger than its input and weights", which the
        registry-wide test in ``tests/io/test_load_bombs.py`` holds every layer to.
        """
        return 0, 0

    def _generator(self, name: str) -> np.random.Generator:
        seed, stream = self._init_key
        return initializers.generator_for(seed, stream, self._child_path(name))

    def _child_path(self, name: str) -> str:
        return f"{self._path}.{name}" if self._path else name

    def _where(self) -> str:
        return f"layer {self._path!r} ({type(self).__name__})" if self._path else type(self).__name__

    def _placement(self) -> AbstractContextManager[Any]:
        return device(self._device) if self._device is not None else nullcontext()

    # -- calling --------------------------------------------------------------

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        """The computation; subclasses define it."""
        raise StateError(f"{type(self).__name__}: forward() is not defined; define forward(self, ...) in your Module")

    def check_inputs(self, *inputs: Any) -> None:
        """Raise a dualnet error naming this layer if ``inputs`` cannot be taken.

        Runs before the first call and again whenever ``forward`` fails, so a
        framework error comes with a message that says where and how to fix it;
        it costs nothing on successful calls.
        """
        return None

    def __call__(self, *inputs: Any, **kwargs: Any) -> Any:
        if inputs and type(inputs[0]) is SymbolicTensor:  # dn.Input: record a graph node (functional API)
            return symbolic_call(self, inputs, kwargs)
        if not self._first_call_done:
            return self._first_call(inputs, kwargs)
        if self._backend is not None and self._backend != B.name:  # made before a dn.set_backend
            raise stamp.module_error(self, "__call__()")
        # an outermost call: a new forward for model.losses (nn/regularization.py), counted only once some layer has
        # an activity regularizer (a per-call counter would make torch.compile recompile the step at every call)
        if self._path == "" and regularization.activity_in_use():
            self.__dict__["_forward_id"] = regularization.next_forward()
        try:
            out = self.forward(*inputs, **kwargs)
        except Exception:
            if has_symbolic(inputs, kwargs):  # e.g. a merge layer given a list of dn.Input tensors
                return symbolic_call(self, inputs, kwargs)
            self.check_inputs(*inputs)  # a clearer error naming this layer, if the inputs are at fault
            raise
        if self._activity is not None:
            regularization.record_activity(self, self._activity, out)
        scope = _numerics.active()  # dn.debug.check_numerics: the only cost when it is off
        if scope is not None:
            scope.module_output(self, out)
        return out

    def _first_call(self, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        self._check_backend("__call__()")
        if has_symbolic(inputs, kwargs):
            return symbolic_call(self, inputs, kwargs)
        if self._path is None:
            self.materialize()  # outermost module: name the tree, fill waiting weights
        if self._path == "" and regularization.activity_in_use():
            self.__dict__["_forward_id"] = regularization.next_forward()
        self.check_inputs(*inputs)
        d = self.__dict__
        if "_input_spec" not in d:  # what dn.save needs to rebuild lazy layers
            d["_input_spec"] = [_spec_of(x) for x in inputs]
            # a list of tensors as one input (Attention's [query, value]): its specs, by position
            d["_input_lists"] = {i: specs for i, x in enumerate(inputs) if (specs := _list_spec(x)) is not None}
        if budget.active():  # dn.load: refuse a first call whose arrays or work its file cannot justify
            budget.charge_work(*self._work(*inputs), self._where())
        if not self.built:
            d["_in_build_hook"] = True  # build() below is the layer's hook, not the public build
            try:
                self.build(*inputs)  # weights it creates clear the cached lists of this tree
            finally:
                del d["_in_build_hook"]
            self.built = True
        out = self.forward(*inputs, **kwargs)
        if self._activity is not None:
            regularization.record_activity(self, self._activity, out)
        self.__dict__["_out_shape"] = _shape_of(out)
        self._first_call_done = True
        scope = _numerics.active()
        if scope is not None:
            scope.module_output(self, out)
        return out

    # -- traversal ------------------------------------------------------------

    def materialize(self) -> None:
        """Name the not-yet-named submodules by their path and draw the values of waiting weights.

        A module named before (by an earlier outermost call) keeps its path and
        stream, so asking a submodule for its parameters never renames it.
        """
        if self._path is None:
            self.__dict__["_path"] = ""
        filled = []
        for prefix, module in tracking.walk(self, self._path or ""):
            if module._path is None:
                module.__dict__["_path"] = prefix
                module.__dict__["_init_key"] = self._init_key
            if module._waiting:
                for name, init in list(module._waiting.items()):
                    var = module._params[name]
                    B.assign(var, init(tuple(B.shape(var)), B.dtype(var), module._generator(name)))
                module._waiting.clear()
                filled.append(module)
        tracking.invalidate(*filled)

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """``(path, module)`` for this module and every submodule, depth-first, each once."""
        return tracking.walk(self, prefix)

    def modules(self) -> list[Module]:
        """This module and every submodule, depth-first."""
        return [m for _, m in self.named_modules()]

    def named_parameters(self) -> list[tuple[str, Any]]:
        """``(path, variable)`` for every parameter, in a stable order (each shared variable once)."""
        return list(self._lists().named)

    def parameters(self) -> list[Any]:
        """Every parameter (native variables), aligned with :meth:`named_parameters`."""
        return list(self._lists().values)

    def count_params(self) -> int:
        """The number of parameter values (each shared variable once), as Keras's ``count_params``."""
        return sum(int(np.prod(tuple(B.shape(v)), dtype=np.int64)) for v in self.parameters())

    def get_layer(self, name: str | int | None = None, index: int | None = None) -> Module:
        """A direct sublayer by ``name`` or by position ``index`` (Keras's ``get_layer``): ``model.get_layer("fc1")``.

        The layers are this module's direct submodules in the order they were
        assigned (a list attribute's entries in list order, a Sequential's in
        chain order); ``get_layer(0)`` is the first. A name matches the
        attribute a layer is held under (``"fc1"``, ``"blocks.0"``, ``"0"``), a
        dotted path to a deeper module (``"encoder.fc1"``), or a layer's
        ``name`` (``"dense"``, given with ``name=``), in that order of precedence.

        Raises:
            ArgumentError: no such layer, an index out of range (the message lists the layers), both given.
        """
        return layer_access.get_layer(self, name, index)

    def trainable_mask(self) -> list[bool]:
        """For each of :meth:`parameters`, whether it is trained."""
        return list(self._lists().mask)

    def named_buffers(self) -> list[tuple[str, Any]]:
        """``(path, buffer)`` for every buffer."""
        return list(self._lists().buffers)

    def _lists(self) -> tracking.Lists:
        cached = self._cache
        if cached is not None and (not cached.copies or cached.containers_unchanged()):
            if cached.backends:
                stamp.check_module(self, cached.backends, "parameters()")
            return cached  # the hot path: nothing in this tree changed since the last walk
        cached, waiting = tracking.collect(self)
        stamp.check_module(self, cached.backends, "parameters()")  # before waiting weights are drawn into them
        if waiting:  # weights of this tree declared before it was named: name it and draw them
            self.materialize()
        self.__dict__["_cache"] = cached
        return cached

    # -- state ------------------------------------------------------------------

    def state_dict(self) -> dict[str, np.ndarray]:
        """Parameters and buffers as NumPy arrays keyed by dotted path, canonical layouts.

        Raises:
            StateError: the model was built on another backend than the active one.
        """
        self._check_backend("state_dict()")
        return module_state(self)

    def load_state_dict(self, state: dict[str, Any], strict: bool = True, cast: bool = False) -> None:
        """Copy ``state`` (NumPy arrays by dotted path) into this module's variables.

        Checks every key, shape and dtype first and raises StateDictError naming the
        offending keys, so a failed load changes nothing. An array of another dtype is
        converted only when that is exact (a wider float or integer; see
        :mod:`dualnet.nn.state`); ``cast=True`` converts also where it rounds or changes the kind.

        Raises:
            ArgumentError: ``state`` is not a mapping of names to arrays (a list of arrays, say).
            StateError: the model was built on another backend than the active one.
        """
        self._check_backend("load_state_dict()")
        if not isinstance(state, Mapping):
            raise argument_error(
                f"{type(self).__name__}.load_state_dict",
                "state",
                state,
                "a dict of arrays keyed by dotted path",
                "pass model.state_dict() (or dn.io.load_state(path)), not a list of its values",
            )
        load_into(self, state, strict, check_bool("load_state_dict", "cast", cast))

    def native(self, input_signature: Any = None) -> Any:
        """This model as a ``torch.nn.Module`` / ``tf.Module`` sharing its variables (see :mod:`dualnet.nn.native`)."""
        from dualnet.nn.native import to_native

        self._check_backend("native()")
        return to_native(self, input_signature=input_signature)

    def save_weights(self, path: str | os.PathLike[str]) -> None:
        """Write ``state_dict()`` to ``path`` as safetensors (atomic: a crash leaves the old file)."""
        from dualnet.io.weights import save_weights  # the one upward import: docs/architecture.md, Layers

        self._check_backend("save_weights()")
        save_weights(self, path)

    def load_weights(self, path: str | os.PathLike[str], strict: bool = True, cast: bool = False) -> None:
        """Load a safetensors weights file written by :meth:`save_weights` on any backend.

        ``cast``: as in :meth:`load_state_dict` (tensors of another dtype load only when exact unless True).
        """
        from dualnet.io.weights import load_weights  # the one upward import: docs/architecture.md, Layers

        self._check_backend("load_weights()")
        load_weights(self, path, strict, cast)

    @property
    def activity_regularizer(self) -> Any:
        """The penalty of this layer's output (Keras's ``activity_regularizer``), None if none; settable.

        Each call adds ``regularizer(output) / batch size`` to :attr:`losses` (per tensor output).
        """
        return self._activity

    @activity_regularizer.setter
    def activity_regularizer(self, value: Any) -> None:
        self.__dict__["_activity"] = regularizers.get(value, type(self).__name__, "activity_regularizer")
        regularization.note_activity(self._activity)

    @property
    def losses(self) -> list[Any]:
        """Scalar penalties (Keras's ``layer.losses``): the activity penalties of the last outermost forward,
        then ``regularizer(weight)`` of each regularized weight of the tree, computed from its current value.

        ``dn.regularization_loss(model)`` is their sum; the Trainer adds it to the loss.
        """
        return regularization.module_losses(self)

    @property
    def trainable(self) -> bool:
        """True if any parameter of this module or its submodules is trained."""
        return any(self.trainable_mask()) if self.parameters() else True

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = check_bool(type(self).__name__, "trainable", value)
        self._check_backend("trainable")
        modules = self.modules()
        for module in modules:
            for name, var in module._params.items():
                module._trainable[name] = bool(value)
                B.set_trainable(var, bool(value))
        tracking.invalidate(*modules)

    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout active, batch statistics used) for this module and its submodules."""
        mode = check_bool(f"{type(self).__name__}.train", "mode", mode)
        for module in self.modules():
            module.__dict__["training"] = mode
        return self

    def eval(self) -> Module:
        """Inference mode: same as ``train(False)``."""
        return self.train(False)

    def to(self, device: str) -> Module:
        """Move every parameter and buffer to ``device``; later lazily built weights go there too."""
        target = canonical_device(device)
        self._check_backend("to()")
        replaced = []
        for module in self.modules():
            module.__dict__["_device"] = target
            for registry in (module._params, module._buffers):
                for name, var in registry.items():
                    moved = B.move_variable(var, target)
                    if moved is not var:
                        registry[name] = moved
                        object.__setattr__(module, name, moved)
                        replaced.append(module)
        tracking.invalidate(*replaced)
        return self

    def summary(self, print_fn: Callable[[str], Any] = print) -> None:
        """Print a table of layers, output shapes (known after the first call) and parameter counts."""
        self._check_backend("summary()")
        for line in summary_lines(self):
            print_fn(line)

    def extra_repr(self) -> str:
        """Arguments shown inside ``repr``; layers override it."""
        return ""

    def __repr__(self) -> str:
        children = [(name, m) for name, m in self._direct_children()]
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not children:
            return head + ")"
        body = "\n".join(f"  ({name}): " + repr(m).replace("\n", "\n  ") for name, m in children)
        return f"{head}\n{body}\n)"

    # -- for dualnet's own use (containers, native export, summary, mixed precision, io) ------------

    def _check_backend(self, action: str) -> None:
        """Raise a StateError naming the layer if any state of this tree was made on another backend."""
        stamp.check_module(self, tracking.stamps(self.modules()), action)

    def _named_path(self) -> str | None:
        """The dotted path this module was named with (``""`` for the outermost module), None before it is named."""
        return self._path

    def _given_name(self) -> str | None:
        """The ``name=`` this module was given (or that a functional model gave it); None if none."""
        return self.__dict__.get("_layer_name")

    def _set_name(self, name: str) -> None:
        """Give this module ``name`` (kept in its config, so a saved functional model keeps its layer names)."""
        self.__dict__["_layer_name"] = _check_name(type(self).__name__, name)

    def _name_as(self, path: str) -> None:
        """Take ``path`` as this module's path (a layer of a functional model, named before its model exists)."""
        self.__dict__["_path"] = path

    def _record_symbolic_call(self, inputs: Any, outputs: Any) -> None:
        """Remember one call on symbolic tensors, for :attr:`input` and :attr:`output`."""
        self.__dict__.setdefault("_symbolic_calls", []).append((inputs, outputs))

    def _take_naming_from(self, other: Module) -> None:
        """Use ``other``'s path and weight stream (a view such as ``seq[1:]`` names its layers as ``seq`` does)."""
        self.__dict__["_path"] = other._path
        self.__dict__["_init_key"] = other._init_key

    def _input_signature(self) -> list[tuple[tuple[int, ...], str] | None] | None:
        """``(shape, dtype)`` of each input of the first call (None for a non-tensor input); None before it."""
        return self.__dict__.get("_input_spec")

    def _input_list_signature(self) -> dict[int, list[tuple[tuple[int, ...], str]]]:
        """The specs of each first-call input that was a list of tensors, by position (``{}`` when none)."""
        lists: dict[int, list[tuple[tuple[int, ...], str]]] = self.__dict__.get("_input_lists", {})
        return lists

    def _record_arguments(self, **changed: Any) -> None:
        """Replace constructor arguments in the recorded config (a layer's ``adapt`` learns some of them), so
        ``get_config`` and ``dn.save`` rebuild the changed layer; a value of None removes the argument."""
        args, kwargs = self.__dict__.get("_init_args", ((), {}))
        names = list(inspect.signature(type(self).__init__).parameters)[1:]
        bound = {**dict(zip(names, args)), **kwargs}
        bound.update(changed)
        self.__dict__["_init_args"] = ((), {k: v for k, v in bound.items() if v is not None})

    def _first_output_shape(self) -> Any:
        """The output shape (a tuple, or a list/tuple of them) of the first call; None before it."""
        return self._out_shape

    @contextmanager
    def _in_mode(self, training: bool) -> Iterator[None]:
        """Within: this tree in training (or inference) mode; after, each module's own flag as it was."""
        modes = [(module, module.training) for module in self.modules()]
        self.train(training)
        try:
            yield
        finally:
            for module, mode in modes:
                module.__dict__["training"] = mode


def _recording(init: Callable[..., None]) -> Callable[..., None]:
    """``init`` recording the outermost call's arguments for get_config(), and taking Keras's ``name=``.

    Every layer takes ``name=`` (for get_layer and the functional API) unless its own __init__ has one.
    """
    takes_name = "name" in inspect.signature(init).parameters

    @functools.wraps(init)
    def recording_init(self: Module, *args: Any, **kw: Any) -> None:
        if not takes_name and "name" in kw and "_init_args" not in self.__dict__:
            self.__dict__["_layer_name"] = _check_name(type(self).__name__, kw.pop("name"))
        self.__dict__.setdefault("_init_args", (args, kw))
        init(self, *args, **kw)

    recording_init._dn_records_args = True  # type: ignore[attr-defined]
    return recording_init


def _check_name(where: str, name: Any) -> str:
    if not isinstance(name, str) or not name or "." in name or not name.isprintable():
        raise ArgumentError(
            f"{where}(name={name!r}): name must be a non-empty string without dots; pass e.g. name='block3'"
        )
    return name


def _snake(name: str) -> str:
    # Keras's to_snake_case: Conv2DTranspose -> conv2d_transpose, GRU -> gru
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _public_build(hook: Callable[..., None]) -> Callable[..., None]:
    """A layer's ``build`` override: its hook when dualnet calls it with the first inputs, else the public build."""

    @functools.wraps(hook)
    def build(self: Module, *inputs: Any) -> None:
        if self.__dict__.get("_in_build_hook"):
            hook(self, *inputs)
        else:
            Module.build(self, *inputs)

    build._dn_build = True  # type: ignore[attr-defined]
    build.__doc__ = Module.build.__doc__
    return build


def _spec_of(x: Any) -> tuple[tuple[int, ...], str] | None:
    if isinstance(x, np.ndarray):
        return tuple(x.shape), str(x.dtype)
    return (tuple(B.shape(x)), B.dtype(x)) if B.is_tensor(x) else None


def _list_spec(x: Any) -> list[tuple[tuple[int, ...], str]] | None:
    """The specs of a list or tuple of tensors taken as one input, or None for anything else."""
    if not isinstance(x, list | tuple) or not x:
        return None
    specs = [_spec_of(item) for item in x]
    return None if any(spec is None for spec in specs) else specs  # type: ignore[return-value]


def _shape_of(out: Any) -> Any:
    if isinstance(out, tuple | list):
        return type(out)(_shape_of(o) for o in out)
    try:
        return tuple(B.shape(out))
    except Exception:
        return None
