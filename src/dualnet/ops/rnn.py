"""Recurrent-network ops: whole-sequence LSTM and GRU loops with Keras weight layouts.

Inputs are batch-first ``(N, T, F)``. Weights use Keras's layouts and gate
orders, so a ``dn.nn.LSTM``/``GRU`` state dict maps one-to-one onto Keras's:
LSTM ``kernel`` (F, 4H), ``recurrent_kernel`` (H, 4H), ``bias`` (4H,), gates
i, f, c, o; GRU ``kernel`` (F, 3H), ``recurrent_kernel`` (H, 3H), ``bias``
(2, 3H) with ``reset_after`` (input and recurrent biases, like cuDNN and
PyTorch) or (3H,) without, gates z, r, h. Activations are tanh, and sigmoid
for the gates.

``mask`` (N, T) bool marks the steps to run: at a False step the state is
carried over unchanged and the output is zeros (Keras with
``zero_output_for_mask=True``). The backends run one fused kernel where they
have one (``torch._VF.lstm``/``gru`` when there is no mask) and a loop over
time otherwise; all paths compute the same math.
"""

from __future__ import annotations

from typing import Any

from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError

__all__ = ["lstm", "gru"]

Tensor = Any


def _dims(x: Any) -> tuple[Any, ...]:
    return tuple(B.shape(x))


def _expect(op: str, name: str, got: tuple[Any, ...], want: tuple[Any, ...], fix: str) -> None:
    # None stands for a size unknown while tracing; it matches anything.
    if len(got) != len(want) or any(g is not None and w is not None and g != w for g, w in zip(got, want)):
        raise ShapeError(f"{op}: expects {name} of shape {want}, got {got}; {fix}")


def _check_sequence_args(
    op: str,
    x: Any,
    kernel: Any,
    recurrent_kernel: Any,
    gates: int,
    bias: Any = None,
    bias_shape: tuple[int, ...] | None = None,
    states: tuple[Any, ...] = (),
    mask: Any = None,
) -> None:
    """Raise ShapeError unless the operands of a ``gates``-gate recurrent op fit together."""
    xs = _dims(x)
    if len(xs) != 3:
        raise ShapeError(f"{op}: expects x of rank 3 (N, T, F), got shape {xs}; pass a batch-first sequence")
    n, t, f = xs
    rk = _dims(recurrent_kernel)
    units = rk[0] if rk else None
    width = None if units is None else gates * units
    _expect(op, "kernel", _dims(kernel), (f, width), f"the kernel is (features, {gates} * units)")
    _expect(op, "recurrent_kernel", rk, (units, width), f"the recurrent kernel is (units, {gates} * units)")
    if bias is not None and bias_shape is not None:
        _expect(op, "bias", _dims(bias), bias_shape, "use the bias layout of the layer")
    for state in states:
        if state is not None:
            _expect(op, "initial state", _dims(state), (n, units), "pass one (N, units) tensor per state")
    if mask is not None:
        _expect(op, "mask", _dims(mask), (n, t), "pass a bool mask of shape (N, T), True for steps to run")


def lstm(
    x: Any,
    kernel: Any,
    recurrent_kernel: Any,
    bias: Any = None,
    h0: Any = None,
    c0: Any = None,
    mask: Any = None,
) -> tuple[Tensor, Tensor, Tensor]:
    """Run an LSTM over ``x`` (N, T, F); returns ``(outputs (N, T, H), h (N, H), c (N, H))``.

    Per step: ``z = x_t @ kernel + h @ recurrent_kernel + bias`` split into
    i, f, c, o; ``c = sigmoid(f) * c + sigmoid(i) * tanh(c_hat)``;
    ``h = sigmoid(o) * tanh(c)``. ``h0``/``c0`` (N, H) default to zeros;
    ``bias`` (4H,) may be None.

    Raises:
        ShapeError: an operand's shape does not fit ``x`` and the kernels.
        DTypeError: an operand is not numeric.
    """
    units = _dims(recurrent_kernel)[0] if _dims(recurrent_kernel) else None
    bias_shape = (4 * units,) if units is not None else None
    _check_sequence_args("lstm", x, kernel, recurrent_kernel, 4, bias, bias_shape, (h0, c0), mask)
    return B.lstm(x, kernel, recurrent_kernel, bias, h0, c0, mask)


def gru(
    x: Any,
    kernel: Any,
    recurrent_kernel: Any,
    bias: Any = None,
    h0: Any = None,
    mask: Any = None,
    reset_after: bool = True,
) -> tuple[Tensor, Tensor]:
    """Run a GRU over ``x`` (N, T, F); returns ``(outputs (N, T, H), h (N, H))``.

    With ``reset_after`` (Keras's default, PyTorch's formula) and ``bias``
    (2, 3H): ``a = x_t @ kernel + bias[0]``, ``b = h @ recurrent_kernel + bias[1]``,
    each split into z, r, h; ``z = sigmoid(a_z + b_z)``, ``r = sigmoid(a_r + b_r)``,
    ``h_hat = tanh(a_h + r * b_h)``, ``h = z * h + (1 - z) * h_hat``. Without it,
    ``bias`` is (3H,) and the reset gate applies before the product:
    ``h_hat = tanh(a_h + (r * h) @ recurrent_kernel[:, 2H:])``.

    Raises:
        ShapeError: an operand's shape does not fit ``x`` and the kernels.
        DTypeError: an operand is not numeric.
    """
    units = _dims(recurrent_kernel)[0] if _dims(recurrent_kernel) else None
    bias_shape = None if units is None else (2, 3 * units) if reset_after else (3 * units,)
    _check_sequence_args("gru", x, kernel, recurrent_kernel, 3, bias, bias_shape, (h0,), mask)
    return B.gru(x, kernel, recurrent_kernel, bias, h0, mask, bool(reset_after))
