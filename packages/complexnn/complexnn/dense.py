"""Complex fully connected layer ``y = h Wᵀ + b`` (no conjugate), DCN ``ComplexDense``."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .conv import IMPLS, _add_bias, complex_product
from .init import InitSpec, init_complex_weight
from .utils import as_complex

__all__ = ["complex_linear", "ComplexLinear"]


def complex_linear(
    x: Tensor, weight: Tensor, bias: Tensor | None = None, impl: str = "native"
) -> Tensor:
    """``(*, in) -> (*, out)``: ``x @ weight.T + bias`` with a complex ``weight`` (out, in)."""
    x = as_complex(x)
    weight = weight if weight.is_complex() else as_complex(weight)
    y = complex_product(F.linear, x, weight.real, weight.imag, impl, channel_dim=-1)
    return _add_bias(y, bias, channel_dim=-1)


class ComplexLinear(nn.Module):
    """Complex linear layer: ``(*, in_features) -> (*, out_features)``, ``y = h Wᵀ + b``.

    ``W = weight_real + i·weight_imag`` (each ``(out, in)``), ``b = bias_real + i·bias_imag``.
    ``init='complex'`` draws Rayleigh moduli with uniform phases (:func:`complex_rayleigh_`);
    DCN's own ComplexDense draws Gaussian parts of the same variance.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        init: InitSpec = "complex",
        criterion: str = "he",
        impl: str = "native",
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        if in_features <= 0 or out_features <= 0:
            raise ValueError(
                f"in_features={in_features} and out_features={out_features} must be positive"
            )
        if impl not in IMPLS:
            raise ValueError(f"impl={impl!r} must be one of {IMPLS}")
        self.in_features = in_features
        self.out_features = out_features
        self.init = init
        self.criterion = criterion
        self.impl = impl
        factory = {"device": device, "dtype": dtype}
        self.weight_real = nn.Parameter(torch.empty(out_features, in_features, **factory))
        self.weight_imag = nn.Parameter(torch.empty(out_features, in_features, **factory))
        if bias:
            self.bias_real = nn.Parameter(torch.empty(out_features, **factory))
            self.bias_imag = nn.Parameter(torch.empty(out_features, **factory))
        else:
            self.register_parameter("bias_real", None)
            self.register_parameter("bias_imag", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init_complex_weight(self.weight_real, self.weight_imag, self.init, self.criterion)
        if self.bias_real is not None:
            nn.init.zeros_(self.bias_real)
            nn.init.zeros_(self.bias_imag)

    @property
    def weight(self) -> Tensor:
        return torch.complex(self.weight_real, self.weight_imag)

    @property
    def bias(self) -> Tensor | None:
        if self.bias_real is None:
            return None
        return torch.complex(self.bias_real, self.bias_imag)

    def forward(self, x: Tensor) -> Tensor:
        x = as_complex(x)
        y = complex_product(
            F.linear, x, self.weight_real, self.weight_imag, self.impl, channel_dim=-1
        )
        return _add_bias(y, self.bias, channel_dim=-1)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias_real is not None}, impl={self.impl!r}"
        )

    @classmethod
    def from_complexpytorch(cls, state_dict: dict[str, Tensor], **kwargs) -> ComplexLinear:
        """Build from a complexPyTorch ``ComplexLinear`` state_dict (``fc_r.*`` / ``fc_i.*``)."""
        from .convert import from_complexpytorch

        ours = from_complexpytorch(state_dict)
        out_features, in_features = ours["weight_real"].shape
        kwargs.setdefault("bias", "bias_real" in ours)
        layer = cls(in_features, out_features, **kwargs)
        layer.load_state_dict(ours, strict=True)
        return layer
