"""Lifting convolution R² -> G: correlate the image with one transformed kernel per element."""

import torch.nn.functional as F
from torch import Tensor

from ck_g_cnn.groups import SO2, Rplus, SO2xRplus
from ck_g_cnn.nn.conv.ck_g_conv import ContinuousKernelGroupConv, select_kernel
from ck_g_cnn.nn.kernels import R2xRPlusLiftingKernel, SE2LiftingKernel, Sim2LiftingKernel

__all__ = ["LiftingConv"]

LIFTING_KERNELS = {
    SO2: SE2LiftingKernel,
    Rplus: R2xRPlusLiftingKernel,
    SO2xRplus: Sim2LiftingKernel,
}


class LiftingConv(ContinuousKernelGroupConv):
    """(B, C_in, H, W) -> ((B, C_out, N, H', W'), elements [N(, 2)]);
    y_o(x, h_a) = Σ_i Σ_p K_L[o, a, i, p] f_i(x + p), K_L = k(h_a⁻¹ p)/|det h_a| (Eq. 6)."""

    def __init__(
        self,
        group,
        kernel_size,
        in_channels,
        out_channels,
        num_group_elem,
        ck_net_num_hidden,
        ck_net_hidden_size,
        ck_net_implementation,
        ck_net_first_omega_0,
        ck_net_omega_0,
        sampling_method,
        stride,
        padding,
        **fixes,
    ) -> None:
        super().__init__(
            in_channels,
            out_channels,
            group,
            num_group_elem,
            kernel_size,
            sampling_method,
            padding,
            stride,
            **fixes,
        )
        kernel_cls = select_kernel(group, LIFTING_KERNELS, type(self).__name__)
        self.kernel = kernel_cls(
            group=group,
            kernel_size=kernel_size,
            in_channels=in_channels,
            out_channels=out_channels,
            ck_net_num_hidden=ck_net_num_hidden,
            ck_net_hidden_size=ck_net_hidden_size,
            ck_net_implementation=ck_net_implementation,
            ck_net_first_omega_0=ck_net_first_omega_0,
            ck_net_omega_0=ck_net_omega_0,
            sampling_method=sampling_method,
            fix_unit_kernel_grid=self.fix_unit_kernel_grid,
        )

    def lift(self, x: Tensor, elements: Tensor) -> Tensor:
        kernels = self.kernel.sample(elements)
        n, k = elements.shape[0], self.kernel_size
        weight = kernels.reshape(self.out_channels * n, self.in_channels, k, k)
        y = F.conv2d(x, weight, padding=self.padding, stride=self.stride)
        return self.to_group_map(y, self.out_channels, n)

    def forward(self, x: Tensor, sampled_group_elements: Tensor | None = None):
        if sampled_group_elements is None:
            sampled_group_elements = self.sample_elements()
        return self.lift(x, sampled_group_elements), sampled_group_elements
