"""Kernel assembly (spec §3), which convolutions are generated (§4), constants and overrides."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from associative import CSG, GeneratedConv, assemble_kernel, num_slices, padded_kernel_shape
from associative.models import cifar_resnet, densenet, imagenet_resnet, mobilenetv2, shufflenetv2

from paramlab.testing import assert_forward_pure, count_parameters, gradcheck


def reference_kernel(code, weight, in_ch, out_ch, k, slice_shape):
    """The original's assembly written out with numpy index arithmetic: the slices, laid end to
    end, are the row-major flattened padded kernel (ceil(O/S0)*S0, ceil(I/S1)*S1, k, k)."""
    s0, s1 = slice_shape[:2]
    flat = (np.asarray(code, np.float64) @ np.asarray(weight, np.float64).T).reshape(-1)
    pad_in = math.ceil(in_ch / s1) * s1
    kernel = np.empty((out_ch, in_ch, k, k))
    for o in range(out_ch):
        for i in range(in_ch):
            for a in range(k):
                for b in range(k):
                    kernel[o, i, a, b] = flat[((o * pad_in + i) * k + a) * k + b]
    return torch.from_numpy(kernel)


CASES = [
    (16, 16, 3, [12, 12, 3, 3]),  # crop of the padded 24x24
    (16, 32, 3, [12, 12, 3, 3]),  # the worked example: 6 slices, view (36, 24, 3, 3)
    (24, 24, 3, [12, 12, 3, 3]),  # no crop
    (96, 24, 3, [16, 16, 3, 3]),  # DenseNet k=24 bottleneck: 12 slices, view (32, 96, 3, 3)
    (32, 32, 1, [16, 16, 1, 1]),  # 1x1, no crop
    (24, 144, 1, [16, 16, 1, 1]),  # 1x1, crop on the input side
]


@pytest.mark.parametrize(("in_ch", "out_ch", "k", "slice_shape"), CASES)
def test_assembly_equals_contiguous_chunks_of_the_padded_kernel(in_ch, out_ch, k, slice_shape):
    torch.manual_seed(0)
    n = num_slices(in_ch, out_ch, slice_shape)
    assert n == math.ceil(in_ch / slice_shape[0]) * math.ceil(out_ch / slice_shape[1])
    code = torch.randn(n, 7, dtype=torch.float64)
    weight = torch.randn(math.prod(slice_shape), 7, dtype=torch.float64)
    kernel = assemble_kernel(code, weight, in_ch, out_ch, k, slice_shape)
    expected = reference_kernel(code, weight, in_ch, out_ch, k, slice_shape)
    torch.testing.assert_close(kernel, expected, rtol=1e-12, atol=1e-12)
    x = torch.randn(2, in_ch, 6, 6, dtype=torch.float64)
    spec = GeneratedConv("code", "conv", in_ch, out_ch, k, 1, k // 2)
    block = torch.nn.Module()
    block.CSG = CSG(7, slice_shape).double()
    block.CSG.weight.data.copy_(weight)
    block.code = torch.nn.Parameter(code)
    out = spec.kernel(block)
    torch.testing.assert_close(out, expected, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(
        F.conv2d(x, out, padding=k // 2), F.conv2d(x, expected, padding=k // 2)
    )


def test_worked_example_each_slice_fills_six_output_rows():
    """16 -> 32 with [12,12,3,3]: slice j alone makes output rows 6j..6j+5 (all 16 inputs)."""
    assert padded_kernel_shape(16, 32, 3, [12, 12, 3, 3]) == (36, 24, 3, 3)
    weight = torch.randn(1296, 72)
    for j in range(6):
        code = torch.zeros(6, 72)
        code[j] = torch.randn(72)
        kernel = assemble_kernel(code, weight, 16, 32, 3, [12, 12, 3, 3])
        rows = kernel.abs().sum(dim=(1, 2, 3)).nonzero().flatten().tolist()
        assert rows == [r for r in range(6 * j, 6 * j + 6) if r < 32]


def test_slice_counts_of_the_cifar_resnet():
    expected = {(16, 16): (4, 1), (16, 32): (6, 2), (32, 32): (9, 4), (32, 64): (18, 8)}
    expected[(64, 64)] = (36, 16)
    for (i, o), (n12, n16) in expected.items():
        assert num_slices(i, o, [12, 12, 3, 3]) == n12
        assert num_slices(i, o, [16, 16, 3, 3]) == n16
    for shape, total in (([12, 12, 3, 3], 273), ([16, 16, 3, 3], 116)):
        net = cifar_resnet.resnet20(slice_shape=shape)
        layers = net.generated_layers()
        assert len(layers) == 18
        assert sum(getattr(b, s.code).shape[0] for b, s in layers) == total


def test_geometry_errors_state_the_rule():
    with pytest.raises(ValueError, match="S0 == S1"):
        padded_kernel_shape(16, 40, 3, [12, 16, 3, 3])
    with pytest.raises(ValueError, match="kernel size"):
        padded_kernel_shape(16, 16, 3, [16, 16, 1, 1])
    with pytest.raises(ValueError, match="four positive integers"):
        CSG(72, [12, 12, 3])
    with pytest.raises(ValueError, match="depth=21"):
        cifar_resnet.CifarResNet(cifar_resnet.ResNetBasicblock, 21, 10)


def test_which_convolutions_are_generated():
    def generated(net):
        return [
            (type(b).__name__, s.code, s.plain, s.kernel_size) for b, s in net.generated_layers()
        ]

    resnet = generated(cifar_resnet.resnet20())
    assert resnet[:2] == [
        ("ResNetBasicblock", "code", "conv_a", 3),
        ("ResNetBasicblock", "code2", "conv_b", 3),
    ]
    dense = generated(densenet.DenseNet(densenet.Bottleneck, 2, growth_rate=12))
    assert dense == [("Bottleneck", "code2", "conv2", 3)] * 6
    mobile = generated(mobilenetv2.MobileNetV2())
    assert len(mobile) == 17 and set(mobile) == {("BlockCSG", "code1", "conv1", 1)}
    shuffle = shufflenetv2.ShuffleNetV2(0.5)
    assert generated(shuffle) == [("ShuffleNetV2", "code2", "conv2", 1)]
    assert shuffle.code2.shape == (12 * 64, 16)
    with torch.device("meta"):
        r18 = generated(imagenet_resnet.resnet18())
        r34 = generated(imagenet_resnet.resnet34())
        r50 = imagenet_resnet.resnet50()
    assert set(r18) == {("BasicBlock2", "code1", "conv1", 3)} and len(r18) == 8
    assert len(r34) == 32 and {c for _, c, _, _ in r34} == {"code1", "code2"}
    slices = [getattr(b, s.code).shape[0] for b, s in r50.generated_layers()]
    assert sorted(set(slices)) == [16, 64, 256, 1024] and sum(slices) == 4912
    # the org networks have no CSG and no code at all
    for net in (cifar_resnet.resnet20_org(), densenet.densenet_cifar_org(growth_rate=12)):
        assert net.CSG is None and not any("code" in k or "CSG" in k for k in net.state_dict())


def test_module_constants_are_read_at_construction_and_keywords_override(monkeypatch, load_thin):
    monkeypatch.setattr(cifar_resnet, "CODE_SIZE", 128)
    monkeypatch.setattr(cifar_resnet, "SLICE_SHAPE", [16, 16, 3, 3])
    net = cifar_resnet.resnet20()
    assert net.CSG.weight.shape == (2304, 128) and count_parameters(net) == 312_218
    override = cifar_resnet.resnet20(code_size=72, slice_shape=[16, 16, 3, 3])
    assert count_parameters(override) == 176_698
    thin = load_thin("CIFAR10/models/resnet.py")
    assert count_parameters(thin.resnet20()) == 115_426  # its own constants, 72/[12,12,3,3]
    monkeypatch.setattr(thin, "CODE_SIZE", 72)
    monkeypatch.setattr(thin, "SLICE_SHAPE", [16, 16, 3, 3])
    assert count_parameters(thin.resnet20()) == 176_698
    binary = load_thin("CIFAR10/models/densenet_bcsg.py").DenseNet(
        densenet.Bottleneck, 1, growth_rate=12
    )
    assert binary.CSG.binary and not binary.CSG.weight.requires_grad
    assert set(binary.CSG.weight.unique().tolist()) == {-0.5, 0.5}


def test_resnet_init_matches_the_original_recipe():
    torch.manual_seed(0)
    net = cifar_resnet.resnet56()
    codes = torch.cat([p.flatten() for n, p in net.named_parameters() if "code" in n])
    assert abs(codes.mean().item() - 1e-3) < 0.01 and abs(codes.std().item() - 1.0) < 0.01
    assert abs(net.CSG.weight.std().item() - math.sqrt(2 / 72)) < 0.002


def test_reg_mode_is_accepted_and_has_no_effect():
    torch.manual_seed(0)
    a = densenet.DenseNet(densenet.Bottleneck, 1, growth_rate=12, reg_mode=True)
    torch.manual_seed(0)
    b = densenet.DenseNet(densenet.Bottleneck, 1, growth_rate=12, reg_mode=False)
    x = torch.randn(2, 3, 32, 32)
    assert a.dense1[0].reg_mode and not b.dense1[0].reg_mode
    assert torch.equal(a.eval()(x), b.eval()(x))


def test_gradcheck_through_the_generated_convolution():
    code = torch.randn(2, 3)
    weight = torch.randn(16 * 16, 3) * 0.3
    x = torch.randn(1, 20, 4, 4)

    def fn(code, weight, x):
        return F.conv2d(x, assemble_kernel(code, weight, 20, 6, 1, [16, 16, 1, 1]))

    assert gradcheck(fn, code, weight, x)


def test_forward_stores_nothing_on_the_module():
    net = cifar_resnet.resnet20()
    assert_forward_pure(net, torch.randn(2, 3, 32, 32))
    block = net.stage_2[0]
    assert not any(torch.is_tensor(v) for k, v in vars(block).items() if k.startswith("kernel"))
