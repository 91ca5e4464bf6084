"""Positional embeddings (spec §8)."""

from __future__ import annotations

import math

import pytest
import torch
from high_order_layers_torch.PolynomialLayers import FourierSeries, PiecewisePolynomial
from high_order_layers_torch.positional_embeddings import (
    ClassicSinusoidalEmbedding,
    FourierSeriesEmbedding,
    PiecewiseDiscontinuousPolynomialEmbedding,
    PiecewisePolynomialEmbedding,
)


def test_classic_embedding():
    x = torch.rand(3, 5) * 10
    out = ClassicSinusoidalEmbedding(8)(x)
    assert out.shape == (3, 5, 8)
    freq = torch.exp(-torch.arange(4) * math.log(10000) / 3)
    assert torch.allclose(out[..., :4], torch.sin(x.unsqueeze(-1) * freq))
    assert torch.allclose(out[..., 4:], torch.cos(x.unsqueeze(-1) * freq))


def test_classic_embedding_throws():
    with pytest.raises(ValueError, match="even"):
        ClassicSinusoidalEmbedding(7)


def test_layer_embeddings():
    assert isinstance(FourierSeriesEmbedding(3, 2, 4), FourierSeries)
    assert isinstance(PiecewisePolynomialEmbedding(3, 2, 4, segments=2), PiecewisePolynomial)
    layer = PiecewiseDiscontinuousPolynomialEmbedding(3, 2, 4, segments=2)
    assert layer(torch.rand(5, 2)).shape == (5, 4)
