"""Positional embeddings: the classic sinusoidal one and high-order layers used as embeddings.

ClassicSinusoidalEmbedding(dim): with h = dim/2 and freq_k = exp(−k·ln(10000)/(h − 1)),
x [...] -> cat(sin(x·freq), cos(x·freq)) [..., dim].
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from .PolynomialLayers import FourierSeries, PiecewiseDiscontinuousPolynomial, PiecewisePolynomial

__all__ = [
    "ClassicSinusoidalEmbedding",
    "FourierSeriesEmbedding",
    "PiecewisePolynomialEmbedding",
    "PiecewiseDiscontinuousPolynomialEmbedding",
]


class ClassicSinusoidalEmbedding(nn.Module):
    """Transformer sinusoidal embedding; ``dim`` must be even."""

    def __init__(self, dim: int):
        super().__init__()
        if dim % 2 != 0:
            raise ValueError(f"Embedding dimension needs to be even, got {dim}.")
        self.dim = dim

    def extra_repr(self) -> str:
        return f"dim={self.dim}"

    def forward(self, x: Tensor) -> Tensor:
        half_dim = self.dim // 2
        rate = math.log(10000) / (half_dim - 1)
        frequencies = torch.exp(torch.arange(half_dim, device=x.device) * -rate)
        angles = x.unsqueeze(-1) * frequencies
        return torch.cat((angles.sin(), angles.cos()), dim=-1)


def FourierSeriesEmbedding(
    n: int, in_features: int, out_features: int, length: float = 2.0, **kwargs
) -> FourierSeries:
    """A :class:`FourierSeries` layer used as an embedding (the original returned None)."""
    return FourierSeries(n=n, in_features=in_features, out_features=out_features, length=length)


def PiecewisePolynomialEmbedding(
    n: int,
    in_features: int,
    out_features: int,
    segments: int,
    length: float = 2.0,
    weight_magnitude: float = 1.0,
    periodicity: float | None = None,
    **kwargs,
) -> PiecewisePolynomial:
    """A continuous piecewise polynomial layer used as an embedding."""
    return PiecewisePolynomial(
        n=n,
        in_features=in_features,
        out_features=out_features,
        segments=segments,
        length=length,
        weight_magnitude=weight_magnitude,
        periodicity=periodicity,
    )


def PiecewiseDiscontinuousPolynomialEmbedding(
    n: int,
    in_features: int,
    out_features: int,
    segments: int,
    length: float = 2.0,
    weight_magnitude: float = 1.0,
    periodicity: float | None = None,
    **kwargs,
) -> PiecewiseDiscontinuousPolynomial:
    """A discontinuous piecewise polynomial layer used as an embedding."""
    return PiecewiseDiscontinuousPolynomial(
        n=n,
        in_features=in_features,
        out_features=out_features,
        segments=segments,
        length=length,
        weight_magnitude=weight_magnitude,
        periodicity=periodicity,
    )
