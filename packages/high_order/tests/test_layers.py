"""Bases, normalisations, rotation layer, initialisation, smoothing, switch layer (spec §3, §4)."""

from __future__ import annotations

import math
import random

import pytest
import torch
import torch.nn.functional as F
from high_order_layers_torch.FunctionalConvolution import Expansion2d
from high_order_layers_torch.LagrangePolynomial import (
    FourierBasis,
    LagrangeBasisND,
    LagrangeExpand,
    LagrangePoly,
    PiecewisePolynomialExpand,
    chebyshevLobatto,
)
from high_order_layers_torch.layers import *  # noqa: F403
from high_order_layers_torch.layers import (
    L2Normalization,
    LazyLayerNormLastDim,
    MaxAbsNormalization,
    MaxAbsNormalizationLast,
    MaxAbsNormalizationND,
    MaxCenterNormalization,
    MaxCenterNormalizationLast,
    MaxCenterNormalizationND,
    PiecewiseDiscontinuousPolynomial,
    PiecewisePolynomial,
    SwitchLayer,
    fixed_rotation_layer,
    high_order_fc_layers,
    initialize_polynomial_layer,
    make_periodic,
    smooth_discontinuous_layer,
)

from paramlab.testing import assert_close_scaled, assert_forward_pure, gradcheck


def test_star_import_exposes_the_original_names():
    namespace: dict = {}
    exec("from high_order_layers_torch.layers import *", namespace)
    for name in [
        "initialize_polynomial_layer",
        "smooth_discontinuous_layer",
        "LagrangePoly",
        "PiecewisePolynomialConvolution2d",
        "Product",
        "make_periodic",
        "torch",
        "nn",
        "Tensor",
        "math",
        "Callable",
        "Any",
        "chebyshevLobatto",
        "BasisFlat",
    ]:
        assert name in namespace, name
    exec("from high_order_layers_torch.networks import *", namespace)
    assert "smooth_discontinuous_layer" in namespace and "HighOrderMLP" in namespace


def test_nodes(ref):
    nodes = chebyshevLobatto(20)
    assert nodes.shape == (20,) and nodes.dtype == torch.float32
    assert nodes[0] == -1 and nodes[-1] == 1
    assert torch.equal(nodes, ref.cheb(20))
    assert torch.equal(chebyshevLobatto(1), torch.tensor([0.0]))


def test_polynomial_reproduces_linear_weights():
    poly = LagrangePoly(5)
    w = chebyshevLobatto(5).reshape(1, 1, 1, 5)
    assert abs(poly.interpolate(torch.tensor([[0.5]]), w).item() - 0.5) < 1e-6


def test_constant_polynomial():
    poly = LagrangePoly(1)
    w = torch.tensor([0.25]).reshape(1, 1, 1, 1)
    assert abs(poly.interpolate(torch.tensor([[0.5]]), w).item() - 0.25) < 1e-6


def test_lagrange_basis_matches_product_formula(ref):
    x = torch.linspace(-1.4, 1.4, 29)
    basis = LagrangePoly(6).basis
    assert_close_scaled(basis.values(x), ref.lagrange(x, ref.cheb(6)), rtol=1e-6)
    assert torch.allclose(basis.values(basis.X), torch.eye(6), atol=1e-6)
    assert_close_scaled(basis(x, 2), ref.lagrange(x, ref.cheb(6))[:, 2], rtol=1e-6)


def test_fourier_basis_terms():
    x = torch.linspace(-1, 1, 11)
    values = FourierBasis(length=2.0).values(x, 5)
    expected = torch.stack(
        [
            0.5 + 0 * x,
            torch.sin(math.pi * x),
            torch.cos(math.pi * x),
            torch.sin(2 * math.pi * x),
            torch.cos(2 * math.pi * x),
        ],
        -1,
    )
    assert_close_scaled(values, expected, rtol=1e-6)


@pytest.mark.parametrize("ns", [[3, 3], [3, 4], [2, 3, 3], [4]])
def test_nd_basis(ref, ns):
    basis = LagrangeBasisND(ns)
    x = torch.rand(4, 3, len(ns)) * 2 - 1
    assert basis.num_basis == math.prod(ns)
    assert len({tuple(i) for i in basis.indexes.tolist()}) == basis.num_basis
    assert_close_scaled(basis.values(x), ref.nd_basis(x, ns), rtol=1e-5)
    assert_close_scaled(
        basis._compute_basis(x, basis.indexes), ref.nd_basis(x, ns).movedim(-1, 0), rtol=1e-5
    )
    with pytest.raises(TypeError):
        LagrangeBasisND(3)


