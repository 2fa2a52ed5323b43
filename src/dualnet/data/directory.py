"""``index_directory``: the files of a folder tree, their labels and classes, in Keras's order.

Keras's ``image_dataset_from_directory`` and ``text_dataset_from_directory``
list files the same way (``keras.src.utils.dataset_utils.index_directory``):
class folders in sorted order (hidden ones skipped), each walked in sorted
order, then, with ``shuffle``, paths and labels permuted by
``np.random.RandomState(seed).shuffle``. Doing exactly that here gives the same
file order, labels and validation split as Keras for the same seed.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from dualnet import seeding
from dualnet.arguments import check_bool, check_choice, check_float, check_int
from dualnet.errors import ArgumentError

__all__: list[str] = []  # helpers of the folder loaders, not public


def _class_folders(root: Path, class_names: Sequence[str] | None, where: str) -> list[str]:
    found = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if class_names is None:
        return found
    names = [str(name) for name in class_names]
    unknown = sorted(set(names) - set(found))
    if unknown:
        raise ArgumentError(
            f"{where}(class_names=...): {unknown} are not folders of {str(root)!r} (it has {found}); "
            "pass names of its subfolders, or class_names=None to take them all in sorted order"
        )
    return names


def _walk(folder: Path, follow_links: bool, formats: tuple[str, ...]) -> list[Path]:
    files = []
    for top, _, names in sorted(os.walk(folder, followlinks=follow_links), key=lambda entry: entry[0]):
        files += [Path(top) / name for name in sorted(names) if name.lower().endswith(formats)]
    return files


def index_directory(
    directory: str | os.PathLike[str],
    labels: str | Sequence[int] | None,
    formats: tuple[str, ...],
    *,
    class_names: Sequence[str] | None = None,
    shuffle: bool = True,
    seed: int | None = None,
    follow_links: bool = False,
    where: str = "index_directory",
) -> tuple[list[str], np.ndarray | None, list[str] | None]:
    """``(file_paths, labels, class_names)`` of the files under ``directory`` whose names end with ``formats``.

    ``labels="inferred"``: one class per subfolder (sorted, or in the order of
    ``class_names``), labels ``(n,)`` int32; ``None``: no labels; a sequence of
    ints: one per file in sorted path order. ``shuffle`` permutes paths and labels
    together with ``RandomState(seed)`` (Keras's draw; ``seed=None`` takes the
    ``dn.seed`` value).

    Raises:
        ArgumentError: a folder that does not exist, unknown ``class_names``, labels of the wrong length.
    """
    root = Path(directory)
    if not root.is_dir():
        raise ArgumentError(f"{where}({str(directory)!r}): no such folder; pass the folder that holds the files")
    shuffle = check_bool(where, "shuffle", shuffle)
    follow_links = check_bool(where, "follow_links", follow_links)
    inferred = isinstance(labels, str)
    if inferred:
        check_choice(where, "labels", labels, ("inferred",), fix="pass 'inferred', None, or a list of int labels")
        folders = _class_folders(root, class_names, where)
    elif class_names is not None:
        raise ArgumentError(
            f"{where}(class_names=...): class names are taken only with labels='inferred'; "
            "drop class_names, or infer the labels from the folder names"
        )
    else:
        folders = [""]
    paths: list[str] = []
    label_list: list[int] = []
    for index, folder in enumerate(folders):
        found = _walk(root / folder, follow_links, formats)
        paths += [str(path) for path in found]
        label_list += [index] * len(found)
    names: list[str] | None = folders
    if inferred:
        label_array: np.ndarray | None = np.asarray(label_list, dtype="int32")
    elif labels is None:
        label_array, names = None, None
    else:
        label_array = np.asarray(list(labels), dtype="int32")  # type: ignore[arg-type]
        if label_array.shape != (len(paths),):
            raise ArgumentError(
                f"{where}(labels=...): {len(label_array)} labels for {len(paths)} files found in "
                f"{str(directory)!r}; give one int label per file, in sorted path order"
            )
        names = [str(label) for label in sorted(set(label_array.tolist()))]
    if shuffle:
        seed = seeding.current_seed() if seed is None else check_int(where, "seed", seed, low=0, example="seed=0")
        np.random.RandomState(seed).shuffle(paths)
        if label_array is not None:
            np.random.RandomState(seed).shuffle(label_array)
    return paths, label_array, names


def validation_subset(
    items: list[Any], labels: np.ndarray | None, validation_split: float | None, subset: str | None, where: str
) -> tuple[list[Any], np.ndarray | None]:
    """The ``"training"`` (first) or ``"validation"`` (last ``int(split * n)``) part, as Keras splits it."""
    if validation_split is None:
        return items, labels
    n_val = int(validation_split * len(items))
    if n_val == 0:
        raise ArgumentError(
            f"{where}(validation_split={validation_split}): {len(items)} files leave none for validation; "
            "use a larger validation_split or more files"
        )
    if subset == "training":
        return items[:-n_val], None if labels is None else labels[:-n_val]
    return items[-n_val:], None if labels is None else labels[-n_val:]


def check_split(where: str, validation_split: Any, subset: Any, shuffle: bool, seed: Any) -> float | None:
    """The checked ``validation_split`` (None when not splitting), with Keras's rules on ``subset`` and ``seed``."""
    if validation_split is None:
        if subset is not None:
            raise ArgumentError(
                f"{where}(subset={subset!r}): a subset needs validation_split; pass e.g. validation_split=0.2"
            )
        return None
    split = check_float(
        where,
        "validation_split",
        validation_split,
        low=0.0,
        high=1.0,
        low_open=True,
        high_open=True,
        example="validation_split=0.2",
    )
    check_choice(where, "subset", subset, ("training", "validation", "both"))
    if shuffle and seed is None:
        raise ArgumentError(
            f"{where}(validation_split={split}, shuffle=True): the training and validation calls must shuffle "
            "alike to be disjoint; pass the same seed=... to both (or subset='both')"
        )
    return split


