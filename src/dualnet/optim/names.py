"""Optimizer names, as ``Model.compile`` takes them: refused with the dualnet optimizer to construct instead.

A dualnet optimizer is made on the model's parameters and follows PyTorch's
update rule, so a Keras name (``optimizer="adam"``) cannot mean exactly what
it means in Keras. :func:`name_error` says which ``dn.optim`` class to
construct, with Keras's default learning rate, or which names are close.
"""

from __future__ import annotations

from dualnet.errors import ArgumentError
from dualnet.naming import did_you_mean

__all__: list[str] = []  # internal: used by dualnet itself, not re-exported

KERAS_EQUIVALENTS = {
    "adam": ("Adam", "1e-3"),
    "adamw": ("AdamW", "1e-3"),
    "sgd": ("SGD", "1e-2"),
    "rmsprop": ("RMSprop", "1e-3"),
    "adagrad": ("Adagrad", "1e-3"),
    "lion": ("Lion", "1e-3"),
    "adadelta": ("Adadelta", "1e-3"),
    "adamax": ("Adamax", "1e-3"),
    "adafactor": ("Adafactor", "1e-3"),
    "ftrl": ("Ftrl", "1e-3"),
    "lamb": ("Lamb", "1e-3"),
    "muon": ("Muon", "1e-3"),
    "nadam": ("Nadam", "1e-3"),
}
"""Keras's optimizer names (``keras.optimizers.get``, any case) -> the dn.optim class and Keras's default lr."""

KERAS_NOT_YET = frozenset(
    {
        "lossscaleoptimizer",
        "schedulefreeadamw",
        "multioptimizer",
        "optimizermap",
    }
)
"""Keras's optimizer names with no dualnet optimizer yet."""


_NOTES = {
    "muon": "; dn.optim.Muon takes the 2-D kernels only (as torch's): pass [p for p in model.parameters() if "
    "len(p.shape) == 2] and the others to another optimizer, such as dn.optim.AdamW, in a custom train step",
}


def name_error(where: str, name: str) -> ArgumentError:
    """The ArgumentError for an optimizer given by name: the class to construct instead, or the close names."""
    key = name.lower()
    if key in KERAS_EQUIVALENTS:
        cls, lr = KERAS_EQUIVALENTS[key]
        note = _NOTES.get(key, "")
        return ArgumentError(
            f"{where}: got the name {name!r}; pass a dn.optim optimizer made on the model's parameters instead: "
            f"dn.optim.{cls}(model.parameters(), lr={lr}) (lr={lr} is Keras's default; dualnet's optimizers follow "
            f"PyTorch's update rules, which differ from Keras's in details such as where epsilon enters){note}"
        )
    known = ", ".join(f"dn.optim.{cls}" for cls, _ in KERAS_EQUIVALENTS.values())
    if key in KERAS_NOT_YET:
        return ArgumentError(f"{where}: Keras's optimizer {name!r} is not available in dualnet yet; use one of {known}")
    return ArgumentError(
        f"{where}: unknown optimizer {name!r}; {did_you_mean(name, KERAS_EQUIVALENTS)}pass a dualnet optimizer "
        f"made on the model's parameters, one of {known}, e.g. dn.optim.Adam(model.parameters(), lr=1e-3)"
    )
