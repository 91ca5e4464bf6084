"""Spatial max pooling of group feature maps on (x, grid_H) pairs."""

from torch import Tensor, nn

import ck_g_cnn.nn.functional as gF

__all__ = ["AdaptiveGroupMaxPooling", "GroupMaxPoolingRn"]


class GroupMaxPoolingRn(nn.Module):
    """[B, C, N, H, W] -> [B, C, N, ⌊H/2⌋, ⌊W/2⌋] (kernel 2, stride 2 by default)."""

    def __init__(self, kernel_size: int = 2, stride_Rn: int = 2) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride_Rn = stride_Rn

    def forward(self, x: Tensor, grid_H):
        return gF.group_max_pooling_Rn(x, self.kernel_size, self.stride_Rn), grid_H

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride_Rn={self.stride_Rn}"


class AdaptiveGroupMaxPooling(nn.Module):
    """[B, C, N, H, W] -> [B, C, N, s, s], adaptive spatial max."""

    def __init__(self, output_size: int = 1) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Tensor, grid_H):
        return gF.adaptive_group_max_pooling_Rn(x, self.output_size), grid_H
