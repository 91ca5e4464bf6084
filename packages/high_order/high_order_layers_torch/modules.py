"""Training helpers shared by the examples: optimizers, accelerators, image data, a classifier.

* :func:`select_optimizer` — the examples' ``optimizer`` config group: adam / lion (+ plateau or
  exponential scheduler), sophia (official SophiaG, never given Hessian updates, as the
  examples do), adahessian (:class:`~high_order_layers_torch.adahessian.Adahessian`; the
  LightningModules here then back-propagate with ``create_graph=True``), sparse_lion, lbfgs.
* :func:`resolve_accelerator` — "gpu"/"cuda" fall back to "auto" when no GPU is present.
* :func:`image_splits` — (train, val, test) datasets for ``mnist`` / ``cifar10`` / ``cifar100``
  (torchvision's on-disk formats, never downloaded) or the embedded ``digits``, scaled to
  [−1, 1] like the original's ``Normalize(0.5, 0.5)``.
* :class:`ImageClassifier` — a LightningModule with the examples' loaders, cross-entropy,
  ``{train,val,test}_{loss,acc}`` logging and optimizer selection; subclasses add the model.
* :func:`select_network`, :class:`ClassificationNet`, :class:`RegressionNet` — networks built
  from a ``net`` config group (``config/net/*.yaml``), assembled like the original from
  :class:`ClassificationMixin` / :class:`RegressionMixin` and :class:`PredictionNetMixin`.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from typing import Any

import lightning.pytorch as pl
import torch
import torch.nn.functional as F
from lion_pytorch import Lion
from omegaconf import OmegaConf
from sophia_opt import SophiaG
from torch import nn, optim
from torch.utils.data import DataLoader, Dataset, random_split
from torchmetrics import Accuracy

from paramlab.data import DatasetNotFoundError, load_digits, resolve_data_root

from .adahessian import Adahessian
from .layers import high_order_fc_layers
from .networks import (
    HighOrderFullyConvolutionalNetwork,
    HighOrderMLP,
    HighOrderTailFocusNetwork,
    LowOrderMLP,
)
from .sparse_optimizers import SparseLion

logger = logging.getLogger(__name__)

__all__ = [
    "resolve_accelerator",
    "tensorboard_available",
    "example_logger",
    "select_optimizer",
    "needs_create_graph",
    "lightning_optimizers",
    "image_splits",
    "ImageClassifier",
    "accuracy",
    "select_network",
    "ClassificationMixin",
    "RegressionMixin",
    "PredictionNetMixin",
    "ClassificationNet",
    "RegressionNet",
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


def tensorboard_available() -> bool:
    """Whether Lightning's TensorBoardLogger can write (tensorboard or tensorboardX)."""
    return any(importlib.util.find_spec(name) for name in ("tensorboard", "tensorboardX"))


def example_logger(name: str, save_dir: str = "tb_logs") -> Any:
    """The autoencoders' logger: TensorBoard under ``tb_logs/<name>`` as in the original, or a
    CSV logger in the same folder when tensorboard is not installed."""
    from lightning.pytorch.loggers import CSVLogger, TensorBoardLogger

    if tensorboard_available():
        return TensorBoardLogger(save_dir, name=name)
    logger.warning("tensorboard is not installed: %s logs its metrics to CSV", name)
    return CSVLogger(save_dir, name=name)


def needs_create_graph(name: str) -> bool:
    """Whether the optimizer ``name`` needs ``backward(create_graph=True)`` (AdaHessian's
    Hessian-vector products differentiate the gradient)."""
    return name == "adahessian"


