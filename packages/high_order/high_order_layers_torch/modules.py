"""Training helpers shared by the examples: optimizers, accelerators, image data, a classifier.

* :func:`select_optimizer` — the examples' ``optimizer`` config group: adam / lion (+ plateau or
  exponential scheduler), sophia (official SophiaG, never given Hessian updates, as the
  examples do), sparse_lion, lbfgs.
* :func:`resolve_accelerator` — "gpu"/"cuda" fall back to "auto" when no GPU is present.
* :func:`image_splits` — (train, val, test) datasets for ``mnist`` / ``cifar10`` / ``cifar100``
  (torchvision's on-disk formats, never downloaded) or the embedded ``digits``, scaled to
  [−1, 1] like the original's ``Normalize(0.5, 0.5)``.
* :class:`ImageClassifier` — a LightningModule with the examples' loaders, cross-entropy,
  ``{train,val,test}_{loss,acc}`` logging and optimizer selection; subclasses add the model.
"""

from __future__ import annotations

import logging
from typing import Any

import lightning.pytorch as pl
import torch
import torch.nn.functional as F
from lion_pytorch import Lion
from sophia_opt import SophiaG
from torch import optim
from torch.utils.data import DataLoader, Dataset, random_split

from paramlab.data import DatasetNotFoundError, load_digits, resolve_data_root

from .sparse_optimizers import SparseLion

logger = logging.getLogger(__name__)

__all__ = [
    "resolve_accelerator",
    "select_optimizer",
    "lightning_optimizers",
    "image_splits",
    "ImageClassifier",
    "accuracy",
]

_TORCHVISION = {
    "mnist": ("MNIST", "MNIST/raw/train-images-idx3-ubyte (+ labels and t10k files)"),
    "cifar10": ("CIFAR10", "cifar-10-batches-py/data_batch_1 … test_batch"),
    "cifar100": ("CIFAR100", "cifar-100-python/train and test"),
}


def resolve_accelerator(name: str) -> str:
    """The Lightning accelerator to use: "gpu"/"cuda" become "auto" when CUDA is absent."""
    if name in ("gpu", "cuda") and not torch.cuda.is_available():
        logger.warning("accelerator=%s requested but no GPU is available: using auto", name)
        return "auto"
    return name


def select_optimizer(parameters: Any, cfg: Any) -> tuple[optim.Optimizer, Any]:
    """(optimizer, scheduler or None) from an ``optimizer`` config (name, lr, …).

    adam / lion get ReduceLROnPlateau (``scheduler: plateau``, the default), ExponentialLR
    (``exponential``) or no scheduler (``null``).
    """
    name = cfg.name
    if name == "adam":
        optimizer = optim.Adam(parameters, lr=cfg.lr)
    elif name == "lion":
        optimizer = Lion(parameters, lr=cfg.lr)
    elif name == "sophia":
        return SophiaG(parameters, lr=cfg.lr, rho=cfg.rho), None
    elif name == "sparse_lion":
        return SparseLion(parameters, lr=cfg.lr), None
    elif name == "lbfgs":
        return optim.LBFGS(parameters, lr=1, max_iter=20, history_size=100), None
    else:
        raise ValueError(
            f"Optimizer {name} not recognized: use adam, lion, sophia, sparse_lion or lbfgs"
        )
    scheduler_name = cfg.get("scheduler", "plateau")
    if scheduler_name is None:
        return optimizer, None
    if scheduler_name == "exponential":
        return optimizer, optim.lr_scheduler.ExponentialLR(optimizer, gamma=cfg.gamma)
    scheduler = optim.lr_scheduler.ReduceLROnPlateau(
        optimizer, patience=cfg.patience, factor=cfg.factor
    )
    return optimizer, scheduler


def lightning_optimizers(parameters: Any, cfg: Any, monitor: str = "val_loss") -> Any:
    """``configure_optimizers`` return value for :func:`select_optimizer`'s choice."""
    optimizer, scheduler = select_optimizer(parameters, cfg)
    if scheduler is None:
        return optimizer
    entry = {"scheduler": scheduler, "interval": "epoch", "frequency": 1}
    if isinstance(scheduler, optim.lr_scheduler.ReduceLROnPlateau):
        entry["monitor"] = monitor
    return [optimizer], [entry]


