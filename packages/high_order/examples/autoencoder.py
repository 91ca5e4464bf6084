"""Autoencoder: high-order convolutional encoder (32 → 16 → 8 → 4, global average pool),
a HighOrderMLP bottleneck with LayerNorm, and a transposed-convolution decoder
(1×1 → 3 → 7 → 15 → 32); mean-squared reconstruction loss.

    python examples/autoencoder.py dataset=digits max_epochs=1
"""

from __future__ import annotations

import os

import hydra
import lightning.pytorch as pl
import torch
import torch.nn.functional as F
from high_order_layers_torch.modules import (
    ImageClassifier,
    example_logger,
    resolve_accelerator,
    select_optimizer,
)
from high_order_layers_torch.networks import (
    HighOrderFullyConvolutionalNetwork,
    HighOrderFullyDeconvolutionalNetwork,
    HighOrderMLP,
)
from omegaconf import DictConfig, OmegaConf
from torch import nn


class Net(ImageClassifier):
    """``model`` = encoder (ends in average pooling and flatten) → ``layer`` (MLP) →
    unflatten to [B, C, 1, 1] → decoder."""

    def __init__(self, cfg: DictConfig):
        super().__init__(cfg, size=32, channels=3)
        self.automatic_optimization = False
        self.encoder = HighOrderFullyConvolutionalNetwork(
            layer_type=cfg.layer_type,
            n=cfg.encoder.n,
            channels=cfg.encoder.channels,
            segments=cfg.encoder.segments,
            kernel_size=cfg.encoder.kernel_size,
            normalization=torch.nn.BatchNorm2d,
            stride=cfg.encoder.stride,
            periodicity=cfg.encoder.periodicity,
            padding=cfg.encoder.padding,
        )
        self.decoder = HighOrderFullyDeconvolutionalNetwork(
            layer_type=cfg.layer_type,
            n=cfg.decoder.n,
            channels=cfg.decoder.channels,
            segments=cfg.decoder.segments,
            kernel_size=cfg.decoder.kernel_size,
            normalization=torch.nn.BatchNorm2d,
            stride=cfg.decoder.stride,
            periodicity=cfg.decoder.periodicity,
            padding=cfg.decoder.padding,
        )
        width = cfg.mlp.width
        self.layer = HighOrderMLP(
            layer_type=cfg.mlp.layer_type,
            n=cfg.mlp.n,
            in_width=cfg.encoder.channels[-1],
            out_width=cfg.decoder.channels[0],
            in_segments=cfg.mlp.segments,
            out_segments=cfg.mlp.segments,
            hidden_segments=cfg.mlp.segments,
            periodicity=cfg.periodicity,
            hidden_layers=cfg.mlp.layers,
            hidden_width=width,
            normalization=lambda: nn.LayerNorm(width),
        )
        self.unflatten = nn.Unflatten(1, (cfg.decoder.channels[0], 1, 1))
        self.model = nn.Sequential(self.encoder, self.layer, self.unflatten, self.decoder)

    def forward(self, x):
        return self.model(x)

    def eval_step(self, batch, batch_idx, name):
        x, _ = batch
        loss = F.mse_loss(self(x), x)
        self.log(f"{name}_loss", loss, prog_bar=True)
        return loss

    def training_step(self, batch, batch_idx):
        opt = self.optimizers()
        loss = self.eval_step(batch, batch_idx, "train")
        opt.zero_grad()
        self.manual_backward(loss)
        opt.step()
        return loss

    def configure_optimizers(self):
        optimizer, scheduler = select_optimizer(self.parameters(), self.cfg.optimizer)
        if scheduler is None:
            return optimizer
        return [optimizer], [{"scheduler": scheduler, "monitor": "val_loss"}]


def autoencoder(cfg: DictConfig):
    """Train and test; returns ``trainer.test`` results."""
    print(OmegaConf.to_yaml(cfg))
    print(f"Working directory : {os.getcwd()}")
    trainer = pl.Trainer(
        max_epochs=cfg.max_epochs,
        accelerator=resolve_accelerator(cfg.accelerator),
        limit_train_batches=cfg.get("limit_train_batches", None),
        logger=example_logger("autoencoder"),
    )
    model = Net(cfg)
    trainer.fit(model)
    result = trainer.test(model)
    print("result", result)
    return result


@hydra.main(config_path="../config", config_name="autoencoder")
def run(cfg: DictConfig):
    return autoencoder(cfg)[0]["test_loss"]


if __name__ == "__main__":
    run()
