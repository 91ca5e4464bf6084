"""Exact parameter counts of spec §10 (trainable, CSG counted once), org / CSG / frozen CSG,
and the state_dict key counts of spec §8.1. Large models are built on the meta device."""

import pytest
import torch
from associative.models import cifar_resnet, densenet, imagenet_resnet, mobilenetv2, shufflenetv2

from paramlab.testing import count_parameters

CSG_SIZES = {
    (72, (12, 12, 3, 3)): 93_312,
    (128, (16, 16, 3, 3)): 294_912,
    (72, (16, 16, 3, 3)): 165_888,
}
RESNET = {  # depth: org, 72/[12,12], 128/[16,16], 72/[16,16]
    20: (269_722, 115_426, 312_218, 176_698),
    32: (464_154, 130_434, 323_866, 183_642),
    44: (658_586, 145_442, 335_514, 190_586),
    56: (853_018, 160_450, 347_162, 197_530),
    110: (1_727_962, 227_986, 399_578, 228_778),
}
DENSENET = {  # growth rate: org, 72/[12,12], 128/[16,16]
    12: (176_122, 181_306, 384_634),
    24: (690_346, 431_146, 639_658),
    36: (1_542_682, 842_842, 1_059_994),
    48: (2_733_130, 1_416_394, 1_617_994),
}


def frozen(net):
    net.CSG.weight.requires_grad_(False)
    return count_parameters(net)


@pytest.mark.parametrize("depth", sorted(RESNET))
def test_cifar_resnet_counts(depth):
    org, *csg = RESNET[depth]
    with torch.device("meta"):
        plain = cifar_resnet.CifarResNet(cifar_resnet.ResNetBasicblockOrg, depth, 10, org=True)
        assert count_parameters(plain) == org
        for (code_size, shape), expected in zip(CSG_SIZES, csg, strict=True):
            net = cifar_resnet.CifarResNet(
                cifar_resnet.ResNetBasicblock, depth, 10, code_size=code_size, slice_shape=shape
            )
            assert count_parameters(net) == expected
            assert frozen(net) == expected - CSG_SIZES[(code_size, shape)]


def test_resnet56_reduction_is_5_32x():
    with torch.device("meta"):
        ratio = count_parameters(cifar_resnet.resnet56_org()) / count_parameters(
            cifar_resnet.resnet56()
        )
    assert round(ratio, 2) == 5.32


@pytest.mark.parametrize("growth_rate", sorted(DENSENET))
def test_densenet_bc_40_counts(growth_rate):
    org, csg12, csg16 = DENSENET[growth_rate]
    with torch.device("meta"):
        plain = densenet.DenseNet(densenet.BottleneckOrg, 6, growth_rate=growth_rate, org=True)
        assert count_parameters(plain) == org
        net = densenet.DenseNet(densenet.Bottleneck, 6, growth_rate=growth_rate)
        assert count_parameters(net) == csg12
        assert frozen(net) == csg12 - 93_312
        net = densenet.DenseNet(
            densenet.Bottleneck,
            6,
            growth_rate=growth_rate,
            code_size=128,
            slice_shape=[16] * 2 + [3] * 2,
        )
        assert count_parameters(net) == csg16
        assert frozen(net) == csg16 - 294_912


def test_densenet_cifar_default_and_frozen():
    with torch.device("meta"):
        assert count_parameters(densenet.densenet_cifar()) == 1_416_394
        assert frozen(densenet.densenet_cifar()) == 1_323_082
        assert count_parameters(densenet.densenet_cifar_org()) == 2_733_130


def test_mobilenetv2_and_shufflenetv2_counts():
    with torch.device("meta"):
        assert count_parameters(mobilenetv2.MobileNetV2(org=True)) == 2_296_922
        assert count_parameters(mobilenetv2.MobileNetV2()) == 1_595_322
        assert count_parameters(mobilenetv2.MobileNetV2(binary_csg=True)) == 1_591_226
        sizes = [0.5, 1, 1.5, 2]
        counts = [count_parameters(shufflenetv2.ShuffleNetV2(s)) for s in sizes]
        assert counts == [171_818, 822_510, 1_817_130, 3_468_202]
        binary = [count_parameters(shufflenetv2.ShuffleNetV2(s, binary_csg=True)) for s in sizes]
        assert binary == [c - 4_096 for c in counts]
        assert count_parameters(shufflenetv2.ShuffleNetV2(0.5, org=True)) == 352_042


