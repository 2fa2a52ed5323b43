"""rnn ops on torch: LSTM and GRU over whole sequences, Keras weight layouts.

Without a mask the sequence runs in torch's own fused kernel (``torch._VF``,
what ``nn.LSTM``/``nn.GRU`` call), fed the Keras weights as transposed views:
Keras's LSTM gate order i, f, c, o is torch's i, f, g, o, so nothing moves;
GRU gates z, r, h are reordered to torch's r, z, n (a small copy per call).
With a mask, or for a GRU with ``reset_after=False`` (no torch kernel), a
loop over time computes the same math step by step.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import torch

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.torch.core import convert_to_tensor


def _operands(
    x: ArrayLike, kernel: ArrayLike, recurrent_kernel: ArrayLike, bias: ArrayLike | None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor | None]:
    kernel = convert_to_tensor(kernel)
    x = convert_to_tensor(x).to(kernel.dtype)
    recurrent_kernel = convert_to_tensor(recurrent_kernel).to(kernel.dtype)
    bias = None if bias is None else convert_to_tensor(bias).to(kernel.dtype)
    if x.shape[-1] != kernel.shape[0]:  # torch._VF does not check this (nn.LSTM does, in Python) and reads past rows
        raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {kernel.shape[0]}, got {x.shape[-1]}")
    return x, kernel, recurrent_kernel, bias


def _state(state: ArrayLike | None, x: torch.Tensor, units: int) -> torch.Tensor:
    if state is None:
        return x.new_zeros((x.shape[0], units))
    return convert_to_tensor(state).to(x.dtype)


def _keep(mask: ArrayLike) -> torch.Tensor:
    # (N, T) -> (T, N, 1) bools, one (N, 1) slice per step.
    return convert_to_tensor(mask).to(torch.bool).transpose(0, 1).unsqueeze(-1)


def _fused_lstm_kernel(
    x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor], weights: list[torch.Tensor], has_bias: bool
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    out, h_n, c_n = torch._VF.lstm(x, state, weights, has_bias, 1, 0.0, False, False, True)
    return out, h_n, c_n


_uncompiled_lstm: list[
    Callable[..., tuple[torch.Tensor, torch.Tensor, torch.Tensor]]
] = []  # the kernel behind torch.compiler.disable, made when a compiler is loaded


def _fused_lstm(
    x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor], weights: list[torch.Tensor], has_bias: bool
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The fused kernel, which torch.compile must run as it is.

    Inductor lowers it to mkldnn_rnn_layer and then fails on that op's outputs for some sizes (torch 2.13:
    "expected Tensor() for op: torch.ops.aten.mkldnn_rnn_layer.default"). ``torch.compiler.disable`` loads
    the compiler (1.2 s), so it is applied only once something has loaded it: nothing compiles before.
    """
    if "torch._dynamo" not in sys.modules:
        return _fused_lstm_kernel(x, state, weights, has_bias)
    if not _uncompiled_lstm:
        _uncompiled_lstm.append(torch.compiler.disable(_fused_lstm_kernel))
    return _uncompiled_lstm[0](x, state, weights, has_bias)


def lstm(
    x: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike | None = None,
    h0: ArrayLike | None = None,
    c0: ArrayLike | None = None,
    mask: ArrayLike | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    x, kernel, recurrent_kernel, bias = _operands(x, kernel, recurrent_kernel, bias)
    units = recurrent_kernel.shape[0]
    h, c = _state(h0, x, units), _state(c0, x, units)
    if mask is None:
        weights = [kernel.T, recurrent_kernel.T]
        if bias is not None:
            weights += [bias, torch.zeros_like(bias)]  # torch's kernel adds two biases; Keras has one
        out, h_n, c_n = _fused_lstm(x, (h[None], c[None]), weights, bias is not None)
        return out, h_n[0], c_n[0]
    projected = torch.matmul(x, kernel)  # every step's input projection in one product
    if bias is not None:
        projected = projected + bias
    keep = _keep(mask)
    outputs = []
    # unbind: its gradient is one stack, where indexing step t's gradient writes a whole (N, T, G) tensor.
    for t, x_t in enumerate(projected.unbind(1)):
        z = torch.addmm(x_t, h, recurrent_kernel)
        i, f, g, o = z.chunk(4, 1)
        c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h_new = torch.sigmoid(o) * torch.tanh(c_new)
        h, c = torch.where(keep[t], h_new, h), torch.where(keep[t], c_new, c)
        outputs.append(torch.where(keep[t], h_new, torch.zeros_like(h_new)))
    return torch.stack(outputs, 1), h, c


def _torch_gate_order(w: torch.Tensor, units: int) -> torch.Tensor:
    # Keras z, r, h along the last axis -> torch r, z, n.
    return torch.cat([w[..., units : 2 * units], w[..., :units], w[..., 2 * units :]], -1)


def gru(
    x: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike | None = None,
    h0: ArrayLike | None = None,
    mask: ArrayLike | None = None,
    reset_after: bool = True,
) -> tuple[torch.Tensor, torch.Tensor]:
    x, kernel, recurrent_kernel, bias = _operands(x, kernel, recurrent_kernel, bias)
    units = recurrent_kernel.shape[0]
    h = _state(h0, x, units)
    if mask is None and reset_after:
        weights = [_torch_gate_order(kernel, units).T, _torch_gate_order(recurrent_kernel, units).T]
        if bias is not None:
            reordered = _torch_gate_order(bias, units)
            weights += [reordered[0], reordered[1]]
        out, h_n = torch._VF.gru(x, h[None], weights, bias is not None, 1, 0.0, False, False, True)
        return out, h_n[0]
    input_bias = recurrent_bias = None
    if bias is not None:
        input_bias, recurrent_bias = (bias[0], bias[1]) if reset_after else (bias, None)
    projected = torch.matmul(x, kernel)
    if input_bias is not None:
        projected = projected + input_bias
    keep = None if mask is None else _keep(mask)
    outputs = []
    for t, x_t in enumerate(projected.unbind(1)):  # unbind, not indexing: see lstm
        x_z, x_r, x_h = x_t.chunk(3, 1)
        if reset_after:
            inner = h @ recurrent_kernel
            if recurrent_bias is not None:
                inner = inner + recurrent_bias
            h_z, h_r, h_h = inner.chunk(3, 1)
            r = torch.sigmoid(x_r + h_r)
            candidate = torch.tanh(x_h + r * h_h)
        else:
            h_z, h_r = (h @ recurrent_kernel[:, : 2 * units]).chunk(2, 1)
            r = torch.sigmoid(x_r + h_r)
            candidate = torch.tanh(x_h + (r * h) @ recurrent_kernel[:, 2 * units :])
        z = torch.sigmoid(x_z + h_z)
        h_new = z * h + (1 - z) * candidate
        if keep is None:
            h = h_new
            outputs.append(h)
        else:
            h = torch.where(keep[t], h_new, h)
            outputs.append(torch.where(keep[t], h_new, torch.zeros_like(h_new)))
    return torch.stack(outputs, 1), h
