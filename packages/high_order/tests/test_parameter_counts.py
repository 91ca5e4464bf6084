"""Parameter counts and state_dict shapes for a grid of every fc and conv layer type."""

from __future__ import annotations

import math

import pytest
import torch
from high_order_layers_torch.layers import (
    high_order_convolution_layers,
    high_order_convolution_transpose_layers,
    high_order_fc_layers,
)

from paramlab.testing import count_parameters

FC_TYPES = {
    # layer_type: (expected count, expected shapes) for n, S, I, O
    "continuous": lambda n, s, i, o: {"w": (o, i, (n - 1) * s + 1)},
    "continuous_prod": lambda n, s, i, o: {"w": (o, i, (n - 1) * s + 1)},
    "discontinuous": lambda n, s, i, o: {"w": (o, i, n * s)},
    "discontinuous_prod": lambda n, s, i, o: {"w": (o, i, n * s)},
    "polynomial": lambda n, s, i, o: {"w": (o, i, n), "result": (o,)},
    "polynomial_prod": lambda n, s, i, o: {"w": (o, i, n), "result": (o,)},
    "fourier": lambda n, s, i, o: {"w": (o, i, n), "result": (o,)},
    "product": lambda n, s, i, o: {"weight": (o, i), "bias": (o,)},
    "baseline": lambda n, s, i, o: {"weight": (o, i), "bias": (o,)},
    "baseline_relu": lambda n, s, i, o: {"f.weight": (o, i), "f.bias": (o,)},
    "switch_continuous": lambda n, s, i, o: {
        "_layers.0.w": (o, i, (n - 1) * s + 1),
        "_layers.1.w": (o, i, (n - 1) * s + 1),
    },
    "switch_discontinuous": lambda n, s, i, o: {
        "_layers.0.w": (o, i, n * s),
        "_layers.1.w": (o, i, n * s),
    },
}


@pytest.mark.parametrize("layer_type", sorted(FC_TYPES))
@pytest.mark.parametrize("n, segments", [(1, 1), (2, 3), (5, 4)])
@pytest.mark.parametrize("in_features, out_features", [(1, 1), (7, 3)])
def test_fc_counts(layer_type, n, segments, in_features, out_features):
    layer = high_order_fc_layers(
        layer_type, n=n, segments=segments, in_features=in_features, out_features=out_features
    )
    shapes = FC_TYPES[layer_type](n, segments, in_features, out_features)
    assert {k: tuple(v.shape) for k, v in layer.state_dict().items()} == shapes
    assert count_parameters(layer) == sum(math.prod(s) for s in shapes.values())


@pytest.mark.parametrize(
    "layer_type, ns",
    [
        ("polynomial_2d", [3, 3]),
        ("polynomial_3d", [3, 7, 7]),
        ("polynomial_4d", [2, 3, 2, 2]),
        ("polynomial_5d", [2] * 5),
    ],
)
def test_nd_counts(layer_type, ns):
    layer = high_order_fc_layers(layer_type, n=ns, in_features=3, out_features=4)
    assert tuple(layer.w.shape) == (4, 3, math.prod(ns))
    assert count_parameters(layer) == 4 * 3 * math.prod(ns) + 4


@pytest.mark.parametrize("ns, segments", [([3, 3], [2, 2]), ([2, 3, 4], [1, 2, 3]), (3, 2)])
def test_continuous_nd_counts(ns, segments):
    kw = {"dimensions": 2} if isinstance(ns, int) else {}
    layer = high_order_fc_layers(
        "continuous_nd", n=ns, segments=segments, in_features=3, out_features=4, **kw
    )
    ns_list = ns if isinstance(ns, list) else [ns] * 2
    seg_list = segments if isinstance(segments, list) else [segments] * 2
    block = math.prod(ns_list) * math.prod(seg_list)
    assert tuple(layer.w.shape) == (3 * 4 * block,)


def _variables(kind, n, s):
    return {"continuous": (n - 1) * s + 1, "discontinuous": n * s}.get(kind, n)


@pytest.mark.parametrize(
    "layer_type",
    [
        "continuous2d",
        "discontinuous2d",
        "polynomial2d",
        "fourier2d",
        "continuous1d",
        "discontinuous1d",
        "polynomial1d",
        "fourier1d",
    ],
)
@pytest.mark.parametrize("n, segments", [(1, 2), (3, 2), (4, 5)])
@pytest.mark.parametrize("in_channels, out_channels, kernel_size", [(1, 6, 5), (3, 4, 3)])
def test_conv_counts(layer_type, n, segments, in_channels, out_channels, kernel_size):
    layer = high_order_convolution_layers(
        layer_type,
        n=n,
        segments=segments,
        in_channels=in_channels,
        out_channels=out_channels,
        kernel_size=kernel_size,
    )
    kind = layer_type[:-2]
    taps = [kernel_size] * (2 if layer_type.endswith("2d") else 1)
    shape = (out_channels, in_channels * _variables(kind, n, segments), *taps)
    assert {k: tuple(v.shape) for k, v in layer.state_dict().items()} == {"conv.weight": shape}
    assert count_parameters(layer) == math.prod(shape)


@pytest.mark.parametrize(
    "n, segments, in_channels, out_channels, k", [(2, 2, 3, 4, 3), (3, 5, 2, 1, 4)]
)
def test_conv_transpose_counts(n, segments, in_channels, out_channels, k):
    layer = high_order_convolution_transpose_layers(
        "continuous2d",
        n=n,
        segments=segments,
        in_channels=in_channels,
        out_channels=out_channels,
        kernel_size=k,
    )
    shape = (in_channels * ((n - 1) * segments + 1), out_channels, k, k)
    assert tuple(layer.conv.weight.shape) == shape
    assert count_parameters(layer) == math.prod(shape)


def test_constant_random_initialisation_ranges():
    """fc and 2-d conv layers start as non-negative constants per link, below wm/in (§4.5, §5.3)."""
    torch.manual_seed(0)
    fc = high_order_fc_layers(
        "continuous", n=3, segments=2, in_features=4, out_features=3, weight_magnitude=2.0
    )
    assert torch.equal(fc.w, fc.w[:, :, :1].expand_as(fc.w))
    assert (fc.w >= 0).all() and (fc.w < 2.0 / 4).all()
    conv = high_order_convolution_layers(
        "continuous2d", n=3, segments=2, in_channels=2, out_channels=3, kernel_size=3
    )
    w = conv.conv.weight.reshape(3, 2, 5, 3, 3)
    assert torch.equal(w, w[:, :, :1].expand_as(w))
    assert (w >= 0).all() and (w < 1.0 / 18).all()
    conv1d = high_order_convolution_layers(
        "continuous1d", n=3, segments=2, in_channels=2, out_channels=3, kernel_size=3
    )
    bound = 1.0 / (10 * 9)
    assert (conv1d.conv.weight.abs() <= bound).all() and (conv1d.conv.weight < 0).any()
