"""``check_numerics``: stop at the first NaN or infinity in a layer output, a loss or a gradient, and say where.

Inside ``with dn.debug.check_numerics():`` every :class:`~dualnet.nn.Module`
call checks its output tensors once it returns, innermost layer first, so the
error names the layer that produced the first non-finite value rather than the
model that passed it on. :func:`dualnet.value_and_grad` checks the loss it
computed and every gradient (named by its parameter path). Outside the scope
nothing is checked: a module call pays one :func:`active` lookup.

The open scope is per thread, so a scope applies to the thread that opened
it: another thread training at the same time is not checked, and its NaNs
never raise in this one. It is a ``threading.local`` rather than a
``ContextVar`` because torch.compile traces the one but breaks its graph on
``ContextVar.get`` (which made the data-parallel jit step recompile).

This module is a leaf (it imports no layer code), so ``dualnet.nn`` and
``dualnet.autograd`` can call it without an import cycle.
"""

from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Any

from dualnet import tree
from dualnet.arguments import check_bool
from dualnet.backend.dispatch import B
from dualnet.errors import NumericsError

__all__ = ["NumericsCheck", "check_numerics"]

FIX = (
    "lower the learning rate, check the inputs for NaN or inf (np.isfinite(x).all()), clip gradients "
    "(e.g. dn.optim.Adam(..., global_clipnorm=1.0)), or guard the operation (a log or sqrt of values <= 0, "
    "a division by zero, an overflowing exp: use from_logits=True losses)"
)

_FLOATS = frozenset({"float16", "bfloat16", "float32", "float64"})

_this_thread = threading.local()  # .scope: the innermost open scope of this thread


def active() -> NumericsCheck | None:
    """The innermost open scope of this thread, or None: the one value Module.__call__ tests."""
    return getattr(_this_thread, "scope", None)


class NumericsCheck:
    """The scope made by :func:`check_numerics`; also tells errors which step they happened at.

    Attributes:
        step: the step a non-finite value is reported at. Outside a Trainer it
            counts calls of the outermost model inside the scope (from 1).
        location: set by the Trainer (``"at epoch 2, step 14"``); replaces the step count in messages.
        gradients: whether :func:`dualnet.value_and_grad` checks the loss and gradients.

    Raises:
        NumericsError: inside the scope, at the first non-finite layer output, loss or gradient.
    """

    def __init__(self, gradients: bool = True) -> None:
        self.gradients = check_bool("check_numerics", "gradients", gradients)
        self.step = 1
        self.location: str | None = None
        self._outer: list[NumericsCheck | None] = []  # the scope each __enter__ replaced, per nesting
        self._warned = False

    def __enter__(self) -> NumericsCheck:
        self._outer.append(active())
        _this_thread.scope = self
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        _this_thread.scope = self._outer.pop()

    def where(self) -> str:
        """``"at step N"``, or the location the Trainer set."""
        return self.location if self.location is not None else f"at step {self.step}"

    def module_output(self, module: Any, out: Any) -> None:
        """Raise NumericsError if ``out`` (a tensor or a structure of them) has a NaN or inf; after ``module`` ran."""
        if self._readable():
            for path, tensor in _tensors(out):
                problem = _problem(tensor)
                if problem is not None:
                    part = "its output" if path == "output" else path
                    raise NumericsError(
                        f"{_name(module)} produced {problem} in {part} (shape {tuple(B.shape(tensor))}) "
                        f"{self.where()}; {FIX}"
                    )
        if getattr(module, "_path", None) == "" and self.location is None:
            self.step += 1  # the outermost model finished a call: the next one is a new step

    def loss_and_gradients(self, value: Any, names: Sequence[str], grads: Sequence[Any]) -> None:
        """Raise NumericsError if the loss ``value`` or a gradient is not finite; gradients named by ``names``."""
        if not self.gradients or not self._readable():
            return
        where = self.where() if self.location is not None else f"at step {max(self.step - 1, 1)}"
        if B.is_tensor(value):
            problem = _problem(value)
            if problem is not None:
                raise NumericsError(f"the loss is {problem} {where}; {FIX}")
        for name, grad in zip(names, grads):
            problem = None if grad is None else _problem(grad)
            if problem is not None:
                raise NumericsError(
                    f"the gradient of {name} (shape {tuple(B.shape(grad))}) has {problem} {where}, while the "
                    f"loss is finite; {FIX}"
                )

    def step_logs(self, logs: Any) -> None:
        """Raise NumericsError if a step's ``{"loss": ...}`` is not finite (custom steps' losses included)."""
        loss = logs.get("loss") if isinstance(logs, dict) else None
        if loss is None or not self._readable():
            return
        value = float(B.to_numpy(loss)) if B.is_tensor(loss) else float(loss)
        if not math.isfinite(value):
            raise NumericsError(f"the loss is {'NaN' if math.isnan(value) else value} {self.where()}; {FIX}")

    def _readable(self) -> bool:
        """False while a function is being compiled: its tensors have no values yet (warned once)."""
        if not B.is_tracing():
            return True
        if not self._warned:
            self._warned = True
            warnings.warn(
                "dn.debug.check_numerics: code being compiled (dn.function, torch.compile, tf.function) is not "
                "checked, as its tensors have no values while tracing; run it uncompiled to check it",
                stacklevel=4,
            )
        return False


def check_numerics(gradients: bool = True) -> NumericsCheck:
    """A scope that stops at the first NaN or infinity and raises :class:`dualnet.NumericsError` naming where.

    Inside it, each module call checks its outputs (tensors, or tuples, lists
    and dicts of them) after it returns: the error names the layer path and
    class, e.g. ``layer 'encoder.fc1' (Dense) produced NaN in its output (shape
    (32, 16)) at step 12; lower the learning rate, ...``. With ``gradients``,
    :func:`dualnet.value_and_grad` also checks the loss it returns and each
    gradient, naming the parameter (``'encoder.fc1.kernel'``). The step counts
    calls of the outermost model inside the scope, from 1;
    ``Trainer(check_numerics=True)`` reports the epoch and training step instead.

    Each check reads a flag to the host, so a checked run is slower: use it to
    find a problem, not for every run. Code compiled with :func:`dualnet.function`
    cannot be checked while it is traced (its tensors have no values): run it
    uncompiled inside the scope (a warning says so). Scopes nest; the innermost applies.

    Raises:
        NumericsError: (a ``FloatingPointError``) at the first non-finite value.
    """
    return NumericsCheck(gradients=gradients)


def _name(module: Any) -> str:
    path = getattr(module, "_path", None)
    kind = type(module).__name__
    return f"layer {path!r} ({kind})" if path else f"the model ({kind})"


def _tensors(out: Any) -> Iterator[tuple[str, Any]]:
    """``(path, tensor)`` for each tensor of a module's output: ``output``, ``output[0]``, ``output['key']``."""
    leaves, paths, _ = tree.flatten(out, "output")
    return ((path, leaf) for path, leaf in zip(paths, leaves) if B.is_tensor(leaf))


def _problem(tensor: Any) -> str | None:
    """``"NaN"``, ``"inf"`` (the first kind found, NaN first) or None for a finite or non-float tensor."""
    if B.dtype(tensor) not in _FLOATS:
        return None
    if bool(B.to_numpy(B.all(B.isfinite(tensor)))):
        return None
    return "NaN" if bool(B.to_numpy(B.any(B.isnan(tensor)))) else "inf"