def test_segment_boundary_rule(ref):
    """Interior boundaries belong to the upper segment, +1 to the last, outside extrapolates."""
    layer = PiecewiseDiscontinuousPolynomial(n=2, in_features=1, out_features=1, segments=4)
    x = torch.tensor([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0])
    assert layer.which_segment(x).tolist() == [0, 0, 1, 2, 3, 3, 3]
    index, _ = ref.segment(x, 4)
    assert torch.equal(layer.which_segment(x), index)


def test_mirror_periodicity():
    x = torch.tensor([-3.0, -1.5, -1.0, 0.2, 1.0, 1.5, 2.5, 5.0])
    expected = torch.tensor([1.0, -0.5, -1.0, 0.2, 1.0, 0.5, -0.5, 1.0])
    assert torch.allclose(make_periodic(x, 2.0), expected)
    y = torch.linspace(-0.99, 0.99, 9)
    assert torch.allclose(make_periodic(y, 2.0), y, atol=1e-6)


def test_activation_grad_touches_only_active_nodes():
    layer = PiecewiseDiscontinuousPolynomial(n=2, in_features=1, out_features=1, segments=10)
    loss = F.mse_loss(layer(torch.ones(1, 1) * 0.5), torch.ones(1, 1) * 0.2)
    loss.backward()
    assert layer.w.grad.shape == (1, 1, 20)
    assert int((layer.w.grad != 0).sum()) == 2


@pytest.mark.parametrize("layer_type", ["continuous", "discontinuous", "continuous_prod"])
def test_gradcheck(layer_type):
    torch.manual_seed(0)
    layer = high_order_fc_layers(layer_type, n=3, in_features=3, out_features=2, segments=3)
    layer = layer.double()
    with torch.no_grad():
        layer.w.normal_()
    x = torch.tensor([[0.1, -0.7, 0.45], [0.9, -0.2, 0.05]], dtype=torch.float64)
    assert gradcheck(layer, x)


def test_compare_expansions():
    x = torch.rand(1, 2, 5, 5)
    a = Expansion2d(LagrangeExpand(3))
    b = Expansion2d(PiecewisePolynomialExpand(n=3, segments=1))
    assert torch.allclose(a(x), b(x), atol=1e-5)


@pytest.mark.parametrize("n, segments", [(2, 2), (3, 4), (4, 3)])
def test_smooth_discontinuous_layer(n, segments):
    layer = PiecewiseDiscontinuousPolynomial(n=n, in_features=2, out_features=3, segments=segments)
    with torch.no_grad():
        layer.w.normal_()
    before = layer.w.detach().clone()
    smooth_discontinuous_layer(layer=layer, factor=1.0)
    left = torch.arange(segments - 1) * n + n - 1
    assert torch.allclose(layer.w[:, :, left], layer.w[:, :, left + 1])
    mean = 0.5 * (before[:, :, left] + before[:, :, left + 1])
    assert torch.allclose(layer.w[:, :, left], mean, atol=1e-6)
    smooth_discontinuous_layer(layer=layer, factor=0.0)
    assert torch.allclose(layer.w[:, :, left], mean, atol=1e-6)
    constant = PiecewiseDiscontinuousPolynomial(n=1, in_features=1, out_features=1, segments=3)
    with pytest.raises(ValueError, match="n=1"):
        smooth_discontinuous_layer(layer=constant, factor=1.0)


def test_max_abs_layers():
    x = torch.tensor([[1, 0.5, 0.5], [2, 0.5, 0.5]])
    ans = MaxAbsNormalization(eps=0.0)(x)
    assert torch.equal(ans, torch.tensor([[1, 0.5, 0.5], [1, 0.25, 0.25]]))
    assert torch.equal(MaxAbsNormalizationND(eps=0.0)(x), ans)
    x = torch.tensor([[[1, 0.5, 0.5], [2, 0.5, 0.5]], [[4, 0.5, 0.5], [8, 0.5, 0.5]]])
    ans = MaxAbsNormalizationND(eps=0.0)(x)
    assert torch.equal(ans[0], torch.tensor([[0.5, 0.25, 0.25], [1, 0.25, 0.25]]))
    assert torch.equal(ans[1], torch.tensor([[0.5, 0.0625, 0.0625], [1, 0.0625, 0.0625]]))
    last = torch.tensor(
        [[[1, 0.5, 0.5], [1, 0.25, 0.25]], [[1, 0.125, 0.125], [1, 0.0625, 0.0625]]]
    )
    assert torch.equal(MaxAbsNormalization(eps=0.0, dim=2)(x), last)
    assert torch.equal(MaxAbsNormalizationLast(eps=0.0)(x), last)
    vector = torch.tensor([0, 0.5, 0.25])
    assert torch.equal(MaxAbsNormalizationLast(eps=0.0)(vector), torch.tensor([0, 1.0, 0.5]))


