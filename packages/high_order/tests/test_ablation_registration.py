"""high_order's parameterizations inside paramlab's common ablation backbone."""

import pytest
import torch
from high_order_layers_torch.ablation import parameterizations
from high_order_layers_torch.layers import convolutional_layers

from paramlab.ablation import ResNetBackbone, available

METHODS = {m.name: m for m in parameterizations()}
LAYER_TYPES = {
    "high-order-piecewise-continuous": "continuous2d",
    "high-order-piecewise-discontinuous": "discontinuous2d",
    "high-order-polynomial": "polynomial2d",
    "high-order-fourier": "fourier2d",
}


def test_installed_package_registers_its_methods():
    found = available()
    assert {name: found[name].package for name in LAYER_TYPES} == dict.fromkeys(
        LAYER_TYPES, "paramlab-high-order"
    )


@pytest.mark.parametrize("name", sorted(LAYER_TYPES))
def test_every_block_conv_is_the_high_order_layer(name):
    layer = convolutional_layers[LAYER_TYPES[name]]
    model = ResNetBackbone(METHODS[name], depth=8, width=4)
    convs = [m for m in model.blocks.children() for m in m.modules() if isinstance(m, layer)]
    assert len(convs) == 8
    assert model(torch.randn(2, 1, 16, 16)).shape == (2, 10)
