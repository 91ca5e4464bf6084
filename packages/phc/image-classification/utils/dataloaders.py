"""The original dataset loaders (CIFAR10/100, SVHN, STL10) and the embedded digits."""

from phc.data import (
    ARRange,
    CIFAR10_dataloader,
    CIFAR100_dataloader,
    Pad,
    STL10_dataloader,
    SVHN_dataloader,
    digits_dataloader,
)

__all__ = [
    "ARRange",
    "CIFAR10_dataloader",
    "CIFAR100_dataloader",
    "Pad",
    "STL10_dataloader",
    "SVHN_dataloader",
    "digits_dataloader",
]
