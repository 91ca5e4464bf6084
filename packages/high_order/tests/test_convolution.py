"""Output shapes of the high-order convolutions and their conv keywords (spec §5)."""

from __future__ import annotations

import pytest
import torch
from high_order_layers_torch.layers import high_order_convolution_layers

from paramlab.testing import assert_forward_pure


@pytest.mark.parametrize(
    "layer_type", ["polynomial2d", "continuous2d", "discontinuous2d", "fourier2d"]
)
@pytest.mark.parametrize("segments", [1, 4])
@pytest.mark.parametrize("kernel_size, stride, padding", [(1, 1, 0), (3, 2, 1), (5, 1, 2)])
def test_convolution_2d_sizes(layer_type, segments, kernel_size, stride, padding):
    layer = high_order_convolution_layers(
        layer_type,
        n=3,
        segments=segments,
        in_channels=2,
        out_channels=4,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
    )
    x = torch.rand(2, 2, 11, 9)
    out = layer(x)
    size = [(d + 2 * padding - kernel_size) // stride + 1 for d in (11, 9)]
    assert out.shape == (2, 4, *size)
    assert_forward_pure(layer, x)


@pytest.mark.parametrize(
    "layer_type", ["polynomial1d", "continuous1d", "discontinuous1d", "fourier1d"]
)
@pytest.mark.parametrize("kernel_size, stride", [(1, 1), (3, 2)])
def test_convolution_1d_sizes(layer_type, kernel_size, stride):
    layer = high_order_convolution_layers(
        layer_type,
        n=2,
        segments=3,
        in_channels=3,
        out_channels=5,
        kernel_size=kernel_size,
        stride=stride,
    )
    out = layer(torch.rand(2, 3, 20))
    assert out.shape == (2, 5, (20 - kernel_size) // stride + 1)


def test_convolution_rescale_and_groups():
    torch.manual_seed(0)
    plain = high_order_convolution_layers(
        "polynomial2d", n=3, in_channels=2, out_channels=2, kernel_size=3
    )
    torch.manual_seed(0)
    scaled = high_order_convolution_layers(
        "polynomial2d", n=3, in_channels=2, out_channels=2, kernel_size=3, rescale_output=True
    )
    x = torch.rand(1, 2, 5, 5)
    assert torch.allclose(scaled(x), plain(x) / (2 * 9))
    grouped = high_order_convolution_layers(
        "continuous2d", n=2, segments=2, in_channels=2, out_channels=4, kernel_size=3, groups=2
    )
    assert grouped.conv.weight.shape == (4, 3, 3, 3)


def test_convolution_follows_input_dtype():
    layer = high_order_convolution_layers(
        "continuous2d", n=3, segments=2, in_channels=1, out_channels=2, kernel_size=3
    ).double()
    assert layer(torch.rand(1, 1, 5, 5, dtype=torch.float64)).dtype == torch.float64
