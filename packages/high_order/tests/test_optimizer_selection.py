"""The examples' optimizer group (spec §11): Sophia as the examples use it (never given Hessian
updates, so a step is signed momentum plus decoupled weight decay) and the scheduler choices."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from high_order_layers_torch.modules import lightning_optimizers, select_optimizer
from omegaconf import OmegaConf

CONFIG = Path(__file__).resolve().parents[1] / "config" / "optimizer"


def test_sophia_without_hessian_updates_is_signed_momentum():
    cfg = OmegaConf.load(CONFIG / "sophia.yaml")
    p = torch.nn.Parameter(torch.tensor([0.5, -1.0, 2.0]))
    optimizer, scheduler = select_optimizer([p], cfg)
    assert scheduler is None
    g = torch.tensor([0.3, -2.0, 0.0])
    start = p.detach().clone()
    p.grad = g.clone()
    optimizer.step()
    lr, decay, beta1 = cfg.lr, 0.1, 0.965  # SophiaG's default weight decay and beta1
    expected = start * (1 - lr * decay) - lr * torch.sign((1 - beta1) * g)
    torch.testing.assert_close(p.detach(), expected)


@pytest.mark.parametrize("scheduler", ["plateau", "exponential", None])
def test_adam_and_lion_schedulers(scheduler):
    for name in ("adam", "lion"):
        cfg = OmegaConf.load(CONFIG / f"{name}.yaml")
        cfg.scheduler = scheduler
        chosen = lightning_optimizers([torch.nn.Parameter(torch.ones(2))], cfg)
        if scheduler is None:
            assert isinstance(chosen, torch.optim.Optimizer)
            continue
        (optimizer,), (entry,) = chosen
        assert optimizer.param_groups[0]["lr"] == cfg.lr
        if scheduler == "plateau":
            assert isinstance(entry["scheduler"], torch.optim.lr_scheduler.ReduceLROnPlateau)
            assert entry["monitor"] == "val_loss" and entry["scheduler"].patience == cfg.patience
        else:
            assert isinstance(entry["scheduler"], torch.optim.lr_scheduler.ExponentialLR)
            assert entry["scheduler"].gamma == cfg.gamma


def test_unknown_optimizer_lists_the_choices():
    with pytest.raises(ValueError, match="use adam, lion, sophia, adahessian"):
        select_optimizer([torch.nn.Parameter(torch.ones(1))], OmegaConf.create({"name": "sgd"}))
