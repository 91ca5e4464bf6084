"""Group convolution separable over H and over channels: k_oi(x, h) = k^H_oi(h) k^R_o(x)."""

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

__all__ = ["GroupConvSeparable"]


class GroupConvSeparable(GroupConvBase):
    """(B, C_in, N_in, H, W) -> ((B, C_out, N_out, H', W'), elements): a 1×1 conv over
    (channel, element) with K_H [C_out·N_out, C_in·N_in], then a depthwise k×k conv with the
    transformed spatial kernel K_R [C_out·N_out, 1, k, k] (paper Eq. 10)."""

    kernels = {
        SO2: SE2GroupKernelSeparable,
        Rplus: R2xRplusGroupKernelSeparable,
        SO2xRplus: Sim2GroupKernelSeparable,
    }
    kernel_fixes = ("fix_unit_kernel_grid", "fix_sim2_mask")

    def forward(self, x: Tensor, grid_H: Tensor, sampled_group_elements: Tensor | None = None):
        if sampled_group_elements is None:
            sampled_group_elements = self.sample_elements()
        kernels_H, kernels_R = self.kernel.sample(
            *self.kernel_arguments(grid_H, sampled_group_elements)
        )
        n_out, n_in, k = sampled_group_elements.shape[0], grid_H.shape[0], self.kernel_size
        channels = self.out_channels * n_out
        y = F.conv2d(x.flatten(1, 2), kernels_H.reshape(channels, self.in_channels * n_in, 1, 1))
        y = gF.grouped_conv2d(
            y,
            kernels_R.reshape(channels, 1, k, k),
            groups=channels,
            padding=self.padding,
            stride=self.stride,
        )
        return self.to_group_map(y, self.out_channels, n_out), sampled_group_elements
