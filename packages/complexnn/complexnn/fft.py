"""Orthonormal FFT helpers (DCN ``fft.py``) on native complex tensors.

DCN computes these on the split layout through real FFTs; with complex tensors ``torch.fft``
is the whole story. All use ``norm='ortho'`` (unitary: Parseval holds); real input is promoted.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from .utils import as_complex

__all__ = ["fft", "ifft", "fft2", "ifft2", "FFT", "IFFT", "FFT2", "IFFT2"]


def fft(x: Tensor) -> Tensor:
    """Unitary DFT over the last axis: ``(*, T) -> (*, T)`` complex."""
    return torch.fft.fft(as_complex(x), dim=-1, norm="ortho")


def ifft(x: Tensor) -> Tensor:
    """Unitary inverse DFT over the last axis."""
    return torch.fft.ifft(as_complex(x), dim=-1, norm="ortho")


def fft2(x: Tensor) -> Tensor:
    """Unitary 2-D DFT over the last two axes: ``(*, H, W) -> (*, H, W)`` complex."""
    return torch.fft.fft2(as_complex(x), dim=(-2, -1), norm="ortho")


def ifft2(x: Tensor) -> Tensor:
    """Unitary inverse 2-D DFT over the last two axes."""
    return torch.fft.ifft2(as_complex(x), dim=(-2, -1), norm="ortho")


class FFT(nn.Module):
    """``(N, C, T)`` -> its unitary DFT over ``T``."""

    def forward(self, x: Tensor) -> Tensor:
        return fft(x)


class IFFT(nn.Module):
    """``(N, C, T)`` -> its unitary inverse DFT over ``T``."""

    def forward(self, x: Tensor) -> Tensor:
        return ifft(x)


class FFT2(nn.Module):
    """``(N, C, H, W)`` -> its unitary 2-D DFT over ``(H, W)``."""

    def forward(self, x: Tensor) -> Tensor:
        return fft2(x)


class IFFT2(nn.Module):
    """``(N, C, H, W)`` -> its unitary inverse 2-D DFT over ``(H, W)``."""

    def forward(self, x: Tensor) -> Tensor:
        return ifft2(x)
