"""Decode and resize image files in NumPy (Pillow): what ``image_dataset_from_directory`` runs per item.

No framework is imported, so the same code runs in the main process and in
data-loader workers. Resizing samples with the resampling matrices of
``dn.ops.image.resize`` (:mod:`dualnet.backend.image_common`), the same
half-pixel, non-antialiased arithmetic as ``tf.image.resize``, which Keras's
loader uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from dualnet.backend import image_common
from dualnet.errors import ArgumentError, DataError

__all__: list[str] = []  # the loaders' NumPy image code, not public

IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5")
_MODES = {1: "L", 3: "RGB", 4: "RGBA"}


def load_image(path: str | Path, num_channels: int) -> np.ndarray:
    """The image at ``path`` as ``(H, W, num_channels)`` float32 in ``[0, 255]`` (first frame of an animation).

    Raises:
        DataError: a file Pillow cannot decode (names the file).
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.seek(0)
            mode = _MODES[num_channels]
            # Keras keeps 16- and 32-bit grayscale as they are rather than cutting them to 8 bits
            keep = image.mode == mode or (num_channels == 1 and image.mode in ("I;16", "I"))
            pixels = np.asarray(image if keep else image.convert(mode), dtype="float32")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise DataError(
            f"load_image({str(path)!r}): cannot decode the file ({type(exc).__name__}: {exc}); "
            "remove or replace the corrupt file, or keep only PNG/JPEG/BMP/GIF files in the folder"
        ) from exc
    return pixels[..., None] if pixels.ndim == 2 else pixels


def resize_image(image: np.ndarray, size: tuple[int, int], interpolation: str = "bilinear") -> np.ndarray:
    """``(H, W, C)`` -> ``(size[0], size[1], C)`` float32, ``tf.image.resize``'s sampling (antialias off)."""
    height, width = image.shape[:2]
    if interpolation == "nearest":
        rows = image_common.nearest_indices(height, size[0])
        cols = image_common.nearest_indices(width, size[1])
        return np.ascontiguousarray(image[rows][:, cols], dtype="float32")
    along_h = image_common.resize_weights(height, size[0], interpolation, False).astype("float32")
    along_w = image_common.resize_weights(width, size[1], interpolation, False).astype("float32")
    out = np.einsum("hwc,hi,wj->ijc", image.astype("float32"), along_h, along_w, optimize=True)
    return np.ascontiguousarray(out, dtype="float32")


def smart_resize(
    image: np.ndarray, size: tuple[int, int], interpolation: str = "bilinear", *, pad: bool = False
) -> np.ndarray:
    """Resize to ``size`` keeping the aspect ratio: crop the centred box (Keras's ``smart_resize``) or, with ``pad``,
    add zeros around the image first (``pad_to_aspect_ratio``)."""
    height, width = image.shape[:2]
    if pad:
        rows, cols = image_common.aspect_pad(height, width, size)
        image = np.pad(image, ((rows, rows), (cols, cols), (0, 0)))
    else:
        top, left, crop_h, crop_w = image_common.aspect_crop(height, width, size)
        image = image[top : top + crop_h, left : left + crop_w]
    return resize_image(image, size, interpolation)


def check_image_size(where: str, image_size: Any) -> tuple[int, int]:
    """``image_size`` as ``(height, width)`` (an int is a square)."""
    if isinstance(image_size, int) and not isinstance(image_size, bool):
        image_size = (image_size, image_size)
    if (
        not isinstance(image_size, tuple | list)
        or len(image_size) != 2
        or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in image_size)
    ):
        raise ArgumentError(
            f"{where}(image_size={image_size!r}): expected (height, width), two positive ints; "
            "pass e.g. image_size=(224, 224)"
        )
    return int(image_size[0]), int(image_size[1])
