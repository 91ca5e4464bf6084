"""Complex conv / transposed conv / linear against torch's native complex ops (spec §13.1–3)."""

from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F
from complexnn import (
    IMPLS,
    ComplexConv1d,
    ComplexConv2d,
    ComplexConv3d,
    ComplexConvTranspose1d,
    ComplexConvTranspose2d,
    ComplexConvTranspose3d,
    ComplexLinear,
    apply_complex,
    complex_conv2d,
    complex_linear,
)

from paramlab.testing import assert_close_scaled, assert_forward_pure, assert_state_dict_roundtrip
from paramlab.testing import gradcheck as pl_gradcheck

CONVS = {1: ComplexConv1d, 2: ComplexConv2d, 3: ComplexConv3d}
CONVS_T = {1: ComplexConvTranspose1d, 2: ComplexConvTranspose2d, 3: ComplexConvTranspose3d}
NATIVE = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
NATIVE_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def _bias_shape(dims):
    return (1, -1) + (1,) * dims


@pytest.mark.parametrize(
    "dims,groups,bias,stride,padding,dilation",
    [
        (1, 1, True, 1, 0, 1),
        (1, 2, False, 2, 1, 2),
        (2, 1, True, 2, 1, 1),
        (2, 2, True, 1, 2, 2),
        (3, 1, False, 1, 1, 1),
        (3, 2, True, 2, 0, 1),
    ],
)
@pytest.mark.parametrize("impl", IMPLS)
def test_conv_equals_native_complex_conv(
    crandn, randomize_bias, dims, groups, bias, stride, padding, dilation, impl
):
    layer = CONVS[dims](
        4,
        6,
        3,
        stride=stride,
        padding=padding,
        dilation=dilation,
        groups=groups,
        bias=bias,
        impl=impl,
        dtype=torch.float64,
    )
    randomize_bias(layer)
    x = crandn(2, 4, *([7] * dims))
    weight = torch.complex(layer.weight_real, layer.weight_imag)
    expected = NATIVE[dims](
        x, weight, stride=stride, padding=padding, dilation=dilation, groups=groups
    )
    if bias:
        expected = expected + torch.complex(layer.bias_real, layer.bias_imag).reshape(
            _bias_shape(dims)
        )
    out = layer(x)
    assert out.dtype == torch.complex128
    torch.testing.assert_close(out, expected, atol=1e-10, rtol=0)


