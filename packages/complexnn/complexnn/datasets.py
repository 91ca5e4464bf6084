"""Image datasets of the DCN experiments, read from their released on-disk formats.

* CIFAR-10: ``<root>/cifar-10-batches-py/data_batch_{1..5}``, ``test_batch`` and CIFAR-100:
  ``<root>/cifar-100-python/{train, test}`` (Python pickles, read by ``paramlab.data.cifar``
  with its data-only unpickler);
* SVHN format 2: ``<root>/{train,test}_32x32.mat`` (``X`` (32, 32, 3, N) uint8, ``y`` (N, 1) in
  1..10; read with ``scipy.io.loadmat``);
* ``digits``: the embedded UCI digits, resized to 32x32 and replicated to 3 channels.

:func:`dcn_splits` then applies DCN's recipe (``scripts/training.py``): a fixed permutation
(NumPy seeded with ``0xDEADBEEF``) splits the training set into train and validation, pixels are
scaled to [0, 1] and the per-pixel mean image of the train split is subtracted everywhere.
Missing files raise ``paramlab.data.DatasetNotFoundError``; nothing is downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from paramlab.data import DatasetCorruptError, DatasetNotFoundError, load_digits
from paramlab.data.cifar import CifarDataset

__all__ = [
    "DATASETS",
    "NUM_CLASSES",
    "SPLIT_SEED",
    "DCNData",
    "load_cifar10",
    "load_cifar100",
    "load_svhn",
    "load_digits32",
    "load_raw",
    "synthetic_raw",
    "dcn_splits",
    "resize_splits",
    "augment",
]

DATASETS = ("cifar10", "cifar100", "svhn", "digits")
NUM_CLASSES = {"cifar10": 10, "cifar100": 100, "svhn": 10, "digits": 10}
N_TRAIN = {"cifar10": 45000, "cifar100": 45000, "svhn": 65000}
SPLIT_SEED = 0xDEADBEEF
_SVHN_HOW = (
    "download train_32x32.mat and test_32x32.mat (format 2) from "
    "http://ufldl.stanford.edu/housenumbers/ into the data root (scipy is needed to read them)"
)

Raw = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _cifar(name: str, root: str | Path | None) -> Raw:
    out = []
    for split in ("train", "test"):
        data = CifarDataset(name, split, root, normalize=False)
        out.append(np.ascontiguousarray(np.asarray(data.data).transpose(0, 3, 1, 2)))
        out.append(np.asarray(data.targets, dtype=np.int64))
    return out[0], out[1], out[2], out[3]


def load_cifar10(root: str | Path | None) -> Raw:
    """``(x_train (50000, 3, 32, 32) uint8, y_train, x_test, y_test)`` from the pickles."""
    return _cifar("cifar10", root)


def load_cifar100(root: str | Path | None) -> Raw:
    """CIFAR-100 (fine labels) from ``cifar-100-python/{train, test}``."""
    return _cifar("cifar100", root)


def _svhn_file(path: Path) -> tuple[np.ndarray, np.ndarray]:
    if not path.is_file():
        raise DatasetNotFoundError("svhn", path, _SVHN_HOW)
    try:
        from scipy.io import loadmat
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(
            "reading SVHN needs scipy: pip install 'paramlab-complexnn[svhn]'"
        ) from error
    try:
        mat = loadmat(path)
        images = np.ascontiguousarray(np.transpose(mat["X"], (3, 2, 0, 1)), dtype=np.uint8)
        labels = np.asarray(mat["y"], dtype=np.int64).reshape(-1)
    except (OSError, ValueError, KeyError) as error:
        raise DatasetCorruptError("svhn", path, f"unreadable .mat file ({error})") from error
    return images, labels - 1  # 1..10 -> 0..9 (digit 0, stored as 10, becomes class 9)


def load_svhn(root: str | Path) -> Raw:
    """SVHN format 2 (no ``extra``): images ``(N, 3, 32, 32)`` uint8, labels ``y − 1`` in 0..9."""
    x_train, y_train = _svhn_file(Path(root) / "train_32x32.mat")
    x_test, y_test = _svhn_file(Path(root) / "test_32x32.mat")
    return x_train, y_train, x_test, y_test


def load_digits32(root: str | Path | None = None) -> Raw:
    """The embedded digits as 32x32 3-channel uint8 images (0..255), its fixed train/test split."""
    out = []
    for split in ("train", "test"):
        data = load_digits(split, root=root, size=32, channels=3, normalize=False)
        images = (data.data.clamp(0, 1) * 255).round().to(torch.uint8).numpy()
        out += [images, data.targets.numpy().astype(np.int64)]
    return out[0], out[1], out[2], out[3]


def synthetic_raw(num_classes: int, train: int = 256, test: int = 64, seed: int = 0) -> Raw:
    """Random uint8 images ``(N, 3, 32, 32)`` and labels, for smoke tests (``--synthetic``)."""
    rng = np.random.RandomState(seed)
    return (
        rng.randint(0, 256, (train, 3, 32, 32)).astype(np.uint8),
        rng.randint(0, num_classes, train).astype(np.int64),
        rng.randint(0, 256, (test, 3, 32, 32)).astype(np.uint8),
        rng.randint(0, num_classes, test).astype(np.int64),
    )


def load_raw(dataset: str, root: str | Path | None) -> Raw:
    """Dispatch on ``dataset`` in :data:`DATASETS`."""
    if dataset == "cifar10":
        return load_cifar10(root)
    if dataset == "cifar100":
        return load_cifar100(root)
    if dataset == "svhn":
        return load_svhn(root)
    if dataset == "digits":
        return load_digits32(root)
    raise ValueError(f"dataset={dataset!r} must be one of {DATASETS}")


@dataclass
class DCNData:
    """Mean-subtracted float32 ``(N, 3, 32, 32)`` splits and int64 labels."""

    x_train: Tensor
    y_train: Tensor
    x_val: Tensor
    y_val: Tensor
    x_test: Tensor
    y_test: Tensor
    num_classes: int


def dcn_splits(raw: Raw, num_classes: int, n_train: int | None, no_validation: bool) -> DCNData:
    """DCN's train/validation split, [0, 1] scaling and train-mean subtraction.

    ``n_train`` (45,000 for CIFAR, 65,000 for SVHN; ``None`` = 90 %) images of the permuted
    training set form the train split, the rest validation. ``no_validation`` appends the
    validation split to the training data (validation is still reported).
    """
    x_train, y_train, x_test, y_test = raw
    n = len(y_train)
    n_train = int(0.9 * n) if n_train is None else n_train
    if not 0 < n_train < n:
        raise ValueError(f"n_train={n_train} must be in (0, {n})")
    order = np.arange(n)
    np.random.RandomState(SPLIT_SEED).shuffle(order)
    train_idx, val_idx = order[:n_train], order[n_train:]
    x_all = x_train.astype(np.float32) / 255.0
    x_tr, x_va = x_all[train_idx], x_all[val_idx]
    mean = x_tr.mean(axis=0)
    x_tr, x_va = x_tr - mean, x_va - mean
    x_te = x_test.astype(np.float32) / 255.0 - mean
    y_tr, y_va = y_train[train_idx], y_train[val_idx]
    if no_validation:
        x_tr, y_tr = np.concatenate([x_tr, x_va]), np.concatenate([y_tr, y_va])

    def t(a, dtype):
        return torch.from_numpy(np.ascontiguousarray(a)).to(dtype)

    return DCNData(
        t(x_tr, torch.float32),
        t(y_tr, torch.int64),
        t(x_va, torch.float32),
        t(y_va, torch.int64),
        t(x_te, torch.float32),
        t(y_test, torch.int64),
        num_classes,
    )


def resize_splits(data: DCNData, size: int) -> DCNData:
    """Resize every split to ``size x size`` (bilinear, antialiased); a no-op at the same size."""
    if data.x_train.shape[-1] == size and data.x_train.shape[-2] == size:
        return data

    def resize(x: Tensor) -> Tensor:
        return F.interpolate(x, size=(size, size), mode="bilinear", antialias=True)

    return DCNData(
        resize(data.x_train),
        data.y_train,
        resize(data.x_val),
        data.y_val,
        resize(data.x_test),
        data.y_test,
        data.num_classes,
    )


def augment(x: Tensor, shift: float = 0.125, flip: bool = True, generator=None) -> Tensor:
    """DCN's training augmentation on a batch ``(N, C, H, W)``.

    Random translation by up to ``round(shift·H)`` / ``round(shift·W)`` pixels with
    edge-replicating fill (Keras ``fill_mode='nearest'``; integer shifts, i.e. replicate-pad and
    random crop) and, if ``flip``, a random horizontal flip. Vectorized over the batch.
    """
    n, c, h, w = x.shape
    ph, pw = round(shift * h), round(shift * w)
    padded = F.pad(x, (pw, pw, ph, ph), mode="replicate")
    dy = torch.randint(0, 2 * ph + 1, (n,), generator=generator, device=x.device)
    dx = torch.randint(0, 2 * pw + 1, (n,), generator=generator, device=x.device)
    rows = (dy[:, None] + torch.arange(h, device=x.device))[:, None, :, None]
    cols = (dx[:, None] + torch.arange(w, device=x.device))[:, None, None, :]
    batch = torch.arange(n, device=x.device)[:, None, None, None]
    channel = torch.arange(c, device=x.device)[None, :, None, None]
    out = padded[batch, channel, rows, cols]
    if flip:
        flips = torch.rand(n, generator=generator, device=x.device) < 0.5
        out = torch.where(flips[:, None, None, None], out.flip(-1), out)
    return out