def test_max_center_and_l2_layers():
    x = torch.tensor([[1, 0.5, 0.5], [2, 0.5, 0.5]])
    assert torch.equal(MaxCenterNormalization(eps=0.0)(x), torch.tensor([[1.0, -1, -1]] * 2))
    assert torch.equal(MaxCenterNormalizationND(eps=0.0)(x), torch.tensor([[1.0, -1, -1]] * 2))
    x3 = x.unsqueeze(0)
    assert torch.equal(MaxCenterNormalizationLast(eps=0.0)(x3), torch.tensor([[[1.0, -1, -1]] * 2]))
    y = torch.tensor([[3.0, 4.0]])
    assert torch.allclose(L2Normalization(eps=0.0)(y), torch.tensor([[0.6, 0.8]]))
    assert torch.allclose(MaxAbsNormalization()(y), y / (4 + 1e-6))


def test_lazy_layer_norm_creates_parameters_on_first_forward():
    layer = LazyLayerNormLastDim()
    assert list(layer.state_dict()) == []
    x = torch.randn(3, 5)
    out = layer(x)
    assert sorted(layer.state_dict()) == ["bias", "weight"]
    assert torch.allclose(out, F.layer_norm(x, (5,), eps=1e-5))
    fresh = LazyLayerNormLastDim()
    state = {"weight": torch.full((5,), 2.0), "bias": torch.ones(5)}
    fresh.load_state_dict(state, strict=True)
    assert torch.allclose(fresh(x), 2 * F.layer_norm(x, (5,), eps=1e-5) + 1)


