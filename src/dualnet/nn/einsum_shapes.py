"""The kernel, bias and output shapes of an ``EinsumDense`` equation: Keras 3's rules, in plain Python."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

__all__: list[str] = []

_FORMS = (
    (re.compile(r"^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$"), False),
    (re.compile(r"^0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$"), True),
    (re.compile(r"^([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$"), False),
)


class EinsumShapes(NamedTuple):
    kernel: tuple[int, ...]
    bias: tuple[int, ...] | None
    output: tuple[int | None, ...]


def parse(equation: str) -> tuple[str, str, str, bool] | None:
    """``(input spec, weight spec, output spec, left_elided)``, or None for a form Keras does not take."""
    text = equation.replace("...", "0")
    for pattern, left in _FORMS:
        match = pattern.match(text)
        if match:
            return match.group(1), match.group(2), match.group(3), left
    return None


def analyze(
    equation: str, bias_axes: str | None, input_shape: Sequence[int | None], output_shape: Sequence[int | None]
) -> EinsumShapes:
    """Keras's ``_analyze_split_string``; ValueError (with Keras's reason) for shapes that do not fit."""
    parsed = parse(equation)
    if parsed is None:
        raise ValueError(f"equation {equation!r} is not of the form 'ab,bc->ac' (optionally with '...')")
    input_spec, weight_spec, output_spec, left = parsed
    elided = len(input_shape) - len(input_spec)
    out: list[int | None] = [input_shape[0], *output_shape]
    if elided > 0 and left:
        for i in range(1, elided):
            out.insert(1, input_shape[i])
    elif elided > 0:
        out += list(input_shape[len(input_shape) - elided :])
    if left:
        input_at = {d: i + elided - len(input_shape) for i, d in enumerate(input_spec)}
        output_at = {d: i + elided for i, d in enumerate(output_spec)}
    else:
        input_at = {d: i for i, d in enumerate(input_spec)}
        output_at = {d: i for i, d in enumerate(output_spec)}
    if len(out) != len(output_spec) + max(elided, 0):
        raise ValueError(
            f"output_shape {tuple(output_shape)} gives {len(out) - 1} output axes after the batch, the equation's "
            f"output {output_spec!r} needs {len(output_spec) - 1 + max(elided, 0)}"
        )
    for d in input_spec:
        if d in output_at and out[output_at[d]] is not None and out[output_at[d]] != input_shape[input_at[d]]:
            raise ValueError(
                f"axis {d!r} is {input_shape[input_at[d]]} in the input and {out[output_at[d]]} in output_shape"
            )
    for d in output_spec:
        if d not in input_spec and d not in weight_spec:
            raise ValueError(f"output axis {d!r} is in neither the input {input_spec!r} nor the weight {weight_spec!r}")
    kernel: list[int | None] = []
    for d in weight_spec:
        if d in output_at:
            kernel.append(out[output_at[d]])
        elif d in input_at:
            kernel.append(input_shape[input_at[d]])
        else:
            raise ValueError(f"weight axis {d!r} is in neither the input {input_spec!r} nor the output {output_spec!r}")
    if any(size is None for size in kernel):
        raise ValueError(f"the kernel {weight_spec!r} has an axis of unknown size: give it in output_shape")
    bias = None
    if bias_axes is not None:
        if not bias_axes or any(c not in output_spec for c in bias_axes):
            raise ValueError(f"bias_axes {bias_axes!r} must be letters of the output {output_spec!r}")
        shift = elided if left else 0
        size_of = {c: out[i + shift] for i, c in enumerate(output_spec)}
        first = min(output_spec.find(c) for c in bias_axes)
        bias_list = [size_of[c] if c in bias_axes else 1 for c in output_spec[first:]]
        if not left:
            bias_list += [1] * max(elided, 0)
        bias = tuple(int(s) for s in bias_list if s is not None)
    return EinsumShapes(tuple(int(s) for s in kernel if s is not None), bias, tuple(out))
