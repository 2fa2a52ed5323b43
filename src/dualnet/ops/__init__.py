"""``dn.ops``: functional ops with NumPy names and semantics on native tensors.

Each op is one call into the active backend (:data:`dualnet.backend.dispatch.B`).
Inputs may be native tensors, NumPy arrays or Python scalars; outputs are
native tensors. Layouts are channels-last. Random ops live in ``dn.ops.random``, image ops in ``dn.ops.image``.
"""

from dualnet.ops import (
    activations as _activations,
    attention as _attention,
    bitwise as _bitwise,
    building as _building,
    classes as _classes,
    comparisons as _comparisons,
    complex as _complex,
    control as _control,
    conv as _conv,
    core as _core,
    creation as _creation,
    crossentropy as _crossentropy,
    decoding as _decoding,
    image,
    indexing as _indexing,
    linalg as _linalg,
    manipulation as _manipulation,
    math as _math,
    nanreductions as _nanreductions,
    nn as _nn,
    norms as _norms,
    patches as _patches,
    pooling_adaptive as _pooling_adaptive,
    products as _products,
    random,
    reductions as _reductions,
    rnn as _rnn,
    rounding as _rounding,
    scattering as _scattering,
    searching as _searching,
    signal as _signal,
    special as _special,
    stacking as _stacking,
    statistics as _statistics,
)
from dualnet.ops.activations import *  # noqa: F403
from dualnet.ops.attention import *  # noqa: F403
from dualnet.ops.bitwise import *  # noqa: F403
from dualnet.ops.building import *  # noqa: F403
from dualnet.ops.classes import *  # noqa: F403
from dualnet.ops.comparisons import *  # noqa: F403
from dualnet.ops.complex import *  # noqa: F403
from dualnet.ops.control import *  # noqa: F403
from dualnet.ops.conv import *  # noqa: F403
from dualnet.ops.core import *  # noqa: F403
from dualnet.ops.creation import *  # noqa: F403
from dualnet.ops.crossentropy import *  # noqa: F403
from dualnet.ops.decoding import *  # noqa: F403
from dualnet.ops.indexing import *  # noqa: F403
from dualnet.ops.linalg import *  # noqa: F403
from dualnet.ops.manipulation import *  # noqa: F403
from dualnet.ops.math import *  # noqa: F403
from dualnet.ops.nanreductions import *  # noqa: F403
from dualnet.ops.nn import *  # noqa: F403
from dualnet.ops.norms import *  # noqa: F403
from dualnet.ops.patches import *  # noqa: F403
from dualnet.ops.pooling_adaptive import *  # noqa: F403
from dualnet.ops.products import *  # noqa: F403
from dualnet.ops.reductions import *  # noqa: F403
from dualnet.ops.rnn import *  # noqa: F403
from dualnet.ops.rounding import *  # noqa: F403
from dualnet.ops.scattering import *  # noqa: F403
from dualnet.ops.searching import *  # noqa: F403
from dualnet.ops.signal import *  # noqa: F403
from dualnet.ops.special import *  # noqa: F403
from dualnet.ops.stacking import *  # noqa: F403
from dualnet.ops.statistics import *  # noqa: F403

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
    *_statistics.__all__,
    *_nanreductions.__all__,
    *_bitwise.__all__,
    *_complex.__all__,
    *_attention.__all__,
    *_classes.__all__,
    *_crossentropy.__all__,
    *_decoding.__all__,
    *_norms.__all__,
    *_patches.__all__,
    *_pooling_adaptive.__all__,
    *_signal.__all__,
    *_scattering.__all__,
    *_searching.__all__,
    *_stacking.__all__,
    *_building.__all__,
    *_products.__all__,
    *_control.__all__,
    "random",
    "image",
]
