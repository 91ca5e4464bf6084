"""CKGResNet: lifting, residual group-conv blocks with pooling, a final group conv, MLP head."""

from ck_g_cnn.nn.activation import ReLU
from ck_g_cnn.nn.ck_g_cnn_base import CKGCNNBase
from ck_g_cnn.nn.conv.group_conv_block import GroupConvBlock
from ck_g_cnn.nn.dropout import Dropout
from ck_g_cnn.nn.pooling import GroupMaxPoolingRn

__all__ = ["CKGResNet"]


def final_kernel_size(spatial_in_size: int, num_hidden: int, kernel_size: int) -> int:
    """clamp(spatial_in_size // 2^(num_hidden − 1) − kernel_size, 3, 11)."""
    return min(max(spatial_in_size // 2 ** (num_hidden - 1) - kernel_size, 3), 11)


class CKGResNet(CKGCNNBase):
    """(B, C_in, H, W) -> (B, out_channels). Layers: norm, [dropout], relu; per consecutive
    pair of hidden sizes a GroupConvBlock, norm, [pool], [dropout], relu; then a group conv
    h_last -> h_last with kernel ``final_kernel_size`` (no padding), norm, relu, [dropout].
    ``bias`` is accepted and ignored (as in the original)."""

    def __init__(
        self,
        group,
        in_channels,
        out_channels,
        spatial_in_size,
        implementation,
        num_group_elem,
        kernel_size,
        bias,
        padding,
        hidden_sizes,
        ck_net_num_hidden,
        ck_net_hidden_size,
        ck_net_implementation,
        ck_net_first_omega_0,
        ck_net_omega_0,
        stride,
        dropout,
        sampling_method,
        pooling,
        normalisation,
        widen_factor=1,
        **fixes,
    ) -> None:
        super().__init__(
            in_channels=in_channels,
            out_channels=out_channels,
            spatial_in_size=spatial_in_size,
            implementation=implementation,
            kernel_size=kernel_size,
            hidden_sizes=hidden_sizes,
            normalisation=normalisation,
            widen_factor=widen_factor,
        )
        net = dict(
            group=group,
            num_group_elem=num_group_elem,
            ck_net_num_hidden=ck_net_num_hidden,
            ck_net_hidden_size=ck_net_hidden_size,
            ck_net_implementation=ck_net_implementation,
            ck_net_first_omega_0=ck_net_first_omega_0,
            ck_net_omega_0=ck_net_omega_0,
            sampling_method=sampling_method,
            **fixes,
        )
        sizes = self.hidden_sizes
        # Built before the layers (same RNG order as the original), registered after them
        # (same state_dict key order: layers, final_linear, lifting).
        lifting = self.lifting_impl(
            kernel_size=kernel_size,
            stride=1,
            in_channels=in_channels,
            out_channels=sizes[0],
            padding=padding,
            **net,
        )
        self.append_normalisation(sizes[0])
        if dropout:
            self.layers.append(Dropout(p=dropout))
        self.layers.append(ReLU())
        for c_in, c_out in zip(sizes[:-1], sizes[1:], strict=True):
            self.layers.append(
                GroupConvBlock(
                    groupconv=self.groupconv_impl,
                    kernel_size=kernel_size,
                    stride=stride,
                    in_channels=c_in,
                    out_channels=c_out,
                    **net,
                )
            )
            self.append_normalisation(c_out)
            if pooling:
                self.layers.append(GroupMaxPoolingRn())
            if dropout:
                self.layers.append(Dropout(p=dropout))
            self.layers.append(ReLU())
        # The original tests ``pooling is not None``, so the clamp applies without pooling too.
        last_kernel_size = final_kernel_size(spatial_in_size, len(hidden_sizes), kernel_size)
        self.layers.append(
            self.groupconv_impl(
                kernel_size=last_kernel_size,
                stride=1,
                in_channels=sizes[-1],
                out_channels=sizes[-1],
                padding=False,
                **net,
            )
        )
        self.append_normalisation(sizes[-1])
        self.layers.append(ReLU())
        if dropout:
            self.layers.append(Dropout(p=dropout))
        self.lifting = lifting
