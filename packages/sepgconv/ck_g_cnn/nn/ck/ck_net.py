"""Continuous kernel nets: a SIREN followed by a linear head that outputs every channel pair.

One net maps a coordinate (spatial and/or group) to the C_in·C_out kernel values at that point;
output slot m = o·C_in + i holds the weight from input channel i to output channel o.
"""

import math

import torch
from torch import Tensor, nn

from ck_g_cnn.nn.ck.SIREN import SIREN

__all__ = ["CKNetLinear", "CKNetLinearSplit", "IMPLEMENTATIONS"]

IMPLEMENTATIONS = ("SIREN",)


def _check_implementation(implementation: str) -> None:
    if implementation not in IMPLEMENTATIONS:
        raise ValueError(
            f"Specified CKNet implementation not found: {implementation!r} "
            f"(implemented: {', '.join(IMPLEMENTATIONS)})"
        )


def _head_init_(linear: nn.Linear, hidden_features: int, fan_in: int) -> None:
    """W ~ U(±√(6/hidden)/√fan_in), b = 0: kernels start with unit variance over fan_in."""
    bound = math.sqrt(6 / hidden_features) / math.sqrt(fan_in)
    with torch.no_grad():
        linear.weight.uniform_(-bound, bound)
        linear.bias.zero_()


class CKNetLinear(nn.Module):
    """(P, in_features) -> (P, in_channels·out_channels): SIREN ``net`` then ``final_linear``.

    ``kernel_size`` enters only the init fan-in (in_channels·kernel_size²).
    Parameters: (d+1)h + L(h+1)h + (h+1)·C_in·C_out.
    """

    def __init__(
        self,
        in_features: int,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        hidden_features: int,
        hidden_layers: int,
        first_omega_0: float,
        hidden_omega_0: float,
        implementation: str = "SIREN",
    ) -> None:
        super().__init__()
        _check_implementation(implementation)
        self.in_features = in_features
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.hidden_features = hidden_features
        self.hidden_layers = hidden_layers
        self.implementation = implementation
        self.first_omega_0 = first_omega_0
        self.hidden_omega_0 = hidden_omega_0
        self.net = SIREN(in_features, hidden_features, hidden_layers, first_omega_0, hidden_omega_0)
        self.final_linear = nn.Linear(hidden_features, in_channels * out_channels)
        _head_init_(self.final_linear, hidden_features, in_channels * kernel_size**2)

    def reset_parameters(self) -> None:
        for layer in self.net.net:
            layer.reset_parameters()
        self.final_linear.reset_parameters()
        _head_init_(self.final_linear, self.hidden_features, self.in_channels * self.kernel_size**2)

    def forward(self, x: Tensor) -> Tensor:
        return self.final_linear(self.net(x))

    def extra_repr(self) -> str:
        return (
            f"(first_omega_0) {self.first_omega_0}\n(hidden_omega_0) {self.hidden_omega_0}\n"
            f"(kernel_size) {self.kernel_size}"
        )


class CKNetLinearSplit(nn.Module):
    """One SIREN ``net`` with two heads: ``final_linear_group`` (in·out outputs, fan-in
    in_channels) and ``final_linear_spatial`` (out outputs, fan-in kernel_size²)."""

    def __init__(
        self,
        in_features: int,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        hidden_features: int,
        hidden_layers: int,
        implementation: str,
        first_omega_0: float,
        hidden_omega_0: float,
    ) -> None:
        super().__init__()
        _check_implementation(implementation)
        self.hidden_features = hidden_features
        self.hidden_layers = hidden_layers
        self.kernel_size = kernel_size
        self.first_omega_0 = first_omega_0
        self.hidden_omega_0 = hidden_omega_0
        self.net = SIREN(in_features, hidden_features, hidden_layers, first_omega_0, hidden_omega_0)
        self.final_linear_group = nn.Linear(hidden_features, in_channels * out_channels)
        self.final_linear_spatial = nn.Linear(hidden_features, out_channels)
        _head_init_(self.final_linear_group, hidden_features, in_channels)
        _head_init_(self.final_linear_spatial, hidden_features, kernel_size**2)

    def forward_spatial(self, x: Tensor) -> Tensor:
        return self.final_linear_spatial(self.net(x))

    def forward_group(self, x: Tensor) -> Tensor:
        return self.final_linear_group(self.net(x))

    def extra_repr(self) -> str:
        return (
            f"(first_omega_0) {self.first_omega_0}\n(hidden_omega_0) {self.hidden_omega_0}\n"
            f"(kernel_size) {self.kernel_size}"
        )
