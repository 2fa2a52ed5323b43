"""``image_dataset_from_directory``: a folder of class subfolders of images as a labelled dataset (Keras's utility).

It lists the files as Keras does (:func:`~dualnet.data.directory.index_directory`:
same order, labels and split for the same seed) and returns a map-style
dataset whose items decode lazily with Pillow in NumPy, so a
``DataLoader(num_workers=...)`` decodes in its worker processes.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from dualnet.arguments import check_bool, check_choice, check_int
from dualnet.data.datasets import Dataset
from dualnet.data.directory import batched, check_split, labelled_files, validation_subset
from dualnet.data.images import IMAGE_FORMATS, INTERPOLATIONS, check_image_size, load_image, resize_image, smart_resize
from dualnet.errors import ArgumentError

__all__ = ["ImageFolderDataset", "image_dataset_from_directory"]

_CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}
_WHERE = "image_dataset_from_directory"


class ImageFolderDataset(Dataset):
    """Image files and their labels; item ``i`` is ``(image, label)`` (or ``image`` without labels).

    ``image`` is ``(height, width, channels)`` float32 in ``[0, 255]``, resized to
    ``image_size``; ``label`` is as ``label_mode`` encodes it (int32 ``()``,
    float32 ``(1,)`` binary, float32 ``(num_classes,)`` categorical).
    ``file_paths`` and ``class_names`` are those of Keras's dataset.

    Raises:
        DataError: at ``dataset[i]``, for a file that cannot be decoded (names it).
    """

    def __init__(
        self,
        file_paths: Sequence[str],
        labels: np.ndarray | None,
        class_names: Sequence[str] | None,
        *,
        image_size: tuple[int, int],
        num_channels: int,
        interpolation: str = "bilinear",
        crop_to_aspect_ratio: bool = False,
        pad_to_aspect_ratio: bool = False,
    ) -> None:
        self.file_paths = list(file_paths)
        self.labels = labels
        self.class_names = None if class_names is None else list(class_names)
        self.image_size = (int(image_size[0]), int(image_size[1]))
        self.num_channels = num_channels
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio

    def __len__(self) -> int:
        return len(self.file_paths)

    def image(self, index: int) -> np.ndarray:
        """Image ``index`` decoded and resized, ``(height, width, channels)`` float32."""
        pixels = load_image(self.file_paths[index], self.num_channels)
        if self.crop_to_aspect_ratio or self.pad_to_aspect_ratio:
            return smart_resize(pixels, self.image_size, self.interpolation, pad=self.pad_to_aspect_ratio)
        return resize_image(pixels, self.image_size, self.interpolation)

    def __getitem__(self, index: int) -> Any:
        if not -len(self) <= index < len(self):
            raise IndexError(f"ImageFolderDataset: index {index} out of range for {len(self)} files")
        image = self.image(index)
        return image if self.labels is None else (image, self.labels[index])

    def worker_spec(self) -> dict[str, Any]:
        return {
            "file_paths": self.file_paths,
            "labels": self.labels,
            "class_names": self.class_names,
            "image_size": list(self.image_size),
            "num_channels": self.num_channels,
            "interpolation": self.interpolation,
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
        }

    def __repr__(self) -> str:
        classes = "no labels" if self.class_names is None else f"{len(self.class_names)} classes"
        return f"ImageFolderDataset({len(self)} files, {classes}, image_size={self.image_size})"


def image_dataset_from_directory(
    directory: str | os.PathLike[str],
    labels: str | Sequence[int] | None = "inferred",
    label_mode: str | None = "int",
    class_names: Sequence[str] | None = None,
    color_mode: str = "rgb",
    batch_size: int | None = None,
    image_size: int | tuple[int, int] = (256, 256),
    shuffle: bool = True,
    seed: int | None = None,
    validation_split: float | None = None,
    subset: str | None = None,
    interpolation: str = "bilinear",
    follow_links: bool = False,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
) -> Any:
    """The images under ``directory`` (``.bmp .gif .jpeg .jpg .png``) as a labelled dataset, Keras's arguments.

    With ``labels="inferred"`` each subfolder is a class (sorted names, or the
    order of ``class_names``). Files are listed and shuffled as Keras lists them
    (``seed=None``: the ``dn.seed`` value), so the file order, labels and
    ``validation_split`` / ``subset`` split equal Keras's for the same seed.
    Returns an :class:`ImageFolderDataset` (items ``(image (H, W, C) float32,
    label)``); ``subset="both"`` returns ``(training, validation)``. Keras
    batches by default (``batch_size=32``); here ``batch_size=None`` (the
    default) returns the dataset, and an int wraps it in a
    ``dn.data.DataLoader(batch_size=..., shuffle=shuffle, seed=seed)``.
    Images stay in ``[0, 255]`` as Keras leaves them (add a ``Rescaling(1/255)``).

    Raises:
        ArgumentError: an argument outside its values, a missing folder, no files found,
            ``label_mode="binary"`` with other than 2 classes, a split without a seed.
    """
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    else:
        label_mode = check_choice(_WHERE, "label_mode", label_mode, ("int", "categorical", "binary"))
    num_channels = _CHANNELS[check_choice(_WHERE, "color_mode", color_mode, tuple(_CHANNELS))]
    size = check_image_size(_WHERE, image_size)
    interpolation = check_choice(_WHERE, "interpolation", interpolation.lower(), INTERPOLATIONS)
    crop = check_bool(_WHERE, "crop_to_aspect_ratio", crop_to_aspect_ratio)
    pad = check_bool(_WHERE, "pad_to_aspect_ratio", pad_to_aspect_ratio)
    if crop and pad:
        raise ArgumentError(
            f"{_WHERE}: crop_to_aspect_ratio and pad_to_aspect_ratio are both True; keep at most one of them"
        )
    batch = check_int(_WHERE, "batch_size", batch_size, low=1, or_none=True, example="batch_size=32")
    split = check_split(_WHERE, validation_split, subset, shuffle, seed)
    paths, encoded, names = labelled_files(
        _WHERE,
        directory,
        labels,
        label_mode,
        IMAGE_FORMATS,
        f"no image files found ({', '.join(IMAGE_FORMATS)}); check the path, and with labels='inferred' put the "
        "images in one subfolder per class",
        class_names=class_names,
        shuffle=shuffle,
        seed=seed,
        follow_links=follow_links,
    )

    def make(part: str | None) -> Any:
        files, part_labels = validation_subset(paths, encoded, split, part, _WHERE)
        dataset = ImageFolderDataset(
            files,
            part_labels,
            names,
            image_size=size,
            num_channels=num_channels,
            interpolation=interpolation,
            crop_to_aspect_ratio=crop,
            pad_to_aspect_ratio=pad,
        )
        return dataset if batch is None else batched(dataset, batch, shuffle and part != "validation", seed)

    if split is not None and subset == "both":
        return make("training"), make("validation")
    return make(subset)