@pytest.mark.parametrize("dims,groups", [(1, 2), (2, 1), (2, 2), (3, 1)])
@pytest.mark.parametrize("impl", IMPLS)
def test_transposed_conv_equals_native(crandn, randomize_bias, dims, groups, impl):
    layer = CONVS_T[dims](
        4,
        6,
        3,
        stride=2,
        padding=1,
        output_padding=1,
        groups=groups,
        impl=impl,
        dtype=torch.float64,
    )
    randomize_bias(layer)
    assert layer.weight_real.shape == (4, 6 // groups, *([3] * dims))
    x = crandn(2, 4, *([4] * dims))
    expected = NATIVE_T[dims](
        x, layer.weight, stride=2, padding=1, output_padding=1, groups=groups
    ) + layer.bias.reshape(_bias_shape(dims))
    torch.testing.assert_close(layer(x), expected, atol=1e-10, rtol=0)


@pytest.mark.parametrize("impl", IMPLS)
def test_linear_has_no_conjugate(crandn, randomize_bias, impl):
    layer = randomize_bias(ComplexLinear(5, 3, impl=impl, dtype=torch.float64))
    x = crandn(4, 2, 5)
    expected = x @ layer.weight.T + layer.bias
    torch.testing.assert_close(layer(x), expected, atol=1e-10, rtol=0)
    assert not torch.allclose(layer(x), x @ layer.weight.conj().T + layer.bias)
    torch.testing.assert_close(
        complex_linear(x, layer.weight, layer.bias, impl=impl), expected, atol=1e-10, rtol=0
    )


@pytest.mark.parametrize("cls", [ComplexConv2d, ComplexConvTranspose2d])
def test_all_impls_agree_in_outputs_and_gradients(crandn, cls):
    x = crandn(2, 4, 6, 6)
    results = []
    for impl in IMPLS:
        torch.manual_seed(3)
        layer = cls(4, 4, 3, stride=2, padding=1, groups=2, impl=impl, dtype=torch.float64)
        with torch.no_grad():
            layer.bias_real.normal_()
            layer.bias_imag.normal_()
        xi = x.clone().requires_grad_(True)
        out = layer(xi)
        loss = (out.abs() ** 2).sum() + out.real.sum()
        loss.backward()
        grads = (xi.grad, layer.weight_real.grad, layer.weight_imag.grad, layer.bias_imag.grad)
        results.append((out.detach(), grads))
    ref_out, ref_grads = results[0]
    for out, grads in results[1:]:
        torch.testing.assert_close(out, ref_out, atol=1e-10, rtol=0)
        for g, r in zip(grads, ref_grads, strict=True):
            torch.testing.assert_close(g, r, atol=1e-9, rtol=0)


@pytest.mark.parametrize("cls", [ComplexConv1d, ComplexConv2d, ComplexConv3d, ComplexLinear])
def test_dtype_preserved(cls):
    dims = {ComplexConv1d: 1, ComplexConv2d: 2, ComplexConv3d: 3, ComplexLinear: 0}[cls]
    layer = cls(2, 3) if dims == 0 else cls(2, 3, 3, padding=1)
    shape = (2, 2) if dims == 0 else (2, 2, *([5] * dims))
    assert layer(torch.randn(shape, dtype=torch.complex64)).dtype == torch.complex64
    assert layer.double()(torch.randn(shape, dtype=torch.complex128)).dtype == torch.complex128
    assert layer(torch.randn(shape, dtype=torch.float64)).dtype == torch.complex128
    with pytest.raises(TypeError, match="dtype"):
        layer(torch.ones(shape, dtype=torch.long))


def test_complex64_within_spec_tolerance():
    layer = ComplexConv2d(3, 4, 3, padding=1, impl="gauss")
    x = torch.randn(2, 3, 8, 8, dtype=torch.complex64)
    expected = F.conv2d(x, layer.weight, padding=1) + layer.bias.reshape(1, -1, 1, 1)
    torch.testing.assert_close(layer(x), expected, atol=1e-5, rtol=1e-4)


def test_apply_complex_equals_complex_conv(crandn):
    fr = torch.nn.Conv2d(3, 5, 3, padding=1, bias=False).double()
    fi = torch.nn.Conv2d(3, 5, 3, padding=1, bias=False).double()
    x = crandn(2, 3, 6, 6)
    weight = torch.complex(fr.weight, fi.weight)
    torch.testing.assert_close(
        apply_complex(fr, fi, x), F.conv2d(x, weight, padding=1), atol=1e-10, rtol=0
    )
    torch.testing.assert_close(
        complex_conv2d(x, weight, padding=1), F.conv2d(x, weight, padding=1), atol=1e-10, rtol=0
    )


def test_reflect_padding_mode(crandn):
    layer = ComplexConv2d(2, 3, 3, padding=1, padding_mode="reflect", dtype=torch.float64)
    x = crandn(1, 2, 5, 5)
    padded = torch.complex(
        F.pad(x.real, (1, 1, 1, 1), mode="reflect"), F.pad(x.imag, (1, 1, 1, 1), mode="reflect")
    )
    expected = F.conv2d(padded, layer.weight) + layer.bias.reshape(1, -1, 1, 1)
    torch.testing.assert_close(layer(x), expected, atol=1e-10, rtol=0)


def test_spectral_parametrization_uses_inverse_dft_of_the_kernel(crandn):
    layer = ComplexConv2d(2, 3, 3, padding=1, spectral_parametrization=True, dtype=torch.float64)
    x = crandn(1, 2, 6, 6)
    spatial = torch.fft.ifft2(layer.weight, norm="ortho")
    expected = F.conv2d(x, spatial, padding=1) + layer.bias.reshape(1, -1, 1, 1)
    torch.testing.assert_close(layer(x), expected, atol=1e-10, rtol=0)
    plain = ComplexConv2d(2, 3, 3, padding=1, dtype=torch.float64)
    assert sum(p.numel() for p in layer.parameters()) == sum(p.numel() for p in plain.parameters())


@pytest.mark.parametrize("impl", IMPLS)
def test_gradcheck_conv_linear_transposed(crandn, impl):
    conv = ComplexConv2d(2, 2, 2, stride=1, padding=1, impl=impl, dtype=torch.float64)
    convt = ComplexConvTranspose1d(2, 2, 3, stride=2, impl=impl, dtype=torch.float64)
    lin = ComplexLinear(3, 2, impl=impl, dtype=torch.float64)
    pl_gradcheck(conv, crandn(1, 2, 3, 3))
    pl_gradcheck(convt, crandn(1, 2, 3))
    pl_gradcheck(lin, crandn(2, 3))

    def conv_in_weight(w_re, w_im, x):
        return complex_conv2d(x, torch.complex(w_re, w_im), impl=impl, padding=1)

    pl_gradcheck(
        conv_in_weight, torch.randn(2, 2, 2, 2), torch.randn(2, 2, 2, 2), crandn(1, 2, 3, 3)
    )


def test_wirtinger_gradient_of_linear(crandn):
    """L = Σ|y|², y = W h: W.grad = 2 Σ_batch y hᴴ and real/imag parts hold its Re/Im."""
    layer = ComplexLinear(4, 3, bias=False, dtype=torch.float64)
    h = crandn(5, 4)
    y = layer(h)
    (y.abs() ** 2).sum().backward()
    expected = 2 * torch.einsum("bo,bi->oi", y.detach(), h.conj())
    torch.testing.assert_close(layer.weight_real.grad, expected.real, atol=1e-10, rtol=0)
    torch.testing.assert_close(layer.weight_imag.grad, expected.imag, atol=1e-10, rtol=0)
    z = crandn(3).requires_grad_(True)
    (z.abs() ** 2).sum().backward()
    torch.testing.assert_close(z.grad, 2 * z.detach())


def _real_jacobian(fn, z):
    """Jacobian of (Re f, Im f) w.r.t. (Re z, Im z) for a scalar complex function."""

    def real_fn(v):
        out = fn(torch.complex(v[0], v[1]).reshape(1, 1))
        return torch.stack([out.real.reshape(()), out.imag.reshape(())])

    v = torch.stack([z.real, z.imag]).to(torch.float64)
    return torch.autograd.functional.jacobian(real_fn, v)


def _satisfies_cr(jac):
    du_dx, du_dy, dv_dx, dv_dy = jac[0, 0], jac[0, 1], jac[1, 0], jac[1, 1]
    return bool(torch.isclose(du_dx, dv_dy) and torch.isclose(du_dy, -dv_dx))


def test_cauchy_riemann_linear_and_crelu():
    from complexnn import crelu

    layer = ComplexLinear(1, 1, dtype=torch.float64)
    conv = ComplexConv1d(1, 1, 1, dtype=torch.float64)
    point = torch.tensor(0.3 - 0.7j, dtype=torch.complex128)
    assert _satisfies_cr(_real_jacobian(layer, point))
    assert _satisfies_cr(_real_jacobian(lambda z: conv(z.reshape(1, 1, 1)), point))
    assert _satisfies_cr(_real_jacobian(crelu, torch.tensor(0.5 + 0.8j, dtype=torch.complex128)))
    assert not _satisfies_cr(
        _real_jacobian(crelu, torch.tensor(-0.5 + 0.8j, dtype=torch.complex128))
    )


def test_parameters_state_dict_and_purity(crandn):
    layer = ComplexConv2d(4, 6, 3, groups=2, padding=1)
    assert list(layer.state_dict()) == ["weight_real", "weight_imag", "bias_real", "bias_imag"]
    assert layer.weight_real.shape == (6, 2, 3, 3)
    assert sum(p.numel() for p in layer.parameters()) == 2 * (6 * 2 * 9 + 6)
    x = crandn(2, 4, 5, 5, dtype=torch.complex64)
    assert_state_dict_roundtrip(lambda: ComplexConv2d(4, 6, 3, groups=2, padding=1), layer, x)
    assert_forward_pure(layer, x)
    assert "impl='auto'" in repr(layer)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"groups": 4}, "divisible by groups"),
        ({"impl": "fast"}, "impl="),
        ({"padding_mode": "mirror"}, "padding_mode="),
        ({"init": "zeros"}, "init="),
        ({"criterion": "lecun"}, "criterion="),
    ],
)
def test_constructor_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ComplexConv2d(6, 6, 3, **kwargs)


