"""One GEMM for all generated kernels (spec §14) and ``export_plain``."""

import pytest
import torch
import torch.nn.functional as F
from associative import export_plain
from associative.models import cifar_resnet, densenet, imagenet_resnet, mobilenetv2, shufflenetv2

from paramlab.testing import assert_close_scaled, count_parameters


def small_models():
    return {
        "resnet20": (cifar_resnet.resnet20, cifar_resnet.resnet20_org, 32),
        "densenet": (
            lambda: densenet.DenseNet(densenet.Bottleneck, 2, growth_rate=12),
            lambda: densenet.DenseNet(densenet.BottleneckOrg, 2, growth_rate=12, org=True),
            32,
        ),
        "mobilenetv2": (mobilenetv2.MobileNetV2, lambda: mobilenetv2.MobileNetV2(org=True), 32),
        "shufflenetv2": (
            lambda: shufflenetv2.ShuffleNetV2(0.5),
            lambda: shufflenetv2.ShuffleNetV2(0.5, org=True),
            32,
        ),
        "imagenet_resnet18": (
            lambda: imagenet_resnet.resnet18(num_classes=10),
            lambda: imagenet_resnet.resnet18(org=True, num_classes=10),
            64,
        ),
        "imagenet_bottleneck": (
            lambda: imagenet_resnet.ResNet(imagenet_resnet.Bottleneck, [1, 1, 1, 1], 10),
            lambda: imagenet_resnet.ResNet(
                imagenet_resnet.BottleneckOrg, [1, 1, 1, 1], 10, org=True
            ),
            64,
        ),
        "imagenet_resnet34_block": (
            lambda: imagenet_resnet.ResNet(imagenet_resnet.BasicBlock, [1, 1, 1, 1], 10),
            None,
            64,
        ),
    }


MODELS = small_models()


@pytest.mark.parametrize("name", sorted(MODELS))
def test_batched_generation_matches_the_per_layer_path(name):
    build, _, size = MODELS[name]
    torch.manual_seed(0)
    net = build()
    x = torch.randn(2, 3, size, size)
    for mode in ("eval", "train"):
        getattr(net, mode)()
        net.batched_generation = True
        batched = net(x)
        net.batched_generation = False
        per_layer = net(x)
        assert_close_scaled(batched, per_layer, rtol=1e-6, msg=f"{name} {mode}")


def test_gradients_match_between_the_two_paths():
    torch.manual_seed(0)
    net = cifar_resnet.resnet20().train()
    x = torch.randn(4, 3, 32, 32)
    grads = {}
    for batched in (True, False):
        net.zero_grad()
        net.batched_generation = batched
        net(x).square().sum().backward()
        grads[batched] = {n: p.grad.clone() for n, p in net.named_parameters()}
    for name in grads[True]:
        assert_close_scaled(grads[True][name], grads[False][name], rtol=1e-5, msg=name)


def test_one_matmul_with_the_csg_per_forward(monkeypatch):
    net = cifar_resnet.resnet56()
    calls = []
    linear = F.linear

    def counting_linear(input, weight, bias=None):
        if weight is net.CSG.weight:
            calls.append(tuple(input.shape))
        return linear(input, weight, bias)

    monkeypatch.setattr(F, "linear", counting_linear)
    net(torch.randn(1, 3, 32, 32))
    assert calls == [(861, 72)]  # 861 slices of ResNet-56 with [12, 12, 3, 3], one GEMM
    calls.clear()
    net.batched_generation = False
    net(torch.randn(1, 3, 32, 32))
    assert len(calls) == 54


@pytest.mark.parametrize("name", sorted(MODELS))
def test_export_plain_gives_an_ordinary_cnn_with_the_same_outputs(name):
    build, build_org, size = MODELS[name]
    torch.manual_seed(0)
    net = build()
    x = torch.randn(2, 3, size, size)
    net.eval()
    plain = export_plain(net).eval()
    with torch.no_grad():
        assert_close_scaled(plain(x), net(x), rtol=1e-6)
    keys = list(plain.state_dict())
    assert not any("code" in k or "CSG" in k for k in keys)
    assert any("code" in k for k in net.state_dict())  # the source model is unchanged
    if build_org is not None:
        org = build_org()
        assert sorted(keys) == sorted(org.state_dict())
        org.load_state_dict(plain.state_dict(), strict=True)
        assert count_parameters(org) == count_parameters(plain)
        with torch.no_grad():
            assert_close_scaled(org.eval()(x), plain(x), rtol=1e-6)
