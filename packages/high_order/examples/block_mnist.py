"""MNIST as a bag of pixels: every pixel (value, row, column) goes through one N-d high-order
layer with n = [3, n, n]; the class scores are summed over the 784 pixels.

    python examples/block_mnist.py layer_type=polynomial_3d n=3 segments=2 optimizer=sophia
"""

from __future__ import annotations

import os

import hydra
import lightning.pytorch as pl
import torch
from high_order_layers_torch.layers import (
    MaxAbsNormalization,
    MaxCenterNormalization,
    high_order_fc_layers,
)
from high_order_layers_torch.modules import ImageClassifier, resolve_accelerator
from lightning.pytorch.callbacks import LearningRateMonitor
from omegaconf import DictConfig, OmegaConf
from torch import nn

normalization = {
    "max_abs": MaxAbsNormalization,
    "max_center": MaxCenterNormalization,
}

grid_x, grid_y = torch.meshgrid(
    (torch.arange(28) - 13.5) / 13.5, (torch.arange(28) - 13.5) / 13.5, indexing="ij"
)
grid = torch.stack([grid_x, grid_y])


def collate_fn(batch):
    """Images [1, 28, 28] -> rows (pixel value, row coordinate, column coordinate): [B, 784, 3]."""
    inputs = [torch.cat([image, grid]).permute(1, 2, 0).reshape(-1, 3) for image, _ in batch]
    labels = torch.tensor([int(label) for _, label in batch])
    return torch.stack(inputs), labels


class Net(ImageClassifier):
    """``model`` = Sequential(N-d fc layer 1 → 10, normalisation) applied per pixel."""

    def __init__(self, cfg: DictConfig):
        super().__init__(cfg, collate_fn=collate_fn)
        self.save_hyperparameters(OmegaConf.to_container(cfg, resolve=True))
        layer = high_order_fc_layers(
            layer_type=cfg.layer_type,
            n=[3, cfg.n, cfg.n],
            segments=cfg.segments,
            in_features=1,
            out_features=10,
            intialization="constant_random",
        )
        self.model = nn.Sequential(layer, normalization[cfg.normalization]())

    def forward(self, x):
        batch_size, inputs = x.shape[:2]
        out = self.model(x.reshape(-1, 1, 3)).reshape(batch_size, inputs, -1)
        return out.sum(dim=1)


def block_mnist(cfg: DictConfig):
    """Train and test; returns ``trainer.test`` results."""
    print(OmegaConf.to_yaml(cfg))
    print(f"Working directory : {os.getcwd()}")
    trainer = pl.Trainer(
        max_epochs=cfg.max_epochs,
        accelerator=resolve_accelerator(cfg.accelerator),
        limit_train_batches=cfg.get("limit_train_batches", None),
        callbacks=[LearningRateMonitor(logging_interval="step")],
    )
    model = Net(cfg)
    trainer.fit(model)
    return trainer.test(model)


mnist = block_mnist  # the original's name of this function


@hydra.main(config_path="../config", config_name="block_mnist")
def run(cfg: DictConfig):
    print("result", block_mnist(cfg))


if __name__ == "__main__":
    run()
