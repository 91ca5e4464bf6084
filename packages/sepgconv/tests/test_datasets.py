"""Dataset readers on tiny files written in the real on-disk formats."""

import numpy as np
import pytest
import torch
from datasets.mnist_rot import RAW_TEST, RAW_TRAIN, amat_to_tensors
from PIL import Image

from datasets import ImplementedDatasets as D
from datasets import get_dataloader, get_dataset, get_imsize, get_num_out_channels
from paramlab.data import DatasetNotFoundError


def write_amat(path, n, seed):
    rng = np.random.default_rng(seed)
    pixels = rng.random((n, 784))
    pixels[:, :5] = [0.0, 0.999, 1.0, 0.5, 0.25]  # the B5 cases
    labels = rng.integers(0, 10, size=(n, 1))
    np.savetxt(path, np.hstack([pixels, labels]), fmt="%.8f")
    return pixels, labels[:, 0]


def test_mnist_rot_from_raw_amat_files(tmp_path):
    raw = tmp_path / "RotatedMNIST" / "raw"
    raw.mkdir(parents=True)
    pixels, labels = write_amat(raw / RAW_TRAIN, 6, 0)
    write_amat(raw / RAW_TEST, 4, 1)
    train = get_dataset(D.MNIST_rot, train=True, root=tmp_path)
    test = get_dataset(D.MNIST_rot, train=False, root=tmp_path)
    assert (len(train), len(test)) == (6, 4)
    data, targets = torch.load(tmp_path / "RotatedMNIST/processed/training.pt", weights_only=True)
    assert data.dtype == torch.uint8 and data.shape == (6, 28, 28)
    assert targets.tolist() == labels.tolist()
    # ×256 with wrap-around (bug B5): 0.999 and 1.0 become 0, 0.5 -> 128, 0.25 -> 64
    assert data[0, 0, :5].tolist() == [0, 0, 0, 128, 64]
    expected = np.remainder(np.round(pixels[1] * 256), 256).reshape(28, 28)
    assert np.array_equal(data[1].numpy(), expected.astype(np.uint8))
    image, label = train[1]
    assert image.shape == (1, 28, 28) and label == labels[1]
    assert torch.allclose(image[0], (torch.from_numpy(expected).float() / 255 - 0.13) / 0.297)


def test_mnist_rot_scaling_fix(tmp_path):
    write_amat(tmp_path / "a.amat", 2, 2)
    images, _ = amat_to_tensors(str(tmp_path / "a.amat"), fix_scaling=True)
    assert images[0, 0, :5].tolist() == [0, 255, 255, 128, 64]


def test_mnist_rot_augment_not_implemented(tmp_path):
    processed = tmp_path / "RotatedMNIST" / "processed"
    processed.mkdir(parents=True)
    for name in ("training.pt", "test.pt"):
        torch.save((torch.zeros(2, 28, 28, dtype=torch.uint8), torch.zeros(2, dtype=torch.uint8)),
                   processed / name)  # fmt: skip
    with pytest.raises(NotImplementedError):
        get_dataloader(D.MNIST_rot, 2, train=True, root=tmp_path, augment=True)
    batch = next(iter(get_dataloader(D.MNIST_rot, 2, train=False, root=tmp_path, num_workers=0)))
    assert batch[0].shape == (2, 1, 28, 28)


def test_galaxy10_and_pcam_h5(tmp_path):
    h5py = pytest.importorskip("h5py")
    (tmp_path / "Galaxy10").mkdir()
    images = np.random.default_rng(0).integers(0, 255, (10, 69, 69, 3), dtype=np.uint8)
    with h5py.File(tmp_path / "Galaxy10" / "Galaxy10.h5", "w") as f:
        f["ans"] = np.arange(10) % 10
        f["images"] = images
    train, test = get_dataset(D.Galaxy10, True, tmp_path), get_dataset(D.Galaxy10, False, tmp_path)
    assert (len(train), len(test)) == (8, 2)
    image, label = test[1]
    assert image.shape == (3, 69, 69) and int(label) == 9
    (tmp_path / "pcam").mkdir()
    for split, n in (("train", 5), ("test", 3)):
        with h5py.File(tmp_path / "pcam" / f"camelyonpatch_level_2_split_{split}_x.h5", "w") as f:
            f["x"] = np.zeros((n, 96, 96, 3), dtype=np.uint8)
        with h5py.File(tmp_path / "pcam" / f"camelyonpatch_level_2_split_{split}_y.h5", "w") as f:
            f["y"] = (np.arange(n) % 2).reshape(n, 1, 1, 1).astype(np.uint8)
    pcam = get_dataloader(D.PCam, 3, train=False, root=tmp_path)
    images, labels = next(iter(pcam))
    assert images.shape == (3, 3, 96, 96) and labels.shape == (3,)
    assert (get_imsize(D.PCam), get_num_out_channels(D.PCam)) == (96, 2)


def test_image_folder_datasets(tmp_path):
    for split in ("train", "test"):
        folder = tmp_path / "MNIST_rot_scale" / split / "3"
        folder.mkdir(parents=True)
        Image.fromarray(np.full((28, 28), 200, dtype=np.uint8)).save(folder / "0.png")
    image, label = get_dataset(D.MNIST_rot_scale, True, tmp_path)[0]
    assert image.shape == (1, 28, 28) and label == 0
    assert torch.allclose(image, torch.full_like(image, (200 / 255 - 0.0634) / 0.2102))


@pytest.mark.parametrize(
    "dataset, fragment",
    [(D.Galaxy10, "Galaxy10.h5"), (D.PCam, "pcam"), (D.MNIST_scale, "MNIST_scale"),
     (D.CIFAR10, "CIFAR10"), (D.MNIST_rot, "RotatedMNIST")],
)  # fmt: skip
def test_missing_data_raise_dataset_not_found(dataset, fragment, tmp_path):
    with pytest.raises(DatasetNotFoundError, match=fragment):
        get_dataset(dataset, True, tmp_path)


def test_digits_rot_stand_in():
    data = get_dataset(D.digits_rot, train=False)
    image, label = data[0]
    assert len(data) == 360 and image.shape == (1, 28, 28) and 0 <= int(label) < 10
