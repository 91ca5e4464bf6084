"""The datasets an ablation can run on: the embedded digits and CIFAR from the data root."""

from __future__ import annotations

from torch.utils.data import Dataset

from paramlab.data import EMBEDDED_DATASETS, load_embedded
from paramlab.data.cifar import CIFAR_LAYOUT, load_cifar

__all__ = ["DATASETS", "load_dataset"]

# name -> (image channels, number of classes)
DATASETS = {
    **{name: (1, 10) for name in EMBEDDED_DATASETS},
    "cifar10": (3, 10),
    "cifar100": (3, 100),
}


def load_dataset(name: str, split: str, data_root=None, size: int = 16) -> Dataset:
    """``name`` in DATASETS; the digits are resized to ``size`` px, CIFAR stays 32 px."""
    if name not in DATASETS:
        raise ValueError(f"dataset={name!r} must be one of {', '.join(DATASETS)}")
    if name in CIFAR_LAYOUT:
        return load_cifar(name, split, root=data_root)
    return load_embedded(name, split, root=data_root, size=size)
