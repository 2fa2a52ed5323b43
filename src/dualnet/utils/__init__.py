"""``dn.utils``: helpers around models that are not layers, ops or training: the model diagram."""

from dualnet.utils.plotting import model_to_dot, plot_model

__all__ = ["model_to_dot", "plot_model"]
