"""Weight constraints (Keras's ``keras.constraints``): ``MaxNorm``, ``MinMaxNorm``, ``NonNeg``, ``UnitNorm``.

A constraint is a callable ``(weight) -> projected weight``; layers take one as
``kernel_constraint=``, ``bias_constraint=``... The Trainer applies them after
every optimizer step, as Keras's ``optimizer.apply`` does; a custom loop calls
``dn.apply_constraints(model)`` after ``opt.step(grads)``.
"""

from dualnet.constraints.projections import (
    Constraint,
    MaxNorm,
    MinMaxNorm,
    NonNeg,
    UnitNorm,
    deserialize,
    get,
    serialize,
)

__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "deserialize", "get", "serialize"]
