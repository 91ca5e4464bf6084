"""Sim(2) group convolution separable over rotations, scales and the plane, per channel pair."""

import torch
from torch import Tensor

import ck_g_cnn.nn.functional as gF
from ck_g_cnn.groups import SO2xRplus
from ck_g_cnn.nn.conv.ck_g_conv import GroupConvBase
from ck_g_cnn.nn.kernels import Sim2GroupKernelGSeparable2D

__all__ = ["GroupConvGSeparable2D"]


class GroupConvGSeparable2D(GroupConvBase):
    """(B, C_in, Nr_in·Ns_in, H, W) -> ((B, C_out, Nr_out·Ns_out, H', W'), (θ, s));
    k_oi(x, θ, s) = k^SO2_oi(θ) k^R+_oi(s) k^R_oi(x): contract rotations and scales keeping
    the input channel, then a conv grouped by (o, θ, s) with C_in inputs per group."""

    kernels = {SO2xRplus: Sim2GroupKernelGSeparable2D}

    def forward(self, x: Tensor, grid_H, sampled_group_elements=None):
        grid_SO2, grid_Rplus = grid_H
        if sampled_group_elements is None:
            sampled_group_elements = self.group.sample(
                num_elements=self.num_group_elem, method=self.sampling_method, separable=True
            )
        rotations, scales = sampled_group_elements
        kernels_SO2, kernels_Rplus, kernels_R = self.kernel.sample(
            grid_SO2=grid_SO2,
            grid_Rplus=grid_Rplus,
            sampled_elem_SO2=rotations,
            sampled_elem_Rplus=scales,
        )
        b, h, w = x.shape[0], x.shape[-2], x.shape[-1]
        nr_in, ns_in = grid_SO2.shape[0], grid_Rplus.shape[0]
        nr_out, ns_out, k = rotations.shape[0], scales.shape[0], self.kernel_size
        x = x.reshape(b, self.in_channels, nr_in, ns_in, h, w)
        y = torch.einsum("birshw,ogir->bogishw", x, kernels_SO2[..., 0, 0])
        y = torch.einsum("bogishw,otis->bogtihw", y, kernels_Rplus[..., 0, 0])
        groups = self.out_channels * nr_out * ns_out
        y = gF.grouped_conv2d(
            y.reshape(b, groups * self.in_channels, h, w),
            kernels_R.reshape(groups, self.in_channels, k, k),
            groups=groups,
            padding=self.padding,
            stride=self.stride,
        )
        return self.to_group_map(y, self.out_channels, nr_out * ns_out), (rotations, scales)
