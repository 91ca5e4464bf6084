"""Learn XOR on [−1, 1]² with high-order links: 2 -> 2 -> 1 fc layers, or one 2-d layer.

Target −0.5 where x·y > 0, else +0.5; 1000 points U(−1, 1)²; predictions on a 100×100 grid.

    python examples/xor.py layer_type=continuous optimizer=sophia
"""

from __future__ import annotations

import math
import os

import hydra
import lightning.pytorch as pl
import matplotlib
import torch
from high_order_layers_torch.layers import high_order_fc_layers
from high_order_layers_torch.modules import needs_create_graph, select_optimizer
from omegaconf import DictConfig
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, Dataset

elements = 100
a = torch.linspace(-1, 1, elements)
b = torch.linspace(-1, 1, elements)
xv, yv = torch.meshgrid([a, b], indexing="ij")
xTest = torch.stack([xv.flatten(), yv.flatten()], dim=1)


def xor_target(data: torch.Tensor) -> torch.Tensor:
    """−0.5 where x·y > 0, else +0.5, shape [N, 1]."""
    x, y = data[:, :1], data[:, 1:]
    return torch.where(x * y > 0, -0.5 + 0 * x, 0.5 + 0 * x)


class XorDataset(Dataset):
    """1000 points (x, y) ~ U(−1, 1)²; ``nd=True`` gives them as [1, 2] (one 2-d input)."""

    def __init__(self, transform=None, nd: bool = False):
        data = torch.cat([2.0 * torch.rand(1000, 1) - 1.0, 2.0 * torch.rand(1000, 1) - 1.0], 1)
        self.z = xor_target(data)
        self.data = data.unsqueeze(1) if nd is True else data
        self.transform = transform

    def __len__(self):
        return len(self.data)

    def __getitem__(self, idx):
        return self.data[idx], self.z[idx]


class NDFunctionApproximation(pl.LightningModule):
    """2 -> 2 -> 1 fc layers, or for polynomial_2d / continuous_nd one 1 -> 1 layer on [B, 1, 2]."""

    def __init__(
        self,
        n,
        segments=2,
        layer_type="continuous",
        linear_part: float = 1.0,
        optimizer: str = "sophia",
        lr: float = 0.01,
        batch_size: int = 32,
        device="cpu",
    ):
        super().__init__()
        self.optimizer = optimizer
        self.lr = lr
        self.batch_size = batch_size
        self.layer_type = layer_type
        common = dict(segments=segments, alpha=linear_part, intialization="constant_random")
        if layer_type in ["polynomial_2d", "continuous_nd"]:
            self.model = nn.Sequential(
                high_order_fc_layers(
                    layer_type=layer_type,
                    n=[n, n],
                    in_features=1,
                    out_features=1,
                    dimensions=2,
                    **common,
                )
            )
            self.nd = True
        else:
            self.model = nn.Sequential(
                high_order_fc_layers(
                    layer_type=layer_type, n=n, in_features=2, out_features=2, **common
                ),
                high_order_fc_layers(
                    layer_type=layer_type, n=n, in_features=2, out_features=1, **common
                ),
            )
            self.nd = False

    def nd_forward(self, x):
        return self.model(x.unsqueeze(1))

    def standard_forward(self, x):
        return self.model(x)

    def forward(self, x):
        return self.nd_forward(x) if self.nd else self.standard_forward(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = F.mse_loss(self(x), y)
        self.log("loss", loss)
        return {"loss": loss}

    def backward(self, loss, *args, **kwargs):
        if needs_create_graph(self.optimizer):
            kwargs.setdefault("create_graph", True)
        super().backward(loss, *args, **kwargs)

    def train_dataloader(self):
        return DataLoader(XorDataset(), batch_size=self.batch_size)

    def configure_optimizers(self):
        if self.optimizer not in ("lion", "sophia", "adam", "adahessian"):
            raise ValueError(
                f"optimizer must be lion, sophia, adam or adahessian, got {self.optimizer}"
            )
        cfg = DictConfig({"name": self.optimizer, "lr": self.lr, "rho": 0.035, "scheduler": None})
        return select_optimizer(self.parameters(), cfg)[0]


model_set_p = [
    {"name": f"Polynomial {i + 1}", "n": i, "layer": "polynomial"} for i in range(2, 9, 2)
]
model_set_c = [{"name": f"Continuous {i + 1}", "n": i, "layer": "continuous"} for i in range(2, 6)]
model_set_d = [
    {"name": f"Discontinuous {i + 1}", "n": i, "layer": "discontinuous"} for i in range(1, 6)
]
model_set_2d = [
    {"name": f"Polynomial 2D {i + 1}", "n": i, "layer": "polynomial_2d"} for i in range(2, 10, 2)
]
model_set_c2d = [
    {"name": f"Continuous 2D {i + 1}", "n": i, "layer": "continuous_nd"} for i in range(2, 6)
]


def plot_approximation(
    model_set,
    segments,
    epochs,
    fig_start=0,
    linear_part=0.0,
    plot=True,
    optimizer="sophia",
    lr=0.01,
    batch_size=32,
    device="cpu",
):
    """Train every model of ``model_set``; returns their predictions on the 100×100 grid
    (the figure gets one panel per model)."""
    import matplotlib.pyplot as plt

    pred_set = []
    columns = math.ceil(len(model_set) / 2)
    for i, entry in enumerate(model_set):
        trainer = pl.Trainer(
            max_epochs=epochs,
            accelerator=device,
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
        )
        model = NDFunctionApproximation(
            n=entry["n"],
            segments=segments,
            layer_type=entry["layer"],
            linear_part=linear_part,
            optimizer=optimizer,
            lr=lr,
            batch_size=batch_size,
            device=device,
        )
        trainer.fit(model)
        with torch.no_grad():
            predictions = model(xTest).reshape(-1, 1)
        pred_set.append(predictions)
        if plot is True:
            plt.subplot(2, columns, i + 1)
            plt.scatter(xTest[:, 0].numpy(), xTest[:, 1].numpy(), c=predictions.flatten().numpy())
            if entry["layer"] not in ["polynomial", "polynomial_2d"]:
                plt.title(f"{entry['name']} with {segments} segments")
            else:
                plt.title(f"{entry['name']}")
    return pred_set


plot_style = {
    "continuous": model_set_c,
    "discontinuous": model_set_d,
    "polynomial": model_set_p,
    "polynomial_2d": model_set_2d,
    "continuous_nd": model_set_c2d,
}


@hydra.main(config_path="../config", config_name="xor")
def run(cfg: DictConfig):
    show = cfg.get("plot", True)
    if not show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.figure(figsize=(12, 8))
    predictions = plot_approximation(
        plot_style[cfg.layer_type],
        segments=cfg.segments,
        epochs=cfg.epochs,
        linear_part=0,
        plot=True,
        optimizer=cfg.optimizer.name,
        lr=cfg.optimizer.lr,
        batch_size=cfg.batch_size,
    )
    for entry, prediction in zip(plot_style[cfg.layer_type], predictions, strict=True):
        mse = float(F.mse_loss(prediction, xor_target(xTest)))
        print(f"xor {entry['name']} ({cfg.segments} segments): grid MSE {mse:.5f}")
    if cfg.get("save_dir", None) is not None:
        os.makedirs(cfg.save_dir, exist_ok=True)
        plt.savefig(os.path.join(cfg.save_dir, f"xor_{cfg.layer_type}.png"), dpi=80)
    if show:
        plt.show()


if __name__ == "__main__":
    run()