def test_real_input_is_promoted():
    layer = ComplexConv2d(1, 2, 3, dtype=torch.float64)
    x = torch.randn(1, 1, 5, 5, dtype=torch.float64)
    torch.testing.assert_close(layer(x), layer(torch.complex(x, torch.zeros_like(x))))


def test_sequence_of_impls_on_same_weights(crandn):
    layer = ComplexConv1d(2, 2, 3, dtype=torch.float64)
    x = crandn(1, 2, 8)
    outs = []
    for impl in IMPLS:
        layer.impl = impl
        outs.append(layer(x))
    for a, b in itertools.combinations(outs, 2):
        assert_close_scaled(a, b, rtol=1e-12)


def test_weight_normalized_conv_whitens_each_kernel(crandn):
    from complexnn import ComplexWeightNormConv2d

    layer = ComplexWeightNormConv2d(4, 6, 3, padding=1, groups=2, dtype=torch.float64)
    plain = ComplexConv2d(4, 6, 3, padding=1, groups=2)
    extra = sum(p.numel() for p in layer.parameters()) - sum(p.numel() for p in plain.parameters())
    assert extra == 3 * 6 * 2
    with torch.no_grad():
        layer.gamma_rr.fill_(1.0)
        layer.gamma_ii.fill_(1.0)
    w_re, w_im = layer.effective_kernel()
    taps = (2, 3)
    assert w_re.mean(taps).abs().max() < 1e-12 and w_im.mean(taps).abs().max() < 1e-12
    ones = torch.ones(6, 2, dtype=torch.float64)
    torch.testing.assert_close(w_re.square().mean(taps), ones, atol=1e-4, rtol=0)
    torch.testing.assert_close(w_im.square().mean(taps), ones, atol=1e-4, rtol=0)
    torch.testing.assert_close((w_re * w_im).mean(taps), 0 * ones, atol=1e-4, rtol=0)
    x = crandn(1, 4, 5, 5)
    expected = F.conv2d(x, torch.complex(w_re, w_im), padding=1, groups=2)
    torch.testing.assert_close(layer(x), expected + layer.bias.reshape(1, -1, 1, 1))
    pl_gradcheck(ComplexWeightNormConv2d(2, 2, 2, dtype=torch.float64), crandn(1, 2, 3, 3))
