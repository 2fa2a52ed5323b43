"""The PyTorch backend: one module per concern, the same file names as every backend."""

from dualnet.backend.torch import (
    autograd as _autograd,
    core as _core,
    data as _data,
    distributed as _distributed,
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
from dualnet.backend.torch.autograd import *  # noqa: F403
from dualnet.backend.torch.core import *  # noqa: F403
from dualnet.backend.torch.data import *  # noqa: F403
from dualnet.backend.torch.distributed import *  # noqa: F403
from dualnet.backend.torch.export import *  # noqa: F403
from dualnet.backend.torch.creation import *  # noqa: F403
from dualnet.backend.torch.math import *  # noqa: F403
from dualnet.backend.torch.reductions import *  # noqa: F403
from dualnet.backend.torch.manipulation import *  # noqa: F403
from dualnet.backend.torch.native import *  # noqa: F403
from dualnet.backend.torch.indexing import *  # noqa: F403
from dualnet.backend.torch.linalg import *  # noqa: F403
from dualnet.backend.torch.nn import *  # noqa: F403
from dualnet.backend.torch.conv import *  # noqa: F403
from dualnet.backend.torch.optim import *  # noqa: F403
from dualnet.backend.torch.random import *  # noqa: F403
from dualnet.backend.torch.rnn import *  # noqa: F403
from dualnet.backend.torch.trainer import *  # noqa: F403

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
