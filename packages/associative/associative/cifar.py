"""CIFAR-10 from its python on-disk format, and the embedded digits in the same role.

``<data root>/cifar-10-batches-py/{data_batch_1..5, test_batch}`` are the pickled dicts of the
official ``cifar-10-python.tar.gz`` (``data``: (N, 3072) uint8, channel-major 32x32 images;
``labels``: N ints). They are read by ``paramlab.data.load_cifar_arrays``, whose unpickler only
rebuilds plain data, so a tampered file cannot run code. Nothing is downloaded.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
from PIL import Image
from torch.utils.data import Dataset
from torchvision import transforms

from paramlab.data import load_cifar_arrays, load_digits
from paramlab.data.cifar import CIFAR_LAYOUT

__all__ = [
    "CIFAR10",
    "CIFAR_MEAN",
    "CIFAR_STD",
    "FOLDER",
    "TEST_FILES",
    "TRAIN_FILES",
    "cifar_transforms",
    "load_datasets",
    "write_batch",
]

FOLDER, TRAIN_FILES, TEST_FILES = CIFAR_LAYOUT["cifar10"][:3]
CIFAR_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR_STD = (0.2023, 0.1994, 0.2010)


def write_batch(path: str | Path, images: np.ndarray, labels) -> None:
    """Write (N, 32, 32, 3) uint8 images and N labels as one CIFAR-10 python batch file."""
    images = np.asarray(images, dtype=np.uint8)
    entry = {
        "batch_label": "written by associative.cifar.write_batch",
        "labels": [int(v) for v in labels],
        "data": images.transpose(0, 3, 1, 2).reshape(len(images), 3072),
        "filenames": [f"{i}.png" for i in range(len(images))],
    }
    with open(path, "wb") as f:
        pickle.dump(entry, f, protocol=2)


class CIFAR10(Dataset):
    """CIFAR-10 train (50,000) or test (10,000) split; items are (transform(PIL image), label)."""

    def __init__(self, root: str | Path | None = None, train: bool = True, transform=None):
        split = "train" if train else "test"
        self.data, self.targets = load_cifar_arrays("cifar10", split, root, channels_last=True)
        self.transform = transform

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int):
        image = Image.fromarray(self.data[index])
        if self.transform is not None:
            image = self.transform(image)
        return image, int(self.targets[index])


def cifar_transforms() -> tuple[transforms.Compose, transforms.Compose]:
    """The original's train (crop 32 pad 4, flip, normalise) and test (normalise) transforms."""
    normalize = transforms.Normalize(CIFAR_MEAN, CIFAR_STD)
    train = transforms.Compose(
        [
            transforms.RandomCrop(32, padding=4),
            transforms.RandomHorizontalFlip(),
            transforms.ToTensor(),
            normalize,
        ]
    )
    return train, transforms.Compose([transforms.ToTensor(), normalize])


def load_datasets(dataset: str, root: str | Path | None = None) -> tuple[Dataset, Dataset]:
    """(train, test) for ``dataset`` in {"cifar10", "digits"}.

    ``digits`` is the embedded UCI digits resized to 32x32 and replicated to 3 channels,
    standardised, without augmentation (a flipped digit is another digit).
    """
    if dataset == "cifar10":
        train_tf, test_tf = cifar_transforms()
        return CIFAR10(root, True, train_tf), CIFAR10(root, False, test_tf)
    if dataset == "digits":
        kwargs = {"root": root, "size": 32, "channels": 3, "normalize": True}
        return load_digits("train", **kwargs), load_digits("test", **kwargs)
    raise ValueError(f"dataset={dataset!r} must be 'cifar10' or 'digits'")
