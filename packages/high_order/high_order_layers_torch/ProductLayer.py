"""Product unit layer (``layer_type="product"``).

y_{b,o} = Π_i (1 + W_{o,i} x_{b,i}) − (1 − α)·Σ_i W_{o,i} x_{b,i} − 1 + bias_o

Note the sign of the (1 − α) term is the opposite of the piecewise ``*_prod`` evaluators'
(spec §4.3); both are kept as the original has them.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn
from torch.nn import init

from .utils import make_periodic

__all__ = ["Product"]


class Product(nn.Module):
    """[B, I] -> [B, O] product unit; ``weight`` [O, I], ``bias`` [O] initialised as nn.Linear.

    ``bias=False`` drops the bias term (the original crashed in that case).
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        alpha: float = 1.0,
        periodicity: float | None = None,
        **kwargs,
    ) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.alpha = alpha
        self.periodicity = periodicity
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_features))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features)
            init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}, alpha={self.alpha}, periodicity={self.periodicity}"
        )

    def forward(self, x: Tensor) -> Tensor:
        if self.periodicity is not None:
            x = make_periodic(x, self.periodicity)
        terms = torch.einsum("bi,oi->bio", x, self.weight)
        out = torch.prod(terms + 1.0, dim=1) - (1 - self.alpha) * terms.sum(dim=1) - 1
        if self.bias is not None:
            out = out + self.bias
        return out
