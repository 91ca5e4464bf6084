"""Transposed high-order convolution sizes: out = stride·(h − 1) + k − 2·padding (spec §5)."""

from __future__ import annotations

import pytest
import torch
from high_order_layers_torch.layers import high_order_convolution_transpose_layers


@pytest.mark.parametrize("segments", [1, 2])
@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("kernel_size", [1, 3, 4])
@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("padding", [0, 1])
@pytest.mark.parametrize("height", [1, 5])
def test_convolution_transpose_sizes(segments, n, kernel_size, stride, padding, height):
    if 2 * padding >= stride * (height - 1) + kernel_size:
        pytest.skip("empty output")
    layer = high_order_convolution_transpose_layers(
        "continuous2d",
        n=n,
        segments=segments,
        in_channels=2,
        out_channels=3,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
    )
    out = layer(torch.rand(2, 2, height, height))
    size = stride * (height - 1) + kernel_size - 2 * padding
    assert out.shape == (2, 3, size, size)


def test_unknown_transpose_type():
    with pytest.raises(ValueError, match="not recognized"):
        high_order_convolution_transpose_layers("polynomial2d", n=2, in_channels=1)