def select_optimizer(parameters: Any, cfg: Any) -> tuple[optim.Optimizer, Any]:
    """(optimizer, scheduler or None) from an ``optimizer`` config (name, lr, …).

    adam / lion get ReduceLROnPlateau (``scheduler: plateau``, the default), ExponentialLR
    (``exponential``) or no scheduler (``null``). adahessian reads betas, eps, weight_decay
    and hessian_power (defaults: ``config/optimizer/adahessian.yaml``'s values).
    """
    name = cfg.name
    if name == "adahessian":
        optimizer = Adahessian(
            parameters,
            lr=cfg.lr,
            betas=tuple(cfg.get("betas", (0.9, 0.999))),
            eps=cfg.get("eps", 1e-4),
            weight_decay=cfg.get("weight_decay", 0.0),
            hessian_power=cfg.get("hessian_power", 1.0),
        )
        return optimizer, None
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
            f"Optimizer {name} not recognized: use adam, lion, sophia, adahessian, sparse_lion "
            "or lbfgs"
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


def _original_cwd_path(path: Any) -> Any:
    """A relative ``data_root`` given on a Hydra command line is relative to where the command
    was started, not to Hydra's run folder."""
    if path is None or str(path) == "" or os.path.isabs(str(path)):
        return path
    from hydra.core.hydra_config import HydraConfig
    from hydra.utils import to_absolute_path

    return to_absolute_path(str(path)) if HydraConfig.initialized() else path


def image_splits(
    dataset: str,
    data_root: Any = None,
    train_fraction: float = 1.0,
    size: int = 28,
    channels: int = 1,
) -> tuple[Dataset, Dataset, Dataset]:
    """(train, val, test) with the original's split: val = 1/6 of the training images
    (10 000 of MNIST's 60 000), train = int(train_fraction · the rest), drawn with seed 1."""
    root = resolve_data_root(_original_cwd_path(data_root))
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

    def backward(self, loss: torch.Tensor, *args: Any, **kwargs: Any) -> None:
        """Automatic and manual (``manual_backward``) optimisation both land here."""
        if needs_create_graph(self.cfg.optimizer.name):
            kwargs.setdefault("create_graph", True)
        super().backward(loss, *args, **kwargs)


def select_network(cfg: Any, device: str | None = None) -> nn.Module:
    """The model of ``cfg.net``: ``model_type`` high_order_input | high_order |
    high_order_conv | high_order_tail_focus, and high_order_conv2d (images: BatchNorm2d,
    global average pooling, Linear to ``out_features``). ``net.normalize`` selects
    LazyBatchNorm1d; like the original, the convolutional networks call it with the channel
    count as its first argument, which sets eps = channels, and high_order_input takes its
    output width from the top-level ``output.width``."""
    net = cfg.net
    normalization = torch.nn.LazyBatchNorm1d if net.normalize is True else None
    if net.model_type == "high_order_input":
        layers = [
            high_order_fc_layers(
                layer_type=net.layer_type,
                n=net.n,
                in_features=net.input.width,
                out_features=net.hidden.width,
                segments=net.input.segments,
            )
        ]
        if normalization is not None:
            layers.append(normalization())
        layers.append(
            LowOrderMLP(
                in_width=net.hidden.width,
                out_width=cfg.output.width,
                hidden_width=net.hidden.width,
                hidden_layers=net.hidden.layers - 1,
                non_linearity=torch.nn.ReLU(),
                normalization=normalization,
            )
        )
        return nn.Sequential(*layers)
    if net.model_type == "high_order":
        return HighOrderMLP(
            layer_type=net.layer_type,
            n=net.n,
            n_in=net.n_in,
            n_hidden=net.n_in,
            n_out=net.n_out,
            in_width=net.input.width,
            in_segments=net.input.segments,
            out_width=net.output.width,
            out_segments=net.output.segments,
            hidden_width=net.hidden.width,
            hidden_layers=net.hidden.layers,
            hidden_segments=net.hidden.segments,
            normalization=normalization,
        )
    common = dict(
        layer_type=net.layer_type,
        n=net.n,
        channels=net.channels,
        segments=net.segments,
        kernel_size=net.kernel_size,
        rescale_output=False,
        periodicity=net.periodicity,
        stride=net.stride,
    )
    if net.model_type == "high_order_conv":
        conv = HighOrderFullyConvolutionalNetwork(
            normalization=torch.nn.LazyBatchNorm1d, pooling=None, **common
        )
        return nn.Sequential(conv, torch.nn.LazyLinear(out_features=net.out_features))
    if net.model_type == "high_order_conv2d":
        conv = HighOrderFullyConvolutionalNetwork(
            normalization=torch.nn.BatchNorm2d,
            pooling="2d",
            padding=net.get("padding", 0),
            **common,
        )
        return nn.Sequential(conv, nn.Linear(net.channels[-1], net.out_features))
    if net.model_type == "high_order_tail_focus":
        tail_focus = HighOrderTailFocusNetwork(
            normalization=torch.nn.LazyBatchNorm1d, focus=net.focus, **common
        )
        widths, output_sizes = tail_focus.compute_sizes(net.features)
        logger.info("TailFocusNetwork widths %s output_sizes %s", widths, output_sizes)
        return nn.Sequential(tail_focus, torch.nn.LazyLinear(out_features=net.out_features))
    raise ValueError(
        f"Unrecognized model_type {net.model_type}: use high_order, high_order_input, "
        "high_order_conv, high_order_conv2d or high_order_tail_focus"
    )


