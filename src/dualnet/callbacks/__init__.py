"""``dn.callbacks``: hooks into ``Trainer.fit`` (Keras's names and semantics).

``Callback`` and ``CallbackList`` are the protocol (:mod:`dualnet.callbacks.base`);
the rest are ready-made callbacks: ``EarlyStopping``, ``ModelCheckpoint``,
``LearningRateScheduler``, ``ReduceLROnPlateau``, ``CSVLogger``, ``TensorBoard``
(event files written in pure Python), ``TerminateOnNaN``, ``ProgressBar``, ``History`` (what ``fit`` returns) and
``LambdaCallback``. None of them imports a framework.
"""

from dualnet.callbacks.base import Callback, CallbackList, LambdaCallback
from dualnet.callbacks.checkpoint import ModelCheckpoint
from dualnet.callbacks.csv_logger import CSVLogger
from dualnet.callbacks.early_stopping import EarlyStopping
from dualnet.callbacks.history import History
from dualnet.callbacks.lr import LearningRateScheduler, ReduceLROnPlateau
from dualnet.callbacks.nan import TerminateOnNaN
from dualnet.callbacks.progress import ProgressBar
from dualnet.callbacks.tensorboard import TensorBoard

__all__ = [
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ProgressBar",
    "ReduceLROnPlateau",
    "TensorBoard",
    "TerminateOnNaN",
]
