"""CKGCNN: lifting, plain group convs with pooling, a final group conv, MLP head."""

from ck_g_cnn.nn.activation import ReLU
from ck_g_cnn.nn.ck_g_cnn_base import CKGCNNBase
from ck_g_cnn.nn.pooling import GroupMaxPoolingRn

__all__ = ["CKGCNN"]


class CKGCNN(CKGCNNBase):
    """(B, C_in, H, W) -> (B, out_channels). Layers: norm, pool, relu; per consecutive pair of
    hidden sizes a group conv (padded), norm, [pool], relu; a final group conv with kernel
    spatial_in_size // 2^len(hidden_sizes) (no padding), norm, relu. ``dropout`` and ``bias``
    are accepted and ignored (as in the original)."""

    def __init__(
        self,
        group,
        in_channels,
        out_channels,
        spatial_in_size,
        implementation,
        num_group_elem,
        kernel_size,
        hidden_sizes,
        ck_net_num_hidden,
        ck_net_hidden_size,
        ck_net_implementation,
        ck_net_first_omega_0,
        ck_net_omega_0,
        dropout,
        pooling,
        bias,
        sampling_method,
        normalisation,
        stride,
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
            padding=True,
            stride=1,
            in_channels=in_channels,
            out_channels=sizes[0],
            **net,
        )
        self.append_normalisation(sizes[0])
        self.layers.extend([GroupMaxPoolingRn(), ReLU()])
        for c_in, c_out in zip(sizes[:-1], sizes[1:], strict=True):
            self.layers.append(
                self.groupconv_impl(
                    kernel_size=kernel_size,
                    stride=stride,
                    padding=True,
                    in_channels=c_in,
                    out_channels=c_out,
                    **net,
                )
            )
            self.append_normalisation(c_out)
            if pooling:
                self.layers.append(GroupMaxPoolingRn())
            self.layers.append(ReLU())
        self.layers.append(
            self.groupconv_impl(
                kernel_size=spatial_in_size // 2 ** len(hidden_sizes),
                stride=1,
                padding=False,
                in_channels=sizes[-1],
                out_channels=sizes[-1],
                **net,
            )
        )
        self.append_normalisation(sizes[-1])
        self.layers.append(ReLU())
        self.lifting = lifting
