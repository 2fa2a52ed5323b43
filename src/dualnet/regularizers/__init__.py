"""Weight and activity penalties (Keras's ``keras.regularizers``): ``L1``, ``L2``, ``L1L2``, ``OrthogonalRegularizer``.

A regularizer is a callable ``(tensor) -> scalar``; layers take one as
``kernel_regularizer=``, ``bias_regularizer=``, ``activity_regularizer=`` (a
name such as ``"l2"``, an object, a Keras-style config dict, or any function).
The penalties of a model are ``model.losses``; the Trainer adds them to the
loss, and ``dn.regularization_loss(model)`` sums them for a custom loop.
"""

from dualnet.regularizers.penalties import (
    L1,
    L1L2,
    L2,
    OrthogonalRegularizer,
    Regularizer,
    deserialize,
    get,
    serialize,
)

__all__ = ["L1", "L1L2", "L2", "OrthogonalRegularizer", "Regularizer", "deserialize", "get", "serialize"]
