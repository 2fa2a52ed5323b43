"""L-BFGS, PyTorch's algorithm (``torch.optim.LBFGS``): closure-based, for full-batch problems."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Unpack

import numpy as np

from dualnet.arguments import argument_error, check_choice, check_float, check_int
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, ShapeError, StateDictError
from dualnet.optim.line_search import strong_wolfe
from dualnet.optim.optimizer import Optimizer
from dualnet.optim.options import OptimizerOptions

__all__ = ["LBFGS"]

Closure = Callable[[], tuple[Any, Sequence[Any]]]
"""``() -> (loss, grads)``: the loss at the current parameters and its gradients (aligned with them)."""

_TENSORS = ("d", "prev_flat_grad")
_HISTORY = ("old_dirs", "old_stps")
_SCALARS = ("t", "H_diag", "prev_loss")


class LBFGS(Optimizer):
    """Limited-memory BFGS, as ``torch.optim.LBFGS``: each :meth:`step` runs up to ``max_iter`` iterations.

    ``step(closure)`` takes a function that evaluates the loss and its gradients at the current
    parameters, e.g. ``closure = lambda: dn.value_and_grad(loss_fn)(model, x, y)``, and calls it as
    often as the iterations and line search need (at most ``max_eval`` times, default
    ``max_iter * 5 // 4``). Each iteration moves along the quasi-Newton direction built from the last
    ``history_size`` steps, by ``lr`` (the first iteration by ``min(1, 1 / |g|_1) * lr``) or, with
    ``line_search_fn="strong_wolfe"``, by a step satisfying the strong Wolfe conditions. A step stops
    early when the largest gradient entry is below ``tolerance_grad`` or the loss or parameters change
    by less than ``tolerance_change``. One parameter group; gradients are not clipped (the clipping
    options are refused). For full-batch problems: the history assumes the same loss at every step.

    Raises:
        ArgumentError: a hyper-parameter outside its valid values, parameter groups, clipping options, or a
            ``step`` argument that is not a closure.
        ShapeError: in :meth:`step`, the closure's gradients are not aligned with the parameters.
        StateDictError: in :meth:`load_state_dict`, a state for other parameters or options.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: Any = 1.0,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
        **options: Unpack[OptimizerOptions],
    ) -> None:
        for clip in ("clipnorm", "clipvalue", "global_clipnorm"):
            if options.get(clip) is not None:
                raise argument_error("LBFGS", clip, options.get(clip), "None: L-BFGS does not clip", f"drop {clip}=")
        defaults = {"lr": lr, "max_iter": max_iter, "max_eval": max_eval, "tolerance_grad": tolerance_grad}
        defaults |= {"tolerance_change": tolerance_change, "history_size": history_size}
        super().__init__(params, {**defaults, "line_search_fn": line_search_fn}, **options)
        if len(self.param_groups) != 1:
            raise ArgumentError(
                "LBFGS: got several parameter groups; L-BFGS takes one (as in torch): pass model.parameters()"
            )
        self._shapes = [tuple(B.shape(p)) for p in self._params]
        self._sizes = [math.prod(shape) for shape in self._shapes]
        self.history: dict[str, Any] = {"func_evals": 0, "n_iter": 0}  # torch's state of its first parameter

    def check_group(self, owner: str, group: dict[str, Any]) -> None:
        group["max_iter"] = check_int(owner, "max_iter", group["max_iter"], low=1, example="max_iter=20")
        if group["max_eval"] is None:
            group["max_eval"] = group["max_iter"] * 5 // 4
        group["max_eval"] = check_int(owner, "max_eval", group["max_eval"], low=1, example="max_eval=25")
        for name in ("tolerance_grad", "tolerance_change"):
            group[name] = check_float(owner, name, group[name], low=0.0, example=f"{name}=1e-7")
        group["history_size"] = check_int(
            owner, "history_size", group["history_size"], low=1, example="history_size=100"
        )
        if group["line_search_fn"] is not None:
            group["line_search_fn"] = check_choice(
                owner, "line_search_fn", group["line_search_fn"], ("strong_wolfe",), fix="pass None or 'strong_wolfe'"
            )

    # --- flat views of the parameters ------------------------------------------------------------

    def _evaluate(self, closure: Closure) -> tuple[Any, Any]:
        result = closure()
        if not (isinstance(result, tuple | list) and len(result) == 2):
            raise ArgumentError(
                f"LBFGS.step(closure): the closure must return (loss, grads), got {type(result).__name__}; "
                "return dn.value_and_grad(loss_fn)(model, x, y)"
            )
        loss, grads = result
        if len(grads) != len(self._params):
            raise ShapeError(
                f"LBFGS.step: the closure returned {len(grads)} gradients for {len(self._params)} parameters; "
                "build LBFGS on the same parameters the closure differentiates (model.parameters())"
            )
        pieces = []
        for param, grad in zip(self._params, grads):
            grad = B.zeros_like(param) if grad is None else grad
            if tuple(B.shape(grad)) != tuple(B.shape(param)):
                raise ShapeError(
                    f"LBFGS.step: a gradient has shape {tuple(B.shape(grad))} but its parameter "
                    f"{tuple(B.shape(param))}; "
                    "return the gradients aligned with the parameters"
                )
            pieces.append(B.reshape(grad, (-1,)))
        return loss, B.concatenate(pieces)

    def _add_grad(self, step: Any, update: Any) -> None:
        offsets = [int(o) for o in np.cumsum(self._sizes)[:-1]]
        with B.no_grad():
            for param, shape, piece in zip(self._params, self._shapes, B.split(update, offsets)):
                B.assign(param, param + step * B.reshape(piece, shape))

    def _directional_evaluate(self, closure: Closure, x: list[Any], t: Any, d: Any) -> tuple[float, Any]:
        self._add_grad(t, d)
        loss, flat_grad = self._evaluate(closure)
        for param, value in zip(self._params, x):
            B.assign(param, value)
        return float(B.to_numpy(loss)), flat_grad

    # --- the step ----------------------------------------------------------------------------------

    def step(self, closure: Closure) -> Any:  # type: ignore[override]
        """Run up to ``max_iter`` L-BFGS iterations; returns the loss of the first closure call.

        Raises:
            ArgumentError: ``closure`` is not callable or does not return ``(loss, grads)``.
            ShapeError: the closure's gradients are not aligned with the parameters.
        """
        if not callable(closure):
            raise ArgumentError(
                f"LBFGS.step(closure): expected a function returning (loss, grads), got {type(closure).__name__}; "
                "pass e.g. lambda: dn.value_and_grad(loss_fn)(model, x, y) (LBFGS evaluates it several times)"
            )
        if self.ema is not None:
            self.ema.check_not_swapped("LBFGS")
        lr = self.group_lr(0)
        count = self._advance(traced=False)
        loss = self._iterate(closure, lr)  # not under no_grad: the closure differentiates
        if self.ema is not None:
            with B.no_grad():
                self.ema.update(self._params, self.state, count)
        return loss

    def _iterate(self, closure: Closure, lr: float) -> Any:
        group = self.param_groups[0]
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        history_size, line_search_fn = group["history_size"], group["line_search_fn"]
        state = self.history
        orig_loss, flat_grad = self._evaluate(closure)
        loss = float(B.to_numpy(orig_loss))
        current_evals = 1
        state["func_evals"] += 1
        if _value(B.max(B.abs(flat_grad))) <= tolerance_grad:
            return orig_loss
        # torch's per-step state: none before the first iteration, which sets it all
        d: Any = state.get("d")
        t: Any = state.get("t")
        old_dirs: list[Any] = state.get("old_dirs", [])
        old_stps: list[Any] = state.get("old_stps", [])
        ro: list[Any] = state.get("ro", [])
        h_diag: Any = state.get("H_diag")
        prev_flat_grad: Any = state.get("prev_flat_grad")
        prev_loss: Any = state.get("prev_loss")
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                h_diag = 1
            else:  # update the curvature pairs, then the two-loop recursion
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = B.dot(y, s)
                if _value(ys) > 1e-10:
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    h_diag = ys / B.dot(y, y)
                num_old = len(old_dirs)
                al: list[Any] = [None] * num_old
                q = -flat_grad
                for i in range(num_old - 1, -1, -1):
                    al[i] = B.dot(old_stps[i], q) * ro[i]
                    q = q - al[i] * old_dirs[i]
                d = r = q * h_diag
                for i in range(num_old):
                    be_i = B.dot(old_dirs[i], r) * ro[i]
                    d = r = r + (al[i] - be_i) * old_stps[i]
            prev_flat_grad = flat_grad
            prev_loss = loss
            if state["n_iter"] == 1:
                inverse = 1.0 / B.sum(B.abs(flat_grad))
                t = (inverse if _value(inverse) < 1.0 else 1.0) * lr
            else:
                t = lr
            gtd = B.dot(flat_grad, d)
            if _value(gtd) > -tolerance_change:
                break
            ls_func_evals = 0
            if line_search_fn is not None:
                with B.no_grad():
                    start = [B.multiply(p, 1) for p in self._params]
                loss, flat_grad, t, ls_func_evals = strong_wolfe(
                    lambda x, step, direction: self._directional_evaluate(closure, x, step, direction),
                    start,
                    t,
                    d,
                    loss,
                    flat_grad,
                    gtd,
                    max_ls=max_eval - current_evals,
                )
                self._add_grad(t, d)
                opt_cond = _value(B.max(B.abs(flat_grad))) <= tolerance_grad
            else:
                self._add_grad(t, d)
                opt_cond = False
                if n_iter != max_iter:
                    new_loss, flat_grad = self._evaluate(closure)
                    loss = float(B.to_numpy(new_loss))
                    opt_cond = _value(B.max(B.abs(flat_grad))) <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals
            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if _value(B.max(B.abs(d * t))) <= tolerance_change or abs(loss - prev_loss) < tolerance_change:
                break
        state.update(d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=h_diag)
        state.update(prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        return orig_loss

    # --- state dict ----------------------------------------------------------------------------

    def state_dict(self) -> dict[str, np.ndarray]:
        """The base entries plus ``lbfgs.<name>``: counters, direction, step, curvature history (``(k, n)``)."""
        out = super().state_dict()
        state = self.history
        out["lbfgs.func_evals"] = np.array(state["func_evals"], np.int64)
        out["lbfgs.n_iter"] = np.array(state["n_iter"], np.int64)
        if state.get("d") is not None:
            for name in _TENSORS:
                out[f"lbfgs.{name}"] = B.to_numpy(state[name])
            for name in _HISTORY:
                rows = [B.to_numpy(v) for v in state[name]]
                out[f"lbfgs.{name}"] = np.stack(rows) if rows else np.zeros((0, sum(self._sizes)), out["lbfgs.d"].dtype)
            out["lbfgs.ro"] = np.array([_value(r) for r in state["ro"]], np.float64)
            for name in _SCALARS:
                out[f"lbfgs.{name}"] = np.array(_value(state[name]), np.float64)
        return out

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore a state saved by :meth:`state_dict` (on either backend).

        Raises:
            StateDictError: the entries do not fit these parameters or options (names them).
        """
        if not isinstance(state, Mapping):
            raise StateDictError(f"LBFGS.load_state_dict: expected a dict of arrays, got {type(state).__name__}")
        own = {k[len("lbfgs.") :]: np.asarray(v) for k, v in state.items() if k.startswith("lbfgs.")}
        history = self._history_from(own)
        super().load_state_dict({k: v for k, v in state.items() if not k.startswith("lbfgs.")})
        self.history = history

    def _history_from(self, saved: dict[str, np.ndarray]) -> dict[str, Any]:
        size, limit = sum(self._sizes), self.param_groups[0]["history_size"]
        shapes: dict[str, tuple[int, ...]] = {"func_evals": (), "n_iter": ()}
        if "d" in saved:
            k = saved.get("ro", np.zeros(0)).shape[0]
            shapes |= {"d": (size,), "prev_flat_grad": (size,), "ro": (k,), "old_dirs": (k, size)}
            shapes |= {"old_stps": (k, size), "t": (), "H_diag": (), "prev_loss": ()}
            if k > limit:
                raise StateDictError(f"LBFGS.load_state_dict: {k} curvature pairs saved, history_size is {limit}")
        wrong = sorted(set(saved) ^ set(shapes))
        bad = [n for n in shapes if n in saved and saved[n].shape != shapes[n]]
        if wrong or bad:
            raise StateDictError(
                f"LBFGS.load_state_dict: lbfgs entries {wrong + bad} missing, unexpected or of the wrong shape "
                f"(for {size} parameter values); load a state saved from an LBFGS on the same parameters"
            )
        history: dict[str, Any] = {"func_evals": int(saved["func_evals"]), "n_iter": int(saved["n_iter"])}
        if "d" in saved:
            dtype = B.dtype(self._params[0])
            # Copies, not views of the saved arrays: a row of the stacked history is misaligned in its buffer, and the
            # dot products' vector kernels then sum in another order (seen on AMD EPYC: a resumed run off by 1 ulp).
            history |= {n: B.copy(B.convert_to_tensor(saved[n], dtype)) for n in _TENSORS}
            history |= {n: [B.copy(B.convert_to_tensor(row, dtype)) for row in saved[n]] for n in _HISTORY}
            # ro and H_diag live as 0-d tensors of the parameters' dtype during steps (t and prev_loss as floats):
            # restored as the same kinds, a resumed step computes bit for bit what the uninterrupted one does.
            history |= {"ro": [B.convert_to_tensor(float(r), dtype) for r in saved["ro"]]}
            history |= {"H_diag": B.convert_to_tensor(float(saved["H_diag"]), dtype)}
            history |= {n: float(saved[n]) for n in _SCALARS if n != "H_diag"}
        return history


def _value(x: Any) -> float:
    """A 0-d tensor (or a number) as a Python float, for the branches torch takes on the host."""
    return float(B.to_numpy(x)) if B.is_tensor(x) else float(x)
