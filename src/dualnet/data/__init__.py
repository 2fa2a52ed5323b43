"""``dn.data``: batching and seeded shuffling of NumPy arrays, and adapters for other data sources.

- :class:`DataLoader`: batches of arrays (any nesting of tuples/lists/dicts) as native
  tensors on the current device, shuffled by NumPy (the same order on every
  backend), prepared ahead in a background thread.
- :func:`adapt`: arrays, a DataLoader, the active framework's own loader
  (``torch.utils.data.DataLoader`` / ``tf.data.Dataset``) or a generator of batches,
  as one iterable of batches; :func:`num_batches` tells its length when known.
- :func:`split`: hold out the last fraction of the samples (``validation_split``).
- Keras's file and array utilities, in NumPy (they run in loader workers too):
  :func:`image_dataset_from_directory`, :func:`text_dataset_from_directory`,
  :func:`timeseries_dataset_from_array`, :func:`pad_sequences`, :func:`to_categorical`.
"""

from dualnet.data.adapters import Batches, adapt, num_batches
from dualnet.data.image_folder import ImageFolderDataset, image_dataset_from_directory
from dualnet.data.loader import DataLoader
from dualnet.data.sequences import pad_sequences, to_categorical
from dualnet.data.split import split
from dualnet.data.text_folder import TextFolderDataset, text_dataset_from_directory
from dualnet.data.timeseries import TimeseriesDataset, timeseries_dataset_from_array

__all__ = [
    "Batches",
    "DataLoader",
    "ImageFolderDataset",
    "TextFolderDataset",
    "TimeseriesDataset",
    "adapt",
    "image_dataset_from_directory",
    "num_batches",
    "pad_sequences",
    "split",
    "text_dataset_from_directory",
    "timeseries_dataset_from_array",
    "to_categorical",
]
