"""``History``: the per-epoch logs of one ``fit`` call, and a PNG of their curves."""

from __future__ import annotations

import os
from pathlib import Path

from dualnet.callbacks.base import Callback, Logs
from dualnet.errors import ArgumentError, UnsupportedError

__all__ = ["History"]


class History(Callback):
    """Records every epoch's logs; ``Trainer.fit`` returns it.

    ``history.history`` maps each log key (``"loss"``, ``"accuracy"``,
    ``"val_loss"``, ``"lr"``...) to a list with one Python float per epoch run;
    ``history.epoch`` lists the epoch indices (from ``initial_epoch``).
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))

    def plot(self, path: str | os.PathLike[str], *, keys: list[str] | None = None) -> Path:
        """Write a PNG of the curves to ``path`` and return it.

        One panel per quantity (``loss``, each metric, ``lr``), the training
        curve and its ``val_`` counterpart together, against the epoch (from 1).
        ``keys`` limits the panels to those quantities. Needs matplotlib
        (``pip install 'dualnet[plot]'``); it does not touch pyplot's global state.
        """
        try:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure
        except ImportError as err:
            raise UnsupportedError(
                "History.plot: needs matplotlib, which is not installed; install it with pip install 'dualnet[plot]'"
            ) from err
        panels = self._panels(keys)
        epochs = [e + 1 for e in self.epoch] or list(range(1, 1 + max(len(v) for v in self.history.values())))
        figure = Figure(figsize=(4.5 * len(panels), 3.5), layout="constrained")
        FigureCanvasAgg(figure)
        for index, name in enumerate(panels, start=1):
            axes = figure.add_subplot(1, len(panels), index)
            for key, label in ((name, "train"), (f"val_{name}", "validation")):
                values = self.history.get(key)
                if values:
                    axes.plot(epochs[-len(values) :], values, marker="o", markersize=3, label=label)
            axes.set_title(name)
            axes.set_xlabel("epoch")
            if name == "lr":
                axes.set_yscale("log")
            axes.grid(alpha=0.3)
            axes.legend()
        target = Path(path)
        figure.savefig(target, format="png", dpi=100)
        return target

    def _panels(self, keys: list[str] | None) -> list[str]:
        base = [k for k in self.history if not k.startswith("val_")]
        base += [k[4:] for k in self.history if k.startswith("val_") and k[4:] not in base]
        if keys is not None:
            unknown = [k for k in keys if k not in base]
            if unknown:
                raise ArgumentError(f"History.plot(keys={keys!r}): no curves named {unknown}; recorded: {base}")
            base = list(keys)
        if not base:
            raise ArgumentError("History.plot: nothing recorded yet; call it after Trainer.fit ran at least one epoch")
        return base

    def __repr__(self) -> str:
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"
