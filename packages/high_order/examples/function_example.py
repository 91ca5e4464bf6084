"""Approximate a 1-d function with one high-order link (one input, one output, no hidden layer).

Target f(x) = 0.5·cos(1.5·3.14159 / (|x| + 0.25)); 1000 points U(−1, 1), batch 4. Plots the
fits of discontinuous, continuous, polynomial and Fourier links (README figures).

    python examples/function_example.py            # epochs=20 segments=5
"""

from __future__ import annotations

import os

import hydra
import lightning.pytorch as pl
import matplotlib
import numpy as np
import torch
from high_order_layers_torch.layers import high_order_fc_layers
from high_order_layers_torch.modules import needs_create_graph, select_optimizer
from omegaconf import DictConfig
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, Dataset


class simple_func:
    def __init__(self):
        self.factor = 1.5 * 3.14159
        self.offset = 0.25

    def __call__(self, x):
        return 0.5 * torch.cos(self.factor * 1.0 / (abs(x) + self.offset))


xTest = torch.from_numpy(np.arange(1000) / 500.0 - 1.0).view(-1, 1)
yTest = simple_func()(xTest).view(-1, 1)


class FunctionDataset(Dataset):
    """1000 points x ~ U(−1, 1) with y = simple_func(x)."""

    def __init__(self, transform=None):
        self.x = (2.0 * torch.rand(1000) - 1.0).view(-1, 1)
        self.y = simple_func()(self.x)
        self.transform = transform

    def __len__(self):
        return len(self.x)

    def __getitem__(self, idx):
        return self.x[idx], self.y[idx]


_LEARNING_RATES = {
    "adam": 0.001,
    "lion": 0.001,
    "sophia": 0.01,
    "sparse_lion": 0.001,
    "adahessian": 1.0,
}


class PolynomialFunctionApproximation(pl.LightningModule):
    """One fc layer 1 -> 1 (or a small ReLU MLP for "standard", product units for "product")."""

    def __init__(self, n, segments=2, function=True, periodicity=None, opt: str = "sparse_lion"):
        super().__init__()
        self.automatic_optimization = False
        self.optimizer = opt
        if function == "standard":
            self.layer = nn.Sequential(
                nn.Linear(1, n), nn.ReLU(), nn.Linear(n, n), nn.ReLU(), nn.Linear(n, 1)
            )
        elif function == "product":
            self.layer = nn.Sequential(
                high_order_fc_layers(layer_type=function, in_features=1, out_features=n),
                high_order_fc_layers(layer_type=function, in_features=n, out_features=1),
            )
        else:
            self.layer = high_order_fc_layers(
                layer_type=function,
                n=n,
                in_features=1,
                out_features=1,
                segments=segments,
                length=2.0,
                periodicity=periodicity,
            )

    def forward(self, x):
        return self.layer(x.view(x.size(0), -1))

    def training_step(self, batch, batch_idx):
        opt = self.optimizers()
        x, y = batch
        loss = F.mse_loss(self(x), y)
        opt.zero_grad()
        self.manual_backward(loss)
        opt.step()
        self.log("loss", loss, prog_bar=True)
        return {"loss": loss}

    def backward(self, loss, *args, **kwargs):
        if needs_create_graph(self.optimizer):
            kwargs.setdefault("create_graph", True)
        super().backward(loss, *args, **kwargs)

    def train_dataloader(self):
        return DataLoader(FunctionDataset(), batch_size=4)

    def configure_optimizers(self):
        if self.optimizer not in _LEARNING_RATES and self.optimizer != "lbfgs":
            raise ValueError(f"Optimizer {self.optimizer} not recognized")
        cfg = DictConfig(
            {
                "name": self.optimizer,
                "lr": _LEARNING_RATES.get(self.optimizer, 1),
                "rho": 0.035,
                "scheduler": None,
            }
        )
        return select_optimizer(self.parameters(), cfg)[0]


modelSetD = [{"name": "Discontinuous", "n": n} for n in (1, 2, 4, 6)]
modelSetC = [{"name": "Continuous", "n": n} for n in (1, 2, 4, 6)]
modelSetP = [{"name": "Polynomial", "n": n} for n in (10, 20, 30)]
modelSetF = [{"name": "Fourier", "n": n} for n in (10, 20, 30)]
colorIndex = ["red", "green", "blue", "purple", "black"]
symbol = ["+", "x", "o", "v", "."]


def plot_approximation(
    function,
    model_set,
    segments,
    epochs,
    accelerator="cpu",
    periodicity=None,
    plot_result=True,
    opt="sparse_lion",
    first_only=False,
):
    """Train one model per entry of ``model_set``; returns the final training losses."""
    import matplotlib.pyplot as plt

    losses = []
    for i, entry in enumerate(model_set):
        if i > 0 and first_only:
            break
        trainer = pl.Trainer(
            max_epochs=epochs,
            accelerator=accelerator,
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
        )
        model = PolynomialFunctionApproximation(
            n=entry["n"], segments=segments, function=function, periodicity=periodicity, opt=opt
        )
        trainer.fit(model)
        with torch.no_grad():
            predictions = model(xTest.float())
            losses.append(float(F.mse_loss(predictions, yTest.float())))
        if plot_result is True:
            plt.scatter(
                xTest.numpy(),
                predictions.flatten().numpy(),
                c=colorIndex[i],
                marker=symbol[i],
                label=f"{entry['name']} {entry['n']}",
            )
    if plot_result is True:
        plt.plot(xTest.numpy(), yTest.numpy(), "-", label="actual", color="black")
        plt.xlabel("x")
        plt.ylabel("y")
        plt.legend()
    return losses


PLOTS = [
    ("Piecewise Discontinuous Function Approximation", "discontinuous", modelSetD),
    ("Piecewise Continuous Function Approximation", "continuous", modelSetC),
    ("Polynomial function approximation", "polynomial", modelSetP),
    ("Fourier function approximation", "fourier", modelSetF),
]


def plot_results(
    epochs: int = 20,
    segments: int = 5,
    plot: bool = True,
    first_only: bool = False,
    optimizer="lion",
    periodicity=None,
    save_dir: str | None = None,
) -> dict[str, list[float]]:
    """The four README figures (always trained with sophia, as the original). Returns the
    test-grid MSE of every model by layer type; saves ``function_<layer>.png`` to save_dir."""
    if not plot:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = {}
    for index, (title, layer, model_set) in enumerate(PLOTS):
        plt.figure(index)
        results[layer] = plot_approximation(
            layer,
            model_set,
            segments,
            epochs,
            accelerator="cpu",
            periodicity=periodicity,
            opt="sophia",
            first_only=first_only,
        )
        plt.title(title)
        if save_dir is not None:
            os.makedirs(save_dir, exist_ok=True)
            plt.savefig(os.path.join(save_dir, f"function_{layer}.png"), dpi=80)
    if plot is True:
        plt.show()
    plt.close("all")
    return results


@hydra.main(config_path="../config", config_name="function")
def run(cfg: DictConfig):
    results = plot_results(
        epochs=cfg.epochs,
        segments=cfg.segments,
        first_only=False,
        optimizer=cfg.optimizer,
        plot=cfg.get("plot", True),
        save_dir=cfg.get("save_dir", None),
    )
    for layer, losses in results.items():
        sizes = [entry["n"] for entry in dict((p[1], p[2]) for p in PLOTS)[layer]]
        for n, loss in zip(sizes, losses, strict=False):
            print(f"function {layer} n={n}: test-grid MSE {loss:.5f}")


if __name__ == "__main__":
    run()
