"""``CSGConv2d`` and the ``associative`` parameterization of ``paramlab ablate``."""

from importlib import metadata

import pytest
import torch
import torch.nn.functional as F
from associative import CSG, CSGConv2d, assemble_kernel, num_slices
from associative.ablation import parameterizations
from torch import nn

from paramlab.ablation import ResNetBackbone, available
from paramlab.ablation.registry import real
from paramlab.testing import assert_close_scaled, count_parameters, gradcheck


def test_csg_conv2d_is_the_generated_convolution():
    torch.manual_seed(0)
    csg = CSG(8, [4, 4, 3, 3])
    conv = CSGConv2d(6, 10, 3, stride=2, padding=1, bias=True, csg=csg)
    assert conv.code.shape == (num_slices(6, 10, [4, 4, 3, 3]), 8) == (6, 8)
    x = torch.randn(2, 6, 9, 9)
    kernel = assemble_kernel(conv.code, csg.weight, 6, 10, 3, [4, 4, 3, 3])
    expected = F.conv2d(x, kernel, conv.bias, stride=2, padding=1)
    assert_close_scaled(conv(x), expected)
    assert "slices=6" in repr(conv) and "bias=True" in repr(conv)
    assert sorted(conv.state_dict()) == ["CSG.weight", "bias", "code"]
    with pytest.raises(ValueError, match="must be an associative.CSG"):
        CSGConv2d(6, 10, 3, csg=nn.Linear(8, 144, bias=False))
    with pytest.raises(ValueError, match="kernel size"):
        CSGConv2d(6, 10, 1, csg=csg)

    small = CSGConv2d(3, 2, 3, padding=1, csg=CSG(2, [4, 4, 3, 3]).double()).double()

    def fn(code, weight, x):
        return F.conv2d(x, assemble_kernel(code, weight, 3, 2, 3, [4, 4, 3, 3]), padding=1)

    assert gradcheck(fn, small.code, small.CSG.weight, torch.randn(1, 3, 4, 4))


def test_backbone_with_one_shared_csg():
    (method,) = parameterizations()
    torch.manual_seed(0)
    net = ResNetBackbone(method, depth=8, width=16, in_channels=1)
    plain = ResNetBackbone(real, depth=8, width=16, in_channels=1)
    expected = count_parameters(plain) + 72 * 1296
    generated = 0
    for name, module in plain.named_modules():
        if isinstance(module, nn.Conv2d) and module.kernel_size == (3, 3) and name != "stem":
            expected += num_slices(module.in_channels, module.out_channels, [12, 12]) * 72
            expected -= module.weight.numel()
            generated += 1
    assert count_parameters(net) == expected
    assert sum(isinstance(m, CSGConv2d) for m in net.modules()) == generated == 6
    assert all(m.CSG is net.shared["csg"] for m in net.modules() if isinstance(m, CSGConv2d))
    assert net(torch.randn(2, 1, 8, 8)).shape == (2, 10)


def test_entry_point_is_registered_when_installed():
    try:
        metadata.distribution("paramlab-associative")
    except metadata.PackageNotFoundError:
        pytest.skip("paramlab-associative is not installed (source checkout on PYTHONPATH)")
    assert available()["associative"].package == "paramlab-associative"
