"""Channel projection y[o] = Σ_i x[i] W[i, o], per group element and pixel."""

import math

import torch
from torch import Tensor, nn

__all__ = ["ChannelProjection"]


class ChannelProjection(nn.Module):
    """(x [B, C_in, N, H, W], grid_H) -> ([B, C_out, N, H, W], grid_H); ``weight`` [C_in, C_out],
    kaiming-uniform init with a = √5 (bound 1/√C_out: torch takes fan-in from dim 1)."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.weight = nn.Parameter(torch.empty(in_channels, out_channels))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))

    def forward(self, x: Tensor, grid_H):
        return (x.movedim(1, -1) @ self.weight).movedim(-1, 1), grid_H

    def extra_repr(self) -> str:
        return f"in_channels={self.in_channels}, out_channels={self.out_channels}"
