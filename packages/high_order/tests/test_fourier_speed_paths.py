"""The fast paths of the Fourier layers and of the 2-d conv expansions (spec §3.4, §5.1, §15).

``fourier_terms`` stacks the terms in any dimension, the fully connected Fourier layer adds the
constant term as a bias, and 2-d expansions come out in channels-last memory: every path is
compared with the reference transcription of the original (values and gradients, float64).
"""

from __future__ import annotations

import pytest
import torch
from high_order_layers_torch.FunctionalConvolution import Expansion1d, Expansion2d
from high_order_layers_torch.LagrangePolynomial import (
    FourierExpand,
    FourierSeriesFlat,
    LagrangeExpand,
    PiecewiseDiscontinuousPolynomialExpand,
    PiecewisePolynomialExpand,
    fourier_terms,
)
from high_order_layers_torch.layers import high_order_convolution_layers, high_order_fc_layers

from paramlab.testing import assert_close_scaled, gradcheck

# Inside one period, on ±1 and far outside it (the series is evaluated as is there).
POINTS = [-7.3, -1.0, -0.62, -0.1, 0.0, 0.35, 0.5, 0.99, 1.0, 2.4, 13.0]


def _inputs(*shape: int, dtype=torch.float64) -> torch.Tensor:
    gen = torch.Generator().manual_seed(3)
    x = torch.rand(*shape, generator=gen, dtype=dtype) * 4 - 2
    x.view(-1)[: len(POINTS)] = torch.tensor(POINTS, dtype=dtype)
    return x


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8])
@pytest.mark.parametrize("length", [2.0, 0.7])
def test_fourier_terms_match_the_reference_in_every_dimension(ref, n, length):
    x = _inputs(3, 4, 5)
    expected = ref.fourier(x, n, length)
    for dim in range(-4, 4):
        assert_close_scaled(fourier_terms(x, n, length, dim), expected.movedim(-1, dim))
        without_constant = fourier_terms(x, n, length, dim, constant=False)
        assert_close_scaled(without_constant, expected[..., 1:].movedim(-1, dim))


def test_fourier_terms_follow_the_input_dtype_and_memory_order():
    x = _inputs(2, 3, 4, 5, dtype=torch.float32).permute(0, 2, 3, 1)
    terms = fourier_terms(x, 5, 2.0)
    assert terms.dtype == torch.float32
    assert terms.shape == (2, 4, 5, 3, 5)
    assert terms.is_contiguous()


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7])
def test_fourier_fc_bias_form_equals_the_original_sum(ref, n):
    """The constant term as 0.5·Σ_i w[o, i, 0]: same outputs and gradients as Σ_i Σ_k."""
    x = _inputs(6, 4).requires_grad_()
    w = torch.randn(3, 4, n, dtype=torch.float64, generator=torch.Generator().manual_seed(5))
    w.requires_grad_()
    out = FourierSeriesFlat(n, length=2.0).interpolate(x, w)
    expected = ref.fourier_layer(x, w, n)
    assert_close_scaled(out, expected, rtol=1e-12)
    upstream = torch.randn_like(out)
    # n = 1 is the constant alone: no graph to x, a zero gradient.
    grads = torch.autograd.grad(out, (x, w), upstream, allow_unused=True, materialize_grads=True)
    expected_grads = torch.autograd.grad(expected, (x, w), upstream)
    for got, want in zip(grads, expected_grads, strict=True):
        assert_close_scaled(got, want, rtol=1e-12)


def test_fourier_fc_layer_gradcheck():
    torch.manual_seed(0)
    layer = high_order_fc_layers("fourier", n=4, in_features=3, out_features=2).double()
    with torch.no_grad():
        layer.w.normal_()
    x = torch.tensor([[0.1, -0.7, 0.45], [0.9, -1.0, 3.05]], dtype=torch.float64)
    assert gradcheck(layer, x)


@pytest.mark.parametrize(
    "expander, kind, n, segments",
    [
        (FourierExpand(5, 2.0), "fourier", 5, 1),
        (FourierExpand(4, 1.3), "fourier", 4, 1),
        (LagrangeExpand(3), "polynomial", 3, 1),
        (PiecewisePolynomialExpand(3, 2), "continuous", 3, 2),
        (PiecewiseDiscontinuousPolynomialExpand(2, 3), "discontinuous", 2, 3),
    ],
)
def test_image_expansions_are_channels_last_with_the_original_channel_order(
    ref, expander, kind, n, segments
):
    length = expander.basis.length if kind == "fourier" else 2.0
    x = _inputs(2, 3, 5, 4, dtype=torch.float32).requires_grad_()
    out = Expansion2d(expander)(x)
    expected = ref.expand(x, kind, n, segments, length)
    assert out.shape == expected.shape
    assert out.is_contiguous(memory_format=torch.channels_last)
    assert_close_scaled(out, expected, rtol=1e-6)
    upstream = torch.randn_like(expected)
    (grad,) = torch.autograd.grad(out, x, upstream)
    (expected_grad,) = torch.autograd.grad(expected, x, upstream)
    assert_close_scaled(grad, expected_grad, rtol=1e-5)


@pytest.mark.parametrize("n, length", [(3, 2.0), (6, 0.9)])
def test_fourier_expansion_1d_keeps_the_contiguous_layout(ref, n, length):
    x = _inputs(2, 3, 7, dtype=torch.float32)
    out = Expansion1d(FourierExpand(n, length))(x)
    assert out.is_contiguous()
    assert_close_scaled(out, ref.expand(x, "fourier", n, 1, length), rtol=1e-6)


@pytest.mark.parametrize(
    "layer_type, kind", [("fourier2d", "fourier"), ("continuous2d", "continuous")]
)
@pytest.mark.parametrize("rescale_output", [False, True])
def test_conv_outputs_with_and_without_rescale(ref, layer_type, kind, rescale_output):
    torch.manual_seed(0)
    layer = high_order_convolution_layers(
        layer_type,
        n=3,
        segments=2,
        in_channels=2,
        out_channels=3,
        kernel_size=3,
        padding=1,
        rescale_output=rescale_output,
    )
    x = _inputs(2, 2, 6, 5, dtype=torch.float32)
    rescale = 1.0 / (2 * 9) if rescale_output else 1.0
    expected = ref.conv(x, layer.conv.weight, kind, 3, 2, rescale=rescale, padding=1)
    assert_close_scaled(layer(x), expected)


def test_fourier_conv_gradcheck():
    torch.manual_seed(0)
    layer = high_order_convolution_layers(
        "fourier2d", n=4, in_channels=2, out_channels=2, kernel_size=2
    ).double()
    assert gradcheck(layer, _inputs(1, 2, 3, 3))


@pytest.mark.parametrize("n, dim, constant", [(5, 1, True), (4, -1, True), (6, 0, False)])
def test_fourier_terms_first_and_second_derivatives(n, dim, constant):
    """The backward reads the derivatives off the stacked terms; checked to second order."""
    x = _inputs(3, 4).requires_grad_()

    def terms(x):
        return fourier_terms(x, n, 1.3, dim, constant)

    assert torch.autograd.gradcheck(terms, (x,))
    assert torch.autograd.gradgradcheck(terms, (x,))
