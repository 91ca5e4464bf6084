"""Shared base of the CK-G-CNN models: implementation choice, normalisation, head, forward."""

import torch
from torch import Tensor, nn

from ck_g_cnn.nn.conv import (
    ContinuousKernelGroupConv,
    GroupConv,
    GroupConvDGSeparable,
    GroupConvDSeparable,
    GroupConvGSeparable,
    GroupConvGSeparable2D,
    GroupConvSeparable,
    GroupConvSeparable2D,
    LiftingConv,
    LiftingConv2D,
)
from ck_g_cnn.nn.normalisation import BatchNorm, InstanceNorm, LayerNorm

__all__ = ["GROUP_CONVS", "IMPLEMENTATIONS", "NORMALISATIONS", "CKGCNNBase"]

GROUP_CONVS = {
    "nonseparable": GroupConv,
    "separable": GroupConvSeparable,
    "gseparable": GroupConvGSeparable,
    "dseparable": GroupConvDSeparable,
    "dgseparable": GroupConvDGSeparable,
    "separable+2d": GroupConvSeparable2D,
    "gseparable+2d": GroupConvGSeparable2D,
}
IMPLEMENTATIONS = tuple(GROUP_CONVS)
NORMALISATIONS = {"batchnorm": BatchNorm, "layernorm": LayerNorm, "instancenorm": InstanceNorm}


class CKGCNNBase(nn.Module):
    """lifting -> ``layers`` -> max over (N, H, W) -> ``final_linear`` head
    (Linear(h_last, 256, no bias), BatchNorm1d, ReLU, Dropout(0.3), Linear(256, out)).

    ``normalisation`` is "batchnorm", "layernorm", "instancenorm", or None/False for none.
    """

    def __init__(
        self,
        in_channels,
        out_channels,
        spatial_in_size,
        implementation,
        normalisation,
        kernel_size,
        hidden_sizes,
        widen_factor=1,
    ) -> None:
        super().__init__()
        if implementation not in GROUP_CONVS:
            raise ValueError(
                f"implementation must be one of {IMPLEMENTATIONS}, got {implementation!r}"
            )
        if normalisation and normalisation not in NORMALISATIONS:
            raise ValueError(
                f"normalisation must be one of {tuple(NORMALISATIONS)} or None, "
                f"got {normalisation!r}"
            )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.spatial_in_size = spatial_in_size
        self.implementation = implementation
        self.kernel_size = kernel_size
        self.hidden_sizes = [int(widen_factor * h) for h in hidden_sizes]
        self.lifting_impl = LiftingConv2D if implementation.endswith("+2d") else LiftingConv
        self.groupconv_impl = GROUP_CONVS[implementation]
        self.normalisation_fn = NORMALISATIONS[normalisation] if normalisation else None
        self.lifting = None
        self.layers = nn.ModuleList()
        self.final_linear = nn.Sequential(
            nn.Linear(self.hidden_sizes[-1], 256, bias=False),
            nn.BatchNorm1d(256),
            nn.ReLU(True),
            nn.Dropout(0.3),
            nn.Linear(256, self.out_channels),
        )

    def append_normalisation(self, channels: int) -> None:
        """Append the chosen normalisation layer (nothing without normalisation)."""
        if self.normalisation_fn is not None:
            self.layers.append(self.normalisation_fn(channels=channels))

    def set_group_elem(self, num_group_elem) -> None:
        """Change the number of sampled group elements of every lifting/group conv (e.g. a
        finer group resolution at test time; continuous kernels allow it)."""
        for module in self.modules():
            if isinstance(module, ContinuousKernelGroupConv):
                module.num_group_elem = num_group_elem

    def features(self, x: Tensor) -> Tensor:
        """(B, C_in, H, W) -> (B, C_last): lifting, layers, max over group and space."""
        x, grid_H = self.lifting(x)
        for layer in self.layers:
            x, grid_H = layer(x, grid_H)
        return torch.amax(x, dim=(-3, -2, -1))

    def forward(self, x: Tensor) -> Tensor:
        """(B, C_in, H, W) -> (B, out_channels) logits."""
        return self.final_linear(self.features(x))

    def extra_repr(self) -> str:
        trainable = sum(p.numel() for p in self.parameters() if p.requires_grad)
        return f"number of trainable parameters: {trainable}"
