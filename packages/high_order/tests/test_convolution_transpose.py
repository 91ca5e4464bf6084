"""Transposed high-order convolution sizes: out = stride·(h − 1) + k − 2·padding (spec §5)."""

from __future__ import annotations

import itertools

import pytest
import torch
from high_order_layers_torch.layers import high_order_convolution_transpose_layers


def _output_size(kernel_size: int, stride: int, padding: int, height: int) -> int:
    return stride * (height - 1) + kernel_size - 2 * padding


# (segments, n, kernel_size, stride, padding, height), split by whether the output is non-empty.
_GRID = list(itertools.product([1, 2], [2, 3], [1, 3, 4], [1, 2], [0, 1], [1, 5]))
_NON_EMPTY = [case for case in _GRID if _output_size(*case[2:]) > 0]
_EMPTY = [case for case in _GRID if _output_size(*case[2:]) <= 0]


def _layer(segments, n, kernel_size, stride, padding):
    return high_order_convolution_transpose_layers(
        "continuous2d",
        n=n,
        segments=segments,
        in_channels=2,
        out_channels=3,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
    )


def test_grid_has_empty_cases():
    assert len(_NON_EMPTY) == 88 and len(_EMPTY) == 8


@pytest.mark.parametrize("segments,n,kernel_size,stride,padding,height", _NON_EMPTY)
def test_convolution_transpose_sizes(segments, n, kernel_size, stride, padding, height):
    layer = _layer(segments, n, kernel_size, stride, padding)
    out = layer(torch.rand(2, 2, height, height))
    size = _output_size(kernel_size, stride, padding, height)
    assert out.shape == (2, 3, size, size)


def test_empty_output_raises():
    """k=1, padding=1 on a 1×1 input gives an output of side 1·0 + 1 − 2 = −1: the transposed
    convolution refuses it."""
    layer = _layer(segments=2, n=3, kernel_size=1, stride=1, padding=1)
    with pytest.raises(RuntimeError, match="Output size is too small"):
        layer(torch.rand(2, 2, 1, 1))


def test_unknown_transpose_type():
    with pytest.raises(ValueError, match="not recognized"):
        high_order_convolution_transpose_layers("polynomial2d", n=2, in_channels=1)
