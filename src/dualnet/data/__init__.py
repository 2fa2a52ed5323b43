"""``dn.data``: datasets, samplers and a DataLoader (with worker processes), and adapters for other data sources.

- :class:`DataLoader`: batches of NumPy arrays or of a dataset as native tensors on
  the current device, in a seeded order (the same batches on every backend and for
  any ``num_workers``), read ahead in a thread or in worker processes that never
  import a framework.
- Datasets: :class:`Dataset` (map-style; any object with ``__getitem__`` and
  ``__len__`` works), :class:`IterableDataset`, :class:`ArrayDataset` /
  :class:`TensorDataset`, :class:`Subset`, :class:`ConcatDataset`, :func:`random_split`,
  and ``.map`` / ``.filter`` / ``.cache`` / ``.shuffle``.
- Samplers: :class:`SequentialSampler`, :class:`RandomSampler`, :class:`SubsetRandomSampler`,
  :class:`WeightedRandomSampler`, :class:`BatchSampler`, :class:`DistributedSampler`.
- :func:`default_collate`; in a dataset, :func:`get_worker_info` and :func:`rng`.
- :func:`adapt`: arrays, a DataLoader, a dataset, the active framework's own loader
  (``torch.utils.data.DataLoader`` / ``tf.data.Dataset``) or a generator of batches,
  as one iterable of batches; :func:`num_batches` tells its length when known.
- :func:`split`: hold out the last fraction of the samples (``validation_split``).
- Keras's file and array utilities, in NumPy (they run in loader workers too):
  :func:`image_dataset_from_directory`, :func:`text_dataset_from_directory`,
  :func:`timeseries_dataset_from_array`, :func:`pad_sequences`, :func:`to_categorical`.
"""

from dualnet.data.adapters import Batches, adapt, num_batches
from dualnet.data.collate import default_collate
from dualnet.data.context import WorkerInfo, get_worker_info, rng
from dualnet.data.datasets import (
    ArrayDataset,
    CachedDataset,
    ConcatDataset,
    Dataset,
    MappedDataset,
    Subset,
    TensorDataset,
)
from dualnet.data.image_folder import ImageFolderDataset, image_dataset_from_directory
from dualnet.data.iterable import FilteredIterable, IterableDataset, MappedIterable, ShuffledIterable
from dualnet.data.loader import DataLoader
from dualnet.data.random_splits import random_split
from dualnet.data.samplers import (
    BatchSampler,
    DistributedSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)
from dualnet.data.sequences import pad_sequences, to_categorical
from dualnet.data.split import split
from dualnet.data.text_folder import TextFolderDataset, text_dataset_from_directory
from dualnet.data.timeseries import TimeseriesDataset, timeseries_dataset_from_array
from dualnet.errors import DataError

__all__ = [
    "ArrayDataset",
    "BatchSampler",
    "Batches",
    "CachedDataset",
    "ConcatDataset",
    "DataError",
    "DataLoader",
    "Dataset",
    "DistributedSampler",
    "FilteredIterable",
    "ImageFolderDataset",
    "IterableDataset",
    "MappedDataset",
    "MappedIterable",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "ShuffledIterable",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "TextFolderDataset",
    "TimeseriesDataset",
    "WeightedRandomSampler",
    "WorkerInfo",
    "adapt",
    "default_collate",
    "get_worker_info",
    "image_dataset_from_directory",
    "num_batches",
    "pad_sequences",
    "random_split",
    "rng",
    "split",
    "text_dataset_from_directory",
    "timeseries_dataset_from_array",
    "to_categorical",
]
