"""native support on tensorflow."""

from __future__ import annotations

__all__: list[str] = []
