"""CIFAR-100 with a :class:`ClassificationNet` built from the ``net`` config group.

python examples/cifar100.py max_epochs=1
python examples/cifar100.py dataset=digits data.classes=10 max_epochs=1
"""

from __future__ import annotations

import os

import hydra
import lightning.pytorch as pl
from high_order_layers_torch.modules import ClassificationNet, image_splits, resolve_accelerator
from omegaconf import DictConfig, OmegaConf
from torch.utils.data import DataLoader


class Cifar100DataModule(pl.LightningDataModule):
    """Train / val (train_fraction of the 50 000 training images, seed 1) / test loaders."""

    def __init__(
        self,
        data_dir=None,
        batch_size: int = 32,
        train_fraction: float = 0.9,
        num_workers: int = 0,
        dataset: str = "cifar100",
    ):
        super().__init__()
        self._data_dir = data_dir
        self._batch_size = batch_size
        self._train_fraction = train_fraction
        self._num_workers = num_workers
        self._dataset = dataset
        self._splits = None

    def setup(self, stage=None):
        if self._splits is None:
            self._splits = image_splits(
                self._dataset, self._data_dir, self._train_fraction, size=32, channels=3
            )

    def _loader(self, index, shuffle):
        return DataLoader(
            self._splits[index],
            batch_size=self._batch_size,
            shuffle=shuffle,
            num_workers=self._num_workers,
        )

    def train_dataloader(self):
        return self._loader(0, True)

    def val_dataloader(self):
        return self._loader(1, False)

    def test_dataloader(self):
        return self._loader(2, False)


def cifar100(cfg: DictConfig):
    """Train and test; returns ``trainer.test`` results."""
    print(OmegaConf.to_yaml(cfg))
    print(f"Working directory : {os.getcwd()}")
    datamodule = Cifar100DataModule(
        data_dir=cfg.get("data_root", None),
        batch_size=cfg.data.batch_size,
        num_workers=cfg.data.num_workers,
        dataset=cfg.get("dataset", "cifar100"),
    )
    trainer = pl.Trainer(
        max_epochs=cfg.max_epochs,
        accelerator=resolve_accelerator(cfg.accelerator),
        limit_train_batches=cfg.get("limit_train_batches", None),
    )
    model = ClassificationNet(cfg)
    trainer.fit(model, datamodule=datamodule)
    return trainer.test(model, datamodule=datamodule)


@hydra.main(config_path="../config", config_name="cifar100_config", version_base="1.3")
def run(cfg: DictConfig):
    print("result", cifar100(cfg=cfg))


if __name__ == "__main__":
    run()
