"""Learning-rate schedules: callables ``step -> lr``, usable as ``lr=`` of any optimizer.

The optimizer evaluates its schedule at the number of steps already taken: the first update uses
``schedule(0)``, as ``torch.optim.lr_scheduler`` and Keras do. ``step`` is a Python int in eager
steps (the result is a float, computed in double precision) or a float64 scalar tensor inside a
compiled step (the same formulas on the ops), so one schedule serves both. A schedule is a pure
function of the step count, which the optimizer's state holds: a checkpoint resumes it exactly.

Keras's names (``keras.optimizers.schedules``) take Keras's arguments (``initial_learning_rate``
first); torch's names (``torch.optim.lr_scheduler``) take the optimizer's initial rate ``lr``
first, then torch's arguments. Schedules count optimizer steps; :class:`PerEpoch` counts epochs.
"""

from dualnet.optim.schedules._base import Schedule
from dualnet.optim.schedules.composite import ChainedScheduler, LinearWarmup, PerEpoch, SequentialLR
from dualnet.optim.schedules.cyclic import CosineAnnealingWarmRestarts, CyclicLR, OneCycle, OneCycleLR
from dualnet.optim.schedules.keras_schedules import (
    Constant,
    CosineDecay,
    CosineDecayRestarts,
    ExponentialDecay,
    InverseTimeDecay,
    PiecewiseConstant,
    PiecewiseConstantDecay,
    PolynomialDecay,
)
from dualnet.optim.schedules.torch_schedules import (
    ConstantLR,
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepDecay,
    StepLR,
)

__all__ = [
    "ChainedScheduler",
    "Constant",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CosineDecay",
    "CosineDecayRestarts",
    "CyclicLR",
    "ExponentialDecay",
    "ExponentialLR",
    "InverseTimeDecay",
    "LambdaLR",
    "LinearLR",
    "LinearWarmup",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycle",
    "OneCycleLR",
    "PerEpoch",
    "PiecewiseConstant",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "PolynomialLR",
    "Schedule",
    "SequentialLR",
    "StepDecay",
    "StepLR",
]