class ClassificationMixin:
    """``eval_step(batch, name)``: ``self.loss`` on the logits and the flattened targets, logs
    ``{name}_loss`` and ``{name}_acc``."""

    def eval_step(self, batch: Any, name: str) -> torch.Tensor:
        x, y = batch
        logits = self(x)
        loss = self.loss(logits, y.flatten())
        self.log(f"{name}_loss", loss, prog_bar=True)
        self.log(f"{name}_acc", accuracy(logits, y.flatten()), prog_bar=True)
        return loss


class RegressionMixin:
    """``eval_step(batch, name)``: ``self.loss`` on the flattened prediction and target, logs
    ``{name}_loss``."""

    def eval_step(self, batch: Any, name: str) -> torch.Tensor:
        x, y = batch
        loss = self.loss(self(x).flatten(), y.flatten())
        self.log(f"{name}_loss", loss, prog_bar=True)
        return loss


class PredictionNetMixin:
    """forward = ``self.model``; train/val/test steps call ``eval_step`` with their name;
    optimizers from ``self.cfg.optimizer`` (:func:`select_optimizer`, plateau scheduler on
    ``train_loss``); back-propagation with ``create_graph=True`` for adahessian."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        return self.eval_step(batch, "train")

    def validation_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        return self.eval_step(batch, "val")

    def test_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        return self.eval_step(batch, "test")

    def configure_optimizers(self) -> Any:
        return lightning_optimizers(self.parameters(), self.cfg.optimizer, monitor="train_loss")

    def backward(self, loss: torch.Tensor, *args: Any, **kwargs: Any) -> None:
        if needs_create_graph(self.cfg.optimizer.name):
            kwargs.setdefault("create_graph", True)
        super().backward(loss, *args, **kwargs)


class ClassificationNet(ClassificationMixin, PredictionNetMixin, pl.LightningModule):
    """``model`` = select_network(cfg), cross-entropy; ``accuracy`` is the original's (unused)
    torchmetrics Accuracy over ``cfg.data.classes``."""

    def __init__(self, cfg: Any):
        super().__init__()
        self.save_hyperparameters(OmegaConf.to_container(cfg, resolve=True))
        self.cfg = cfg
        self.model = select_network(cfg)
        self.loss = nn.CrossEntropyLoss()
        self.accuracy = Accuracy(top_k=1, task="multiclass", num_classes=cfg.data.classes)


class RegressionNet(RegressionMixin, PredictionNetMixin, pl.LightningModule):
    """``model`` = select_network(cfg), mean-squared error."""

    def __init__(self, cfg: Any):
        super().__init__()
        self.save_hyperparameters(OmegaConf.to_container(cfg, resolve=True))
        self.cfg = cfg
        self.model = select_network(cfg)
        self.loss = F.mse_loss
