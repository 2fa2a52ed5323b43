"""``dn.nn``: modules, layers, initializers and activations, written once on the ops."""

from dualnet.nn import activations, initializers
from dualnet.nn.dense import Dense
from dualnet.nn.module import Module

__all__ = ["Dense", "Module", "activations", "initializers"]
