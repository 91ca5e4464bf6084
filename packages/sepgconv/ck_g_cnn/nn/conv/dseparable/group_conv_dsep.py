"""Depthwise-separable group convolution: k_oi(x, h) = w_oi k_o(x, h)."""

import torch.nn.functional as F
from torch import Tensor

from ck_g_cnn.groups import SO2, Rplus, SO2xRplus
from ck_g_cnn.nn.conv.ck_g_conv import GroupConvBase
from ck_g_cnn.nn.kernels import R2xRplusGroupKernel, SE2GroupKernel, Sim2GroupKernel
from ck_g_cnn.nn.projection import ChannelProjection

__all__ = ["GroupConvDSeparable"]


class GroupConvDSeparable(GroupConvBase):
    """(B, C_in, N_in, H, W) -> ((B, C_out, N_out, H', W'), elements): channel projection
    ``depthwise_projection`` (C_in -> C_out), then a conv grouped by output channel with the
    non-separable kernel of one input channel, weight [C_out·N_out, N_in, k, k]."""

    kernels = {SO2: SE2GroupKernel, Rplus: R2xRplusGroupKernel, SO2xRplus: Sim2GroupKernel}
    kernel_fixes = ("fix_unit_kernel_grid", "fix_sim2_axes")
    depthwise = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.depthwise_projection = ChannelProjection(self.in_channels, self.out_channels)

    def forward(self, x: Tensor, grid_H: Tensor, sampled_group_elements: Tensor | None = None):
        if sampled_group_elements is None:
            sampled_group_elements = self.sample_elements()
        kernels = self.kernel.sample(*self.kernel_arguments(grid_H, sampled_group_elements))
        x, _ = self.depthwise_projection(x, grid_H)
        n_out, n_in, k = sampled_group_elements.shape[0], grid_H.shape[0], self.kernel_size
        weight = kernels.reshape(self.out_channels * n_out, n_in, k, k)
        y = F.conv2d(
            x.flatten(1, 2),
            weight,
            padding=self.padding,
            stride=self.stride,
            groups=self.out_channels,
        )
        return self.to_group_map(y, self.out_channels, n_out), sampled_group_elements
