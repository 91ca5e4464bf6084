"""Depthwise- and H-separable group convolution: k_oi(x, h) = w_oi k^H_o(h) k^R_o(x)."""

import torch.nn.functional as F
from torch import Tensor

import ck_g_cnn.nn.functional as gF
from ck_g_cnn.groups import SO2, Rplus, SO2xRplus
from ck_g_cnn.nn.conv.ck_g_conv import GroupConvBase
from ck_g_cnn.nn.kernels import (
    R2xRplusGroupKernelSeparable,
    SE2GroupKernelSeparable,
    Sim2GroupKernelSeparable,
)
from ck_g_cnn.nn.projection import ChannelProjection

__all__ = ["GroupConvDGSeparable"]


class GroupConvDGSeparable(GroupConvBase):
    """(B, C_in, N_in, H, W) -> ((B, C_out, N_out, H', W'), elements): channel projection, a
    1×1 conv over elements grouped by output channel (weight [C_out·N_out, N_in, 1, 1]), then a
    depthwise k×k conv (weight [C_out·N_out, 1, k, k])."""

    kernels = {
        SO2: SE2GroupKernelSeparable,
        Rplus: R2xRplusGroupKernelSeparable,
        SO2xRplus: Sim2GroupKernelSeparable,
    }
    kernel_fixes = ("fix_unit_kernel_grid", "fix_sim2_mask")
    depthwise = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.depthwise_projection = ChannelProjection(self.in_channels, self.out_channels)

    def forward(self, x: Tensor, grid_H: Tensor, sampled_group_elements: Tensor | None = None):
        if sampled_group_elements is None:
            sampled_group_elements = self.sample_elements()
        kernels_H, kernels_R = self.kernel.sample(
            *self.kernel_arguments(grid_H, sampled_group_elements)
        )
        x, _ = self.depthwise_projection(x, grid_H)
        n_out, n_in, k = sampled_group_elements.shape[0], grid_H.shape[0], self.kernel_size
        channels = self.out_channels * n_out
        y = F.conv2d(
            x.flatten(1, 2), kernels_H.reshape(channels, n_in, 1, 1), groups=self.out_channels
        )
        y = gF.grouped_conv2d(
            y,
            kernels_R.reshape(channels, 1, k, k),
            groups=channels,
            padding=self.padding,
            stride=self.stride,
        )
        return self.to_group_map(y, self.out_channels, n_out), sampled_group_elements
