"""Transforms shared by the dataset loaders and makers."""

from datasets.utils.cutout import Cutout
from datasets.utils.dataset_utils import (
    RandomDiscreteRotationElement,
    RandomRotation,
    RandomScaling,
    Rotate,
    Scale,
    pil_loader,
)

__all__ = [
    "Cutout",
    "RandomDiscreteRotationElement",
    "RandomRotation",
    "RandomScaling",
    "Rotate",
    "Scale",
    "pil_loader",
]
