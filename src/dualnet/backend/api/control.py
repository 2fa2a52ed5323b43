"""Control flow with Keras 3's signatures: branches, loops, scans, maps and custom gradients.

Loop variables, carries and ``xs`` are nested structures (tuples, lists, dicts)
of tensors; each body must return the structure it was given, with the same
shapes and dtypes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from dualnet.backend.api.types import ArrayLike


class ControlAPI(Protocol):
    """Eagerly Python control flow; inside compiled functions each backend's own graph construct."""

    def cond(self, pred: ArrayLike, true_fn: Callable[[], Any], false_fn: Callable[[], Any]) -> Any:
        """``true_fn()`` if the scalar ``pred`` holds, else ``false_fn()``; both return the same structure."""

    def while_loop(
        self,
        cond: Callable[..., Any],
        body: Callable[..., Any],
        loop_vars: Any,
        maximum_iterations: int | None = None,
    ) -> Any:
        """``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``; the final ``loop_vars``, same shapes."""

    def fori_loop(self, lower: Any, upper: Any, body_fun: Callable[[Any, Any], Any], init_val: Any) -> Any:
        """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``; the final ``val``, same shapes."""

    def scan(
        self,
        f: Callable[[Any, Any], Any],
        init: Any,
        xs: Any = None,
        length: int | None = None,
        reverse: bool = False,
        unroll: int | bool = 1,
    ) -> tuple[Any, Any]:
        """``(carry, ys)``: ``carry, y = f(carry, xs[i])`` over the leading axis (n, ...); ys stacked (n, ...)."""

    def associative_scan(self, f: Callable[[Any, Any], Any], elems: Any, reverse: bool = False, axis: int = 0) -> Any:
        """Inclusive prefix ``f``-reduction of ``elems`` along ``axis`` (associative ``f``); same shapes."""

    def map(self, f: Callable[[Any], Any], xs: Any) -> Any:
        """``stack([f(x) for x in xs])`` over the leading axis (n, ...) -> (n, ...), one call per element."""

    def vectorized_map(self, function: Callable[[Any], Any], elements: Any) -> Any:
        """``function`` vectorised over the leading axis of ``elements`` (n, ...) -> (n, ...)."""

    def switch(self, index: ArrayLike, branches: Sequence[Callable[..., Any]], *operands: Any) -> Any:
        """``branches[clip(index, 0, len - 1)](*operands)``."""

    def custom_gradient(self, f: Callable[..., Any]) -> Callable[..., Any]:
        """``f(*args) -> (y, grad_fn)`` as a function of ``args`` whose gradient is ``grad_fn(upstream)``."""
