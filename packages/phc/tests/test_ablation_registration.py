"""phc's parameterizations inside paramlab's common ablation backbone."""

import pytest
import torch
from phc.ablation import parameterizations
from phc.layers import PHConv2d
from phc.quaternion import QuaternionConv

from paramlab.ablation import ResNetBackbone, available
from paramlab.ablation.registry import real
from paramlab.testing import count_parameters

METHODS = {m.name: m for m in parameterizations()}


def test_installed_package_registers_its_methods():
    found = available()
    for name in ("phc-n2", "phc-n4", "quaternion"):
        assert found[name].package == "paramlab-phc"


@pytest.mark.parametrize(
    "name, layer", [("phc-n2", PHConv2d), ("phc-n4", PHConv2d), ("quaternion", QuaternionConv)]
)
def test_every_block_conv_is_the_method_layer(name, layer):
    model = ResNetBackbone(METHODS[name], depth=8, width=8)
    convs = [m for m in model.blocks.modules() if isinstance(m, torch.nn.Conv2d | layer)]
    assert len(convs) == 8 and all(isinstance(m, layer) for m in convs)
    assert model(torch.randn(2, 1, 16, 16)).shape == (2, 10)


@pytest.mark.parametrize("n", [2, 4])
def test_block_parameters_shrink_about_n_fold(n):
    width = 16
    dense = ResNetBackbone(real, width=width).blocks
    ours = ResNetBackbone(METHODS[f"phc-n{n}"], width=width).blocks
    conv_params = sum(m.weight.numel() for m in dense.modules() if isinstance(m, torch.nn.Conv2d))
    norm_params = count_parameters(dense) - conv_params
    # each PHC conv stores F (1/n of the dense weight) plus the n³ algebra A
    algebra = 8 * n**3
    assert count_parameters(ours) - norm_params == conv_params // n + algebra
