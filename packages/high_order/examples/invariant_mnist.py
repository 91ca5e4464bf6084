"""Permutation-invariant MNIST: a HighOrderMLP on the 784 flattened pixels, with optional
p-refinement (train at n, interpolate into n+1, …, up to target_n).

    python examples/invariant_mnist.py mlp.n=3 mlp.layer_type=continuous optimizer=sophia
    python examples/invariant_mnist.py dataset=digits mlp.p_refine=true mlp.layer_type=continuous
"""

from __future__ import annotations

import os

import hydra
import lightning.pytorch as pl
from high_order_layers_torch.layers import normalization_layers
from high_order_layers_torch.modules import ImageClassifier, resolve_accelerator, select_optimizer
from high_order_layers_torch.networks import HighOrderMLP, interpolate_high_order_mlp
from lightning.pytorch.callbacks import LearningRateMonitor
from omegaconf import DictConfig, OmegaConf


class Net(ImageClassifier):
    """``layer`` = HighOrderMLP(784 → hidden … → 10); manual optimisation (spec §10.4)."""

    def __init__(self, cfg: DictConfig):
        super().__init__(cfg)
        self.automatic_optimization = False
        normalization = None
        if cfg.mlp.normalize is not False:
            normalization = normalization_layers[cfg.mlp.normalize]
        self.layer = HighOrderMLP(
            layer_type=cfg.mlp.layer_type,
            n=cfg.mlp.n,
            in_width=cfg.mlp.input.width,
            out_width=cfg.mlp.output.width,
            in_segments=cfg.mlp.input.segments,
            out_segments=cfg.mlp.output.segments,
            hidden_segments=cfg.mlp.hidden.segments,
            periodicity=cfg.periodicity,
            hidden_layers=cfg.mlp.hidden.layers,
            hidden_width=cfg.mlp.hidden.width,
            normalization=normalization,
            dropout=cfg.mlp.dropout,
        )

    def forward(self, x):
        return self.layer(x.view(x.shape[0], -1))

    def training_step(self, batch, batch_idx):
        opt = self.optimizers()
        loss = self.eval_step(batch, batch_idx, "train")
        self.manual_backward(loss)
        opt.step()
        opt.zero_grad()

    def configure_optimizers(self):
        optimizer, scheduler = select_optimizer(self.parameters(), self.cfg.optimizer)
        return optimizer if scheduler is None else ([optimizer], [scheduler])


def _trainer(cfg: DictConfig, epochs: int, callbacks=None) -> pl.Trainer:
    return pl.Trainer(
        max_epochs=epochs,
        accelerator=resolve_accelerator(cfg.accelerator),
        callbacks=callbacks,
        limit_train_batches=cfg.get("limit_train_batches"),
    )


def invariant_mnist(cfg: DictConfig):
    """Train (with p-refinement if ``mlp.p_refine``) and test; returns ``trainer.test``."""
    print(OmegaConf.to_yaml(cfg))
    print(f"Working directory : {os.getcwd()}")
    if cfg.mlp.p_refine is False:
        trainer = _trainer(cfg, cfg.max_epochs, [LearningRateMonitor(logging_interval="step")])
        model = Net(cfg)
        trainer.fit(model)
    else:
        diff = cfg.mlp.target_n - cfg.mlp.n
        model = Net(cfg)
        for order in range(cfg.mlp.n, cfg.mlp.target_n):
            trainer = _trainer(cfg, cfg.max_epochs // diff)
            print(f"Training order {order}")
            trainer.fit(model)
            trainer.test(model)
            cfg.mlp.n = order + 1
            next_model = Net(cfg)
            interpolate_high_order_mlp(network_in=model.layer, network_out=next_model.layer)
            model = next_model
        trainer = _trainer(cfg, cfg.max_epochs // diff)
    result = trainer.test(model)
    print("result", result)
    return result


@hydra.main(config_path="../config", config_name="invariant_mnist")
def run(cfg: DictConfig):
    invariant_mnist(cfg)


if __name__ == "__main__":
    run()
