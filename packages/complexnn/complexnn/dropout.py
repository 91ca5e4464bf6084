"""Complex dropout: one Bernoulli mask shared by the real and imaginary parts.

Kept values are scaled by exactly ``1/(1−p)`` so that ``E[out] = in`` (complexPyTorch scales by
``1/(1−p)²``). The mask is a real tensor of the input's real dtype on the input's device.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from .utils import as_complex

__all__ = [
    "complex_dropout",
    "ComplexDropout",
    "ComplexDropout1d",
    "ComplexDropout2d",
    "ComplexDropout3d",
]


def complex_dropout(
    x: Tensor, p: float = 0.5, training: bool = True, channel_dims: int | None = None
) -> Tensor:
    """Zero elements (or whole channels) of complex ``x`` with probability ``p``.

    ``channel_dims=None`` draws one mask entry per element; ``channel_dims=k`` expects input
    ``(N, C, *k spatial)`` and draws one entry per ``(n, c)`` (``Dropout{k}d``).
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability p={p} must be in [0, 1]")
    x = as_complex(x)
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return torch.zeros_like(x)
    if channel_dims is None:
        shape = x.shape
    else:
        if x.dim() != channel_dims + 2:
            raise ValueError(
                f"ComplexDropout{channel_dims}d expects (N, C, *{channel_dims} spatial) input, "
                f"got shape {tuple(x.shape)}"
            )
        shape = (*x.shape[:2], *([1] * channel_dims))
    mask = torch.empty(shape, dtype=x.real.dtype, device=x.device).bernoulli_(1.0 - p)
    return x * (mask / (1.0 - p))


class _ComplexDropoutNd(nn.Module):
    _channel_dims: int | None = None

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability p={p} must be in [0, 1]")
        self.p = p

    def forward(self, x: Tensor) -> Tensor:
        return complex_dropout(x, self.p, self.training, self._channel_dims)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class ComplexDropout(_ComplexDropoutNd):
    """Element-wise complex dropout; any shape; identity in eval mode."""


class ComplexDropout1d(_ComplexDropoutNd):
    """Channel-wise complex dropout on ``(N, C, L)``."""

    _channel_dims = 1


class ComplexDropout2d(_ComplexDropoutNd):
    """Channel-wise complex dropout on ``(N, C, H, W)``."""

    _channel_dims = 2


class ComplexDropout3d(_ComplexDropoutNd):
    """Channel-wise complex dropout on ``(N, C, D, H, W)``."""

    _channel_dims = 3
