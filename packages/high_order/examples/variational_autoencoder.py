"""Variational autoencoder with a high-order convolutional encoder and transposed-convolution
decoder (1×1 → 3 → 7 → 15 → 32), BatchNorm2d between layers.

    python examples/variational_autoencoder.py dataset=digits max_epochs=1

Logs to TensorBoard under ``tb_logs/vae`` with, after every training epoch, a grid of five
images decoded from random latent vectors (tag ``img``) when ``tensorboard`` is installed
(``pip install paramlab-high-order[tensorboard]``); otherwise the metrics go to a CSV file in
the same folder and no images are written.
"""

from __future__ import annotations

import os

import hydra
import lightning.pytorch as pl
import torch
from high_order_layers_torch.modules import (
    ImageClassifier,
    example_logger,
    resolve_accelerator,
    select_optimizer,
    tensorboard_available,
)
from high_order_layers_torch.networks import (
    HighOrderFullyConvolutionalNetwork,
    HighOrderFullyDeconvolutionalNetwork,
    VanillaVAE,
)
from omegaconf import DictConfig, OmegaConf
from torch import optim
from torchvision.utils import make_grid


class Net(ImageClassifier):
    """``encoder``, ``decoder`` and ``model`` = VanillaVAE(encoder, decoder) (spec §10.8)."""

    def __init__(self, cfg: DictConfig):
        super().__init__(cfg, size=32, channels=3)
        self.automatic_optimization = False
        self._M_N = cfg.M_N
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
        self.model = VanillaVAE(
            latent_dim=cfg.latent_dim, encoder=self.encoder, decoder=self.decoder
        )

    def forward(self, x):
        return self.model(x)

    def eval_step(self, batch, batch_idx, name):
        x, _ = batch
        loss = self.model.loss_function(*self(x), M_N=self._M_N)
        self.log(f"{name}_loss", loss["loss"], prog_bar=True)
        self.log(f"{name}_Reconstruction_Loss", loss["Reconstruction_Loss"], prog_bar=True)
        self.log(f"{name}_KLD", loss["KLD"], prog_bar=True)
        return loss["loss"]

    def training_step(self, batch, batch_idx):
        opt = self.optimizers()
        loss = self.eval_step(batch, batch_idx, "train")
        opt.zero_grad()
        self.manual_backward(loss)
        opt.step()
        return loss

    def configure_optimizers(self):
        cfg = self.cfg.optimizer
        if cfg.name == "adahessian":
            return select_optimizer(self.parameters(), cfg)[0]
        if cfg.name != "adam":
            raise ValueError(f"Optimizer {cfg.name} not recognized: use adam or adahessian")
        optimizer = optim.Adam(self.parameters(), lr=cfg.lr)
        if cfg.gamma is None:
            scheduler = optim.lr_scheduler.ReduceLROnPlateau(
                optimizer, patience=cfg.patience, factor=cfg.factor
            )
            return [optimizer], [{"scheduler": scheduler, "monitor": "val_loss"}]
        return [optimizer], [optim.lr_scheduler.ExponentialLR(optimizer, gamma=cfg.gamma)]


class ImageSampler(pl.Callback):
    """After every training epoch, decode 5 latent draws z ~ N(0, I) and log them as one image
    grid (tag ``img``, step = the trainer's global step) to the logger's TensorBoard writer.

    The images are mapped back from the example's Normalize(0.5, 0.5) scale to [0, 1] (the
    original undid CIFAR-100 statistics the data were never normalised with) and decoded in
    eval mode (the original decoded in training mode, so its BatchNorm running statistics
    absorbed the five samples every epoch).
    """

    def __init__(self) -> None:
        super().__init__()
        self.img_size = None
        self.num_preds = 16
        self.num_samples = 5

    def on_train_epoch_end(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, outputs: object = None
    ) -> None:
        experiment = getattr(trainer.logger, "experiment", None)
        if not hasattr(experiment, "add_image"):
            return
        was_training = pl_module.training
        pl_module.eval()
        with torch.no_grad():
            samples = pl_module.model.sample(num_samples=self.num_samples)
        pl_module.train(was_training)
        image = (make_grid(samples) * 0.5 + 0.5).clamp(0.0, 1.0).cpu()
        experiment.add_image("img", image, global_step=trainer.global_step)


def vae(cfg: DictConfig):
    """Train and test; returns ``trainer.test`` results."""
    print(OmegaConf.to_yaml(cfg))
    print(f"Working directory : {os.getcwd()}")
    callbacks = [ImageSampler()] if tensorboard_available() else []
    trainer = pl.Trainer(
        max_epochs=cfg.max_epochs,
        accelerator=resolve_accelerator(cfg.accelerator),
        limit_train_batches=cfg.get("limit_train_batches", None),
        logger=example_logger("vae"),
        callbacks=callbacks,
    )
    model = Net(cfg)
    trainer.fit(model)
    result = trainer.test(model)
    print("result", result)
    return result


@hydra.main(config_path="../config", config_name="variational_autoencoder")
def run(cfg: DictConfig):
    return vae(cfg=cfg)[0]["test_loss"]


if __name__ == "__main__":
    run()
