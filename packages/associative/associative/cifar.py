"""CIFAR-10 from its python on-disk format, and the embedded digits in the same role.

``<data root>/cifar-10-batches-py/{data_batch_1..5, test_batch}`` are the pickled dicts of the
official ``cifar-10-python.tar.gz`` (``data``: (N, 3072) uint8, channel-major 32x32 images;
``labels``: N ints). They are read with an unpickler that only admits the numpy globals such
files contain, so a tampered file cannot run code. Nothing is downloaded.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
from PIL import Image
from torch.utils.data import Dataset
from torchvision import transforms

from paramlab.data import DatasetCorruptError, DatasetNotFoundError, load_digits, resolve_data_root

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

FOLDER = "cifar-10-batches-py"
TRAIN_FILES = [f"data_batch_{i}" for i in range(1, 6)]
TEST_FILES = ["test_batch"]
CIFAR_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR_STD = (0.2023, 0.1994, 0.2010)
HOW_TO_OBTAIN = (
    "download https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz and extract it into the "
    "data root (it creates cifar-10-batches-py/)"
)
_ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("_codecs", "encode"),
}


class _NumpyOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(f"global {module}.{name} is not allowed in a CIFAR batch")
        return super().find_class(module, name)


def _read_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        with open(path, "rb") as f:
            entry = _NumpyOnlyUnpickler(f, encoding="latin1").load()
        data = np.asarray(entry["data"], dtype=np.uint8)
        labels = np.asarray(entry["labels"] if "labels" in entry else entry["fine_labels"])
    except (OSError, EOFError, KeyError, TypeError, ValueError, pickle.UnpicklingError) as error:
        raise DatasetCorruptError("CIFAR-10", path, f"unreadable batch file ({error})") from error
    if data.ndim != 2 or data.shape[1] != 3072 or len(labels) != len(data):
        raise DatasetCorruptError(
            "CIFAR-10",
            path,
            f"expected data (N, 3072) and N labels, got data {data.shape} and {len(labels)} labels",
        )
    return data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), labels.astype(np.int64)


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
        folder = resolve_data_root(root) / FOLDER
        files = TRAIN_FILES if train else TEST_FILES
        missing = [folder / name for name in files if not (folder / name).is_file()]
        if missing:
            raise DatasetNotFoundError("CIFAR-10", missing[0], HOW_TO_OBTAIN)
        batches = [_read_batch(folder / name) for name in files]
        self.data = np.concatenate([images for images, _ in batches])
        self.targets = np.concatenate([labels for _, labels in batches])
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
