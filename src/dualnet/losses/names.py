"""Loss names: Keras's identifiers build exactly what Keras builds; PyTorch's function names keep PyTorch's meaning.

Keras's names are those ``keras.losses.get`` accepts (class names, function
names, the aliases ``mse``, ``MSE``, ``kld``, ...; case matters, as in Keras)
plus ``"crossentropy"`` / ``"ce"``, which ``Model.compile`` resolves from the
shapes (any case). Every Keras cross-entropy takes probabilities
(``from_logits=False``), whatever the default of the dualnet class it builds.
PyTorch's names are ``torch.nn.functional``'s; each builds the ``torch.nn``
class of the same loss (``"cross_entropy"`` is ``CrossEntropyLoss()``: logits).
A Keras name for a loss dualnet does not have yet raises an ArgumentError
listing the names that work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dualnet.errors import ArgumentError
from dualnet.losses import pytorch_names as torch_nn
from dualnet.losses.base import Loss
from dualnet.losses.categorical import CrossEntropy
from dualnet.losses.ctc import CTC
from dualnet.losses.focal import BinaryFocalCrossEntropy, CategoricalFocalCrossEntropy
from dualnet.losses.hinge import CategoricalHinge, Hinge, SquaredHinge
from dualnet.losses.likelihood import Poisson
from dualnet.losses.probabilistic import AutoCrossEntropy, BinaryCrossEntropy, KLDivergence
from dualnet.losses.ranking import Circle
from dualnet.losses.regression import (
    CosineSimilarity,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
)
from dualnet.losses.segmentation import Dice, Tversky
from dualnet.naming import did_you_mean

__all__: list[str] = []  # internal: used by dualnet itself, not re-exported


@dataclass(frozen=True)
class Named:
    """What a name builds, ``cls(**kwargs)``, and the definition it follows (``keras.losses.MeanSquaredError``)."""

    cls: type[Loss]
    follows: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def build(self) -> Loss:
        """A new loss object."""
        return self.cls(**self.kwargs)

    def describe(self) -> str:
        """The constructor call, ``CrossEntropy(from_logits=False)``."""
        return f"{self.cls.__name__}({', '.join(f'{k}={v!r}' for k, v in self.kwargs.items())})"


def _all(named: Named, *names: str) -> dict[str, Named]:
    return dict.fromkeys(names, named)


_PROBS: dict[str, Any] = {"from_logits": False}  # every Keras cross-entropy takes probabilities


def _keras(cls: type[Loss], keras_class: str, *names: str, **kwargs: Any) -> dict[str, Named]:
    return _all(Named(cls, f"keras.losses.{keras_class}", kwargs), *names)


def _torch(cls: type[Loss], function: str) -> dict[str, Named]:
    return {function: Named(cls, f"torch.nn.functional.{function}")}


NAMES: dict[str, Named] = {
    # Keras: keras.losses.get identifiers. Reduction "mean" is Keras's default "sum_over_batch_size".
    **_keras(MeanSquaredError, "MeanSquaredError", "mean_squared_error", "MeanSquaredError", "mse", "MSE"),
    **_keras(MeanAbsoluteError, "MeanAbsoluteError", "mean_absolute_error", "MeanAbsoluteError", "mae", "MAE"),
    **_keras(
        MeanAbsolutePercentageError,
        "MeanAbsolutePercentageError",
        *("mean_absolute_percentage_error", "MeanAbsolutePercentageError", "mape", "MAPE"),
    ),
    **_keras(
        MeanSquaredLogarithmicError,
        "MeanSquaredLogarithmicError",
        *("mean_squared_logarithmic_error", "MeanSquaredLogarithmicError", "msle", "MSLE"),
    ),
    **_keras(Huber, "Huber", "huber", "Huber", delta=1.0),
    **_keras(LogCosh, "LogCosh", "log_cosh", "LogCosh"),
    **_keras(CosineSimilarity, "CosineSimilarity", "cosine_similarity", "CosineSimilarity", axis=-1),
    **_keras(KLDivergence, "KLDivergence", "kl_divergence", "KLDivergence", "kld", "KLD"),
    **_keras(Poisson, "Poisson", "poisson", "Poisson"),
    **_keras(Hinge, "Hinge", "hinge", "Hinge"),
    **_keras(SquaredHinge, "SquaredHinge", "squared_hinge", "SquaredHinge"),
    **_keras(CategoricalHinge, "CategoricalHinge", "categorical_hinge", "CategoricalHinge"),
    **_keras(
        BinaryCrossEntropy, "BinaryCrossentropy", "binary_crossentropy", "BinaryCrossentropy", "bce", "BCE", **_PROBS
    ),
    **_keras(CrossEntropy, "CategoricalCrossentropy", "categorical_crossentropy", "CategoricalCrossentropy", **_PROBS),
    **_keras(
        CrossEntropy,
        "SparseCategoricalCrossentropy",
        *("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"),
        **_PROBS,
    ),
    **_keras(
        BinaryFocalCrossEntropy,
        "BinaryFocalCrossentropy",
        *("binary_focal_crossentropy", "BinaryFocalCrossentropy"),
        **_PROBS,
    ),
    **_keras(
        CategoricalFocalCrossEntropy,
        "CategoricalFocalCrossentropy",
        *("categorical_focal_crossentropy", "CategoricalFocalCrossentropy"),
        **_PROBS,
    ),
    **_keras(CTC, "CTC", "ctc", "CTC"),
    **_keras(Dice, "Dice", "dice", "Dice"),
    **_keras(Tversky, "Tversky", "tversky", "Tversky", alpha=0.5, beta=0.5),
    **_keras(Circle, "Circle", "circle", "Circle"),
    **_all(
        Named(AutoCrossEntropy, "Keras compile: binary, sparse or categorical crossentropy, from the shapes"),
        "crossentropy",
        "ce",
    ),
    # PyTorch: torch.nn.functional names build the torch.nn class of the same loss, PyTorch's meaning.
    **_torch(torch_nn.CrossEntropyLoss, "cross_entropy"),
    **_torch(torch_nn.NLLLoss, "nll_loss"),
    **_torch(torch_nn.BCELoss, "binary_cross_entropy"),
    **_torch(torch_nn.BCEWithLogitsLoss, "binary_cross_entropy_with_logits"),
    **_torch(torch_nn.KLDivLoss, "kl_div"),
    **_torch(torch_nn.MSELoss, "mse_loss"),
    **_torch(torch_nn.L1Loss, "l1_loss"),
    **_torch(torch_nn.HuberLoss, "huber_loss"),
    **_torch(torch_nn.SmoothL1Loss, "smooth_l1_loss"),
    **_torch(torch_nn.PoissonNLLLoss, "poisson_nll_loss"),
    **_torch(torch_nn.GaussianNLLLoss, "gaussian_nll_loss"),
    **_torch(torch_nn.MarginRankingLoss, "margin_ranking_loss"),
    **_torch(torch_nn.TripletMarginLoss, "triplet_margin_loss"),
    **_torch(torch_nn.CosineEmbeddingLoss, "cosine_embedding_loss"),
    **_torch(torch_nn.HingeEmbeddingLoss, "hinge_embedding_loss"),
    **_torch(torch_nn.SoftMarginLoss, "soft_margin_loss"),
    **_torch(torch_nn.MultiMarginLoss, "multi_margin_loss"),
    **_torch(torch_nn.MultiLabelSoftMarginLoss, "multilabel_soft_margin_loss"),
}
"""Every accepted loss name and what it builds."""

CASE_FREE = frozenset({"crossentropy", "ce"})
"""Names matched in any case, as ``Model.compile`` lower-cases these (``"CE"``, ``"CrossEntropy"``)."""

KERAS_NOT_YET: frozenset[str] = frozenset()
"""Keras 3's loss identifiers that dualnet does not implement yet (none, as of Keras 3.15)."""

