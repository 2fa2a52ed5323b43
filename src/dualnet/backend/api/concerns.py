"""The concerns of the contract, :class:`Backend` that joins them, and the names derived from them."""

from __future__ import annotations

import importlib
import inspect
from functools import cache
from typing import Any, Protocol

from dualnet.backend.api.activations import ActivationsAPI
from dualnet.backend.api.attention import AttentionAPI
from dualnet.backend.api.autograd import AutogradAPI
from dualnet.backend.api.batchnorm import BatchNormAPI
from dualnet.backend.api.bitwise import BitwiseAPI
from dualnet.backend.api.building import BuildingAPI
from dualnet.backend.api.classes import ClassesAPI
from dualnet.backend.api.complex import ComplexAPI
from dualnet.backend.api.control import ControlAPI
from dualnet.backend.api.conv import ConvAPI
from dualnet.backend.api.core import CoreAPI
from dualnet.backend.api.creation import CreationAPI
from dualnet.backend.api.crossentropy import CrossentropyAPI
from dualnet.backend.api.data import DataAPI
from dualnet.backend.api.decoding import DecodingAPI
from dualnet.backend.api.decompositions import DecompositionsAPI
from dualnet.backend.api.distributed import DistributedAPI
from dualnet.backend.api.export import ExportAPI
from dualnet.backend.api.image import ImageAPI
from dualnet.backend.api.indexing import IndexingAPI
from dualnet.backend.api.linalg import LinalgAPI
from dualnet.backend.api.manipulation import ManipulationAPI
from dualnet.backend.api.math import MathAPI
from dualnet.backend.api.nanreductions import NanReductionsAPI
from dualnet.backend.api.native import NativeAPI
from dualnet.backend.api.nn import NNAPI
from dualnet.backend.api.norms import NormsAPI
from dualnet.backend.api.optim import OptimAPI
from dualnet.backend.api.patches import PatchesAPI
from dualnet.backend.api.pooling_adaptive import PoolingAdaptiveAPI
from dualnet.backend.api.products import ProductsAPI
from dualnet.backend.api.random import RandomAPI
from dualnet.backend.api.reductions import ReductionsAPI
from dualnet.backend.api.rnn import RNNAPI
from dualnet.backend.api.scattering import ScatteringAPI
from dualnet.backend.api.searching import SearchingAPI
from dualnet.backend.api.signal import SignalAPI
from dualnet.backend.api.special import SpecialAPI
from dualnet.backend.api.stacking import StackingAPI
from dualnet.backend.api.statistics import StatisticsAPI
from dualnet.backend.api.trainer import TrainerAPI


class Backend(
    CoreAPI,
    AutogradAPI,
    CreationAPI,
    MathAPI,
    ReductionsAPI,
    ManipulationAPI,
    IndexingAPI,
    LinalgAPI,
    NNAPI,
    ConvAPI,
    RNNAPI,
    RandomAPI,
    OptimAPI,
    DataAPI,
    TrainerAPI,
    ExportAPI,
    DistributedAPI,
    NativeAPI,
    DecompositionsAPI,
    SpecialAPI,
    ActivationsAPI,
    StatisticsAPI,
    NanReductionsAPI,
    BitwiseAPI,
    ComplexAPI,
    CrossentropyAPI,
    NormsAPI,
    ClassesAPI,
    PatchesAPI,
    PoolingAdaptiveAPI,
    AttentionAPI,
    DecodingAPI,
    ImageAPI,
    SignalAPI,
    ScatteringAPI,
    SearchingAPI,
    StackingAPI,
    BuildingAPI,
    ProductsAPI,
    ControlAPI,
    BatchNormAPI,
    Protocol,
):
    """Everything a backend provides: the union of the concerns below."""


# A concern's file name in every backend -> its declaration.
CONCERNS: dict[str, type] = {
    "core": CoreAPI,
    "autograd": AutogradAPI,
    "creation": CreationAPI,
    "math": MathAPI,
    "reductions": ReductionsAPI,
    "manipulation": ManipulationAPI,
    "indexing": IndexingAPI,
    "linalg": LinalgAPI,
    "nn": NNAPI,
    "conv": ConvAPI,
    "rnn": RNNAPI,
    "random": RandomAPI,
    "optim": OptimAPI,
    "data": DataAPI,
    "trainer": TrainerAPI,
    "export": ExportAPI,
    "distributed": DistributedAPI,
    "native": NativeAPI,
    "decompositions": DecompositionsAPI,
    "special": SpecialAPI,
    "activations": ActivationsAPI,
    "statistics": StatisticsAPI,
    "nanreductions": NanReductionsAPI,
    "bitwise": BitwiseAPI,
    "complex": ComplexAPI,
    "crossentropy": CrossentropyAPI,
    "norms": NormsAPI,
    "classes": ClassesAPI,
    "patches": PatchesAPI,
    "pooling_adaptive": PoolingAdaptiveAPI,
    "attention": AttentionAPI,
    "decoding": DecodingAPI,
    "image": ImageAPI,
    "signal": SignalAPI,
    "scattering": ScatteringAPI,
    "searching": SearchingAPI,
    "stacking": StackingAPI,
    "building": BuildingAPI,
    "products": ProductsAPI,
    "control": ControlAPI,
    "batchnorm": BatchNormAPI,
}


def _declared(protocol: type) -> tuple[str, ...]:
    """A Protocol's own members in source order: its annotated attributes, then its methods."""
    attributes = [n for n in inspect.get_annotations(protocol) if not n.startswith("_")]
    methods = [n for n, v in vars(protocol).items() if inspect.isfunction(v) and not n.startswith("_")]
    return (*attributes, *methods)


@cache
def names_by_concern() -> dict[str, tuple[str, ...]]:
    """The contract's names, per concern (file name), in declaration order."""
    return {concern: _declared(protocol) for concern, protocol in CONCERNS.items()}


@cache
def names() -> tuple[str, ...]:
    """Every name of the contract: what a backend exports and ``B`` holds."""
    return tuple(name for declared in names_by_concern().values() for name in declared)


@cache
def concern_of(name: str) -> str:
    """The concern (file name) that declares ``name``; KeyError when the contract has no such name."""
    for concern, declared in names_by_concern().items():
        if name in declared:
            return concern
    raise KeyError(name)


def declaration(name: str) -> inspect.Signature:
    """The declared signature of contract function ``name``, without ``self``."""
    method = inspect.getattr_static(CONCERNS[concern_of(name)], name)
    signature = inspect.signature(method)
    return signature.replace(parameters=list(signature.parameters.values())[1:])


def gather(package: str) -> dict[str, Any]:
    """The contract's names found in backend ``package``: each looked up in the file of its concern.

    A backend package's ``__init__`` updates its namespace with this, so no
    file lists its functions by hand. A name a file lacks is left out (the
    backend then raises UnsupportedError for it through ``B``; the contract
    test reports it).
    """
    found: dict[str, Any] = {}
    for concern, declared in names_by_concern().items():
        module = importlib.import_module(f"{package}.{concern}")
        found.update({name: getattr(module, name) for name in declared if hasattr(module, name)})
    return found
