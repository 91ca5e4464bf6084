"""The default ``impl='auto'`` (README "Choice of impl"): what it runs, that it computes torch's
complex convolution within the rounding bound of the Gauss 3-product, its gradients, and that the
parameters do not depend on ``impl``."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from complexnn import (
    CONV_IMPLS,
    IMPLS,
    ComplexConv1d,
    ComplexConv2d,
    ComplexConvTranspose2d,
    choose_impl,
    complex_conv2d,
)
from complexnn.conv import AUTO_BLOCK_MAX_IN

from paramlab.testing import gradcheck

UNIT_ROUNDOFF = {torch.complex64: 2.0**-24, torch.complex128: 2.0**-53}


def test_auto_rule():
    assert AUTO_BLOCK_MAX_IN == 4
    assert [choose_impl("cpu", n) for n in (1, 3, 4, 5, 16)] == ["block"] * 3 + ["gauss"] * 2
    assert choose_impl("cuda", 1) == choose_impl(torch.device("cuda", 1), 64) == "native"
    assert choose_impl("meta", 64) == "native"
    for cls in (ComplexConv1d, ComplexConv2d, ComplexConvTranspose2d):
        assert cls(2, 2, 3).impl == "auto"
    assert CONV_IMPLS == ("auto", *IMPLS)


def test_auto_dispatches_by_input_channels_per_group(monkeypatch):
    from complexnn import conv as conv_module

    seen = []

    def spy(device, in_per_group):
        seen.append(in_per_group)
        return choose_impl(device, in_per_group)

    monkeypatch.setattr(conv_module, "choose_impl", spy)
    x = torch.randn(1, 8, 5, 5, dtype=torch.complex64)
    ComplexConv2d(8, 6, 3, groups=2)(x)
    ComplexConvTranspose2d(8, 4, 3, groups=4)(x)
    ComplexConv2d(8, 4, 3)(x)
    assert seen == [4, 2, 8]


def rounding_bound(x, weight, dtype, op):
    """Per-part worst-case error of a complex conv by the Gauss 3-product (torch's native or
    ours): ``4·(K + 3)·u·(|W| ∗ |h|)``, K = products per output (in/groups · prod(k)),
    u = unit roundoff. (Four-product: ``(K + 1)·u·(|W| ∗ |h|)``.)"""
    k = weight[0].numel() if op is not F.conv_transpose2d else weight[:, 0].numel()
    magnitude = op(x.abs().double(), weight.abs().double())
    return 4 * (k + 3) * UNIT_ROUNDOFF[dtype] * magnitude


@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
@pytest.mark.parametrize(
    "cls,in_channels,op",
    [
        (ComplexConv2d, 3, F.conv2d),  # auto -> block on CPU
        (ComplexConv2d, 16, F.conv2d),  # auto -> gauss on CPU
        (ComplexConvTranspose2d, 12, F.conv_transpose2d),
    ],
)
def test_default_agrees_with_torch_native_within_the_rounding_bound(dtype, cls, in_channels, op):
    real = torch.float32 if dtype == torch.complex64 else torch.float64
    layer = cls(in_channels, 8, 3, bias=False, dtype=real)
    x = torch.randn(4, in_channels, 9, 9, dtype=dtype)
    exact = op(x.to(torch.complex128), layer.weight.detach().to(torch.complex128))
    bound = rounding_bound(x, layer.weight.detach(), dtype, op)
    with torch.no_grad():
        default = layer(x)
        layer.impl = "native"
        native = layer(x)
    assert default.dtype == dtype
    for y in (default, native):
        error = y.to(torch.complex128) - exact
        assert (error.real.abs() <= bound).all() and (error.imag.abs() <= bound).all()
    difference = (default.to(torch.complex128) - native.to(torch.complex128)).abs()
    assert (difference <= 2 * 2**0.5 * bound).all()


@pytest.mark.parametrize("in_channels", [2, 6])
def test_gradcheck_of_the_default(in_channels):
    layer = ComplexConv2d(in_channels, 3, 2, padding=1, dtype=torch.float64)
    layer_t = ComplexConvTranspose2d(in_channels, 3, 2, stride=2, dtype=torch.float64)
    x = torch.randn(2, in_channels, 3, 3, dtype=torch.complex128, requires_grad=True)
    assert gradcheck(layer, x)
    assert gradcheck(layer_t, x)
    w_re = torch.randn(3, in_channels, 2, 2, dtype=torch.float64, requires_grad=True)
    w_im = torch.randn(3, in_channels, 2, 2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda x, a, b: torch.view_as_real(complex_conv2d(x, torch.complex(a, b), padding=1)),
        (x, w_re, w_im),
    )


def test_state_dict_does_not_depend_on_impl():
    torch.manual_seed(0)
    trained = ComplexConv2d(6, 4, 3, padding=1, impl="native", dtype=torch.float64)
    x = torch.randn(2, 6, 5, 5, dtype=torch.complex128)
    expected = trained(x)
    for impl in CONV_IMPLS:
        layer = ComplexConv2d(6, 4, 3, padding=1, impl=impl, dtype=torch.float64)
        assert {k: v.shape for k, v in layer.state_dict().items()} == {
            k: v.shape for k, v in trained.state_dict().items()
        }
        layer.load_state_dict(trained.state_dict(), strict=True)
        torch.testing.assert_close(layer(x), expected, rtol=0, atol=1e-12)
