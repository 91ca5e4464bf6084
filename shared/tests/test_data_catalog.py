"""The dataset catalog and the torchvision readers: never download, always say what is missing."""

import struct
from pathlib import Path

import numpy as np
import pytest

from paramlab.data import (
    CATALOG,
    DatasetCorruptError,
    DatasetNotFoundError,
    load_torchvision,
    require_files,
)

README = Path(__file__).resolve().parents[2] / "datasets" / "README.md"


def touch(root: Path, relative: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")


def test_catalog_matches_the_readme():
    text = README.read_text()
    for entry in CATALOG.values():
        names = entry.files if entry.folder == "." else (entry.folder,)
        assert all(f"`{name}" in text or f"<root>/{name}" in text for name in names), entry.name


def test_require_files_names_the_first_missing_path(tmp_path):
    touch(tmp_path, "cifar-10-batches-py/data_batch_1")
    with pytest.raises(DatasetNotFoundError) as info:
        require_files("CIFAR-10", tmp_path)
    message = str(info.value)
    assert "'CIFAR-10'" in message
    assert str(tmp_path / "cifar-10-batches-py" / "data_batch_2") in message
    assert "https://www.cs.toronto.edu/~kriz/cifar.html" in message
    for relative in CATALOG["CIFAR-10"].files:
        touch(tmp_path, relative)
    assert require_files("CIFAR-10", tmp_path) == tmp_path
    with pytest.raises(KeyError, match="unknown dataset 'cifar'"):
        require_files("cifar", tmp_path)


def test_split_specific_check(tmp_path):
    touch(tmp_path, "train_32x32.mat")
    with pytest.raises(DatasetNotFoundError, match="test_32x32.mat"):
        load_torchvision("svhn", "test", root=tmp_path)


def write_idx(path: Path, array: np.ndarray) -> None:
    """IDX format: magic (0, 0, 0x08 = uint8, ndim), big-endian int32 dims, then the bytes."""
    header = bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}i", *array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def test_mnist_read_from_real_format_files(tmp_path):
    pytest.importorskip("torchvision")
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for prefix, count in (("train", 6), ("t10k", 4)):
        write_idx(raw / f"{prefix}-images-idx3-ubyte", rng.integers(0, 256, (count, 28, 28)))
        write_idx(raw / f"{prefix}-labels-idx1-ubyte", np.arange(count) % 10)
    test = load_torchvision("mnist", "test", root=tmp_path, transform=np.asarray)
    assert len(test) == 4
    image, label = test[3]
    assert image.shape == (28, 28) and label == 3
    assert len(load_torchvision("mnist", "train", root=tmp_path)) == 6


def test_empty_cifar_files_are_a_corrupt_error_naming_the_file(tmp_path):
    for relative in CATALOG["CIFAR-10"].files:
        touch(tmp_path, relative)
    with pytest.raises(DatasetCorruptError) as info:
        load_torchvision("cifar10", root=tmp_path)
    assert "'cifar10' is corrupt" in str(info.value)
    assert str(tmp_path / "cifar-10-batches-py" / "data_batch_1") in str(info.value)
    assert "cifar-10-python.tar.gz" in str(info.value)


def test_torchvision_integrity_failure_is_a_corrupt_error(tmp_path):
    pytest.importorskip("torchvision")
    touch(tmp_path, "train_32x32.mat")
    with pytest.raises(DatasetCorruptError) as info:
        load_torchvision("svhn", root=tmp_path)
    assert "'SVHN' is corrupt" in str(info.value)


def test_missing_torchvision_dataset(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="stl10_binary"):
        load_torchvision("stl10", root=tmp_path)
    with pytest.raises(ValueError, match="must be one of"):
        load_torchvision("imagenet", root=tmp_path)


def test_digits_entry_is_what_the_loader_reads():
    from paramlab.data.digits import DIGITS_FILE

    assert CATALOG["digits"].files == (str(DIGITS_FILE),)


def test_missing_torchvision_names_the_extra(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "torchvision", None)
    for relative in CATALOG["MNIST"].files:
        touch(tmp_path, relative)
    with pytest.raises(ImportError, match=r"pip install 'paramlab-shared\[vision\]'"):
        load_torchvision("mnist", root=tmp_path)


def write_cifar10(root: Path, rng) -> None:
    import pickle

    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        data = rng.integers(0, 256, size=(3, 3072), dtype=np.uint8)
        (folder / name).write_bytes(pickle.dumps({"data": data, "labels": [1, 7, 3]}))
    names = [f"class{i}" for i in range(10)]
    (folder / "batches.meta").write_bytes(pickle.dumps({"label_names": names}))


def test_cifar_items_equal_torchvision_reading_of_the_same_files(tmp_path, monkeypatch):
    datasets = pytest.importorskip("torchvision.datasets")
    write_cifar10(tmp_path, np.random.default_rng(0))
    monkeypatch.setattr(datasets.CIFAR10, "_check_integrity", lambda self: True)
    monkeypatch.setattr("torchvision.datasets.cifar.check_integrity", lambda *a, **k: True)
    reference = datasets.CIFAR10(str(tmp_path), train=False, download=False)
    ours = load_torchvision("cifar10", "test", root=tmp_path, target_transform=lambda t: t + 10)
    assert len(ours) == len(reference) == 3
    assert ours.classes == reference.classes
    assert ours.targets == reference.targets
    np.testing.assert_array_equal(ours.data, reference.data)
    for index in range(3):
        (image, target), (expected, label) = ours[index], reference[index]
        assert image.mode == expected.mode == "RGB"
        np.testing.assert_array_equal(np.asarray(image), np.asarray(expected))
        assert target == label + 10


def test_cifar_batch_that_runs_code_is_refused(tmp_path):
    write_cifar10(tmp_path, np.random.default_rng(0))
    (tmp_path / "cifar-10-batches-py" / "test_batch").write_bytes(
        b"cos\nsystem\n(S'echo unsafe'\ntR."
    )
    with pytest.raises(DatasetCorruptError, match="refusing to unpickle os.system"):
        load_torchvision("cifar10", "test", root=tmp_path)
