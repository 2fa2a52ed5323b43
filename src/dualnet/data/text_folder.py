"""``text_dataset_from_directory``: a folder of class subfolders of ``.txt`` files as a labelled dataset (Keras's)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from dualnet.arguments import check_choice, check_int
from dualnet.data.datasets import Dataset
from dualnet.data.directory import batched, check_split, labelled_files, validation_subset
from dualnet.errors import DataError

__all__ = ["TextFolderDataset", "text_dataset_from_directory"]

_WHERE = "text_dataset_from_directory"


class TextFolderDataset(Dataset):
    """Text files and their labels; item ``i`` is ``(text, label)`` (or ``text`` without labels).

    ``text`` is the file's content as a Python ``str`` (UTF-8), cut to its first
    ``max_length`` characters when given (Keras's PIL/grain path cuts characters
    too; its tf.data path yields bytes). Labels are as ``label_mode`` encodes them.

    Raises:
        DataError: at ``dataset[i]``, for a file that cannot be read as UTF-8 text (names it).
    """

    def __init__(
        self,
        file_paths: Sequence[str],
        labels: np.ndarray | None,
        class_names: Sequence[str] | None,
        *,
        max_length: int | None = None,
    ) -> None:
        self.file_paths = list(file_paths)
        self.labels = labels
        self.class_names = None if class_names is None else list(class_names)
        self.max_length = max_length

    def __len__(self) -> int:
        return len(self.file_paths)

    def text(self, index: int) -> str:
        """The content of file ``index``, cut to ``max_length`` characters."""
        path = self.file_paths[index]
        try:
            with open(path, encoding="utf-8") as handle:
                content = handle.read() if self.max_length is None else handle.read(self.max_length)
        except (OSError, UnicodeDecodeError) as exc:
            raise DataError(
                f"TextFolderDataset: cannot read {path!r} as UTF-8 text ({type(exc).__name__}: {exc}); "
                "re-encode the file as UTF-8 or remove it"
            ) from exc
        return content

    def __getitem__(self, index: int) -> Any:
        if not -len(self) <= index < len(self):
            raise IndexError(f"TextFolderDataset: index {index} out of range for {len(self)} files")
        text = self.text(index)
        return text if self.labels is None else (text, self.labels[index])

    def worker_spec(self) -> dict[str, Any]:
        return {
            "file_paths": self.file_paths,
            "labels": self.labels,
            "class_names": self.class_names,
            "max_length": self.max_length,
        }

    def __repr__(self) -> str:
        classes = "no labels" if self.class_names is None else f"{len(self.class_names)} classes"
        return f"TextFolderDataset({len(self)} files, {classes})"


def text_dataset_from_directory(
    directory: str | os.PathLike[str],
    labels: str | Sequence[int] | None = "inferred",
    label_mode: str | None = "int",
    class_names: Sequence[str] | None = None,
    batch_size: int | None = None,
    max_length: int | None = None,
    shuffle: bool = True,
    seed: int | None = None,
    validation_split: float | None = None,
    subset: str | None = None,
    follow_links: bool = False,
) -> Any:
    """The ``.txt`` files under ``directory`` as a labelled dataset, Keras's arguments and file order.

    Labels, class order, shuffling (``seed=None``: the ``dn.seed`` value) and
    the ``validation_split`` / ``subset`` split are Keras's (see
    :func:`~dualnet.data.image_dataset_from_directory`). Returns a
    :class:`TextFolderDataset` (items ``(str, label)``), or ``(training,
    validation)`` for ``subset="both"``; ``batch_size`` (default None, Keras's
    is 32) wraps it in a ``DataLoader`` whose text batches are lists of str.

    Raises:
        ArgumentError: an argument outside its values, a missing folder, no ``.txt`` files,
            ``label_mode="binary"`` with other than 2 classes, a split without a seed.
    """
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    else:
        label_mode = check_choice(_WHERE, "label_mode", label_mode, ("int", "categorical", "binary"))
    batch = check_int(_WHERE, "batch_size", batch_size, low=1, or_none=True, example="batch_size=32")
    max_length = check_int(_WHERE, "max_length", max_length, low=1, or_none=True, example="max_length=500")
    split = check_split(_WHERE, validation_split, subset, shuffle, seed)
    paths, encoded, names = labelled_files(
        _WHERE,
        directory,
        labels,
        label_mode,
        (".txt",),
        "no .txt files found; check the path, and with labels='inferred' put the files in one subfolder per class",
        class_names=class_names,
        shuffle=shuffle,
        seed=seed,
        follow_links=follow_links,
    )

    def make(part: str | None) -> Any:
        files, part_labels = validation_subset(paths, encoded, split, part, _WHERE)
        dataset = TextFolderDataset(files, part_labels, names, max_length=max_length)
        return dataset if batch is None else batched(dataset, batch, shuffle and part != "validation", seed)

    if split is not None and subset == "both":
        return make("training"), make("validation")
    return make(subset)
