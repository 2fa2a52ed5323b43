"""The TensorFlow backend: one module per concern, the same file names as every backend."""

# First: TensorFlow's multi-worker runtime must start before any other TF op runs (see distributed.py).
from dualnet.backend.tensorflow import distributed as _distributed  # isort: skip
from dualnet.backend.tensorflow import (
    autograd as _autograd,
    core as _core,
    data as _data,
    export as _export,
    creation as _creation,
    math as _math,
    reductions as _reductions,
    manipulation as _manipulation,
    native as _native,
    indexing as _indexing,
    linalg as _linalg,
    nn as _nn,
    conv as _conv,
    optim as _optim,
    random as _random,
    rnn as _rnn,
    trainer as _trainer,
)
from dualnet.backend.tensorflow.autograd import *  # noqa: F403
from dualnet.backend.tensorflow.core import *  # noqa: F403
from dualnet.backend.tensorflow.data import *  # noqa: F403
from dualnet.backend.tensorflow.distributed import *  # noqa: F403
from dualnet.backend.tensorflow.export import *  # noqa: F403
from dualnet.backend.tensorflow.creation import *  # noqa: F403
from dualnet.backend.tensorflow.math import *  # noqa: F403
from dualnet.backend.tensorflow.reductions import *  # noqa: F403
from dualnet.backend.tensorflow.manipulation import *  # noqa: F403
from dualnet.backend.tensorflow.native import *  # noqa: F403
from dualnet.backend.tensorflow.indexing import *  # noqa: F403
from dualnet.backend.tensorflow.linalg import *  # noqa: F403
from dualnet.backend.tensorflow.nn import *  # noqa: F403
from dualnet.backend.tensorflow.conv import *  # noqa: F403
from dualnet.backend.tensorflow.optim import *  # noqa: F403
from dualnet.backend.tensorflow.random import *  # noqa: F403
from dualnet.backend.tensorflow.rnn import *  # noqa: F403
from dualnet.backend.tensorflow.trainer import *  # noqa: F403

__all__ = [
    *_core.__all__,
    *_autograd.__all__,
    *_creation.__all__,
    *_math.__all__,
    *_reductions.__all__,
    *_manipulation.__all__,
    *_indexing.__all__,
    *_linalg.__all__,
    *_nn.__all__,
    *_conv.__all__,
    *_random.__all__,
    *_optim.__all__,
    *_rnn.__all__,
    *_data.__all__,
    *_distributed.__all__,
    *_trainer.__all__,
    *_export.__all__,
    *_native.__all__,
]