IMAGENET = [
    ("resnet18", {"org": True}, 11_689_512),
    ("resnet18", {}, 7_527_976),
    ("resnet34", {}, 2_177_832),
    ("resnet50", {"org": True}, 25_557_032),
    ("resnet50", {}, 15_163_432),
    ("resnet101", {"org": True}, 44_549_160),
    ("resnet101", {}, 24_685_608),
    ("resnet152", {}, 32_530_472),
    ("resnext50_32x4d", {}, 26_424_104),
    ("wide_resnet50_2", {}, 26_424_104),
    ("resnext101_32x8d", {}, 97_386_792),
    ("wide_resnet101_2", {}, 46_547_752),
]


@pytest.mark.parametrize(("factory", "kwargs", "expected"), IMAGENET)
def test_imagenet_counts(factory, kwargs, expected):
    with torch.device("meta"):
        assert count_parameters(getattr(imagenet_resnet, factory)(**kwargs)) == expected


def test_imagenet_paper_resnet18_is_bottleneck_2222():
    with torch.device("meta"):
        org = imagenet_resnet.ResNet(imagenet_resnet.BottleneckOrg, [2, 2, 2, 2], org=True)
        csg = imagenet_resnet.ResNet(imagenet_resnet.Bottleneck, [2, 2, 2, 2])
    assert (count_parameters(org), count_parameters(csg)) == (15_995_176, 10_371_368)


def test_state_dict_key_counts_and_duplicated_csg():
    with torch.device("meta"):
        cases = {
            "resnet20": (cifar_resnet.resnet20(), 126),
            "resnet56": (cifar_resnet.resnet56(), 360),
            "resnet20_org": (cifar_resnet.resnet20_org(), 116),
            "resnet56_org": (cifar_resnet.resnet56_org(), 332),
            "densenet": (densenet.densenet_cifar(), 255),
            "densenet_org": (densenet.densenet_cifar_org(), 236),
            "mobilenetv2": (mobilenetv2.MobileNetV2(), 362),
            "shufflenetv2": (shufflenetv2.ShuffleNetV2(0.5), 339),
            "resnet50": (imagenet_resnet.resnet50(), 337),
        }
        for name, (net, keys) in cases.items():
            assert len(net.state_dict()) == keys, name
    copies = {
        "resnet20": 10,
        "resnet56": 28,
        "densenet": 19,
    }
    for name, n in copies.items():
        state = cases[name][0].state_dict()
        assert sum(k.endswith("CSG.weight") for k in state) == n
    keys = list(cases["resnet20"][0].state_dict())
    assert keys[:2] == ["CSG.weight", "conv_1_3x3.weight"]
    assert keys[7:10] == ["stage_1.0.code", "stage_1.0.code2", "stage_1.0.CSG.weight"]
    assert list(cases["shufflenetv2"][0].state_dict())[:3] == [
        "code2",
        "CSG.weight",
        "conv1.weight",
    ]
    dense_keys = list(cases["densenet"][0].state_dict())
    assert dense_keys[:4] == ["conv1.weight", "CSG.weight", "dense1.0.code2", "dense1.0.CSG.weight"]


def test_imagenet_thin_module_reads_its_constants(load_thin, monkeypatch):
    thin = load_thin("Imagenet-1000/models/resnet.py")
    with torch.device("meta"):
        assert count_parameters(thin.resnet50()) == 15_163_432
        assert count_parameters(thin.resnet50(org=True)) == 25_557_032
        monkeypatch.setattr(thin, "CODE_SIZE", 72)
        net = thin.resnet50()
        assert net.CSG.weight.shape == (2304, 72)
        assert thin.ResNet(thin.Bottleneck, [1, 1, 1, 1]).CSG.weight.shape == (2304, 72)
    with pytest.raises(ValueError, match="pretrained=True"):
        thin.resnet34(pretrained=True)


def test_baselines_without_csg(load_thin):
    from associative.models import densenet_crelu, densenet_sep, resnet_crelu, resnet_sep

    with torch.device("meta"):
        assert count_parameters(resnet_sep.resnet56()) == 494_709
        assert count_parameters(resnet_crelu.resnet56()) == 426_834
        assert count_parameters(densenet_crelu.densenet_cifar_crelu()) == 1_369_210
        assert count_parameters(densenet_sep.densenet_cifar()) == 1_434_853
        assert (
            count_parameters(resnet_sep.resnet56_org()) == 853_018 - 432 + 27 + 48
        )  # separable stem
    x = torch.randn(1, 3, 32, 32)
    net = resnet_crelu.resnet56().eval()
    assert net(x).shape == (1, 10)
    stem = densenet_sep.densenet_cifar().conv_pw1
    assert stem(torch.zeros(1, 3, 32, 32)).shape[-2:] == (34, 34)  # the original's padded 1x1
    thin = load_thin("CIFAR10/models/densenet_crelu.py")
    assert thin.densenet_cifar_crelu is densenet_crelu.densenet_cifar_crelu
