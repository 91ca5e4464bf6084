"""CKGAllCNNC: the All-CNN-C layout (Springenberg et al.) with group convolutions."""

import torch
from torch import Tensor

from ck_g_cnn.nn.activation import ReLU
from ck_g_cnn.nn.ck_g_cnn_base import CKGCNNBase
from ck_g_cnn.nn.dropout import Dropout
from ck_g_cnn.nn.pooling import GroupMaxPoolingRn

__all__ = ["ALLCNNC_WIDTHS", "CKGAllCNNC"]

ALLCNNC_WIDTHS = (96, 96, 96, 192, 192, 192, 192, 192)


class CKGAllCNNC(CKGCNNBase):
    """(B, C_in, H, W) -> (B, out_channels). Widths 96, 96, 96, 192 ×5 (× widen_factor);
    ``hidden_sizes``, ``dropout``, ``pooling`` and ``bias`` are accepted and ignored (fixed
    dropouts 0.2 / 0.5, fixed pooling). ``final_linear`` is a 1×1 group conv to out_channels,
    followed by a max over (N, H, W)."""

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
        sizes = [int(h * widen_factor) for h in ALLCNNC_WIDTHS]
        self.hidden_sizes = sizes

        def gconv(c_in, c_out, k=kernel_size, pad=True):
            return self.groupconv_impl(
                kernel_size=k,
                stride=stride,
                padding=pad,
                in_channels=c_in,
                out_channels=c_out,
                **net,
            )

        self.layers.append(Dropout(p=0.2))
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
        self.layers.append(ReLU())
        # (conv index, pool after conv, dropout 0.5 after norm)
        plan = [
            (1, True, False),
            (2, False, True),
            (3, False, False),
            (4, True, False),
            (5, False, True),
            (6, False, False),
        ]
        for j, pool, drop in plan:
            self.layers.append(gconv(sizes[j - 1], sizes[j]))
            if pool:
                self.layers.append(GroupMaxPoolingRn())
            self.append_normalisation(sizes[j])
            if drop:
                self.layers.append(Dropout(p=0.5))
            self.layers.append(ReLU())
        self.layers.append(gconv(sizes[6], sizes[7], k=1, pad=False))
        self.append_normalisation(sizes[7])
        self.layers.append(ReLU())
        self.final_linear = self.groupconv_impl(
            kernel_size=1,
            stride=1,
            padding=False,
            in_channels=sizes[7],
            out_channels=out_channels,
            **net,
        )
        self.lifting = lifting

    def forward(self, x: Tensor) -> Tensor:
        x, grid_H = self.lifting(x)
        for layer in self.layers:
            x, grid_H = layer(x, grid_H)
        x, _ = self.final_linear(x, grid_H)
        return torch.amax(x, dim=(-3, -2, -1))
