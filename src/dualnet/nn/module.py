"""``Module``: the base of every layer and model, PyTorch-style, on native variables.

A module tracks what is assigned to its attributes: native variables become
parameters, other modules (also inside lists, tuples and dicts) become
submodules; buffers are registered with :meth:`Module.add_buffer`. Names are
dotted paths (``encoder.0.kernel``), the same on every backend.

Initial values come from :mod:`dualnet.nn.initializers`, keyed by the seed,
the model's stream and the parameter's full path. A weight declared before the
module knows its place in a model (in ``__init__``) is created empty and filled
when the outermost module first materialises (first call, ``parameters()``,
``state_dict()``...); a weight built lazily during that first call knows its
path already and is filled at once.
"""

from __future__ import annotations

import functools
import inspect
import os
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from dualnet import seeding
from dualnet.arguments import check_bool
from dualnet.backend.dispatch import B
from dualnet.debug import numerics as _numerics
from dualnet.dtypes import standardize
from dualnet.errors import ShapeError, StateError
from dualnet.nn import budget, initializers
from dualnet.nn.state import load_into, module_state

# Bumped whenever any module's structure or trainable flags change, so cached
# parameter lists can be reused safely on the hot path.
_structure_version = [0]
# Modules holding weights that still wait for their initial values.
_pending: weakref.WeakSet[Module] = weakref.WeakSet()

_PLAIN = (bool, int, float, str, type(None))


def _changed() -> None:
    _structure_version[0] += 1


