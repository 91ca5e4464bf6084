"""Readers of the released CIFAR-10/100 pickles and SVHN .mat files, DCN's split and
augmentation (spec §7.1, §15)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch
from complexnn.datasets import (
    augment,
    dcn_splits,
    load_cifar10,
    load_cifar100,
    load_digits32,
    load_raw,
    load_svhn,
)
from scipy.io import savemat

from paramlab.data import DatasetNotFoundError


def _write_pickle(path, payload):
    with open(path, "wb") as handle:
        pickle.dump(payload, handle, protocol=2)


def _images(n, seed):
    return np.random.RandomState(seed).randint(0, 256, (n, 3072)).astype(np.uint8)


def test_cifar10_pickle_batches(tmp_path):
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    batches = []
    for i in range(1, 6):
        data, labels = _images(3, i), [i % 10, (i + 1) % 10, (i + 2) % 10]
        batches.append((data, labels))
        _write_pickle(folder / f"data_batch_{i}", {"data": data, "labels": labels})
    test_data = _images(2, 9)
    _write_pickle(folder / "test_batch", {"data": test_data, "labels": [7, 3]})
    x_train, y_train, x_test, y_test = load_cifar10(tmp_path)
    assert x_train.shape == (15, 3, 32, 32) and x_train.dtype == np.uint8
    np.testing.assert_array_equal(x_train[3], batches[1][0][0].reshape(3, 32, 32))
    np.testing.assert_array_equal(y_train[:6], [1, 2, 3, 2, 3, 4])
    np.testing.assert_array_equal(x_test.reshape(2, -1), test_data)
    np.testing.assert_array_equal(y_test, [7, 3])


def test_cifar100_fine_labels(tmp_path):
    folder = tmp_path / "cifar-100-python"
    folder.mkdir()
    _write_pickle(
        folder / "train",
        {"data": _images(4, 1), "fine_labels": [99, 0, 5, 42], "coarse_labels": [1, 2, 3, 4]},
    )
    _write_pickle(folder / "test", {"data": _images(2, 2), "fine_labels": [1, 98]})
    x_train, y_train, x_test, y_test = load_cifar100(tmp_path)
    np.testing.assert_array_equal(y_train, [99, 0, 5, 42])
    assert x_test.shape == (2, 3, 32, 32) and list(y_test) == [1, 98]


def test_svhn_mat_files(tmp_path):
    rng = np.random.RandomState(0)
    x = rng.randint(0, 256, (32, 32, 3, 5)).astype(np.uint8)
    savemat(tmp_path / "train_32x32.mat", {"X": x, "y": np.array([[1], [10], [5], [2], [10]])})
    savemat(tmp_path / "test_32x32.mat", {"X": x[..., :2], "y": np.array([[3], [10]])})
    x_train, y_train, x_test, y_test = load_svhn(tmp_path)
    assert x_train.shape == (5, 3, 32, 32)
    np.testing.assert_array_equal(x_train[1, 2], x[:, :, 2, 1])
    np.testing.assert_array_equal(y_train, [0, 9, 4, 1, 9])
    np.testing.assert_array_equal(y_test, [2, 9])


@pytest.mark.parametrize(
    "dataset,missing",
    [
        ("cifar10", "cifar-10-batches-py/data_batch_1"),
        ("cifar100", "cifar-100-python/train"),
        ("svhn", "train_32x32.mat"),
    ],
)
def test_missing_files_raise_dataset_not_found(tmp_path, dataset, missing):
    with pytest.raises(DatasetNotFoundError) as info:
        load_raw(dataset, tmp_path)
    assert info.value.dataset == dataset
    assert info.value.path == tmp_path / missing
    assert dataset in str(info.value) and str(tmp_path / missing) in str(info.value)


def test_dcn_split_permutation_and_mean_subtraction():
    rng = np.random.RandomState(1)
    x_train = rng.randint(0, 256, (50, 3, 4, 4)).astype(np.uint8)
    y_train = np.arange(50) % 10
    x_test = rng.randint(0, 256, (6, 3, 4, 4)).astype(np.uint8)
    data = dcn_splits((x_train, y_train, x_test, np.arange(6)), 10, 40, no_validation=False)
    np.random.seed(0xDEADBEEF)  # DCN: global NumPy seeded, then shuffled in place
    order = np.arange(50)
    np.random.shuffle(order)
    scaled = x_train.astype(np.float32) / 255
    mean = scaled[order[:40]].mean(0)
    np.testing.assert_allclose(data.x_train.numpy(), scaled[order[:40]] - mean, atol=1e-6)
    np.testing.assert_allclose(data.x_val.numpy(), scaled[order[40:]] - mean, atol=1e-6)
    np.testing.assert_allclose(data.x_test.numpy(), x_test / 255 - mean, atol=1e-6)
    np.testing.assert_array_equal(data.y_val.numpy(), y_train[order[40:]])
    merged = dcn_splits((x_train, y_train, x_test, np.arange(6)), 10, 40, no_validation=True)
    assert len(merged.y_train) == 50 and len(merged.y_val) == 10


def test_embedded_digits_as_32x32_rgb():
    x_train, y_train, x_test, y_test = load_digits32()
    assert x_train.shape == (1437, 3, 32, 32) and x_test.shape == (360, 3, 32, 32)
    assert x_train.dtype == np.uint8 and x_train.max() > 200
    assert set(np.unique(y_train)) == set(range(10))


def test_augment_is_a_replicate_filled_shift_or_flip():
    x = torch.arange(2 * 8 * 8, dtype=torch.float32).reshape(1, 2, 8, 8).repeat(16, 1, 1, 1)
    out = augment(x, shift=0.25, flip=True, generator=torch.Generator().manual_seed(0))
    padded = torch.nn.functional.pad(x[:1], (2, 2, 2, 2), mode="replicate")[0]
    candidates = [
        crop
        for dy in range(5)
        for dx in range(5)
        for crop in (
            padded[:, dy : dy + 8, dx : dx + 8],
            padded[:, dy : dy + 8, dx : dx + 8].flip(-1),
        )
    ]
    for sample in out:
        assert any(torch.equal(sample, c) for c in candidates)
    assert len({tuple(s.flatten()[:3].tolist()) for s in out}) > 1
    constant = torch.ones(4, 3, 8, 8)
    assert torch.equal(augment(constant), constant)
