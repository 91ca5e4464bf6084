"""CIFAR-10 with two high-order convolutions (conv 3→6 k5, max pool, conv 6→16 k5, max pool,
Linear(400, 10)), trained with Lion (lr 1e-4).

layer_type: "continuous" = polynomial convolutions, "piecewise" = continuous piecewise,
"discontinuous", or "standard" (nn.Conv2d with as many channels as basis functions).

    python examples/cifar10.py                       # run_cifar10() defaults
    python examples/cifar10.py --dataset digits      # embedded digits as 3×32×32 images
"""

from __future__ import annotations

import argparse

import lightning.pytorch as pl
import torch.nn.functional as F
from high_order_layers_torch.FunctionalConvolution import (
    PiecewiseDiscontinuousPolynomialConvolution2d as PiecewiseDiscontinuousPolyConv2d,
)
from high_order_layers_torch.FunctionalConvolution import (
    PiecewisePolynomialConvolution2d as PiecewisePolyConv2d,
)
from high_order_layers_torch.FunctionalConvolution import (
    PolynomialConvolution2d as PolyConv2d,
)
from high_order_layers_torch.modules import ImageClassifier, resolve_accelerator
from omegaconf import OmegaConf
from torch import nn

classes = ("plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


class Net(ImageClassifier):
    def __init__(
        self,
        n,
        batch_size,
        segments=1,
        layer_type="continuous",
        dataset="cifar10",
        data_root=None,
        num_workers=0,
    ):
        cfg = OmegaConf.create(
            {
                "batch_size": batch_size,
                "train_fraction": 1.0,
                "dataset": dataset,
                "data_root": data_root,
                "num_workers": num_workers,
                "optimizer": {"name": "lion", "lr": 1e-4, "scheduler": None},
            }
        )
        super().__init__(cfg, size=32, channels=3)
        self.n = n
        self._layer_type = layer_type
        if layer_type == "continuous":
            self.conv1 = PolyConv2d(n, in_channels=3, out_channels=6, kernel_size=5)
            self.conv2 = PolyConv2d(n, in_channels=6, out_channels=16, kernel_size=5)
        elif layer_type == "piecewise":
            self.conv1 = PiecewisePolyConv2d(
                n, segments=segments, in_channels=3, out_channels=6, kernel_size=5
            )
            self.conv2 = PiecewisePolyConv2d(
                n, segments=segments, in_channels=6, out_channels=16, kernel_size=5
            )
        elif layer_type == "discontinuous":
            self.conv1 = PiecewiseDiscontinuousPolyConv2d(
                n, segments=segments, in_channels=3, out_channels=6, kernel_size=5
            )
            self.conv2 = PiecewiseDiscontinuousPolyConv2d(
                n, segments=segments, in_channels=6, out_channels=16, kernel_size=5
            )
        elif layer_type == "standard":
            width = 6 * ((n - 1) * segments + 1)
            self.conv1 = nn.Conv2d(in_channels=3, out_channels=width, kernel_size=5)
            self.conv2 = nn.Conv2d(in_channels=width, out_channels=16, kernel_size=5)
        else:
            raise ValueError(
                f"layer_type={layer_type!r} must be continuous, piecewise, discontinuous or "
                "standard"
            )
        self.pool = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(16 * 5 * 5, 10)

    def forward(self, x):
        if self._layer_type == "standard":
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
        else:
            x = self.pool(self.conv1(x))
            x = self.pool(self.conv2(x))
        return self.fc1(x.reshape(-1, 16 * 5 * 5))


def run_cifar10(
    max_epochs: int = 1,
    accelerator: str = "gpu",
    n: int = 7,
    batch_size: int = 256,
    segments: int = 4,
    layer_type: str = "piecewise",
    dataset: str = "cifar10",
    data_root=None,
    limit_train_batches=None,
):
    """Train and test; returns ``trainer.test`` results."""
    trainer = pl.Trainer(
        max_epochs=max_epochs,
        accelerator=resolve_accelerator(accelerator),
        limit_train_batches=limit_train_batches,
    )
    model = Net(
        n=n,
        batch_size=batch_size,
        segments=segments,
        layer_type=layer_type,
        dataset=dataset,
        data_root=data_root,
    )
    trainer.fit(model)
    return trainer.test(model)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="High-order convolutions on CIFAR-10")
    parser.add_argument("--max_epochs", type=int, default=1)
    parser.add_argument("--accelerator", default="gpu")
    parser.add_argument("--n", type=int, default=7)
    parser.add_argument("--batch_size", type=int, default=256)
    parser.add_argument("--segments", type=int, default=4)
    parser.add_argument("--layer_type", default="piecewise")
    parser.add_argument("--dataset", default="cifar10", choices=["cifar10", "digits"])
    parser.add_argument("--data_root", default=None)
    parser.add_argument("--limit_train_batches", type=int, default=None)
    print("result", run_cifar10(**vars(parser.parse_args())))
