"""sepgconv's parameterizations for ``paramlab ablate`` (entry point ``paramlab.layers``).

``ckgconv-separable`` / ``ckgconv-nonseparable``: every backbone conv is an SE(2) group
convolution with continuous SIREN kernels on 4 discretised rotations (p4-like), separable over
H and channels or not. Features carry a group axis (B, C, 4, H, W): the stem is a lifting conv,
norms are BatchNorm3d, and the exit pools over rotations (max, invariant) and space (mean).
The backbone passes ``bias=False``; the original's convs have no bias either.
"""

from __future__ import annotations

from functools import partial

from torch import Tensor, nn

from ck_g_cnn.groups import SE2
from ck_g_cnn.nn.conv import GroupConv, GroupConvSeparable, LiftingConv
from paramlab.ablation import Parameterization

__all__ = ["GroupFeatureConv", "LiftingStem", "RotationPool", "parameterizations"]

NUM_ROTATIONS = 4
KERNEL_NET = dict(
    ck_net_num_hidden=1,
    ck_net_hidden_size=32,
    ck_net_implementation="SIREN",
    ck_net_first_omega_0=10.0,
    ck_net_omega_0=10.0,
    sampling_method="discretise",
)


class GroupFeatureConv(nn.Module):
    """(B, C_in, N, H, W) -> (B, C_out, N, H', W'): a group conv on the discretised grid."""

    def __init__(self, conv_cls, in_channels, out_channels, kernel_size, stride=1, padding=0):
        super().__init__()
        self.conv = conv_cls(
            group=SE2(),
            kernel_size=kernel_size,
            in_channels=in_channels,
            out_channels=out_channels,
            num_group_elem=NUM_ROTATIONS,
            stride=stride,
            padding=bool(padding),
            **KERNEL_NET,
        )

    def forward(self, x: Tensor) -> Tensor:
        grid = self.conv.group.sample(NUM_ROTATIONS)
        return self.conv(x, grid, grid)[0]


class LiftingStem(nn.Module):
    """(B, C_img, H, W) -> (B, C, N, H, W): a 3×3 lifting conv."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.lifting = LiftingConv(
            group=SE2(),
            kernel_size=3,
            in_channels=in_channels,
            out_channels=out_channels,
            num_group_elem=NUM_ROTATIONS,
            stride=1,
            padding=True,
            **KERNEL_NET,
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.lifting(x)[0]


class RotationPool(nn.Module):
    """(B, C, N, H, W) -> (B, C): max over rotations, mean over space."""

    def forward(self, x: Tensor) -> Tensor:
        return x.amax(dim=2).mean(dim=(-2, -1))


def _conv(in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True, *, conv_cls):
    if bias:
        raise ValueError("ck_g_cnn group convs have no bias; got bias=True")
    return GroupFeatureConv(conv_cls, in_channels, out_channels, kernel_size, stride, padding)


def parameterizations() -> list[Parameterization]:
    """SE(2) CK-G-CNN convs, separable and non-separable."""
    common = dict(
        stem=LiftingStem,
        norm=nn.BatchNorm3d,
        pool=lambda channels: RotationPool(),
    )
    return [
        Parameterization(
            name=f"ckgconv-{name}",
            summary=f"SE(2) group conv, continuous SIREN kernels, {name} (Knigge et al., 2022)",
            conv=partial(_conv, conv_cls=cls),
            **common,
        )
        for name, cls in (("separable", GroupConvSeparable), ("nonseparable", GroupConv))
    ]
