"""Image-classification data as in the original ``utils/dataloaders.py``, plus the embedded digits.

Every loader returns ``(train_loader, test_loader, eval_loader, name)``. The eval set is a
``random_split`` of 20 % of the **test** set (global torch RNG, drawn after seeding) and the test
loader iterates the whole test set, eval images included — both as the original. With
``quat_data`` a zero channel is prepended (channel 0): a 4-channel [0, R, G, B] tensor.

* CIFAR10 / CIFAR100: ToTensor → Normalize(dataset mean/std) → [zero channel]; no augmentation.
  (The original's CIFAR10 test loader is one 10,000-image batch; here it uses ``batch_size`` —
  the accuracy is the same.)
* SVHN / STL10: raw uint8 CHW → [zero channel] → ×(1/255) in float32; train, eval and test
  loaders ``drop_last=True`` (test accuracy ignores the last partial batch, as the original).
  STL10 stays 96×96, which none of the 32×32 models accept (as in the original).
* digits (added): the embedded UCI digits from ``paramlab.data.load_digits`` with 3 channels,
  resized to ``img_size``; same split / eval / test-loader rules as CIFAR.

The torchvision datasets are read from ``root`` (``--train_dir``) in torchvision's on-disk
formats through ``paramlab.data.load_torchvision``; nothing is downloaded. Missing files raise
``paramlab.data.DatasetNotFoundError`` (naming the file and how to obtain it).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, random_split
from torchvision import transforms

from paramlab.data import load_digits, load_torchvision

__all__ = [
    "ARRange",
    "CIFAR10_dataloader",
    "CIFAR100_dataloader",
    "DATALOADERS",
    "NUM_CLASSES",
    "Pad",
    "STL10_dataloader",
    "SVHN_dataloader",
    "digits_dataloader",
    "get_dataloaders",
]

CIFAR10_STATS = ((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010))
CIFAR100_STATS = ((0.5071, 0.4867, 0.4408), (0.2675, 0.2565, 0.2761))


class Pad:
    """(C, H, W) -> (C+1, H, W): prepend one all-zero channel (the quaternion real part)."""

    def __call__(self, image: torch.Tensor) -> torch.Tensor:
        return F.pad(image, (0, 0, 0, 0, 1, 0), mode="constant", value=0)


class ARRange:
    """Affine map of pixel values from ``in_range`` to ``out_range`` in float32 arithmetic."""

    def __init__(self, out_range, in_range=(0, 255)) -> None:
        in_lo, in_hi = np.float32(in_range[0]), np.float32(in_range[1])
        out_lo, out_hi = np.float32(out_range[0]), np.float32(out_range[1])
        self.scale = (out_hi - out_lo) / (in_hi - in_lo)
        self.bias = out_lo - in_lo * self.scale

    def __call__(self, image: torch.Tensor) -> torch.Tensor:
        return image * self.scale + self.bias


def _to_uint8_chw(picture) -> torch.Tensor:
    """PIL image -> uint8 (C, H, W) tensor of its raw bytes (the original's To_Tensor_custom)."""
    data = torch.frombuffer(bytearray(picture.tobytes()), dtype=torch.uint8)
    return data.view(picture.size[1], picture.size[0], len(picture.getbands())).permute(2, 0, 1)


def _cifar_transform(stats, quat_data: bool) -> Callable:
    steps = [transforms.ToTensor(), transforms.Normalize(*stats)]
    if quat_data:
        steps.append(Pad())
    return transforms.Compose(steps)


def _raw_transform(quat_data: bool) -> Callable:
    steps = [_to_uint8_chw]
    if quat_data:
        steps.append(Pad())
    steps.append(ARRange([0, 1]))
    return transforms.Compose(steps)


def _open(name: str, split: str, root: str, transform: Callable) -> Dataset:
    """torchvision's reader through ``paramlab.data.load_torchvision`` (never downloads;
    missing files -> ``DatasetNotFoundError``, failed integrity -> ``DatasetCorruptError``)."""
    return load_torchvision(name.lower(), split, root=root, transform=transform)


def _split_eval(test_set: Dataset, eval_percentage: float):
    eval_len = int(len(test_set) * eval_percentage)
    _, eval_set = random_split(test_set, [len(test_set) - eval_len, eval_len])
    return eval_set


def _cifar_like(name, stats, root, quat_data, batch_size, num_workers, eval_percentage):
    print("Dataset:", name)
    transform = _cifar_transform(stats, quat_data)
    train_set = _open(name, "train", root, transform)
    print("Samples:", len(train_set))
    print()
    print("Preprocessing:\n", transform)
    train_loader = DataLoader(
        train_set, batch_size=batch_size, shuffle=True, num_workers=num_workers
    )
    test_set = _open(name, "test", root, transform)
    eval_loader = DataLoader(
        _split_eval(test_set, eval_percentage),
        batch_size=batch_size,
        shuffle=False,
        num_workers=num_workers,
        drop_last=True,
    )
    test_loader = DataLoader(test_set, batch_size=batch_size, shuffle=False)
    return train_loader, test_loader, eval_loader, name


def CIFAR10_dataloader(
    root, quat_data, img_size, batch_size, num_workers=1, eval=False, eval_percentage=0.2
):
    """CIFAR10 (torchvision ``cifar-10-batches-py``) loaders."""
    return _cifar_like(
        "CIFAR10", CIFAR10_STATS, root, quat_data, batch_size, num_workers,
        eval_percentage,
    )  # fmt: skip


def CIFAR100_dataloader(
    root, quat_data, img_size, batch_size, num_workers=1, eval=False, eval_percentage=0.2
):
    """CIFAR100 (torchvision ``cifar-100-python``) loaders."""
    return _cifar_like(
        "CIFAR100", CIFAR100_STATS, root, quat_data, batch_size, num_workers,
        eval_percentage,
    )  # fmt: skip


def _svhn_like(name, root, quat_data, batch_size, num_workers, eval_percentage):
    print("Dataset:", name)
    transform = _raw_transform(quat_data)
    train_set = _open(name, "train", root, transform)
    print("Samples:", len(train_set))
    print()
    print("Preprocessing:\n", transform)
    train_loader = DataLoader(
        train_set, batch_size=batch_size, shuffle=True, num_workers=num_workers, drop_last=True
    )
    test_set = _open(name, "test", root, transform)
    eval_loader = DataLoader(
        _split_eval(test_set, eval_percentage),
        batch_size=batch_size,
        shuffle=False,
        num_workers=0,
        drop_last=True,
    )
    test_loader = DataLoader(
        test_set, batch_size=batch_size, shuffle=False, num_workers=0, drop_last=True
    )
    return train_loader, test_loader, eval_loader, name


def SVHN_dataloader(
    root, quat_data, img_size, batch_size, num_workers=1, eval=False, eval_percentage=0.2
):
    """SVHN (torchvision ``train_32x32.mat`` / ``test_32x32.mat``) loaders."""
    return _svhn_like("SVHN", root, quat_data, batch_size, num_workers, eval_percentage)


def STL10_dataloader(
    root, quat_data, img_size, batch_size, num_workers=1, eval=False, eval_percentage=0.2
):
    """STL10 (torchvision ``stl10_binary``) loaders; images stay 96×96."""
    return _svhn_like("STL10", root, quat_data, batch_size, num_workers, eval_percentage)


def digits_dataloader(
    root, quat_data, img_size, batch_size, num_workers=1, eval=False, eval_percentage=0.2
):
    """The embedded UCI digits (``paramlab.data.load_digits``), 3 channels, ``img_size``²;
    ``root`` is the data root (``None``: ``$PARAMLAB_DATA``, else the repository's datasets/)."""
    name = "digits"
    print("Dataset:", name)
    transform = Pad() if quat_data else None
    train_set = load_digits("train", root=root, size=img_size, channels=3, transform=transform)
    test_set = load_digits("test", root=root, size=img_size, channels=3, transform=transform)
    print("Samples:", len(train_set))
    print()
    train_loader = DataLoader(
        train_set, batch_size=batch_size, shuffle=True, num_workers=num_workers
    )
    eval_loader = DataLoader(
        _split_eval(test_set, eval_percentage),
        batch_size=batch_size,
        shuffle=False,
        num_workers=num_workers,
        drop_last=True,
    )
    test_loader = DataLoader(test_set, batch_size=batch_size, shuffle=False)
    return train_loader, test_loader, eval_loader, name


DATALOADERS = {
    "SVHN": SVHN_dataloader,
    "CIFAR10": CIFAR10_dataloader,
    "CIFAR100": CIFAR100_dataloader,
    "STL10": STL10_dataloader,
    "digits": digits_dataloader,
}
NUM_CLASSES = {"SVHN": 10, "CIFAR10": 10, "CIFAR100": 100, "STL10": 10, "digits": 10}


def get_dataloaders(dataset, root, quat_data, img_size, batch_size, num_workers=1):
    """``(train_loader, test_loader, eval_loader, name)`` for ``dataset``; ``ValueError`` for an
    unknown name (the original silently left the loaders undefined)."""
    if dataset not in DATALOADERS:
        raise ValueError(f"Dataset={dataset!r} must be one of {', '.join(DATALOADERS)}")
    return DATALOADERS[dataset](
        root=root,
        quat_data=quat_data,
        img_size=img_size,
        batch_size=batch_size,
        num_workers=num_workers,
    )
