"""Sim(2) group convolution separable over rotations, scales and the plane."""

import torch
import torch.nn.functional as F
from torch import Tensor

import ck_g_cnn.nn.functional as gF
from ck_g_cnn.groups import SO2xRplus
from ck_g_cnn.nn.conv.ck_g_conv import GroupConvBase
from ck_g_cnn.nn.kernels import Sim2GroupKernelSeparable2D

__all__ = ["GroupConvSeparable2D"]


class GroupConvSeparable2D(GroupConvBase):
    """(B, C_in, Nr_in·Ns_in, H, W) with grid (θ [Nr_in], s [Ns_in]) ->
    ((B, C_out, Nr_out·Ns_out, H', W'), (θ, s)); k_oi(x, θ, s) = k^SO2_oi(θ) k^R+_o(s) k^R_o(x):
    a 1×1 conv over (channel, rotation) for every input scale, a per-channel mix of scales,
    then a depthwise k×k conv."""

    kernels = {SO2xRplus: Sim2GroupKernelSeparable2D}

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
        y = F.conv2d(
            x.reshape(b, self.in_channels * nr_in, ns_in * h, w),
            kernels_SO2.reshape(self.out_channels * nr_out, self.in_channels * nr_in, 1, 1),
        ).view(b, self.out_channels, nr_out, ns_in, h, w)
        y = torch.einsum("bogshw,ots->bogthw", y, kernels_Rplus[:, :, 0, :, 0, 0])
        channels = self.out_channels * nr_out * ns_out
        y = gF.grouped_conv2d(
            y.reshape(b, channels, h, w),
            kernels_R.reshape(channels, 1, k, k),
            groups=channels,
            padding=self.padding,
            stride=self.stride,
        )
        return self.to_group_map(y, self.out_channels, nr_out * ns_out), (rotations, scales)
