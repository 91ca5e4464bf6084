"""The embedded UCI optical digits: 1,797 real 8x8 handwritten digits, 10 classes.

Stored once at ``<data root>/digits/digits.npz`` (made by ``datasets/digits/make_digits.py`` from
the copy scikit-learn ships; see ``datasets/digits/README.md``). The split is fixed and stored in
the file: 1,437 train / 360 test, stratified by class. Pixels are integers 0..16 (0 = background);
images are scaled to [0, 1] and, with ``normalize=True``, standardised with the train split's
mean and std. ``rotated=True`` rotates every image by its own angle drawn uniformly in [0, 2π)
from ``seed`` (MNIST-rot style), after resizing, with zero (background) fill.
"""

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from paramlab.data.catalog import CATALOG
from paramlab.data.checksum import verify_file
from paramlab.data.errors import DatasetCorruptError
from paramlab.data.root import resolve_data_root

__all__ = [
    "DIGITS_FILE",
    "DIGITS_MEAN",
    "DIGITS_SHA256",
    "DIGITS_SIZE_BYTES",
    "DIGITS_STD",
    "DigitsDataset",
    "EMBEDDED_DATASETS",
    "digits_path",
    "load_digits",
    "load_digits_arrays",
    "load_embedded",
    "rotate_images",
]

DIGITS_FILE = Path("digits") / "digits.npz"
DIGITS_SHA256 = "9c7e31398442c9d0cdac52e8fb14d0077b473ce2ed80e281cced8b8544cde879"
DIGITS_SIZE_BYTES = 45112
DIGITS_MEAN = 0.30538339422407795
DIGITS_STD = 0.37611916809001955
N_CLASSES = 10
EMBEDDED_DATASETS = {"digits": {"rotated": False}, "digits_rot": {"rotated": True}}


def digits_path(root: str | Path | None = None) -> Path:
    """``<data root>/digits/digits.npz``; ``root`` is resolved like ``--data_root``."""
    return resolve_data_root(root) / DIGITS_FILE


def load_digits_arrays(root: str | Path | None = None) -> dict[str, np.ndarray]:
    """Verified raw arrays: images (1797, 8, 8) uint8, labels (1797,) uint8, split (1797,) uint8.

    ``split`` is 0 for train, 1 for test. Raises ``DatasetNotFoundError`` / ``DatasetCorruptError``.
    """
    path = verify_file(
        digits_path(root),
        dataset="digits",
        sha256=DIGITS_SHA256,
        size=DIGITS_SIZE_BYTES,
        how_to_obtain=CATALOG["digits"].how_to_obtain,
    )
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {key: archive[key] for key in ("images", "labels", "split")}
    except (OSError, ValueError, KeyError) as error:
        raise DatasetCorruptError("digits", path, f"unreadable .npz ({error})") from error


def rotate_images(images: torch.Tensor, angles: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W), (N,) radians -> (N, C, H, W): counter-clockwise about the centre, zero fill.

    Bilinear resampling x_out(p) = x_in(A p), A = [[cos θ, -sin θ], [sin θ, cos θ]], on the
    [-1, 1]² grid (x right, y down); θ = π/2 equals ``torch.rot90(x, 1, dims=(-2, -1))``.
    """
    cos, sin = torch.cos(angles), torch.sin(angles)
    zero = torch.zeros_like(angles)
    theta = torch.stack(
        [torch.stack([cos, -sin, zero], -1), torch.stack([sin, cos, zero], -1)], dim=1
    ).to(images.dtype)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


class DigitsDataset(Dataset):
    """The embedded digits as a map-style dataset of (image (C, H, W) float32, label int64).

    torchvision-compatible: ``data`` (N, C, H, W) float tensor, ``targets`` (N,) int64 tensor,
    ``classes``, and optional ``transform`` / ``target_transform`` applied per item (to the
    tensor image; use tensor-capable transforms). All images are prepared once, in memory.
    ``angles`` holds the (N,) rotation angles in radians when ``rotated``, else None.
    """

    def __init__(
        self,
        split: str = "train",
        root: str | Path | None = None,
        size: int | None = None,
        channels: int = 1,
        rotated: bool = False,
        seed: int = 0,
        normalize: bool = True,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
    ) -> None:
        if split not in ("train", "test"):
            raise ValueError(f"split={split!r} must be 'train' or 'test'")
        if channels not in (1, 3):
            raise ValueError(f"channels={channels} must be 1 or 3")
        if size is not None and size < 1:
            raise ValueError(f"size={size} must be a positive number of pixels")
        arrays = load_digits_arrays(root)
        images = torch.from_numpy(arrays["images"].astype(np.float32) / 16.0).unsqueeze(1)
        labels = torch.from_numpy(arrays["labels"].astype(np.int64))
        keep = torch.from_numpy(arrays["split"] == (0 if split == "train" else 1))
        if size is not None and size != images.shape[-1]:
            images = F.interpolate(images, size=(size, size), mode="bilinear", antialias=True)
            images = images.clamp(0.0, 1.0)
        if rotated:
            generator = torch.Generator().manual_seed(seed)
            angles = torch.rand(len(images), generator=generator, dtype=torch.float64)
            self.angles = (2 * math.pi * angles)[keep]
            images = rotate_images(images[keep], self.angles)
        else:
            self.angles = None
            images = images[keep]
        if normalize:
            images = (images - DIGITS_MEAN) / DIGITS_STD
        self.data = images.expand(-1, channels, -1, -1).contiguous()
        self.targets = labels[keep]
        self.classes = [str(digit) for digit in range(N_CLASSES)]
        self.split = split
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        image, label = self.data[index], self.targets[index]
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            label = self.target_transform(label)
        return image, label


def load_digits(
    split: str = "train",
    root: str | Path | None = None,
    size: int | None = None,
    channels: int = 1,
    rotated: bool = False,
    seed: int = 0,
    normalize: bool = True,
    transform: Callable | None = None,
    target_transform: Callable | None = None,
) -> DigitsDataset:
    """Train (1,437) or test (360) digits; items are ((channels, size, size) float32, int64).

    ``size`` resizes 8x8 -> size x size (bilinear, antialiased); ``channels=3`` replicates;
    ``rotated`` draws one angle per image, uniform in [0, 2π), from ``seed`` (the angle of an
    image does not depend on ``split``).
    """
    return DigitsDataset(
        split, root, size, channels, rotated, seed, normalize, transform, target_transform
    )


def load_embedded(name: str, split: str = "train", **kwargs) -> DigitsDataset:
    """``name`` in ``EMBEDDED_DATASETS`` ('digits', 'digits_rot'); kwargs go to ``load_digits``.

    What the package CLIs call for ``--dataset digits`` / ``--dataset digits_rot``.
    """
    if name not in EMBEDDED_DATASETS:
        raise ValueError(f"name={name!r} must be one of {sorted(EMBEDDED_DATASETS)}")
    return load_digits(split, **{**kwargs, **EMBEDDED_DATASETS[name]})
