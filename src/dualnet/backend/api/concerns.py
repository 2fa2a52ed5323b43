"""The concerns of the contract, :class:`Backend` that joins them, and the names derived from them."""

from __future__ import annotations

import importlib
import inspect
from functools import cache
from typing import Any, Protocol

from dualnet.backend.api.activations import ActivationsAPI
from dualnet.backend.api.autograd import AutogradAPI
from dualnet.backend.api.control import ControlAPI
from dualnet.backend.api.conv import ConvAPI
from dualnet.backend.api.core import CoreAPI
from dualnet.backend.api.creation import CreationAPI
from dualnet.backend.api.data import DataAPI
from dualnet.backend.api.decompositions import DecompositionsAPI
from dualnet.backend.api.distributed import DistributedAPI
from dualnet.backend.api.export import ExportAPI
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
from dualnet.backend.api.special import SpecialAPI
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
    ControlAPI,
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
    "control": ControlAPI,
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
