"""Normalisations of group feature maps [B, C, N, H, W] on (x, grid_H) pairs."""

import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["BatchNorm", "InstanceNorm", "LayerNorm"]


class BatchNorm(nn.Module):
    """Statistics per channel over batch, group and space (``nn.BatchNorm3d`` as ``bn``)."""

    def __init__(self, channels: int, **kwargs) -> None:
        super().__init__()
        self.bn = nn.BatchNorm3d(channels)

    def forward(self, x: Tensor, grid_H):
        return self.bn(x), grid_H


class InstanceNorm(nn.Module):
    """layer_norm over (N, H, W) per sample and channel; no parameters."""

    def __init__(self, **kwargs) -> None:
        super().__init__()

    def forward(self, x: Tensor, grid_H):
        return F.layer_norm(x, x.shape[-3:]), grid_H


class LayerNorm(nn.Module):
    """layer_norm over (C, N, H, W) per sample; no parameters."""

    def __init__(self, **kwargs) -> None:
        super().__init__()

    def forward(self, x: Tensor, grid_H):
        return F.layer_norm(x, x.shape[-4:]), grid_H
