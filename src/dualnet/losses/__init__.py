"""Losses, called PyTorch's way: ``loss(y_pred, y_true, sample_weight=None)``.

Written once on the ops. ``reduction`` is ``"mean"`` (default; Keras's
``"sum_over_batch_size"``), ``"sum"``, ``"none"`` (the unreduced values: one
per example for the regression and binary losses, the target's shape without
the class axis for the distribution losses) or ``"mean_with_sample_weight"``.
``sample_weight`` multiplies those values; it has their shape or a prefix of
it (``(N,)`` weights every position of an example alike), and ``"mean"``
divides the weighted sum by the number of values, as Keras does.

Keras's losses have their Keras names (``Hinge``, ``Poisson``, ``Dice``...;
the cross-entropies are spelled ``...CrossEntropy``) and Keras's meaning.
PyTorch's have their ``torch.nn`` names too (``MSELoss``, ``NLLLoss``,
``SmoothL1Loss``...): each is the dualnet loss with PyTorch's arguments,
defaults and values (``reduction="none"`` keeping every element, logits for
``CrossEntropyLoss``). Losses PyTorch alone has are also under a short name
(``NLL``, ``SmoothL1``, ``TripletMargin``...). By name, through :func:`get`
(``"mse"``), Keras's names mean what Keras means and PyTorch's function names
(``"nll_loss"``) what PyTorch means.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dualnet.errors import ArgumentError
from dualnet.losses import names
from dualnet.losses.base import REDUCTIONS, ElementwiseLoss, Loss
from dualnet.losses.categorical import NLL, CrossEntropy
from dualnet.losses.ctc import CTC
from dualnet.losses.focal import (
    BinaryFocalCrossEntropy,
    CategoricalFocalCrossEntropy,
    CategoricalGeneralizedCrossEntropy,
)
from dualnet.losses.hinge import (
    CategoricalHinge,
    Hinge,
    HingeEmbedding,
    MultiLabelSoftMargin,
    MultiMargin,
    SoftMargin,
    SquaredHinge,
)
from dualnet.losses.likelihood import GaussianNLL, Poisson
from dualnet.losses.probabilistic import BinaryCrossEntropy, KLDivergence
from dualnet.losses.pytorch_names import (
    BCELoss,
    BCEWithLogitsLoss,
    CosineEmbeddingLoss,
    CrossEntropyLoss,
    GaussianNLLLoss,
    HingeEmbeddingLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MarginRankingLoss,
    MSELoss,
    MultiLabelSoftMarginLoss,
    MultiMarginLoss,
    NLLLoss,
    PoissonNLLLoss,
    SmoothL1Loss,
    SoftMarginLoss,
    TripletMarginLoss,
)
from dualnet.losses.ranking import Circle, CosineEmbedding, MarginRanking, TripletMargin
from dualnet.losses.regression import (
    CosineSimilarity,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    SmoothL1,
)
from dualnet.losses.segmentation import Dice, Tversky

__all__ = [
    "Loss",
    "ElementwiseLoss",
    # regression
    "MeanSquaredError",
    "MeanAbsoluteError",
    "Huber",
    "SmoothL1",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "LogCosh",
    "CosineSimilarity",
    # probabilities and classes
    "BinaryCrossEntropy",
    "CrossEntropy",
    "NLL",
    "KLDivergence",
    "BinaryFocalCrossEntropy",
    "CategoricalFocalCrossEntropy",
    "CategoricalGeneralizedCrossEntropy",
    "Poisson",
    "GaussianNLL",
    # margins
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    "MultiMargin",
    "SoftMargin",
    "HingeEmbedding",
    "MultiLabelSoftMargin",
    # pairs, triplets, sequences, masks
    "MarginRanking",
    "TripletMargin",
    "CosineEmbedding",
    "Circle",
    "CTC",
    "Dice",
    "Tversky",
    # torch.nn's names
    "BCELoss",
    "BCEWithLogitsLoss",
    "CosineEmbeddingLoss",
    "CrossEntropyLoss",
    "GaussianNLLLoss",
    "HingeEmbeddingLoss",
    "HuberLoss",
    "KLDivLoss",
    "L1Loss",
    "MSELoss",
    "MarginRankingLoss",
    "MultiLabelSoftMarginLoss",
    "MultiMarginLoss",
    "NLLLoss",
    "PoissonNLLLoss",
    "SmoothL1Loss",
    "SoftMarginLoss",
    "TripletMarginLoss",
    "get",
    "REDUCTIONS",
]


def get(identifier: Any, where: str = "loss") -> Callable[..., Any]:
    """A loss from a name, a Loss class or instance, or any callable ``(y_pred, y_true) -> scalar``.

    A name builds what the table in the guide "Losses and metrics by name"
    says: Keras's identifiers mean exactly what Keras means
    (``"categorical_crossentropy"`` is ``CrossEntropy(from_logits=False)``:
    probabilities, as in Keras) and PyTorch's ``torch.nn.functional`` names
    what PyTorch means (``"cross_entropy"`` is ``CrossEntropy(from_logits=True)``:
    logits). A class gives an instance with its defaults; construct it to change them.

    Raises:
        ArgumentError: ``identifier`` is not a known name (the message gives the close matches), a Loss class or
            a callable; or it names a Keras loss dualnet does not have yet.
    """

    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if isinstance(identifier, str):
        return names.resolve(identifier, where)
    if callable(identifier):
        return identifier  # type: ignore[no-any-return]
    raise ArgumentError(
        f"{where}: expected a loss name (e.g. 'mse'), a dn.losses.Loss or a function (y_pred, y_true) -> scalar, "
        f"got {type(identifier).__name__}"
    )