class Module:
    """Base class of layers and models: subclass it and define ``forward``.

    ``module(*inputs)`` runs ``forward``; the first call also builds lazily
    sized weights (see :meth:`build`) and records output shapes for
    :meth:`summary`.

    Raises:
        StateError: when an attribute is set before ``super().__init__()`` ran, or ``forward`` is not defined.
    """

    training: bool
    built: bool
    _params: dict[str, Any]
    _trainable: dict[str, bool]
    _buffers: dict[str, Any]
    _children: list[str]
    _waiting: dict[str, initializers.Initializer]
    _path: str | None
    _init_key: tuple[int, int]
    _first_call_done: bool
    _output_shape: Any
    _device: str | None
    _cache: tuple[int, Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Record the arguments of the outermost (most-derived) __init__ call for get_config()
        # and dn.save; construction only, so the forward path pays nothing.
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None or getattr(init, "_dn_records_args", False):
            return

        @functools.wraps(init)
        def recording_init(self: Module, *args: Any, **kw: Any) -> None:
            self.__dict__.setdefault("_init_args", (args, kw))
            init(self, *args, **kw)

        recording_init._dn_records_args = True  # type: ignore[attr-defined]
        cls.__init__ = recording_init  # type: ignore[method-assign]

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
        return config

    def __init__(self) -> None:
        d = self.__dict__
        d["_params"] = {}  # attribute name -> native variable, registration order
        d["_trainable"] = {}  # attribute name -> bool
        d["_buffers"] = {}
        d["_children"] = []  # attribute names that may hold modules or containers of them
        d["_waiting"] = {}  # weight name -> initializer, values still to be drawn
        d["_path"] = None  # dotted path from the root that materialised this module
        d["_init_key"] = seeding.next_stream()
        d["_first_call_done"] = False
        d["_output_shape"] = None
        d["_device"] = None
        d["_cache"] = (-1, None)
        d["training"] = True
        d.setdefault("built", True)

    # -- attribute tracking -------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        if "_params" not in d:
            raise StateError(
                f"{type(self).__name__}: attribute {name!r} set before Module.__init__ ran; "
                "call super().__init__() first in your __init__"
            )
        if d.get(name) is value and (name in d["_params"] or name in d["_buffers"]):
            return  # ``self.w = self.add_weight("w", ...)`` re-assigns the registered variable
        if name in d["_params"] or name in d["_buffers"] or name in d["_children"]:
            self._untrack(name)
        if name in d["_buffers"]:
            d["_buffers"][name] = value
        elif not isinstance(value, _PLAIN):
            if B.is_variable(value):
                d["_params"][name] = value
                d["_trainable"][name] = bool(getattr(value, "trainable", getattr(value, "requires_grad", True)))
                _changed()
            elif _holds_modules(value):
                d["_children"].append(name)
                _changed()
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        self._untrack(name)
        object.__delattr__(self, name)

    def _untrack(self, name: str) -> None:
        d = self.__dict__
        d["_params"].pop(name, None)
        d["_trainable"].pop(name, None)
        d["_waiting"].pop(name, None)
        if name in d["_children"]:
            d["_children"].remove(name)
        _changed()

    # -- creating state -----------------------------------------------------

    def add_weight(
        self,
        name: str,
        shape: tuple[int, ...],
        initializer: Any = "glorot_uniform",
        dtype: str = "float32",
        trainable: bool = True,
    ) -> Any:
        """Create parameter ``name`` of ``shape`` (a native variable), set it as an attribute, return it.

        Its values are drawn by ``initializer`` from ``(dn.seed, stream, path)``.
        """
        init = initializers.get(initializer, where=f"{self._where()}.{name}")
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
                self._waiting[name] = init
                _pending.add(self)
            var = B.variable(values, trainable, self._child_path(name), dtype)
        setattr(self, name, var)
        self._trainable[name] = trainable
        return var

    def add_buffer(self, name: str, value: Any) -> Any:
        """Register non-trainable state ``name`` (e.g. running statistics), saved in ``state_dict``."""
        with self._placement():
            buf = B.buffer(np.asarray(value), self._child_path(name))
        self._buffers[name] = buf
        object.__setattr__(self, name, buf)
        _changed()
        return buf

    def build(self, *inputs: Any) -> None:
        """Create lazily sized weights from the first inputs; layers with such weights override it."""

    def _generator(self, name: str) -> np.random.Generator:
        seed, stream = self._init_key
        return initializers.generator_for(seed, stream, self._child_path(name))

    def _child_path(self, name: str) -> str:
        return f"{self._path}.{name}" if self._path else name

    def _where(self) -> str:
        return f"layer {self._path!r} ({type(self).__name__})" if self._path else type(self).__name__

    def _placement(self) -> Any:
        from dualnet.config import device

        return device(self._device) if self._device is not None else _NullScope()

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
        if not self._first_call_done:
            return self._first_call(inputs, kwargs)
        try:
            out = self.forward(*inputs, **kwargs)
        except Exception:
            self.check_inputs(*inputs)  # a clearer error naming this layer, if the inputs are at fault
            raise
        if _numerics.active is not None:  # dn.debug.check_numerics: the only cost when it is off
            _numerics.active.module_output(self, out)
        return out

    def _first_call(self, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if self._path is None:
            self.materialize()  # outermost module: name the tree, fill waiting weights
        self.check_inputs(*inputs)
        d = self.__dict__
        d.setdefault("_input_spec", [_spec_of(x) for x in inputs])  # what dn.save needs to rebuild lazy layers
        if not self.built:
            self.build(*inputs)
            self.built = True
            _changed()
        out = self.forward(*inputs, **kwargs)
        self.__dict__["_output_shape"] = _shape_of(out)
        self._first_call_done = True
        if _numerics.active is not None:
            _numerics.active.module_output(self, out)
        return out

    # -- traversal ------------------------------------------------------------

    def materialize(self) -> None:
        """Name the not-yet-named submodules by their path and draw the values of waiting weights.

        A module named before (by an earlier outermost call) keeps its path and
        stream, so asking a submodule for its parameters never renames it.
        """
        if self._path is None:
            self.__dict__["_path"] = ""
        for prefix, module in self.named_modules(prefix=self._path or ""):
            if module._path is None:
                module.__dict__["_path"] = prefix
                module.__dict__["_init_key"] = self._init_key
            if module._waiting:
                for name, init in list(module._waiting.items()):
                    var = module._params[name]
                    B.assign(var, init(tuple(B.shape(var)), B.dtype(var), module._generator(name)))
                module._waiting.clear()
                _pending.discard(module)

    def _ensure_materialized(self) -> None:
        if _pending:
            self.materialize()

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """``(path, module)`` for this module and every submodule, depth-first, each once."""
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            path, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield path, module
            children = [
                (f"{path}.{sub}" if path else sub, child)
                for name in module._children
                for sub, child in _modules_in(name, module.__dict__.get(name))
            ]
            stack.extend(reversed(children))

    def modules(self) -> list[Module]:
        """This module and every submodule, depth-first."""
        return [m for _, m in self.named_modules()]

    def named_parameters(self) -> list[tuple[str, Any]]:
        """``(path, variable)`` for every parameter, in a stable order (each shared variable once)."""
        return list(self._tracked()[0])

    def parameters(self) -> list[Any]:
        """Every parameter (native variables), aligned with :meth:`named_parameters`."""
        return [v for _, v in self._tracked()[0]]

    def trainable_mask(self) -> list[bool]:
        """For each of :meth:`parameters`, whether it is trained."""
        return list(self._tracked()[1])

    def named_buffers(self) -> list[tuple[str, Any]]:
        """``(path, buffer)`` for every buffer."""
        return list(self._tracked()[2])

    def _tracked(self) -> tuple[list[tuple[str, Any]], list[bool], list[tuple[str, Any]]]:
        self._ensure_materialized()
        version, cached = self._cache
        if version == _structure_version[0] and cached is not None:
            return cached  # type: ignore[no-any-return]
        params: list[tuple[str, Any]] = []
        mask: list[bool] = []
        buffers: list[tuple[str, Any]] = []
        seen: set[int] = set()
        for path, module in self.named_modules():
            for name, var in module._params.items():
                if id(var) not in seen:
                    seen.add(id(var))
                    params.append((f"{path}.{name}" if path else name, var))
                    mask.append(module._trainable[name])
            for name, buf in module._buffers.items():
                buffers.append((f"{path}.{name}" if path else name, buf))
        result = (params, mask, buffers)
        self.__dict__["_cache"] = (_structure_version[0], result)
        return result

    # -- state ------------------------------------------------------------------

    def state_dict(self) -> dict[str, np.ndarray]:
        """Parameters and buffers as NumPy arrays keyed by dotted path, canonical layouts."""
        return module_state(self)

    def load_state_dict(self, state: dict[str, Any], strict: bool = True) -> None:
        """Copy ``state`` (NumPy arrays by dotted path) into this module's variables.

        Checks every key and shape first and raises StateDictError naming the
        offending keys, so a failed load changes nothing.
        """
        load_into(self, state, strict)

    def native(self, input_signature: Any = None) -> Any:
        """This model as a ``torch.nn.Module`` / ``tf.Module`` sharing its variables (see :mod:`dualnet.nn.native`)."""
        from dualnet.nn.native import to_native

        return to_native(self, input_signature=input_signature)

    def save_weights(self, path: str | os.PathLike[str]) -> None:
        """Write ``state_dict()`` to ``path`` as safetensors (atomic: a crash leaves the old file)."""
        from dualnet.io.weights import save_weights

        save_weights(self, path)

    def load_weights(self, path: str | os.PathLike[str], strict: bool = True) -> None:
        """Load a safetensors weights file written by :meth:`save_weights` on any backend."""
        from dualnet.io.weights import load_weights

        load_weights(self, path, strict)

    @property
    def trainable(self) -> bool:
        """True if any parameter of this module or its submodules is trained."""
        return any(self.trainable_mask()) if self.parameters() else True

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = check_bool(type(self).__name__, "trainable", value)
        for module in self.modules():
            for name, var in module._params.items():
                module._trainable[name] = bool(value)
                B.set_trainable(var, bool(value))
        _changed()

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
        from dualnet.config import canonical_device

        target = canonical_device(device)
        for module in self.modules():
            module.__dict__["_device"] = target
            for registry in (module._params, module._buffers):
                for name, var in registry.items():
                    moved = B.move_variable(var, target)
                    if moved is not var:
                        registry[name] = moved
                        object.__setattr__(module, name, moved)
        _changed()
        return self

    def summary(self, print_fn: Callable[[str], Any] = print) -> None:
        """Print a table of layers, output shapes (known after the first call) and parameter counts."""
        from dualnet.nn.summary import summary_lines

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

    def _direct_children(self) -> list[tuple[str, Module]]:
        return [pair for name in self._children for pair in _modules_in(name, self.__dict__.get(name))]


class _NullScope:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _holds_modules(value: Any) -> bool:
    """Modules, and containers holding some; an empty list or dict too, as it may be filled later."""
    if isinstance(value, Module):
        return True
    if isinstance(value, list | dict) and not value:
        return True  # walked at traversal time, so later appends are seen
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list | tuple) else ()
    return any(_holds_modules(item) for item in items)


def _modules_in(name: str, value: Any) -> Iterator[tuple[str, Module]]:
    if isinstance(value, Module):
        yield name, value
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _modules_in(f"{name}.{i}", item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _modules_in(f"{name}.{key}", item)


def _spec_of(x: Any) -> tuple[tuple[int, ...], str] | None:
    if isinstance(x, np.ndarray):
        return tuple(x.shape), str(x.dtype)
    return (tuple(B.shape(x)), B.dtype(x)) if B.is_tensor(x) else None


def _shape_of(out: Any) -> Any:
    if isinstance(out, tuple | list):
        return type(out)(_shape_of(o) for o in out)
    try:
        return tuple(B.shape(out))
    except Exception:
        return None
