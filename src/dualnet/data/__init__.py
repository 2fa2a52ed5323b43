"""``dn.data``: batching and seeded shuffling of NumPy arrays, and adapters for other data sources.

- :class:`DataLoader`: batches of arrays (any nesting of tuples/lists/dicts) as native
  tensors on the current device, shuffled by NumPy (the same order on every
  backend), prepared ahead in a background thread.
- :func:`adapt`: arrays, a DataLoader, the active framework's own loader
  (``torch.utils.data.DataLoader`` / ``tf.data.Dataset``) or a generator of batches,
  as one iterable of batches; :func:`num_batches` tells its length when known.
- :func:`split`: hold out the last fraction of the samples (``validation_split``).
"""

from dualnet.data.adapters import Batches, adapt, num_batches
from dualnet.data.loader import DataLoader
from dualnet.data.split import split

__all__ = ["Batches", "DataLoader", "adapt", "num_batches", "split"]
