"""``dn.optim``: optimizers following PyTorch's update rules, identical on both backends."""

from dualnet.optim.optimizer import Optimizer
from dualnet.optim.sgd import SGD

__all__ = ["SGD", "Optimizer"]
