"""PHM / PHC layers against the original's construction, keys, init order and quirks."""

from __future__ import annotations

import copy

import pytest
import torch
import torch.nn.functional as F
from phc.layers import (
    PHConv,
    PHConv1D,
    PHConv1d,
    PHConv2d,
    PHConv3D,
    PHConv3d,
    PHLinear,
    PHMConv,
    PHMLinear,
    PHMLinearLegacy,
    remap_legacy_keys,
)

from paramlab.testing import (
    assert_close_scaled,
    assert_forward_pure,
    assert_state_dict_roundtrip,
    count_parameters,
    gradcheck,
)

CONV_CASES = [
    # (class, n, in, out, kernel, dims, conv fn, kwargs)
    (PHConv, 4, 8, 12, 3, 2, F.conv2d, {"stride": 2, "padding": 1}),
    (PHConv, 2, 4, 6, 1, 2, F.conv2d, {}),
    (PHConv, 3, 6, 9, 3, 2, F.conv2d, {"padding": 1}),
    (PHConv1D, 4, 8, 4, 5, 1, F.conv1d, {"padding": 2, "dilation": 2}),
    (PHConv3D, 2, 4, 6, 3, 3, F.conv3d, {"stride": 1, "padding": 1}),
]


def _input(dims, channels, dtype=torch.float32, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(2, channels, *([7] * dims), generator=gen, dtype=dtype)


@pytest.mark.parametrize("cls,n,cin,cout,k,dims,conv,kw", CONV_CASES)
def test_phc_conv_equals_original_computation(ref, cls, n, cin, cout, k, dims, conv, kw):
    torch.manual_seed(1)
    layer = cls(n, cin, cout, k, **kw).double()
    x = _input(dims, cin, torch.float64)
    weight = ref.kron_weight(layer.A, layer.F)
    conv_kw = {key: kw[key] for key in ("stride", "padding", "dilation") if key in kw}
    expected = conv(x, weight, None, **conv_kw)
    assert_close_scaled(layer(x), expected, rtol=1e-12)
    assert layer.build_weight().shape == (cout, cin, *([k] * dims))


@pytest.mark.parametrize("cls,n,cin,cout,k,dims,conv,kw", CONV_CASES)
def test_sequential_kron_is_bit_exact_with_original(ref, cls, n, cin, cout, k, dims, conv, kw):
    torch.manual_seed(2)
    layer = cls(n, cin, cout, k, kron="sequential", **kw)
    assert torch.equal(layer.build_weight(), ref.kron_weight(layer.A, layer.F))
    fast = cls(n, cin, cout, k, **kw)
    fast.load_state_dict(layer.state_dict())
    assert_close_scaled(fast.build_weight(), layer.build_weight(), rtol=1e-6)


@pytest.mark.parametrize("cls,n,cin,cout,k,dims,conv,kw", CONV_CASES)
def test_seeded_init_matches_original_rng_order(ref, cls, n, cin, cout, k, dims, conv, kw):
    torch.manual_seed(1234)
    layer = cls(n, cin, cout, k, **kw)
    torch.manual_seed(1234)
    bias, A, F_ = ref.phc_init(n, cin, cout, (k,) * dims)
    assert torch.equal(layer.A, A)
    assert torch.equal(layer.F, F_)
    assert torch.equal(layer.bias, bias)
    torch.manual_seed(1234)
    layer.reset_parameters()
    assert torch.equal(layer.F, F_) and torch.equal(layer.bias, bias)


def test_phm_linear_init_keys_and_output(ref):
    torch.manual_seed(7)
    layer = PHMLinear(4, 8, 12)
    torch.manual_seed(7)
    bias, A, S = ref.phc_init(4, 8, 12, ())
    assert list(layer.state_dict()) == ["bias", "A", "S"]
    assert torch.equal(layer.A, A) and torch.equal(layer.S, S) and torch.equal(layer.bias, bias)
    x = torch.randn(3, 5, 8)
    expected = F.linear(x, ref.kron_weight(A, S), bias)
    assert_close_scaled(layer(x), expected, rtol=1e-6)
    assert count_parameters(layer) == 4**3 + (12 // 4) * (8 // 4) * 4 + 12


def test_state_dict_keys_order_and_counts():
    conv = PHConv(4, 8, 12, 3)
    assert list(conv.state_dict()) == ["bias", "A", "F"]
    assert tuple(conv.F.shape) == (4, 3, 2, 3, 3)
    assert count_parameters(conv) == 4**3 + 3 * 2 * 4 * 9 + 12
    conv3 = PHConv3D(2, 4, 6, 3)
    assert count_parameters(conv3) == 2**3 + 3 * 2 * 2 * 27 + 6
    assert "weight" not in conv.state_dict()
    assert PHMConv is PHConv


def test_bias_quirk_kept_and_fix_flag():
    torch.manual_seed(0)
    layer = PHConv(2, 4, 6, 3, padding=1)
    x = _input(2, 4)
    out = layer(x)
    out.sum().backward()
    assert layer.bias.grad is None  # never used in the forward, as in the original
    fixed = PHConv(2, 4, 6, 3, padding=1, use_bias_in_forward=True)
    fixed.load_state_dict(layer.state_dict())
    assert_close_scaled(fixed(x), out + layer.bias.detach().view(1, -1, 1, 1), rtol=1e-6)


@pytest.mark.parametrize(
    "build,message",
    [
        (lambda: PHConv(4, 6, 8, 3), "in_channels=6 must be divisible by n=4"),
        (lambda: PHConv(4, 8, 6, 3), "out_channels=6 must be divisible by n=4"),
        (lambda: PHConv(4, 2, 8, 3), "in_channels=2 must be divisible by n=4"),
        (lambda: PHMLinear(3, 8, 9), "in_features=8 must be divisible by n=3"),
        (lambda: PHConv1D(0, 8, 8, 3), "n=0 must be a positive integer"),
        (lambda: PHConv(2, 4, 4, 3, kron="loop"), "kron='loop' must be one of"),
    ],
)
def test_value_errors_state_the_rule(build, message):
    with pytest.raises(ValueError, match=message):
        build()


@pytest.mark.parametrize(
    "layer,dims",
    [
        (PHConv2d(8, 4, 3, padding=1, n=4), 2),
        (PHConv1d(4, 8, 3, n=2), 1),
        (PHConv3d(6, 6, 1, n=3), 3),
        (PHLinear(8, 8, n=2), 0),
    ],
)
def test_forward_stores_no_derived_weight(layer, dims):
    cin = layer.in_features
    x = _input(dims, cin) if dims else torch.randn(3, cin)
    before = list(layer.state_dict())
    layer.train()
    layer(x).sum().backward()
    assert list(layer.state_dict()) == before
    copy.deepcopy(layer)  # the original fails here after a training forward
    assert_forward_pure(layer, x)


def test_torch_shaped_and_original_signatures_agree():
    torch.manual_seed(3)
    original = PHConv(4, 8, 12, 3, 1, 2)  # padding=1, stride=2 positionally, as the original
    torch.manual_seed(3)
    shaped = PHConv2d(8, 12, 3, 2, 1, n=4)  # stride=2, padding=1 as torch.nn.Conv2d
    x = _input(2, 8)
    assert torch.equal(original(x), shaped(x))
    assert (original.stride, original.padding) == (2, 1)


def test_float64_module_accepts_float32_input_and_gradcheck():
    torch.manual_seed(0)
    layer = PHConv(2, 4, 4, 3, padding=1).double()
    x = _input(2, 4)
    assert layer(x).dtype == torch.float64
    linear = PHMLinear(2, 4, 6).double()
    assert linear(torch.randn(2, 4)).dtype == torch.float64
    small = PHConv(2, 2, 2, 3, padding=1).double()
    assert gradcheck(small, x[:1, :2, :4, :4])


def test_parameter_gradients_equal_original_construction(ref):
    torch.manual_seed(4)
    layer = PHConv(2, 4, 6, 3, padding=1).double()
    x = _input(2, 4, torch.float64)
    layer(x).square().sum().backward()
    A = layer.A.detach().clone().requires_grad_()
    F_ = layer.F.detach().clone().requires_grad_()
    F.conv2d(x, ref.kron_weight(A, F_), padding=1).square().sum().backward()
    assert_close_scaled(layer.A.grad, A.grad, rtol=1e-12)
    assert_close_scaled(layer.F.grad, F_.grad, rtol=1e-12)


def test_legacy_lowercase_phm_and_key_remapping(ref):
    torch.manual_seed(5)
    legacy = PHMLinearLegacy(2, 4, 6)
    assert list(legacy.state_dict()) == ["bias", "a", "s"]
    torch.manual_seed(5)
    modern = PHMLinear(2, 4, 6)
    x = torch.randn(3, 4)
    assert torch.equal(legacy(x), modern(x))

    model = torch.nn.Sequential(PHConv(2, 4, 6, 3), torch.nn.ReLU(), PHMLinear(2, 6, 4))
    old_keys = {
        "0.bias": torch.randn(6),
        "0.a": torch.randn(2, 2, 2),
        "0.s": torch.randn(2, 3, 2, 3, 3),
        "2.bias": torch.randn(4),
        "2.a": torch.randn(2, 2, 2),
        "2.s": torch.randn(2, 2, 3),
    }
    with pytest.raises(RuntimeError):
        model.load_state_dict(old_keys, strict=True)
    model.load_state_dict(remap_legacy_keys(old_keys, model), strict=True)
    assert torch.equal(model[0].F, old_keys["0.s"]) and torch.equal(model[2].S, old_keys["2.s"])
    assert torch.equal(model[0].A, old_keys["0.a"])
    assert_state_dict_roundtrip(lambda: PHMLinearLegacy(2, 4, 6), legacy, x)


def test_meta_device_build_has_exact_shapes():
    with torch.device("meta"):
        layer = PHConv(4, 64, 128, 3)
    assert layer.F.is_meta and tuple(layer.F.shape) == (4, 32, 16, 3, 3)


def test_toy_regression_phm_model_has_the_tutorials_5796_parameters():
    model = torch.nn.Sequential(
        PHMLinear(4, 4, 200), torch.nn.ReLU(), PHMLinear(4, 200, 100), torch.nn.ReLU(),
        PHMLinear(4, 100, 4),
    )  # fmt: skip
    assert count_parameters(model) == 5_796
