"""MNIST with two high-order convolutions and a linear (or high-order) classifier.

python examples/mnist.py max_epochs=1 train_fraction=0.1 layer_type=continuous2d n=4 segments=2
python examples/mnist.py dataset=digits     # the embedded digits, no download needed
"""

from __future__ import annotations

import os

import hydra
import lightning.pytorch as pl
import torch.nn.functional as F
from high_order_layers_torch.layers import (
    MaxAbsNormalizationND,
    MaxCenterNormalizationND,
    high_order_convolution_layers,
    high_order_fc_layers,
)
from high_order_layers_torch.modules import ImageClassifier, resolve_accelerator
from lightning.pytorch.callbacks import LearningRateMonitor
from omegaconf import DictConfig, OmegaConf
from torch import nn

normalization = {
    "max_abs": MaxAbsNormalizationND,
    "max_center": MaxCenterNormalizationND,
}


def feature_size(kernel_size: int, double: bool, size: int = 28) -> int:
    """Side length after the convolutions (valid padding) and the two 2×2 average pools."""
    convs = [2, 2] if double else [1, 1]
    for count in convs:
        size = (size - count * (kernel_size - 1)) // 2
    return size


class Net(ImageClassifier):
    """conv1 → [conv15] → pool → norm → conv2 → [conv25] → pool → norm → fc1 (spec §10.3)."""

    def __init__(self, cfg: DictConfig):
        super().__init__(cfg)
        self.save_hyperparameters(OmegaConf.to_container(cfg, resolve=True))
        self._cfg = cfg
        self._layer_type = cfg.layer_type
        first, second = cfg.channels[0], cfg.channels[1]
        if self._layer_type == "standard":
            self.conv1 = nn.Conv2d(in_channels=1, out_channels=first, kernel_size=5)
            self.conv2 = nn.Conv2d(in_channels=first, out_channels=second, kernel_size=5)
        else:
            common = dict(
                layer_type=self._layer_type,
                n=cfg.n,
                kernel_size=cfg.kernel_size,
                segments=cfg.segments,
            )
            self.conv1 = high_order_convolution_layers(in_channels=1, out_channels=first, **common)
            if cfg.double is True:
                self.conv15 = high_order_convolution_layers(
                    in_channels=first, out_channels=first, **common
                )
            self.conv2 = high_order_convolution_layers(
                in_channels=first, out_channels=second, **common
            )
            if cfg.double is True:
                self.conv25 = high_order_convolution_layers(
                    in_channels=second, out_channels=second, **common
                )
        self.normalize = normalization[cfg.normalization]()
        self.pool = nn.AvgPool2d(2, 2)
        kernel = 5 if self._layer_type == "standard" else cfg.kernel_size
        last_layer_size = feature_size(kernel, cfg.double is True) ** 2 * second
        if cfg.output_layer_type == "linear":
            self.fc1 = nn.Linear(last_layer_size, 10)
        else:
            output_layer_type = (
                cfg.output_layer_type if cfg.output_layer_type != "auto" else cfg.layer_type[:-2]
            )
            self.fc1 = high_order_fc_layers(
                layer_type=output_layer_type,
                n=cfg.n,
                in_features=last_layer_size,
                out_features=10,
                segments=cfg.segments,
                length=2.0,
                periodicity=None,
            )

    def forward(self, x):
        if self._layer_type == "standard":
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
        elif self._cfg.double is False:
            x = self.normalize(self.pool(self.conv1(x)))
            x = self.normalize(self.pool(self.conv2(x)))
        else:
            x = self.normalize(self.conv1(x))
            x = self.normalize(self.pool(self.conv15(x)))
            x = self.normalize(self.conv2(x))
            x = self.normalize(self.pool(self.conv25(x)))
        return self.fc1(x.reshape(x.shape[0], -1))


def mnist(cfg: DictConfig):
    """Train and test; returns ``trainer.test`` results (list of dicts)."""
    print(OmegaConf.to_yaml(cfg))
    print(f"Working directory : {os.getcwd()}")
    trainer = pl.Trainer(
        max_epochs=cfg.max_epochs,
        accelerator=resolve_accelerator(cfg.accelerator),
        callbacks=[LearningRateMonitor(logging_interval="step")],
        limit_train_batches=cfg.get("limit_train_batches", None),
    )
    model = Net(cfg)
    trainer.fit(model)
    return trainer.test(model)


@hydra.main(config_path="../config", config_name="mnist_config")
def run(cfg: DictConfig):
    print("result", mnist(cfg))


if __name__ == "__main__":
    run()
