"""The fast grouped-conv path (channels-last oneDNN, per-channel product for 1×1 depthwise)
against plain ``F.conv2d``: same values and gradients, layer by layer and on whole models."""

import ck_g_cnn.nn.functional as gF
import pytest
import torch
import torch.nn.functional as F
from ck_g_cnn.groups import SE2
from ck_g_cnn.nn import CKGResNet
from ck_g_cnn.nn.functional import grouped_conv2d

from paramlab.testing import assert_close_scaled

README_SE2 = dict(
    in_channels=1,
    out_channels=10,
    spatial_in_size=28,
    kernel_size=7,
    bias=False,
    padding=True,
    hidden_sizes=[32, 32, 64],
    ck_net_num_hidden=1,
    ck_net_hidden_size=64,
    ck_net_implementation="SIREN",
    ck_net_first_omega_0=10.0,
    ck_net_omega_0=10.0,
    stride=1,
    dropout=0,
    sampling_method="discretise",
    pooling=True,
    normalisation="batchnorm",
    widen_factor=1,
)


def plain_conv2d(x, weight, groups, padding=0, stride=1):
    return F.conv2d(x, weight, padding=padding, stride=stride, groups=groups)


def values_and_grads(fn, *tensors):
    leaves = [t.detach().clone().requires_grad_() for t in tensors]
    y = fn(*leaves)
    y.backward(torch.linspace(-1, 1, y.numel()).view_as(y))
    return y.detach(), [leaf.grad for leaf in leaves]


@pytest.mark.parametrize(
    "channels, per_group, groups, k, padding, stride",
    [
        (12, 1, 12, 7, 3, 1),  # depthwise k×k (separable, dgseparable, separable+2d)
        (12, 1, 12, 5, 2, 2),  # strided
        (12, 1, 12, 3, 0, 1),  # unpadded
        (12, 1, 12, 1, 0, 1),  # kernel size 1: per-channel product (skip_align)
        (12, 1, 12, 1, 0, 2),
        (12, 3, 4, 5, 2, 1),  # C_in per group (gseparable+2d)
        (12, 3, 4, 1, 0, 1),  # 1×1 with several inputs per group stays a plain conv
    ],
)
def test_grouped_conv2d_equals_conv2d(channels, per_group, groups, k, padding, stride):
    gen = torch.Generator().manual_seed(channels * k + stride)
    x = torch.randn(3, groups * per_group, 11, 9, generator=gen)
    weight = torch.randn(channels, per_group, k, k, generator=gen)
    fast, fast_grads = values_and_grads(
        lambda a, w: grouped_conv2d(a, w, groups, padding=(padding, padding), stride=stride),
        x,
        weight,
    )
    plain, plain_grads = values_and_grads(
        lambda a, w: plain_conv2d(a, w, groups, padding=padding, stride=stride), x, weight
    )
    assert fast.shape == plain.shape and fast.is_contiguous()
    assert_close_scaled(fast, plain, rtol=1e-6)
    for got, want in zip(fast_grads, plain_grads, strict=True):
        assert_close_scaled(got, want, rtol=1e-6)


def model_values_and_grads(model, x):
    """Train mode (batch statistics); the seed fixes the head's dropout mask."""
    model.zero_grad()
    torch.manual_seed(5)
    y = model(x)
    y.square().sum().backward()
    return y.detach(), {n: p.grad.clone() for n, p in model.named_parameters()}


def assert_same_with_plain_convs(model, x, monkeypatch):
    fast, fast_grads = model_values_and_grads(model, x)
    with monkeypatch.context() as patch:
        patch.setattr(gF, "grouped_conv2d", plain_conv2d)
        plain, plain_grads = model_values_and_grads(model, x)
    assert_close_scaled(fast, plain, rtol=1e-5)
    # Gradients compared on the scale of all gradients together: some are zero up to rounding
    # (a BatchNorm bias feeding the next BatchNorm), so per-tensor relative errors say nothing.
    names = list(plain_grads)
    assert_close_scaled(
        torch.cat([fast_grads[n].flatten() for n in names]),
        torch.cat([plain_grads[n].flatten() for n in names]),
        rtol=1e-4,
    )


def test_readme_se2_separable_model_equals_plain_convs(monkeypatch):
    torch.manual_seed(0)
    model = CKGResNet(group=SE2(), implementation="separable", num_group_elem=8, **README_SE2)
    x = torch.randn(2, 1, 28, 28, generator=torch.Generator().manual_seed(3))
    assert_same_with_plain_convs(model, x, monkeypatch)


@pytest.mark.parametrize(
    "group, impl, n",
    [
        ("SE2", "dgseparable", 4),
        ("Sim2", "separable+2d", [4, 2]),
        ("Sim2", "gseparable+2d", [4, 2]),
    ],
)
def test_tiny_models_equal_plain_convs(group, impl, n, build, monkeypatch):
    torch.manual_seed(0)
    model = build.tiny_resnet(group, impl, n)
    x = torch.randn(2, 1, 28, 28, generator=torch.Generator().manual_seed(4))
    assert_same_with_plain_convs(model, x, monkeypatch)
