"""CIFAR-10 / CIFAR-100 from torchvision's on-disk layout (the "python version" batches).

``<root>/cifar-10-batches-py/{data_batch_1..5, test_batch, batches.meta}`` and
``<root>/cifar-100-python/{train, test, meta}``, as torchvision's ``download=True`` leaves them
and as the CIFAR site's ``*-python.tar.gz`` archives unpack. Read with the data-only unpickler.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from paramlab.data.errors import DatasetCorruptError, DatasetNotFoundError
from paramlab.data.root import resolve_data_root
from paramlab.data.safe_pickle import load_data_pickle

__all__ = [
    "CIFAR_LAYOUT",
    "CIFAR_MEAN",
    "CIFAR_STD",
    "CifarDataset",
    "CifarImages",
    "load_cifar",
    "load_cifar_arrays",
    "read_cifar_batch",
    "read_cifar_classes",
]

# name -> (folder, train files, test files, label key, classes file, classes key)
CIFAR_LAYOUT = {
    "cifar10": (
        "cifar-10-batches-py",
        [f"data_batch_{i}" for i in range(1, 6)],
        ["test_batch"],
        "labels",
        "batches.meta",
        "label_names",
    ),
    "cifar100": (
        "cifar-100-python",
        ["train"],
        ["test"],
        "fine_labels",
        "meta",
        "fine_label_names",
    ),
}
CIFAR_MEAN = {"cifar10": (0.4914, 0.4822, 0.4465), "cifar100": (0.5071, 0.4865, 0.4409)}
CIFAR_STD = {"cifar10": (0.2470, 0.2435, 0.2616), "cifar100": (0.2673, 0.2564, 0.2762)}
_TITLES = {"cifar10": ("CIFAR-10", "CIFAR10"), "cifar100": ("CIFAR-100", "CIFAR100")}
_HOW = (
    "download {title}'s python version ({archive}) from https://www.cs.toronto.edu/~kriz/cifar.html"
    " and unpack it under the data root (or run torchvision.datasets.{cls}(root, download=True) on"
    " a machine with internet access)"
)


def read_cifar_batch(path: str | Path, name: str = "cifar10") -> tuple[np.ndarray, np.ndarray]:
    """One python batch file of ``name`` -> (images (N, 3, 32, 32) uint8, labels (N,) int64).

    The file is a pickled dict with ``data`` (N, 3072) uint8 (channel-major 32x32 images) and
    ``labels`` (CIFAR-10) or ``fine_labels`` (CIFAR-100), read with the data-only unpickler.
    Any unreadable, refused (code-running) or misshapen file raises ``DatasetCorruptError``.
    """
    if name not in CIFAR_LAYOUT:
        raise ValueError(f"name={name!r} must be one of {sorted(CIFAR_LAYOUT)}")
    label_key = CIFAR_LAYOUT[name][3]
    path = Path(path)
    try:
        batch = load_data_pickle(path)
        images = np.asarray(batch["data"], dtype=np.uint8)
        labels = np.asarray(batch[label_key], dtype=np.int64)
    except Exception as error:
        title, cls = _TITLES[name]
        remedy = "re-obtain it: " + _HOW.format(
            title=title, archive=f"{title.lower()}-python.tar.gz", cls=cls
        )
        raise DatasetCorruptError(name, path, f"unreadable batch ({error})", remedy) from error
    if images.ndim != 2 or images.shape[1] != 3072 or len(images) != len(labels):
        raise DatasetCorruptError(
            name,
            path,
            f"expected (N, 3072) images and N labels, got {images.shape} and {len(labels)} labels",
        )
    return images.reshape(-1, 3, 32, 32), labels


def load_cifar_arrays(
    name: str = "cifar10",
    split: str = "train",
    root: str | Path | None = None,
    channels_last: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """The whole ``split`` of ``name`` from the data root as (images, labels (N,) int64).

    Images are uint8, (N, 3, 32, 32), or with ``channels_last`` a contiguous (N, 32, 32, 3)
    (torchvision's ``.data`` layout). Train is the 5 CIFAR-10 batches (or CIFAR-100's ``train``)
    in order, test the ``test_batch`` (``test``). A missing file raises
    ``DatasetNotFoundError`` naming it and how to obtain the archive.
    """
    if name not in CIFAR_LAYOUT:
        raise ValueError(f"name={name!r} must be one of {sorted(CIFAR_LAYOUT)}")
    if split not in ("train", "test"):
        raise ValueError(f"split={split!r} must be 'train' or 'test'")
    folder, train_files, test_files = CIFAR_LAYOUT[name][:3]
    base = resolve_data_root(root) / folder
    files = [base / f for f in (train_files if split == "train" else test_files)]
    missing = [f for f in files if not f.is_file()]
    if missing:
        title, cls = _TITLES[name]
        archive = f"{title.lower()}-python.tar.gz"
        raise DatasetNotFoundError(
            name, missing[0], _HOW.format(title=title, archive=archive, cls=cls)
        )
    parts = [read_cifar_batch(f, name) for f in files]
    images = np.concatenate([p[0] for p in parts])
    if channels_last:
        images = np.ascontiguousarray(images.transpose(0, 2, 3, 1))
    return images, np.concatenate([p[1] for p in parts])


def read_cifar_classes(name: str, root: str | Path | None = None) -> list[str]:
    """The class names from the split's meta file, or ``[]`` when the meta file is absent."""
    folder, *_, meta_file, meta_key = CIFAR_LAYOUT[name]
    meta = resolve_data_root(root) / folder / meta_file
    return list(load_data_pickle(meta)[meta_key]) if meta.is_file() else []


