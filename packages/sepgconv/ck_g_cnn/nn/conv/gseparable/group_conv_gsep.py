"""Group convolution separable over H only: k_oi(x, h) = k^H_oi(h) k^R_oi(x)."""

from torch import Tensor

from ck_g_cnn.groups import SO2, Rplus, SO2xRplus
from ck_g_cnn.nn.conv.ck_g_conv import GroupConvBase
from ck_g_cnn.nn.kernels import (
    R2xRplusGroupKernelGSeparable,
    SE2GroupKernelGSeparable,
    Sim2GroupKernelGSeparable,
)

__all__ = ["GroupConvGSeparable"]


class GroupConvGSeparable(GroupConvBase):
    """(B, C_in, N_in, H, W) -> ((B, C_out, N_out, H', W'), elements): the product kernel
    K[o, a, i, b] = K_H[o, a, i, b] · K_R[o, a, i] ([C_out, N_out, C_in, N_in, k, k]) in one conv2d
    (fewer kernel-net outputs per point than non-separable, same conv cost)."""

    kernels = {
        SO2: SE2GroupKernelGSeparable,
        Rplus: R2xRplusGroupKernelGSeparable,
        SO2xRplus: Sim2GroupKernelGSeparable,
    }
    kernel_fixes = ("fix_unit_kernel_grid", "fix_sim2_mask")

    def forward(self, x: Tensor, grid_H: Tensor, sampled_group_elements: Tensor | None = None):
        if sampled_group_elements is None:
            sampled_group_elements = self.sample_elements()
        kernels_H, kernels_R = self.kernel.sample(
            *self.kernel_arguments(grid_H, sampled_group_elements)
        )
        n_out, n_in, k = sampled_group_elements.shape[0], grid_H.shape[0], self.kernel_size
        kernels = kernels_R.unsqueeze(3) * kernels_H
        weight = kernels.reshape(self.out_channels * n_out, self.in_channels * n_in, k, k)
        y = self.dense_conv2d(x.flatten(1, 2), weight)
        return self.to_group_map(y, self.out_channels, n_out), sampled_group_elements
