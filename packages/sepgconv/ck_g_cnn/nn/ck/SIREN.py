"""SIREN (Sitzmann et al., 2020): an MLP of sine layers y = sin(ω0 (W x + b))."""

import math

import torch
from torch import Tensor, nn

__all__ = ["SIREN", "SineLayerLinear"]


class SineLayerLinear(nn.Module):
    """(*, in_features) -> (*, out_features); y = sin(ω0 (W x + b)).

    Init (SIREN): first layer W ~ U(−1/in, 1/in), bias keeps torch's default U(±1/√in);
    hidden layers W ~ U(±√(6/in)/ω0), bias 0.
    """

    def __init__(
        self,
        in_features: int,
        omega_0: float,
        out_features: int,
        bias: bool = True,
        is_first: bool = False,
    ) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.omega_0 = omega_0
        self.is_first = is_first
        self.linear = nn.Linear(in_features, out_features, bias=bias)
        self.reset_parameters(default_first=False)

    def reset_parameters(self, default_first: bool = True) -> None:
        """SIREN init; ``default_first`` re-draws the torch default first (fresh init)."""
        if default_first:
            self.linear.reset_parameters()
        with torch.no_grad():
            if self.is_first:
                bound = 1 / self.in_features
                self.linear.weight.uniform_(-bound, bound)
            else:
                bound = math.sqrt(6 / self.in_features) / self.omega_0
                self.linear.weight.uniform_(-bound, bound)
                if self.linear.bias is not None:
                    self.linear.bias.zero_()

    def forward(self, x: Tensor) -> Tensor:
        return torch.sin(self.omega_0 * self.linear(x))

    def extra_repr(self) -> str:
        return f"omega_0={self.omega_0}, is_first={self.is_first}"


class SIREN(nn.Module):
    """(*, in_features) -> (*, hidden_features): 1 + ``hidden_layers`` sine layers in ``net``."""

    def __init__(
        self,
        in_features: int,
        hidden_features: int,
        hidden_layers: int,
        first_omega_0: float,
        hidden_omega_0: float,
    ) -> None:
        super().__init__()
        layers = [
            SineLayerLinear(in_features, first_omega_0, hidden_features, is_first=True),
        ]
        layers += [
            SineLayerLinear(hidden_features, hidden_omega_0, hidden_features, is_first=False)
            for _ in range(hidden_layers)
        ]
        self.net = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)
