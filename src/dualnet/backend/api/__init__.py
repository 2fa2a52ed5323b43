"""The backend contract: every function a backend provides, declared once, with types.

One file per concern, named like the files of each backend (``core.py``,
``math.py``, ``nn.py`` ...), declares that concern as a ``typing.Protocol``
whose methods are the functions a backend's file of the same name defines:
parameter names, order, kinds, defaults and types, and a one-line docstring
with shapes. :class:`Backend` joins them; :data:`dualnet.backend.dispatch.B` is
typed as it, so mypy checks every ``B.<name>(...)`` call of the front end.

Everything else is derived from these declarations: :func:`names_by_concern`
lists the contract's names, :func:`gather` builds a backend package's
namespace from its concern files, ``dispatch.activate`` fills ``B`` with them,
and :func:`check_backend` reports where a backend departs from the contract
(``tests/backend/test_contract.py`` runs it on the built-in backends).
"""

from dualnet.backend.api.activations import ActivationsAPI
from dualnet.backend.api.autograd import AutogradAPI
from dualnet.backend.api.check import check_backend, check_signature
from dualnet.backend.api.concerns import CONCERNS, Backend, concern_of, declaration, gather, names, names_by_concern
from dualnet.backend.api.control import ControlAPI
from dualnet.backend.api.conv import ConvAPI
from dualnet.backend.api.core import CoreAPI
from dualnet.backend.api.creation import CreationAPI
from dualnet.backend.api.data import DataAPI
from dualnet.backend.api.decompositions import DecompositionsAPI
from dualnet.backend.api.distributed import DistributedAPI
from dualnet.backend.api.export import ExportAPI
from dualnet.backend.api.image import ImageAPI
from dualnet.backend.api.indexing import IndexingAPI
from dualnet.backend.api.linalg import LinalgAPI
from dualnet.backend.api.manipulation import ManipulationAPI
from dualnet.backend.api.math import MathAPI
from dualnet.backend.api.native import NativeAPI
from dualnet.backend.api.nn import NNAPI
from dualnet.backend.api.optim import OptimAPI
from dualnet.backend.api.random import RandomAPI
from dualnet.backend.api.reductions import ReductionsAPI
from dualnet.backend.api.rnn import RNNAPI
from dualnet.backend.api.trainer import TrainerAPI
from dualnet.backend.api.special import SpecialAPI
from dualnet.backend.api.statistics import StatisticsAPI
from dualnet.backend.api.nanreductions import NanReductionsAPI
from dualnet.backend.api.bitwise import BitwiseAPI
from dualnet.backend.api.complex import ComplexAPI
from dualnet.backend.api.crossentropy import CrossentropyAPI
from dualnet.backend.api.norms import NormsAPI
from dualnet.backend.api.classes import ClassesAPI
from dualnet.backend.api.patches import PatchesAPI
from dualnet.backend.api.pooling_adaptive import PoolingAdaptiveAPI
from dualnet.backend.api.attention import AttentionAPI
from dualnet.backend.api.decoding import DecodingAPI
from dualnet.backend.api.signal import SignalAPI
from dualnet.backend.api.scattering import ScatteringAPI
from dualnet.backend.api.searching import SearchingAPI
from dualnet.backend.api.stacking import StackingAPI
from dualnet.backend.api.building import BuildingAPI
from dualnet.backend.api.products import ProductsAPI
from dualnet.backend.api.batchnorm import BatchNormAPI

__all__ = [
    "CONCERNS",
    "Backend",
    "AutogradAPI",
    "ConvAPI",
    "CoreAPI",
    "CreationAPI",
    "DataAPI",
    "DecompositionsAPI",
    "DistributedAPI",
    "ExportAPI",
    "IndexingAPI",
    "LinalgAPI",
    "ManipulationAPI",
    "MathAPI",
    "NativeAPI",
    "NNAPI",
    "OptimAPI",
    "RandomAPI",
    "ReductionsAPI",
    "RNNAPI",
    "TrainerAPI",
    "SpecialAPI",
    "ActivationsAPI",
    "StatisticsAPI",
    "NanReductionsAPI",
    "BitwiseAPI",
    "ComplexAPI",
    "CrossentropyAPI",
    "NormsAPI",
    "ClassesAPI",
    "PatchesAPI",
    "PoolingAdaptiveAPI",
    "AttentionAPI",
    "DecodingAPI",
    "ImageAPI",
    "SignalAPI",
    "ScatteringAPI",
    "SearchingAPI",
    "StackingAPI",
    "BuildingAPI",
    "ProductsAPI",
    "ControlAPI",
    "BatchNormAPI",
    "check_backend",
    "check_signature",
    "concern_of",
    "declaration",
    "gather",
    "names",
    "names_by_concern",
]
