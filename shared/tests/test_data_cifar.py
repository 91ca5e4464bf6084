"""CIFAR from torchvision's on-disk python batches, and the data-only unpickler."""

import os
import pickle

import numpy as np
import pytest
import torch

from paramlab.data import DatasetCorruptError, DatasetNotFoundError
from paramlab.data.cifar import CIFAR_MEAN, CIFAR_STD, load_cifar
from paramlab.data.safe_pickle import UnsafePickleError, load_data_pickle


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


class Payload:
    def __reduce__(self):
        return (os.system, ("echo should-not-run > pwned.txt",))


def test_a_pickle_with_code_is_refused_and_not_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps({"data": Payload()}))
    with pytest.raises(UnsafePickleError, match=r"refusing to load \w+\.system"):
        load_data_pickle(path)
    assert not (tmp_path / "pwned.txt").exists()


def test_data_pickle_round_trips_arrays_and_builtins(tmp_path):
    value = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": [1, (2, 3)], "c": np.int64(4)}
    path = tmp_path / "ok.pkl"
    path.write_bytes(pickle.dumps(value))
    loaded = load_data_pickle(path)
    np.testing.assert_array_equal(loaded["a"], value["a"])
    assert loaded["b"] == [1, (2, 3)] and loaded["c"] == 4
