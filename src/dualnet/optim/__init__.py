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
from dualnet.optim.options import OptimizerOptions
from dualnet.optim.rmsprop import RMSprop
from dualnet.optim.sgd import SGD

# isort: split
# The optimizers of torch.optim and keras.optimizers beyond the first six, and weight averaging.
from dualnet.optim.adadelta import Adadelta
from dualnet.optim.adafactor import Adafactor
from dualnet.optim.adamax import Adamax
from dualnet.optim.asgd import ASGD
from dualnet.optim.ftrl import Ftrl
from dualnet.optim.lamb import Lamb
from dualnet.optim.lbfgs import LBFGS
from dualnet.optim.muon import Muon
from dualnet.optim.nadam import NAdam, Nadam
from dualnet.optim.radam import RAdam
from dualnet.optim.rprop import Rprop
from dualnet.optim.swa import (
    SWALR,
    AveragedModel,
    get_ema_avg_fn,
    get_ema_multi_avg_fn,
    get_swa_avg_fn,
    get_swa_multi_avg_fn,
    update_bn,
)

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

__all__ += [
    "ASGD",
    "LBFGS",
    "SWALR",
    "Adadelta",
    "Adafactor",
    "Adamax",
    "AveragedModel",
    "Ftrl",
    "Lamb",
    "Muon",
    "NAdam",
    "Nadam",
    "OptimizerOptions",
    "RAdam",
    "Rprop",
    "get_ema_avg_fn",
    "get_ema_multi_avg_fn",
    "get_swa_avg_fn",
    "get_swa_multi_avg_fn",
    "update_bn",
]