RETIRED = {
    "categorical_cross_entropy": (
        "'categorical_crossentropy' (Keras: probabilities) or 'cross_entropy' (PyTorch: logits)"
    ),
    "sparse_categorical_cross_entropy": (
        "'sparse_categorical_crossentropy' (Keras: probabilities) or 'cross_entropy' (PyTorch: logits)"
    ),
}
"""Spellings that once meant logits but read as Keras's names: now an error asking which was meant."""


def _listing() -> str:
    lower = sorted({name for name in NAMES if name == name.lower()})
    return f"{', '.join(lower)} (and Keras's class names, e.g. 'MeanSquaredError')"


def lookup(name: str) -> Named | None:
    """The entry for ``name`` (``CASE_FREE`` names in any case), or None."""
    return NAMES.get(name.lower() if name.lower() in CASE_FREE else name)


def check(name: str, where: str = "loss") -> Named:
    """The entry for loss name ``name``.

    Raises:
        ArgumentError: ``name`` is unknown (with the close matches), a Keras loss dualnet lacks, or a retired
            spelling.
    """
    named = lookup(name)
    if named is not None:
        return named
    if name in RETIRED:
        raise ArgumentError(
            f"{where}: {name!r} is ambiguous between Keras and PyTorch, which disagree on whether y_pred holds "
            f"probabilities or logits; use {RETIRED[name]}, or dn.losses.CrossEntropy(from_logits=...)"
        )
    if name in KERAS_NOT_YET:
        raise ArgumentError(
            f"{where}: Keras's loss {name!r} is not available in dualnet yet; the loss names available are "
            f"{_listing()}, or pass a function (y_pred, y_true) -> scalar"
        )
    raise ArgumentError(
        f"{where}: unknown loss {name!r}; {did_you_mean(name, NAMES)}use one of {_listing()}, a Loss object "
        "or a function (y_pred, y_true) -> scalar"
    )


def resolve(name: str, where: str = "loss") -> Loss:
    """A new loss object for ``name``, as :func:`check` finds it."""
    return check(name, where).build()
