"""``dn.ops``: functional ops with NumPy names and semantics on native tensors.

Each op is one call into the active backend (:data:`dualnet.backend.dispatch.B`).
Inputs may be native tensors, NumPy arrays or Python scalars; outputs are
native tensors. Layouts are channels-last. Random ops live in ``dn.ops.random``.
"""

from dualnet.ops import (
    activations as _activations,
    comparisons as _comparisons,
    control as _control,
    conv as _conv,
    core as _core,
    creation as _creation,
    indexing as _indexing,
    linalg as _linalg,
    manipulation as _manipulation,
    math as _math,
    nn as _nn,
    random,
    reductions as _reductions,
    rnn as _rnn,
    rounding as _rounding,
    special as _special,
)
from dualnet.ops.activations import *  # noqa: F403
from dualnet.ops.comparisons import *  # noqa: F403
from dualnet.ops.control import *  # noqa: F403
from dualnet.ops.conv import *  # noqa: F403
from dualnet.ops.core import *  # noqa: F403
from dualnet.ops.creation import *  # noqa: F403
from dualnet.ops.indexing import *  # noqa: F403
from dualnet.ops.linalg import *  # noqa: F403
from dualnet.ops.manipulation import *  # noqa: F403
from dualnet.ops.math import *  # noqa: F403
from dualnet.ops.nn import *  # noqa: F403
from dualnet.ops.reductions import *  # noqa: F403
from dualnet.ops.rnn import *  # noqa: F403
from dualnet.ops.rounding import *  # noqa: F403
from dualnet.ops.special import *  # noqa: F403

__all__ = [
    *_core.__all__,
    *_creation.__all__,
    *_math.__all__,
    *_rounding.__all__,
    *_comparisons.__all__,
    *_reductions.__all__,
    *_manipulation.__all__,
    *_indexing.__all__,
    *_linalg.__all__,
    *_nn.__all__,
    *_conv.__all__,
    *_rnn.__all__,
    *_special.__all__,
    *_activations.__all__,
    *_control.__all__,
    "random",
]
