"""The fast conv paths against plain ``F.conv2d``: the grouped-conv path (channels-last oneDNN,
per-channel product for 1×1 depthwise) and the disc-support conv of the SE(2) full kernels;
same values and gradients, layer by layer and on whole models."""

import ck_g_cnn.nn.functional as gF
import pytest
import torch
import torch.nn.functional as F
from ck_g_cnn.bench import README_SE2
from ck_g_cnn.groups import SE2
from ck_g_cnn.nn import CKGResNet
from ck_g_cnn.nn.conv import GroupConv, GroupConvGSeparable
from ck_g_cnn.nn.functional import disc_conv2d, grouped_conv2d

from paramlab.testing import assert_close_scaled, gradcheck


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


def assert_same_as_plain(model, x, monkeypatch, fast_name, plain):
    """The model with ``gF.<fast_name>`` replaced by ``plain`` gives the same outputs: float32
    to 1e-4 of their scale, float64 outputs and gradients to 1e-12 and 1e-9 (in float32 both
    paths differ from the float64 result by ~1e-5 in outputs and ~1e-4 in gradients in these
    BatchNorm models: rounding, not the paths, sets the float32 tolerance)."""
    for dtype, rtol, grad_rtol in ((torch.float32, 1e-4, None), (torch.float64, 1e-12, 1e-9)):
        model, x = model.to(dtype), x.to(dtype)
        fast, fast_grads = model_values_and_grads(model, x)
        with monkeypatch.context() as patch:
            patch.setattr(gF, fast_name, plain)
            plain_out, plain_grads = model_values_and_grads(model, x)
        assert_close_scaled(fast, plain_out, rtol=rtol)
        if grad_rtol is not None:
            # On the scale of all gradients together: some are zero up to rounding (a
            # BatchNorm bias feeding the next BatchNorm).
            names = list(plain_grads)
            assert_close_scaled(
                torch.cat([fast_grads[n].flatten() for n in names]),
                torch.cat([plain_grads[n].flatten() for n in names]),
                rtol=grad_rtol,
            )


def assert_same_with_plain_convs(model, x, monkeypatch):
    assert_same_as_plain(model, x, monkeypatch, "grouped_conv2d", plain_conv2d)


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


def disc(k: int) -> torch.Tensor:
    """1 where the pixel of linspace(−1, 1, k)² lies in the closed unit disc (float64)."""
    lin = torch.linspace(-1, 1, k, dtype=torch.float64)
    return (lin[:, None] ** 2 + lin[None, :] ** 2 <= 1 + 1e-9).float()


def plain_disc_conv2d(x, weight, stride=1):
    return F.conv2d(x, weight, padding=weight.shape[-1] // 2, stride=stride)


@pytest.mark.parametrize("k, stride", [(3, 1), (5, 1), (7, 1), (7, 2), (9, 1)])
def test_disc_conv2d_equals_conv2d_on_disc_kernels(k, stride):
    gen = torch.Generator().manual_seed(k + stride)
    x = torch.randn(2, 6, 13, 11, generator=gen)
    raw = torch.randn(5, 6, k, k, generator=gen)
    mask = disc(k)
    fast, fast_grads = values_and_grads(lambda a, w: disc_conv2d(a, w * mask, stride), x, raw)
    plain, plain_grads = values_and_grads(
        lambda a, w: plain_disc_conv2d(a, w * mask, stride), x, raw
    )
    assert fast.shape == plain.shape
    assert_close_scaled(fast, plain, rtol=1e-6)
    for got, want in zip(fast_grads, plain_grads, strict=True):
        assert_close_scaled(got, want, rtol=1e-6)


def test_disc_conv2d_gradcheck():
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(1, 2, 6, 5, generator=gen)
    raw = torch.randn(3, 2, 5, 5, generator=gen)
    mask = disc(5).double()
    assert gradcheck(lambda a, w: disc_conv2d(a, w * mask, stride=2), x, raw)


def test_disc_conv2d_rejects_even_kernels():
    with pytest.raises(ValueError, match="odd size >= 3"):
        disc_conv2d(torch.randn(1, 1, 5, 5), torch.randn(1, 1, 4, 4))


def test_se2_full_kernels_are_zero_outside_the_disc():
    """The property the disc path relies on, for rotations that are and are not multiples
    of 90° (the disc mask reads rotated coordinates)."""
    for cls in (GroupConv, GroupConvGSeparable):
        for k in (5, 7, 9):
            torch.manual_seed(k)
            conv = cls(SE2(), k, 2, 3, 8, 1, 8, "SIREN", 10.0, 10.0, "uniform", 1)
            elements = SE2().sample(8, "uniform")
            weight = conv.kernel.sample(elements, elements)
            if cls is GroupConvGSeparable:
                weight = weight[1].unsqueeze(3) * weight[0]
            outside = weight.reshape(-1, k, k)[:, disc(k) == 0]
            assert outside.numel() > 0 and torch.all(outside == 0)


def assert_same_with_plain_dense_convs(model, x, monkeypatch):
    assert_same_as_plain(model, x, monkeypatch, "disc_conv2d", plain_disc_conv2d)


@pytest.mark.parametrize("impl", ["nonseparable", "gseparable"])
@pytest.mark.parametrize("sampling", ["discretise", "uniform"])
def test_tiny_se2_full_kernel_models_equal_plain_convs(impl, sampling, build, monkeypatch):
    torch.manual_seed(0)
    model = build.tiny_resnet("SE2", impl, 8, sampling_method=sampling)
    x = torch.randn(2, 1, 28, 28, generator=torch.Generator().manual_seed(6))
    with monkeypatch.context() as patch:
        calls = []
        patch.setattr(gF, "disc_conv2d", lambda *a, **kw: calls.append(1) or disc_conv2d(*a, **kw))
        model_values_and_grads(model, x)
    assert len(calls) == 4  # the k = 5 convs of the blocks; not skip_align nor the final k = 3
    # model_values_and_grads seeds the global RNG: both passes draw the same uniform phases.
    assert_same_with_plain_dense_convs(model, x, monkeypatch)


def test_se2_full_kernel_layer_gradcheck():
    torch.manual_seed(0)
    conv = GroupConv(SE2(), 5, 1, 2, 4, 1, 4, "SIREN", 10.0, 10.0, "discretise", 1).double()
    grid = SE2().sample(4).double()
    x = torch.randn(1, 1, 4, 5, 5, dtype=torch.float64)
    assert gradcheck(lambda a: conv(a, grid, grid)[0], x)
