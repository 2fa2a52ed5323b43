"""The TensorFlow backend: one module per concern, the same file names as every backend.

The package exports the contract's functions (:mod:`dualnet.backend.api`),
each taken from the file of its concern: ``add`` from ``math.py``, ``conv``
from ``conv.py``.
"""

# First: TensorFlow's multi-worker runtime must start before any other TF op runs (see distributed.py).
from dualnet.backend.tensorflow import distributed  # noqa: F401  # isort: skip
from dualnet.backend import api

globals().update(api.gather(__name__))