class _Scaled(Dataset):
    """Wraps a dataset of images in [0, 1] and maps them to [−1, 1]."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int):
        image, label = self.dataset[index]
        return image * 2 - 1, label


def _torchvision_split(dataset: str, root: Any, train: bool) -> Dataset:
    import torchvision
    import torchvision.transforms as transforms

    class_name, files = _TORCHVISION[dataset]
    transform = transforms.Compose(
        [transforms.ToTensor(), transforms.Normalize((0.5,) * 1, (0.5,) * 1)]
        if dataset == "mnist"
        else [transforms.ToTensor(), transforms.Normalize((0.5,) * 3, (0.5,) * 3)]
    )
    try:
        return getattr(torchvision.datasets, class_name)(
            root=str(root), train=train, download=False, transform=transform
        )
    except RuntimeError as error:
        raise DatasetNotFoundError(
            dataset,
            root,
            f"place torchvision's {class_name} files ({files}) under {root}, e.g. by running "
            f"torchvision.datasets.{class_name}(root='{root}', download=True) on a machine "
            "with network access",
        ) from error


def image_splits(
    dataset: str,
    data_root: Any = None,
    train_fraction: float = 1.0,
    size: int = 28,
    channels: int = 1,
) -> tuple[Dataset, Dataset, Dataset]:
    """(train, val, test) with the original's split: val = 1/6 of the training images
    (10 000 of MNIST's 60 000), train = int(train_fraction · the rest), drawn with seed 1."""
    root = resolve_data_root(data_root)
    if dataset == "digits":
        train = _Scaled(
            load_digits("train", root=root, size=size, channels=channels, normalize=False)
        )
        test = _Scaled(
            load_digits("test", root=root, size=size, channels=channels, normalize=False)
        )
    elif dataset in _TORCHVISION:
        train = _torchvision_split(dataset, root, True)
        test = _torchvision_split(dataset, root, False)
    else:
        raise ValueError(f"dataset={dataset!r} must be one of digits, {', '.join(_TORCHVISION)}")
    num_val = len(train) // 6
    num_train = int(train_fraction * (len(train) - num_val))
    train_subset, val_subset, _ = random_split(
        train,
        [num_train, num_val, len(train) - num_val - num_train],
        generator=torch.Generator().manual_seed(1),
    )
    return train_subset, val_subset, test


def accuracy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Fraction of argmax predictions equal to the target."""
    return (logits.argmax(dim=1) == target).float().mean()


class ImageClassifier(pl.LightningModule):
    """Base LightningModule of the image examples; subclasses define ``forward``.

    Config keys read: batch_size, train_fraction, optimizer.*, dataset, data_root,
    num_workers.
    """

    def __init__(self, cfg: Any, size: int = 28, channels: int = 1, collate_fn: Any = None):
        super().__init__()
        self.cfg = cfg
        self._batch_size = cfg.batch_size
        self._train_fraction = cfg.train_fraction
        self._size = size
        self._channels = channels
        self._collate_fn = collate_fn
        self._splits = None

    def setup(self, stage: str | None = None) -> None:
        if self._splits is None:
            self._splits = image_splits(
                self.cfg.get("dataset", "mnist"),
                self.cfg.get("data_root", None),
                self._train_fraction,
                self._size,
                self._channels,
            )

    def _loader(self, index: int, shuffle: bool) -> DataLoader:
        self.setup()
        return DataLoader(
            self._splits[index],
            batch_size=self._batch_size,
            shuffle=shuffle,
            num_workers=self.cfg.get("num_workers", 0),
            collate_fn=self._collate_fn,
        )

    def train_dataloader(self) -> DataLoader:
        return self._loader(0, True)

    def val_dataloader(self) -> DataLoader:
        return self._loader(1, False)

    def test_dataloader(self) -> DataLoader:
        return self._loader(2, False)

    def eval_step(self, batch: Any, batch_idx: int, name: str) -> torch.Tensor:
        x, y = batch
        logits = self(x)
        loss = F.cross_entropy(logits, y)
        self.log(f"{name}_loss", loss, prog_bar=True)
        self.log(f"{name}_acc", accuracy(logits, y), prog_bar=True)
        return loss

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        return self.eval_step(batch, batch_idx, "train")

    def validation_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        return self.eval_step(batch, batch_idx, "val")

    def test_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        return self.eval_step(batch, batch_idx, "test")

    def configure_optimizers(self) -> Any:
        return lightning_optimizers(self.parameters(), self.cfg.optimizer)
