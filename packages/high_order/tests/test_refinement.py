"""p-, h- and hp-refinement (spec §7): refined outputs equal the unrefined ones."""

from __future__ import annotations

import pytest
import torch
from high_order_layers_torch.layers import MaxAbsNormalization, high_order_fc_layers
from high_order_layers_torch.networks import (
    HighOrderMLP,
    hp_refine_high_order_mlp,
    interpolate_high_order_mlp,
)
from high_order_layers_torch.PolynomialLayers import (
    PiecewiseDiscontinuousPolynomial,
    PiecewisePolynomial,
    interpolate_polynomial_layer,
    refine_discontinuous_polynomial_layer,
    refine_polynomial_layer,
)

from paramlab.testing import assert_close_scaled


def _randomize(module):
    with torch.no_grad():
        for p in module.parameters():
            p.normal_()
    return module


@pytest.mark.parametrize(
    "n_in, n_out, segments", [(1, 4, 5), (3, 5, 5), (5, 5, 2), (2, 7, 3), (7, 5, 5)]
)
@pytest.mark.parametrize("layer_type", [PiecewisePolynomial, PiecewiseDiscontinuousPolynomial])
def test_interpolate_layer(boundary_inputs, n_in, n_out, segments, layer_type):
    torch.manual_seed(0)
    layer_in = _randomize(layer_type(n=n_in, in_features=4, out_features=2, segments=segments))
    layer_out = layer_type(n=n_out, in_features=4, out_features=2, segments=segments)
    interpolate_polynomial_layer(layer_in=layer_in, layer_out=layer_out)
    x = boundary_inputs.clamp(-1, 1)
    if n_in <= n_out:
        assert_close_scaled(layer_out(x), layer_in(x), rtol=1e-5)
    else:  # a projection: exact at the new nodes only
        nodes = layer_out._poly.basis.X
        grid = layer_out.x_global(nodes.unsqueeze(1), torch.tensor(1.0)).expand(-1, 4)
        assert_close_scaled(layer_out(grid), layer_in(grid), rtol=1e-5)


def test_interpolate_requires_equal_segments():
    a = PiecewisePolynomial(n=2, in_features=1, out_features=1, segments=2)
    b = PiecewisePolynomial(n=3, in_features=1, out_features=1, segments=3)
    with pytest.raises(ValueError, match="segments must be the same"):
        interpolate_polynomial_layer(a, b)


@pytest.mark.parametrize(
    "layer_type, n_in, n_out",
    [
        ("polynomial", 3, 6),
        ("fourier", 3, 6),
        ("continuous_prod", 2, 4),
        ("discontinuous_prod", 3, 5),
        ("polynomial_prod", 2, 3),
    ],
)
def test_interpolate_layers_the_original_skipped(boundary_inputs, layer_type, n_in, n_out):
    """p-refinement of polynomial / Fourier / product layers (skipped or crashed before)."""
    torch.manual_seed(1)
    kw = dict(in_features=4, out_features=2, segments=2)
    layer_in = _randomize(high_order_fc_layers(layer_type, n=n_in, **kw))
    with torch.no_grad():
        layer_in.w.mul_(0.3)
    layer_out = high_order_fc_layers(layer_type, n=n_out, **kw)
    layer_in.interpolate(layer_out)
    x = boundary_inputs.clamp(-1, 1)
    assert_close_scaled(layer_out(x), layer_in(x), rtol=1e-5)


@pytest.mark.parametrize(
    "ns_in, ns_out", [([2, 3], [4, 4]), ([3, 4], [3, 5]), ([2, 2, 3], [3, 3, 3])]
)
def test_interpolate_nd_polynomial(ns_in, ns_out):
    torch.manual_seed(2)
    name = {2: "polynomial_2d", 3: "polynomial_3d"}[len(ns_in)]
    layer_in = _randomize(high_order_fc_layers(name, n=ns_in, in_features=2, out_features=2))
    layer_out = high_order_fc_layers(name, n=ns_out, in_features=2, out_features=2)
    layer_in.interpolate(layer_out)
    x = torch.rand(5, 2, len(ns_in)) * 2 - 1
    assert_close_scaled(layer_out(x), layer_in(x), rtol=1e-5)