class CifarImages(Dataset):
    """torchvision's ``CIFAR10`` / ``CIFAR100`` items, (PIL RGB image, int label) passed through
    ``transform`` / ``target_transform``, read with the data-only unpickler instead of
    torchvision's ``pickle.load``; same ``data`` (N, 32, 32, 3) uint8, ``targets``, ``classes``.
    """

    def __init__(
        self,
        name: str = "cifar10",
        split: str = "train",
        root: str | Path | None = None,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
    ):
        self.data, labels = load_cifar_arrays(name, split, root, channels_last=True)
        self.targets = labels.tolist()
        self.classes = read_cifar_classes(name, root)
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int):
        from PIL import Image

        image, target = Image.fromarray(self.data[index]), self.targets[index]
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target


class CifarDataset(Dataset):
    """(image (3, 32, 32) float32 in [0, 1] or normalised, label int64), torchvision-like
    attributes ``data`` (N, 32, 32, 3) uint8, ``targets`` and ``classes``."""

    def __init__(
        self,
        name: str = "cifar10",
        split: str = "train",
        root: str | Path | None = None,
        normalize: bool = True,
        transform: Callable | None = None,
    ):
        images, labels = load_cifar_arrays(name, split, root)
        self.data = images.transpose(0, 2, 3, 1)
        self.targets = labels.tolist()
        self.classes = read_cifar_classes(name, root)
        tensor = torch.from_numpy(images).float().div_(255.0)
        if normalize:
            mean = torch.tensor(CIFAR_MEAN[name]).view(1, 3, 1, 1)
            std = torch.tensor(CIFAR_STD[name]).view(1, 3, 1, 1)
            tensor = (tensor - mean) / std
        self._images = tensor
        self._labels = torch.tensor(self.targets, dtype=torch.int64)
        self.transform = transform

    def __len__(self) -> int:
        return len(self._labels)

    def __getitem__(self, index: int):
        image = self._images[index]
        if self.transform is not None:
            image = self.transform(image)
        return image, self._labels[index]


def load_cifar(name: str = "cifar10", split: str = "train", root=None, **kwargs) -> CifarDataset:
    """CIFAR-10 or CIFAR-100 (``name``) train (50,000) or test (10,000) from the data root."""
    return CifarDataset(name, split, root, **kwargs)
