"""CIFAR from torchvision's on-disk python batches (the data-only unpickler has its own tests)."""

import os
import pickle

import numpy as np
import pytest
import torch

from paramlab.data import (
    DatasetCorruptError,
    DatasetNotFoundError,
    load_cifar,
    load_cifar_arrays,
    read_cifar_batch,
)
from paramlab.data.cifar import CIFAR_MEAN, CIFAR_STD


def write_cifar10(root, per_batch=4, seed=0):
    """Tiny CIFAR-10 in the real layout: dicts with 'data' (N, 3072) uint8 and 'labels'."""
    rng = np.random.default_rng(seed)
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    batches = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {
            "batch_label": name,
            "data": rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8),
            "labels": rng.integers(0, 10, per_batch).tolist(),
            "filenames": [f"{name}_{i}.png" for i in range(per_batch)],
        }
        (folder / name).write_bytes(pickle.dumps(batch, protocol=2))
        batches[name] = batch
    meta = {"label_names": [f"class{i}" for i in range(10)], "num_vis": 3072}
    (folder / "batches.meta").write_bytes(pickle.dumps(meta, protocol=2))
    return batches


def test_reads_the_real_layout(tmp_path):
    batches = write_cifar10(tmp_path)
    train = load_cifar("cifar10", "train", root=tmp_path, normalize=False)
    test = load_cifar("cifar10", "test", root=tmp_path)
    assert len(train) == 20 and len(test) == 4
    assert train.classes[3] == "class3"
    image, label = train[5]
    source = batches["data_batch_2"]
    expected = torch.from_numpy(source["data"][1].reshape(3, 32, 32)).float() / 255
    torch.testing.assert_close(image, expected)
    assert label.item() == source["labels"][1]
    assert train.data.shape == (20, 32, 32, 3)
    normalized, _ = test[0]
    raw = torch.from_numpy(batches["test_batch"]["data"][0].reshape(3, 32, 32)).float() / 255
    mean = torch.tensor(CIFAR_MEAN["cifar10"]).view(3, 1, 1)
    std = torch.tensor(CIFAR_STD["cifar10"]).view(3, 1, 1)
    torch.testing.assert_close(normalized, (raw - mean) / std)


def test_missing_data_names_dataset_path_and_source(tmp_path):
    with pytest.raises(DatasetNotFoundError) as caught:
        load_cifar("cifar100", "train", root=tmp_path)
    message = str(caught.value)
    assert "'cifar100' not found" in message
    assert str(tmp_path / "cifar-100-python" / "train") in message
    assert "cs.toronto.edu/~kriz/cifar.html" in message


def test_truncated_batch_is_reported_as_corrupt(tmp_path):
    write_cifar10(tmp_path)
    path = tmp_path / "cifar-10-batches-py" / "data_batch_3"
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(DatasetCorruptError, match="data_batch_3: unreadable batch"):
        load_cifar("cifar10", "train", root=tmp_path)


def pixel(row, channel, y, x):
    """The CIFAR format's rule: each row is 1024 red, then green, then blue bytes, row-major."""
    return row[channel * 1024 + y * 32 + x]


def test_read_cifar_batch_of_either_dataset(tmp_path):
    rng = np.random.default_rng(1)
    data = rng.integers(0, 256, (3, 3072), dtype=np.uint8)
    path = tmp_path / "train"
    batch = {"data": data, "fine_labels": [97, 3, 50], "coarse_labels": [1, 2, 3]}
    path.write_bytes(pickle.dumps(batch, protocol=2))
    images, labels = read_cifar_batch(path, "cifar100")
    assert images.shape == (3, 3, 32, 32) and images.dtype == np.uint8
    assert labels.dtype == np.int64 and labels.tolist() == [97, 3, 50]
    for n, c, y, x in [(0, 0, 0, 0), (1, 2, 31, 5), (2, 1, 7, 31)]:
        assert images[n, c, y, x] == pixel(data[n], c, y, x)
    with pytest.raises(DatasetCorruptError, match="unreadable batch.*'labels'"):
        read_cifar_batch(path, "cifar10")
    with pytest.raises(ValueError, match="name='svhn'"):
        read_cifar_batch(path, "svhn")


def test_load_cifar_arrays_concatenates_the_batches_in_order(tmp_path):
    batches = write_cifar10(tmp_path)
    images, labels = load_cifar_arrays("cifar10", "train", root=tmp_path)
    assert images.shape == (20, 3, 32, 32) and labels.dtype == np.int64
    names = [f"data_batch_{i}" for i in range(1, 6)]
    assert labels.tolist() == sum((batches[name]["labels"] for name in names), [])
    nhwc, same_labels = load_cifar_arrays("cifar10", "train", root=tmp_path, channels_last=True)
    assert nhwc.shape == (20, 32, 32, 3) and nhwc.flags["C_CONTIGUOUS"]
    np.testing.assert_array_equal(same_labels, labels)
    row = batches["data_batch_4"]["data"][2]
    for y, x, c in [(0, 0, 0), (3, 30, 2), (31, 31, 1)]:
        assert nhwc[14, y, x, c] == pixel(row, c, y, x) == images[14, c, y, x]
    test_images, test_labels = load_cifar_arrays("cifar10", "test", root=tmp_path)
    np.testing.assert_array_equal(test_images.reshape(4, 3072), batches["test_batch"]["data"])
    with pytest.raises(ValueError, match="split='val'"):
        load_cifar_arrays("cifar10", "val", root=tmp_path)


def test_missing_batch_names_the_archive(tmp_path):
    write_cifar10(tmp_path)
    (tmp_path / "cifar-10-batches-py" / "data_batch_5").unlink()
    with pytest.raises(DatasetNotFoundError, match="CIFAR-10.*cifar-10-python.tar.gz") as caught:
        load_cifar_arrays("cifar10", "train", root=tmp_path)
    assert str(tmp_path / "cifar-10-batches-py" / "data_batch_5") in str(caught.value)
    images, _ = load_cifar_arrays("cifar10", "test", root=tmp_path)
    assert len(images) == 4


class Payload:
    def __reduce__(self):
        return (os.system, ("echo should-not-run > pwned.txt",))


def test_a_batch_that_runs_code_is_refused_as_corrupt(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_cifar10(tmp_path)
    path = tmp_path / "cifar-10-batches-py" / "test_batch"
    path.write_bytes(pickle.dumps({"data": Payload(), "labels": [0]}, protocol=2))
    with pytest.raises(DatasetCorruptError, match=r"test_batch.*refusing to unpickle \w+\.system"):
        load_cifar("cifar10", "test", root=tmp_path)
    assert not (tmp_path / "pwned.txt").exists()
