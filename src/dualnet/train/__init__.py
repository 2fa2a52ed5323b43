"""``dualnet.train``: :class:`Trainer` (``fit`` / ``evaluate`` / ``predict``), :class:`History`, precision policies.

The step each batch runs is compiled by the backend (``B.compile_step``); the
data comes through :mod:`dualnet.data` and the hooks are :mod:`dualnet.callbacks`.
"""

from dualnet.callbacks.history import History
from dualnet.train.precision import POLICIES, LossScaler, Policy
from dualnet.train.structure import unpack
from dualnet.train.trainer import Trainer

__all__ = ["POLICIES", "History", "LossScaler", "Policy", "Trainer", "unpack"]
