"""Non-separable group convolution: one full kernel k_oi(x, h) per channel pair."""

from torch import Tensor

from ck_g_cnn.groups import SO2, Rplus, SO2xRplus
from ck_g_cnn.nn.conv.ck_g_conv import GroupConvBase
from ck_g_cnn.nn.kernels import R2xRplusGroupKernel, SE2GroupKernel, Sim2GroupKernel

__all__ = ["GroupConv"]


class GroupConv(GroupConvBase):
    """(B, C_in, N_in, H, W) -> ((B, C_out, N_out, H', W'), elements);
    y_o(x, h_a) = Σ_i Σ_b Σ_p K[o, a, i, b, p] f_i(x + p, h_b) (Eq. 7), one conv2d with weight
    [C_out·N_out, C_in·N_in, k, k]."""

    kernels = {SO2: SE2GroupKernel, Rplus: R2xRplusGroupKernel, SO2xRplus: Sim2GroupKernel}
    kernel_fixes = ("fix_unit_kernel_grid", "fix_sim2_axes")

    def forward(self, x: Tensor, grid_H: Tensor, sampled_group_elements: Tensor | None = None):
        if sampled_group_elements is None:
            sampled_group_elements = self.sample_elements()
        kernels = self.kernel.sample(*self.kernel_arguments(grid_H, sampled_group_elements))
        n_out, n_in, k = sampled_group_elements.shape[0], grid_H.shape[0], self.kernel_size
        weight = kernels.reshape(self.out_channels * n_out, self.in_channels * n_in, k, k)
        y = self.dense_conv2d(x.flatten(1, 2), weight)
        return self.to_group_map(y, self.out_channels, n_out), sampled_group_elements