@pytest.mark.parametrize(
    "segments_in, segments_out, n_in, n_out",
    [(3, 9, 3, 3), (5, 5, 2, 2), (2, 12, 6, 6), (2, 4, 2, 5), (1, 3, 4, 4)],
)
@pytest.mark.parametrize("layer_type", [PiecewisePolynomial, PiecewiseDiscontinuousPolynomial])
def test_refine_layer(boundary_inputs, segments_in, segments_out, n_in, n_out, layer_type):
    torch.manual_seed(3)
    layer_in = _randomize(layer_type(n=n_in, in_features=4, out_features=2, segments=segments_in))
    layer_out = layer_type(n=n_out, in_features=4, out_features=2, segments=segments_out)
    refine_polynomial_layer(layer_in=layer_in, layer_out=layer_out)
    x = torch.cat([boundary_inputs.clamp(-1, 1), torch.rand(20, 4) * 2 - 1])
    assert_close_scaled(layer_out(x), layer_in(x), rtol=1e-5)


def test_discontinuous_refinement_keeps_both_sides_of_a_jump():
    """Each new segment takes the values of the old segment it lies in (the original raised)."""
    layer_in = PiecewiseDiscontinuousPolynomial(n=2, in_features=1, out_features=1, segments=2)
    with torch.no_grad():
        layer_in.w.copy_(torch.tensor([[[0.0, 1.0, 5.0, 6.0]]]))
    layer_out = PiecewiseDiscontinuousPolynomial(n=2, in_features=1, out_features=1, segments=4)
    refine_discontinuous_polynomial_layer(layer_in, layer_out)
    expected = torch.tensor([0.0, 0.5, 0.5, 1.0, 5.0, 5.5, 5.5, 6.0])
    assert torch.allclose(layer_out.w.flatten(), expected)


def _mlp(layer_type, n, segments, hidden_layers=2, **kw):
    return HighOrderMLP(
        layer_type=layer_type,
        n=n,
        in_width=4,
        out_width=3,
        hidden_layers=hidden_layers,
        hidden_width=5,
        in_segments=segments,
        out_segments=segments,
        hidden_segments=segments,
        **kw,
    )


@pytest.mark.parametrize(
    "layer_type",
    [
        "continuous",
        "discontinuous",
        "switch_continuous",
        "switch_discontinuous",
        "polynomial",
        "fourier",
    ],
)
@pytest.mark.parametrize("n0, n1", [(2, 3), (3, 5)])
def test_interpolate_mlp(boundary_inputs, layer_type, n0, n1):
    torch.manual_seed(4)
    network_in = _mlp(layer_type, n0, 2, normalization=MaxAbsNormalization)
    network_out = _mlp(layer_type, n1, 2, normalization=MaxAbsNormalization)
    interpolate_high_order_mlp(network_in, network_out)
    x = boundary_inputs.clamp(-1, 1)
    assert_close_scaled(network_out(x), network_in(x), rtol=1e-5)


@pytest.mark.parametrize("segments_in, segments_out", [(2, 4), (3, 6)])
@pytest.mark.parametrize("n_in, n_out", [(2, 3), (3, 4)])
@pytest.mark.parametrize(
    "layer_type", ["continuous", "switch_continuous", "discontinuous", "switch_discontinuous"]
)
def test_hp_refinement_of_mlp(boundary_inputs, segments_in, segments_out, n_in, n_out, layer_type):
    torch.manual_seed(5)
    network_in = _mlp(layer_type, n_in, segments_in, normalization=MaxAbsNormalization)
    network_out = _mlp(layer_type, n_out, segments_out, normalization=MaxAbsNormalization)
    hp_refine_high_order_mlp(network_in, network_out)
    x = boundary_inputs.clamp(-1, 1)
    assert_close_scaled(network_out(x), network_in(x), rtol=1e-5)


def test_refinement_reaches_resnet_hidden_layers(boundary_inputs):
    torch.manual_seed(6)
    network_in = _mlp("continuous", 2, 2, hidden_layers=3, resnet=True)
    network_out = _mlp("continuous", 4, 4, hidden_layers=3, resnet=True)
    hp_refine_high_order_mlp(network_in, network_out)
    x = boundary_inputs.clamp(-1, 1)
    assert_close_scaled(network_out(x), network_in(x), rtol=1e-5)