@pytest.mark.parametrize("n, rotations", [(2, 1), (2, 2), (2, 3), (3, 1), (3, 2)])
def test_fixed_rotation_layer(n, rotations):
    layer, size = fixed_rotation_layer(n=n, rotations=rotations, normalize=False)
    c, s = math.cos(math.pi / 6), math.sin(math.pi / 6)
    r = math.sqrt(0.5)
    expected = {
        (2, 1): [[1, 0], [0, 1]],
        (2, 2): [[1, 0], [r, r], [r, -r], [0, 1]],
        (2, 3): [[1, 0], [c, s], [s, -c], [s, c], [c, -s], [0, 1]],
        (3, 1): [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
        (3, 2): [
            [1, 0, 0],
            [r, r, 0],
            [r, -r, 0],
            [r, 0, r],
            [r, 0, -r],
            [0, 1, 0],
            [0, r, r],
            [0, r, -r],
            [0, 0, 1],
        ],
    }[(n, rotations)]
    assert torch.allclose(layer.weight, torch.tensor(expected, dtype=torch.float32), atol=1e-6)
    assert size == n + n * (n - 1) * (rotations - 1)
    assert layer.weight.shape == (size, n) and not layer.weight.requires_grad
    with pytest.raises(ValueError, match="rotations=0"):
        fixed_rotation_layer(n=2, rotations=0)


@pytest.mark.parametrize("n, rotations", [(2, 1), (2, 3), (4, 2), (4, 3)])
def test_fixed_rotation_layer_normalize(n, rotations):
    layer, size = fixed_rotation_layer(n=n, rotations=rotations, normalize=True)
    assert math.isclose(layer.weight.abs().sum().item(), float(size), rel_tol=1e-6)


@pytest.mark.parametrize("n, segments", [(3, 2), (10, 3)])
def test_initialize_polynomial_is_a_line(n, segments):
    layer = PiecewisePolynomial(n=n, in_features=3, out_features=2, segments=segments)
    random.seed(0)
    initialize_polynomial_layer(layer, max_slope=1.0, max_offset=0.0)
    assert torch.allclose(layer.w[:, :, 0], -layer.w[:, :, -1])
    x = torch.rand(6, 1) * 2 - 1
    random.seed(0)
    slopes = [random.random() * 2 - 1 for _ in range(12)][0::2]
    outputs = layer(torch.cat([x, 0 * x, 0 * x], 1))  # only input 0 varies; offsets are 0
    expected = x * torch.tensor(slopes).reshape(2, 3)[:, 0]
    assert torch.allclose(outputs, expected, atol=1e-5)


@pytest.mark.parametrize("n", [1, 3, 4])
def test_initialize_discontinuous_polynomial(n):
    layer = PiecewiseDiscontinuousPolynomial(n=n, in_features=2, out_features=3, segments=3)
    initialize_polynomial_layer(layer, max_slope=1.0, max_offset=0.0)
    assert torch.allclose(layer.w[:, :, 0], -layer.w[:, :, -1])


@pytest.mark.parametrize("num_input_layers", [2, 3])
def test_switch_layer_registers_and_multiplies(num_input_layers):
    layer = SwitchLayer(
        layer_type="continuous",
        n=3,
        in_features=3,
        out_features=2,
        segments=2,
        num_input_layers=num_input_layers,
        normalization=MaxAbsNormalization(),
    )
    assert sorted(layer.state_dict()) == [f"_layers.{k}.w" for k in range(num_input_layers)]
    x = torch.rand(5, 3) * 2 - 1
    out = layer(x)
    assert out.shape == (5, 2) and not torch.isnan(out).any()
    product = math.prod(inner(x) for inner in layer._layers)
    assert torch.allclose(out, MaxAbsNormalization()(product))
    assert_forward_pure(layer, x)


def test_constructors_the_original_could_not_build():
    """polynomial_prod and fourier1d fail in the original; they work here."""
    layer = high_order_fc_layers("polynomial_prod", n=3, in_features=2, out_features=2)
    x = torch.rand(4, 2) * 2 - 1
    links = torch.einsum("bik,oik->boi", LagrangePoly(3).values(x), layer.w)
    assert torch.allclose(layer(x), torch.prod(1 + links, 2) - 1, atol=1e-6)
    conv = high_order_convolution_layers(  # noqa: F405
        "fourier1d", n=3, in_channels=2, out_channels=4, kernel_size=3
    )
    assert conv(torch.rand(2, 2, 9)).shape == (2, 4, 7)
    product = high_order_fc_layers("product", in_features=2, out_features=2, bias=False)
    assert product(x).shape == (4, 2)
    for name in ["continuous_prod2d", "product2d"]:
        with pytest.raises(ValueError, match=name):
            high_order_convolution_layers(name, n=3, in_channels=1, out_channels=1, kernel_size=3)  # noqa: F405
    with pytest.raises(ValueError, match="not recognized"):
        high_order_fc_layers("nonsense", n=3)


def test_unknown_keywords_are_ignored():
    layer = high_order_fc_layers(
        "continuous",
        n=3,
        in_features=2,
        out_features=2,
        segments=2,
        rescale_output=True,
        scale=4.0,
        alpha=0.5,
        intialization="uniform",
        device="cpu",
    )
    assert layer.w.shape == (2, 2, 5)
    nd = high_order_fc_layers(
        "polynomial_2d", n=[3, 3], in_features=2, out_features=1, dimensions=2
    )
    assert nd.w.shape == (1, 2, 9)


def test_fourier_ignores_initialization_arguments():
    torch.manual_seed(0)
    a = high_order_fc_layers(
        "fourier", n=3, in_features=2, out_features=2, weight_magnitude=100.0, initialize="uniform"
    )
    torch.manual_seed(0)
    b = high_order_fc_layers("fourier", n=3, in_features=2, out_features=2)
    assert torch.equal(a.w, b.w)
    assert (a.w >= 0).all() and (a.w < 0.5).all()


def test_continuous_nd_per_link_variant():
    torch.manual_seed(0)
    faithful = high_order_fc_layers(
        "continuous_nd", n=[2, 2], segments=[2, 2], in_features=2, out_features=3
    )
    out = faithful(torch.rand(4, 2, 2) * 2 - 1)
    assert torch.allclose(out, out[:, :1].expand(-1, 3))
    fixed = high_order_fc_layers(
        "continuous_nd",
        n=[2, 2],
        segments=[2, 2],
        in_features=2,
        out_features=3,
        per_link_weights=True,
    )
    assert fixed.w.shape == (2, 3, 16)
    with torch.no_grad():
        fixed.w.normal_()
    x = torch.rand(4, 2, 2) * 2 - 1
    y = fixed(x)
    assert not torch.allclose(y[:, 0], y[:, 1])
    single = torch.stack([fixed(x[:, i : i + 1]) for i in range(2)])
    assert single.shape == (2, 4, 3)
    with pytest.raises(ValueError, match="dimensions"):
        high_order_fc_layers("continuous_nd", n=3, segments=2, in_features=1, out_features=1)
