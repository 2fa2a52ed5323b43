"""Recurrent-network ops (fused sequence loops)."""

from __future__ import annotations

__all__: list[str] = []
