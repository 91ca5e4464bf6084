"""Complex activations (Trabelsi et al. 2018, Sec. 3.4; Virtue et al. 2017 for the cardioid).

=============  ===========================================================================
CReLU          ``ReLU(Re z) + i ReLU(Im z)`` (DCN default; a real ReLU on the split layout)
zReLU          ``z`` if ``Re z >= 0`` and ``Im z >= 0`` (``arg z ∈ [0, π/2]``) else ``0``
modReLU        ``ReLU(|z| + b) · z/|z|`` with a learned real ``b`` (paper's sign)
Cardioid       ``½ (1 + cos arg z) · z``
split sigmoid  ``σ(Re z) + i σ(Im z)``; likewise tanh and PReLU (separate slopes)
=============  ===========================================================================

``torch.sigmoid``/``torch.tanh`` on a complex tensor evaluate the holomorphic functions (with
poles), not these split versions; ``torch.relu`` rejects complex input.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .utils import as_complex

__all__ = [
    "crelu",
    "zrelu",
    "modrelu",
    "cardioid",
    "complex_sigmoid",
    "complex_tanh",
    "CReLU",
    "ComplexReLU",
    "ZReLU",
    "ModReLU",
    "Cardioid",
    "ComplexSigmoid",
    "ComplexTanh",
    "ComplexPReLU",
]


def crelu(z: Tensor) -> Tensor:
    """``ReLU(Re z) + i ReLU(Im z)``; any shape, dtype preserved."""
    z = as_complex(z)
    return torch.complex(F.relu(z.real), F.relu(z.imag))


def zrelu(z: Tensor) -> Tensor:
    """``z`` where ``Re z >= 0 and Im z >= 0`` (closed quadrant I), else 0."""
    z = as_complex(z)
    keep = (z.real >= 0) & (z.imag >= 0)
    return z * keep.to(z.real.dtype)


def modrelu(z: Tensor, bias: Tensor | float, eps: float = 1e-7) -> Tensor:
    """``ReLU(|z| + b) · z / max(|z|, eps)``; ``bias`` broadcasts against ``|z|``."""
    z = as_complex(z)
    magnitude = z.abs()
    scale = F.relu(magnitude + bias) / magnitude.clamp_min(eps)
    return z * scale


def cardioid(z: Tensor) -> Tensor:
    """``½ (1 + Re z / |z|) · z``; 0 at ``z = 0``."""
    z = as_complex(z)
    tiny = torch.finfo(z.real.dtype).tiny
    return z * (0.5 * (1 + z.real / z.abs().clamp_min(tiny)))


def complex_sigmoid(z: Tensor) -> Tensor:
    """Split sigmoid ``σ(Re z) + i σ(Im z)``."""
    z = as_complex(z)
    return torch.complex(torch.sigmoid(z.real), torch.sigmoid(z.imag))


def complex_tanh(z: Tensor) -> Tensor:
    """Split tanh ``tanh(Re z) + i tanh(Im z)``."""
    z = as_complex(z)
    return torch.complex(torch.tanh(z.real), torch.tanh(z.imag))


class CReLU(nn.Module):
    """``ReLU(Re z) + i ReLU(Im z)``; shape preserved."""

    def forward(self, z: Tensor) -> Tensor:
        return crelu(z)


ComplexReLU = CReLU


class ZReLU(nn.Module):
    """zReLU (Guberman 2016): passes ``z`` with ``arg z ∈ [0, π/2]``, zero elsewhere."""

    def forward(self, z: Tensor) -> Tensor:
        return zrelu(z)


class ModReLU(nn.Module):
    """modReLU (Arjovsky et al. 2016): ``ReLU(|z| + b) · z/|z|``.

    ``b`` has shape ``(num_features,)`` and broadcasts on dim 1 (``(N, C, *)`` input), or is a
    scalar when ``num_features=None``. Output is 0 where ``|z| + b <= 0``.
    """

    def __init__(
        self, num_features: int | None = None, bias_init: float = 0.0, eps: float = 1e-7
    ) -> None:
        super().__init__()
        if num_features is not None and num_features <= 0:
            raise ValueError(f"num_features={num_features} must be positive or None")
        self.num_features = num_features
        self.bias_init = bias_init
        self.eps = eps
        self.bias = nn.Parameter(torch.empty(() if num_features is None else (num_features,)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.constant_(self.bias, self.bias_init)

    def forward(self, z: Tensor) -> Tensor:
        bias = self.bias
        if self.num_features is not None:
            if z.dim() < 2 or z.shape[1] != self.num_features:
                raise ValueError(
                    f"ModReLU(num_features={self.num_features}) needs input (N, C, *) with "
                    f"C={self.num_features}, got shape {tuple(z.shape)}"
                )
            bias = bias.reshape(1, -1, *([1] * (z.dim() - 2)))
        return modrelu(z, bias.to(as_complex(z).real.dtype), self.eps)

    def extra_repr(self) -> str:
        return f"num_features={self.num_features}, bias_init={self.bias_init}, eps={self.eps}"


class Cardioid(nn.Module):
    """Cardioid (Virtue et al. 2017): ``½ (1 + cos arg z) · z``."""

    def forward(self, z: Tensor) -> Tensor:
        return cardioid(z)


class ComplexSigmoid(nn.Module):
    """Split sigmoid ``σ(Re z) + i σ(Im z)``."""

    def forward(self, z: Tensor) -> Tensor:
        return complex_sigmoid(z)


class ComplexTanh(nn.Module):
    """Split tanh ``tanh(Re z) + i tanh(Im z)``."""

    def forward(self, z: Tensor) -> Tensor:
        return complex_tanh(z)


class ComplexPReLU(nn.Module):
    """``PReLU_r(Re z) + i PReLU_i(Im z)`` with separate learned slopes.

    Submodules ``r_prelu`` / ``i_prelu`` are ``nn.PReLU`` (complexPyTorch's key names).
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25) -> None:
        super().__init__()
        self.r_prelu = nn.PReLU(num_parameters, init)
        self.i_prelu = nn.PReLU(num_parameters, init)

    def forward(self, z: Tensor) -> Tensor:
        z = as_complex(z)
        return torch.complex(self.r_prelu(z.real), self.i_prelu(z.imag))
