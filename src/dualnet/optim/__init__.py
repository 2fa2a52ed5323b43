"""``dn.optim``: optimizers following PyTorch's update rules, identical on both backends.

Also gradient clipping (``clip_by_global_norm``, ``clip_by_norm``, ``clip_by_value``) and
learning-rate schedules (``dn.optim.schedules``), usable as ``lr=`` of any optimizer.
"""

from dualnet.optim import schedules
from dualnet.optim.adagrad import Adagrad
from dualnet.optim.adam import Adam, AdamW
from dualnet.optim.clipping import clip_by_global_norm, clip_by_norm, clip_by_value, global_norm
from dualnet.optim.lion import Lion
from dualnet.optim.optimizer import Optimizer
from dualnet.optim.rmsprop import RMSprop
from dualnet.optim.sgd import SGD

__all__ = [
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "Lion",
    "Optimizer",
    "RMSprop",
    "clip_by_global_norm",
    "clip_by_norm",
    "clip_by_value",
    "global_norm",
    "schedules",
]
