"""The bounds ``saturate_cast`` clips to, computed in NumPy once for both backends."""

from __future__ import annotations

import numpy as np

from dualnet import dtypes


def limits(source: str, target: str) -> tuple[float | int | None, float | int | None]:
    """The clip bounds, in ``source``'s values, that keep a cast to ``target`` in range (Keras's rule).

    None, None when ``source`` needs no clipping (complex, or bool input).
    """
    if dtypes.is_complex(source) or source == "bool":
        return None, None
    in_low, in_high = _range(source)
    out_low, out_high = _range(target)
    np_source = np.dtype("float32" if source == "bfloat16" else source)
    # A bound not representable in the source dtype rounds outward; step it back inside (float32 -> int32).
    low = np.asarray(max(in_low, out_low)).astype(np_source)
    # Compared as Python numbers: exact, where NumPy would round the int bound to the float dtype first.
    if low.item() < out_low:
        low = np.nextafter(low, 0, dtype=np_source)
    high = np.asarray(min(in_high, out_high)).astype(np_source)
    if high.item() > out_high:
        high = np.nextafter(high, 0, dtype=np_source)
    return low.item(), high.item()


def _range(name: str) -> tuple[float | int, float | int]:
    if name == "bool":
        return 0, 1
    if dtypes.is_int(name):
        info = np.iinfo(name)
        return int(info.min), int(info.max)
    if dtypes.is_complex(name):
        name = "float32" if name == "complex64" else "float64"
    if name == "bfloat16":
        return -3.3895313892515355e38, 3.3895313892515355e38
    finfo = np.finfo(name)
    return float(finfo.min), float(finfo.max)
