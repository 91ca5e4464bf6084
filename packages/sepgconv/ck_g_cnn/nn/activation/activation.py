"""Pointwise activations on (x, grid_H) pairs."""

import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["ELU", "ReLU"]


class ReLU(nn.Module):
    """(x, grid_H) -> (relu(x), grid_H)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: Tensor, grid_H):
        return F.relu(x, inplace=self.inplace), grid_H


class ELU(nn.Module):
    """(x, grid_H) -> (elu(x), grid_H)."""

    def __init__(self, inplace: bool = False, alpha: float = 1.0) -> None:
        super().__init__()
        self.inplace = inplace
        self.alpha = alpha

    def forward(self, x: Tensor, grid_H):
        return F.elu(x, alpha=self.alpha, inplace=self.inplace), grid_H
