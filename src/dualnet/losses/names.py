"""Loss names: Keras's identifiers build exactly what Keras builds; PyTorch's function names keep PyTorch's meaning.

Keras's names are those ``keras.losses.get`` accepts (class names, function
names, the aliases ``mse``, ``MSE``, ``kld``, ...; case matters, as in Keras)
plus ``"crossentropy"`` / ``"ce"``, which ``Model.compile`` resolves from the
shapes (any case). Every Keras cross-entropy takes probabilities
(``from_logits=False``), whatever the default of the dualnet class it builds.
PyTorch's names are ``torch.nn.functional``'s (``cross_entropy`` takes logits).
A Keras name for a loss dualnet does not have yet raises an ArgumentError
listing the names that work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dualnet.errors import ArgumentError
from dualnet.losses.base import Loss
from dualnet.losses.probabilistic import AutoCrossEntropy, BinaryCrossEntropy, CrossEntropy, KLDivergence
from dualnet.losses.regression import CosineSimilarity, Huber, MeanAbsoluteError, MeanSquaredError
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


_PROBABILITIES = {"from_logits": False}

NAMES: dict[str, Named] = {
    # Keras: keras.losses.get identifiers. Reduction "mean" is Keras's default "sum_over_batch_size".
    **_all(
        Named(MeanSquaredError, "keras.losses.MeanSquaredError"), "mean_squared_error", "MeanSquaredError", "mse", "MSE"
    ),
    **_all(
        Named(MeanAbsoluteError, "keras.losses.MeanAbsoluteError"),
        "mean_absolute_error",
        "MeanAbsoluteError",
        "mae",
        "MAE",
    ),
    **_all(Named(Huber, "keras.losses.Huber", {"delta": 1.0}), "huber", "Huber"),
    **_all(
        Named(CosineSimilarity, "keras.losses.CosineSimilarity", {"axis": -1}), "cosine_similarity", "CosineSimilarity"
    ),
    **_all(Named(KLDivergence, "keras.losses.KLDivergence"), "kl_divergence", "KLDivergence", "kld", "KLD"),
    **_all(
        Named(BinaryCrossEntropy, "keras.losses.BinaryCrossentropy", _PROBABILITIES),
        "binary_crossentropy",
        "BinaryCrossentropy",
        "bce",
        "BCE",
    ),
    **_all(
        Named(CrossEntropy, "keras.losses.CategoricalCrossentropy", _PROBABILITIES),
        "categorical_crossentropy",
        "CategoricalCrossentropy",
    ),
    **_all(
        Named(CrossEntropy, "keras.losses.SparseCategoricalCrossentropy", _PROBABILITIES),
        "sparse_categorical_crossentropy",
        "SparseCategoricalCrossentropy",
    ),
    **_all(
        Named(AutoCrossEntropy, "Keras compile: binary, sparse or categorical crossentropy, from the shapes"),
        "crossentropy",
        "ce",
    ),
    # PyTorch: torch.nn.functional names, PyTorch's meaning (cross_entropy takes logits).
    "cross_entropy": Named(CrossEntropy, "torch.nn.functional.cross_entropy", {"from_logits": True}),
    "binary_cross_entropy": Named(BinaryCrossEntropy, "torch.nn.functional.binary_cross_entropy", _PROBABILITIES),
    "binary_cross_entropy_with_logits": Named(
        BinaryCrossEntropy, "torch.nn.functional.binary_cross_entropy_with_logits", {"from_logits": True}
    ),
    "mse_loss": Named(MeanSquaredError, "torch.nn.functional.mse_loss"),
    "l1_loss": Named(MeanAbsoluteError, "torch.nn.functional.l1_loss"),
    "huber_loss": Named(Huber, "torch.nn.functional.huber_loss", {"delta": 1.0}),
}
"""Every accepted loss name and what it builds."""

CASE_FREE = frozenset({"crossentropy", "ce"})
"""Names matched in any case, as ``Model.compile`` lower-cases these (``"CE"``, ``"CrossEntropy"``)."""

KERAS_NOT_YET = frozenset(
    {
        *("BinaryFocalCrossentropy", "binary_focal_crossentropy"),
        *("CategoricalFocalCrossentropy", "categorical_focal_crossentropy"),
        *("CategoricalHinge", "categorical_hinge", "Hinge", "hinge", "SquaredHinge", "squared_hinge"),
        *("MeanAbsolutePercentageError", "mean_absolute_percentage_error", "mape", "MAPE"),
        *("MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", "msle", "MSLE"),
        *("LogCosh", "log_cosh", "Poisson", "poisson", "Dice", "dice", "Tversky", "tversky"),
        *("Circle", "circle", "CTC", "ctc"),
    }
)
"""Keras 3's loss identifiers that dualnet does not implement yet."""

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