def encode_labels(labels: np.ndarray, label_mode: str, num_classes: int) -> np.ndarray:
    """Integer labels ``(n,)`` as Keras's ``label_mode`` has them: int32 ``(n,)``, float32 ``(n, 1)`` or one-hot."""
    if label_mode == "int":
        return labels.astype("int32")
    if label_mode == "binary":
        return labels.astype("float32")[:, None]
    one_hot: np.ndarray = np.eye(num_classes, dtype="float32")[labels]
    return one_hot


def labelled_files(
    where: str,
    directory: str | os.PathLike[str],
    labels: str | Sequence[int] | None,
    label_mode: str | None,
    formats: tuple[str, ...],
    missing: str,
    *,
    class_names: Sequence[str] | None,
    shuffle: bool,
    seed: int | None,
    follow_links: bool,
) -> tuple[list[str], np.ndarray | None, list[str] | None]:
    """``(file_paths, encoded labels or None, class_names)`` for a folder loader, with Keras's checks.

    ``missing`` ends the message for a folder without matching files (what was looked for, and where to put it).

    Raises:
        ArgumentError: no matching files, ``label_mode="binary"`` with other than 2 classes (and index_directory's).
    """
    paths, found, names = index_directory(
        directory,
        labels,
        formats,
        class_names=class_names,
        shuffle=shuffle,
        seed=seed,
        follow_links=follow_links,
        where=where,
    )
    if not paths:
        raise ArgumentError(f"{where}({str(directory)!r}): {missing}")
    if label_mode == "binary" and len(names or ()) != 2:
        raise ArgumentError(
            f"{where}(label_mode='binary'): needs exactly 2 classes, found {names}; "
            "use label_mode='int' or 'categorical' for more classes"
        )
    encoded = None if found is None or label_mode is None else encode_labels(found, label_mode, len(names or ()))
    return paths, encoded, names


def batched(dataset: Any, batch_size: int, shuffle: bool, seed: int | None) -> Any:
    """``dataset`` in a ``DataLoader`` of ``batch_size``, reshuffled each epoch when ``shuffle``."""
    from dualnet.data.loader import DataLoader

    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, seed=seed)
