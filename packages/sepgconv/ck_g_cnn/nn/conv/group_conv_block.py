"""Residual block of two group convolutions (the building block of ``CKGResNet``)."""

from torch import Tensor, nn

from ck_g_cnn.nn.activation import ReLU
from ck_g_cnn.nn.normalisation import BatchNorm

__all__ = ["GroupConvBlock"]


class GroupConvBlock(nn.Module):
    """(x [B, C_in, N, H, W], grid) -> (y [B, C_out, N, H', W'], grid'):
    relu(relu(bn(gconv_2(relu(bn(gconv_1(x)))))) + shortcut(x)).

    ``gconv_1`` keeps C_in and applies ``stride``; ``gconv_2`` maps C_in -> C_out. With equal
    channels both convs reuse the incoming elements and the shortcut is the identity; otherwise
    both sample their own elements and ``skip_align`` (the same implementation, kernel size 1,
    kernel-net width ck_net_hidden_size // 2) is evaluated on gconv_2's output elements.
    Normalisation is always BatchNorm, as in the original.
    """

    def __init__(
        self,
        groupconv,
        group,
        in_channels,
        out_channels,
        num_group_elem,
        kernel_size,
        ck_net_num_hidden,
        ck_net_hidden_size,
        ck_net_implementation,
        ck_net_first_omega_0,
        ck_net_omega_0,
        stride,
        sampling_method,
        **fixes,
    ) -> None:
        super().__init__()
        common = dict(
            group=group,
            num_group_elem=num_group_elem,
            ck_net_num_hidden=ck_net_num_hidden,
            ck_net_implementation=ck_net_implementation,
            ck_net_first_omega_0=ck_net_first_omega_0,
            ck_net_omega_0=ck_net_omega_0,
            sampling_method=sampling_method,
            padding=True,
            **fixes,
        )
        self.group = group
        self.gconv_1 = groupconv(
            kernel_size=kernel_size,
            in_channels=in_channels,
            out_channels=in_channels,
            ck_net_hidden_size=ck_net_hidden_size,
            stride=stride,
            **common,
        )
        self.gconv_2 = groupconv(
            kernel_size=kernel_size,
            in_channels=in_channels,
            out_channels=out_channels,
            ck_net_hidden_size=ck_net_hidden_size,
            stride=1,
            **common,
        )
        if in_channels != out_channels:
            self.skip_align = groupconv(
                kernel_size=1,
                in_channels=in_channels,
                out_channels=out_channels,
                ck_net_hidden_size=ck_net_hidden_size // 2,
                stride=stride,
                **common,
            )
        else:
            self.skip_align = None
        self.activation_1 = ReLU()
        self.activation_2 = ReLU()
        self.activation_3 = ReLU()
        self.normalisation_1 = BatchNorm(in_channels)
        self.normalisation_2 = BatchNorm(out_channels)

    def forward(self, x_0: Tensor, grid_H_0):
        if self.skip_align is not None:
            x, grid_H = self.gconv_1(x_0, grid_H=grid_H_0)
        else:
            x, grid_H = self.gconv_1(x_0, grid_H=grid_H_0, sampled_group_elements=grid_H_0)
        x, grid_H = self.normalisation_1(x, grid_H)
        x, grid_H = self.activation_1(x, grid_H)
        if self.skip_align is not None:
            x, grid_H = self.gconv_2(x, grid_H=grid_H)
        else:
            x, grid_H = self.gconv_2(x, grid_H=grid_H, sampled_group_elements=grid_H)
        x, grid_H = self.normalisation_2(x, grid_H)
        x, grid_H = self.activation_2(x, grid_H)
        if self.skip_align is not None:
            shortcut, _ = self.skip_align(x_0, grid_H=grid_H_0, sampled_group_elements=grid_H)
        else:
            shortcut = x_0
        return self.activation_3(x + shortcut, grid_H)
