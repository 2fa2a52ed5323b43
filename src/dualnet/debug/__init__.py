"""Debugging aids: :func:`check_numerics` stops at the first NaN or infinity and names the layer and step."""

from dualnet.debug.numerics import NumericsCheck, check_numerics

__all__ = ["NumericsCheck", "check_numerics"]
