"""torchvision's readers for CIFAR-10/100, SVHN, STL-10 and MNIST, never downloading.

``load_torchvision(name, split)`` checks the files with ``require_files`` first (so a missing
dataset is a ``DatasetNotFoundError`` naming path and remedy), then builds the torchvision
dataset with ``download=False``; torchvision's own integrity failure (md5 of SVHN/STL files)
becomes a ``DatasetCorruptError``. torchvision is imported only here, on use. CIFAR batches are
pickles, which torchvision opens with ``pickle.load``: they are read with the data-only
unpickler instead (``paramlab.data.cifar.CifarImages``), giving the same items.
"""

from collections.abc import Callable
from pathlib import Path

from torch.utils.data import Dataset

from paramlab.data.catalog import CATALOG, require_files
from paramlab.data.cifar import CIFAR_LAYOUT, CifarImages
from paramlab.data.errors import DatasetCorruptError

__all__ = ["TORCHVISION_DATASETS", "load_torchvision"]

TORCHVISION_DATASETS = {
    "cifar10": ("CIFAR10", "CIFAR-10"),
    "cifar100": ("CIFAR100", "CIFAR-100"),
    "svhn": ("SVHN", "SVHN"),
    "stl10": ("STL10", "STL-10"),
    "mnist": ("MNIST", "MNIST"),
}
_SPLIT_FILES = {
    "svhn": {"train": ("train_32x32.mat",), "test": ("test_32x32.mat",)},
    "stl10": {
        "train": ("stl10_binary/train_X.bin", "stl10_binary/train_y.bin"),
        "test": ("stl10_binary/test_X.bin", "stl10_binary/test_y.bin"),
    },
}


def load_torchvision(
    name: str,
    split: str = "train",
    root: str | Path | None = None,
    transform: Callable | None = None,
    target_transform: Callable | None = None,
) -> Dataset:
    """``name`` in ``TORCHVISION_DATASETS``, ``split`` 'train' or 'test'; items are torchvision's.

    CIFAR items come from :class:`~paramlab.data.cifar.CifarImages` (same items, no code in a
    data file runs); MNIST takes ``train=split == 'train'``; SVHN and STL-10 take ``split``.
    """
    if name not in TORCHVISION_DATASETS:
        raise ValueError(f"name={name!r} must be one of {sorted(TORCHVISION_DATASETS)}")
    if split not in ("train", "test"):
        raise ValueError(f"split={split!r} must be 'train' or 'test'")
    if name in CIFAR_LAYOUT:
        return CifarImages(name, split, root, transform, target_transform)
    class_name, catalog_name = TORCHVISION_DATASETS[name]
    files = _SPLIT_FILES.get(name, {}).get(split)
    data_root = require_files(catalog_name, root, files)
    try:
        import torchvision
    except ImportError as error:
        raise ImportError(
            "load_torchvision needs torchvision; install it with: "
            "pip install 'paramlab-shared[vision]'"
        ) from error
    cls = getattr(torchvision.datasets, class_name)
    keywords = {"transform": transform, "target_transform": target_transform, "download": False}
    if name in _SPLIT_FILES:
        keywords["split"] = split
    else:
        keywords["train"] = split == "train"
    try:
        return cls(str(data_root), **keywords)
    except RuntimeError as error:
        folder = data_root / CATALOG[catalog_name].folder
        raise DatasetCorruptError(
            catalog_name,
            folder,
            f"torchvision could not read it ({error})",
            f"Re-obtain it: {CATALOG[catalog_name].how_to_obtain}",
        ) from error
