"""image/text_dataset_from_directory and timeseries_dataset_from_array against Keras 3's own functions.

The folders are written once per module (PNG files of assorted sizes, a nested
subfolder, a hidden folder and a non-image file Keras skips too). Keras's
functions run on TensorFlow; ours are NumPy, so these checks need no backend.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

import dualnet as dn
from dualnet.data import image_dataset_from_directory, text_dataset_from_directory, timeseries_dataset_from_array

SIZES = [(9, 7), (12, 12), (5, 16), (20, 10), (8, 8), (15, 6), (7, 11)]


@pytest.fixture(scope="module")
def image_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("images")
    rng = np.random.default_rng(0)
    places = ["cats/a.png", "cats/b.png", "cats/nested/c.png", "dogs/d.png", "dogs/e.PNG", "dogs/f.png", "owls/g.png"]
    for place, (h, w) in zip(places, SIZES):
        (root / place).parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8)).save(root / place)
    (root / ".hidden").mkdir()
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(root / ".hidden" / "x.png")
    (root / "dogs" / "notes.txt").write_text("not an image")
    return root


@pytest.fixture(scope="module")
def text_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("texts")
    for index, place in enumerate(["neg/1.txt", "neg/2.txt", "pos/3.txt", "pos/sub/4.txt", "pos/5.txt"]):
        (root / place).parent.mkdir(parents=True, exist_ok=True)
        (root / place).write_text(f"review {index}: " + "word " * (index + 2))
    (root / "pos" / "image.png").write_bytes(b"skipped: not .txt")
    return root


def _keras_items(dataset: Any) -> list[Any]:
    return [tuple(t.numpy() for t in item) if isinstance(item, tuple) else item.numpy() for item in dataset]


@pytest.mark.parametrize("seed", [3, 11])
def test_image_file_order_labels_and_split_equal_keras(image_folder: Path, seed: int) -> None:
    import keras

    ours = image_dataset_from_directory(image_folder, image_size=(6, 6), seed=seed)
    theirs = keras.utils.image_dataset_from_directory(image_folder, image_size=(6, 6), seed=seed, verbose=False)
    assert ours.file_paths == theirs.file_paths and ours.class_names == theirs.class_names == ["cats", "dogs", "owls"]
    from keras.src.utils import dataset_utils

    _, labels, _ = dataset_utils.index_directory(
        str(image_folder), "inferred", formats=(".png",), seed=seed, verbose=False
    )
    np.testing.assert_array_equal(ours.labels, labels)
    train, val = image_dataset_from_directory(
        image_folder, image_size=6, seed=seed, validation_split=0.3, subset="both"
    )
    k_train, k_val = keras.utils.image_dataset_from_directory(
        image_folder, image_size=6, seed=seed, validation_split=0.3, subset="both", verbose=False
    )
    assert (train.file_paths, val.file_paths) == (k_train.file_paths, k_val.file_paths)
    assert len(val) == 2 and not set(train.file_paths) & set(val.file_paths)


@pytest.mark.parametrize(
    "options",
    [
        {"interpolation": "bilinear"},
        {"interpolation": "nearest"},
        {"interpolation": "bicubic", "label_mode": "categorical"},
        {"interpolation": "area", "color_mode": "rgba"},
        {"crop_to_aspect_ratio": True, "image_size": (6, 10)},
    ],
    ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()),
)
def test_decoded_images_and_labels_equal_keras(image_folder: Path, options: dict[str, Any]) -> None:
    import keras

    options = {"image_size": (8, 10), **options}
    ours = image_dataset_from_directory(image_folder, shuffle=False, **options)
    theirs = keras.utils.image_dataset_from_directory(
        image_folder, shuffle=False, batch_size=None, verbose=False, **options
    )
    # TF's plain bicubic kernel is tabulated in 1/1024 steps (see tests/ops/test_image.py); ours is exact
    atol = 255 * 1e-3 if options.get("interpolation") == "bicubic" else 2e-3
    for (image, label), (k_image, k_label) in zip([ours[i] for i in range(len(ours))], _keras_items(theirs)):
        assert image.shape == k_image.shape and image.dtype == np.float32
        np.testing.assert_allclose(image, k_image, atol=atol, rtol=1e-5)
        np.testing.assert_array_equal(label, k_label)


def test_pad_to_aspect_ratio_equals_keras_resize(image_folder: Path) -> None:
    import keras

    ours = image_dataset_from_directory(image_folder, shuffle=False, image_size=(6, 10), pad_to_aspect_ratio=True)
    for index in range(len(ours)):
        raw = np.asarray(Image.open(ours.file_paths[index]).convert("RGB"), dtype="float32")
        expected = keras.ops.image.resize(raw, (6, 10), pad_to_aspect_ratio=True)
        np.testing.assert_allclose(ours.image(index), np.asarray(expected), atol=2e-3)


def test_grayscale_binary_and_unlabelled(image_folder: Path, tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        Image.fromarray(np.full((4, 6), 7 if name == "one" else 200, np.uint8)).save(tmp_path / name / "p.png")
    data = image_dataset_from_directory(tmp_path, color_mode="grayscale", label_mode="binary", image_size=(2, 3))
    images = {float(data[i][1][0]): data[i][0] for i in range(2)}
    assert data[0][0].shape == (2, 3, 1) and data[0][1].dtype == np.float32
    np.testing.assert_array_equal(images[0.0], np.full((2, 3, 1), 7.0))
    unlabelled = image_dataset_from_directory(image_folder, labels=None, image_size=4)
    assert unlabelled.class_names is None and unlabelled[0].shape == (4, 4, 3)
    with pytest.raises(dn.ArgumentError, match="exactly 2 classes"):
        image_dataset_from_directory(image_folder, label_mode="binary")


def test_bad_arguments_and_files_name_the_fix(image_folder: Path, tmp_path: Path) -> None:
    with pytest.raises(dn.ArgumentError, match="no such folder"):
        image_dataset_from_directory(tmp_path / "missing")
    with pytest.raises(dn.ArgumentError, match="same seed"):
        image_dataset_from_directory(image_folder, validation_split=0.2, subset="training")
    with pytest.raises(dn.ArgumentError, match="are not folders"):
        image_dataset_from_directory(image_folder, class_names=["cats", "cows"])
    with pytest.raises(dn.ArgumentError, match="image_size"):
        image_dataset_from_directory(image_folder, image_size=(0, 4))
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "bad.png").write_bytes(b"\x89PNG not really")
    data = image_dataset_from_directory(tmp_path, image_size=4)
    with pytest.raises(dn.DataError, match=r"bad\.png"):
        data[0]


def test_class_names_pick_and_order_the_classes(image_folder: Path) -> None:
    import keras

    ours = image_dataset_from_directory(image_folder, class_names=["owls", "cats"], seed=1)
    theirs = keras.utils.image_dataset_from_directory(image_folder, class_names=["owls", "cats"], seed=1, verbose=False)
    assert ours.file_paths == theirs.file_paths and ours.class_names == ["owls", "cats"]
    assert sorted(ours.labels.tolist()) == [0, 1, 1, 1]


@pytest.mark.parametrize("max_length", [None, 12])
def test_text_files_equal_keras(text_folder: Path, max_length: int | None) -> None:
    import keras

    ours = text_dataset_from_directory(text_folder, shuffle=False, max_length=max_length)
    theirs = keras.utils.text_dataset_from_directory(
        text_folder, shuffle=False, batch_size=None, max_length=max_length, verbose=False
    )
    got = [ours[i] for i in range(len(ours))]
    assert [(text, int(label)) for text, label in got] == [(t.decode(), int(y)) for t, y in _keras_items(theirs)]
    shuffled = text_dataset_from_directory(text_folder, seed=5, validation_split=0.4, subset="validation")
    from keras.src.utils import dataset_utils

    # Keras's text dataset does not expose its file list: its own listing and split functions stand in
    paths, labels, _ = dataset_utils.index_directory(str(text_folder), "inferred", (".txt",), seed=5, verbose=False)
    paths, labels = dataset_utils.get_training_or_validation_split(paths, labels, 0.4, "validation")
    assert shuffled.file_paths == paths and shuffled.labels.tolist() == list(labels)
    assert ours.class_names == ["neg", "pos"]


@pytest.mark.parametrize(
    "options",
    [
        {"sequence_length": 4},
        {"sequence_length": 3, "sequence_stride": 2, "sampling_rate": 3},
        {"sequence_length": 2, "start_index": 3, "end_index": 17},
        {"sequence_length": 5, "targets": "short"},
        {"sequence_length": 3, "targets": None},
    ],
    ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()),
)
def test_timeseries_windows_equal_keras(options: dict[str, Any]) -> None:
    import keras

    data = np.arange(40, dtype="float32").reshape(20, 2)
    targets: Any = {"short": np.arange(9) * 10, None: None}.get(options.pop("targets", "full"), np.arange(20) * 10)
    ours = timeseries_dataset_from_array(data, targets, **options)
    theirs = _keras_items(keras.utils.timeseries_dataset_from_array(data, targets, batch_size=None, **options))
    assert len(ours) == len(theirs) > 0
    for mine, other in zip([ours[i] for i in range(len(ours))], theirs):
        for a, b in zip(mine if targets is not None else [mine], other if targets is not None else [other]):
            np.testing.assert_array_equal(a, b)


def test_timeseries_shuffle_is_seeded_and_checks_arguments() -> None:
    data = np.arange(30.0)
    first = timeseries_dataset_from_array(data, None, 4, shuffle=True, seed=2)
    again = timeseries_dataset_from_array(data, None, 4, shuffle=True, seed=2)
    plain = timeseries_dataset_from_array(data, None, 4)
    np.testing.assert_array_equal(first.starts, again.starts)
    assert sorted(first.starts.tolist()) == plain.starts.tolist() and first.starts.tolist() != plain.starts.tolist()
    with pytest.raises(dn.ArgumentError, match="window spans"):
        timeseries_dataset_from_array(data[:5], None, 10)
    with pytest.raises(dn.ArgumentError, match="end_index"):
        timeseries_dataset_from_array(data, None, 3, start_index=10, end_index=5)


def test_folder_datasets_batch_alike_in_worker_processes_on_both_backends(
    backend: str, image_folder: Path, text_folder: Path
) -> None:
    """Decoding in two worker processes gives the batches of the main process; batch_size wraps a DataLoader."""
    loader = image_dataset_from_directory(image_folder, image_size=(6, 6), batch_size=3, seed=4)
    assert isinstance(loader, dn.data.DataLoader)
    dataset = loader.dataset
    here = [[dn.ops.to_numpy(t) for t in batch] for batch in loader]
    spread = dn.data.DataLoader(dataset, batch_size=3, shuffle=True, seed=4, num_workers=2)
    there = [[dn.ops.to_numpy(t) for t in batch] for batch in spread]
    assert [b[0].shape for b in here] == [(3, 6, 6, 3), (3, 6, 6, 3), (1, 6, 6, 3)]
    for mine, theirs in zip(here, there, strict=True):
        for a, b in zip(mine, theirs, strict=True):
            np.testing.assert_array_equal(a, b)
    texts = next(iter(text_dataset_from_directory(text_folder, batch_size=2, shuffle=False)))
    assert list(texts[0]) == ["review 0: word word ", "review 1: word word word "]
