"""Seeded initial weights equal the original's (same RNG calls in the same order, spec §4.5, §5.3).

The golden values were produced by running high-order-layers-torch (git head 919aece) on CPU
with torch 2.11 under ``torch.manual_seed(0)``.
"""

from __future__ import annotations

import torch
from high_order_layers_torch.layers import high_order_convolution_layers, high_order_fc_layers


def test_fc_constant_random_matches_original():
    torch.manual_seed(0)
    layer = high_order_fc_layers("continuous", n=3, segments=2, in_features=3, out_features=2)
    expected = torch.tensor(
        [
            [0.1654188632965088, 0.256073921918869, 0.02949247695505619],
            [0.044010162353515625, 0.10247427225112915, 0.21135956048965454],
        ]
    )
    assert torch.equal(layer.w, expected.unsqueeze(-1).expand(-1, -1, 5))


def test_conv2d_initialization_matches_original():
    torch.manual_seed(0)
    layer = high_order_convolution_layers(
        "continuous2d", n=2, segments=2, in_channels=1, out_channels=2, kernel_size=2
    )
    expected = torch.tensor(
        [
            [[0.0695631206035614, 0.120489701628685], [0.20494508743286133, 0.2492666393518448]],
            [[0.17461027204990387, 0.1418866068124771], [0.20881079137325287, 0.05139970779418945]],
        ]
    )
    assert torch.equal(layer.conv.weight[:, 0], expected)
    assert torch.equal(layer.conv.weight, expected.unsqueeze(1).expand(-1, 3, -1, -1))


def test_conv1d_uniform_initialization_matches_original():
    torch.manual_seed(0)
    layer = high_order_convolution_layers(
        "continuous1d", n=2, segments=2, in_channels=1, out_channels=1, kernel_size=2
    )
    expected = torch.tensor(
        [
            -0.0016510983696207404,
            0.06607412546873093,
            -0.007395337335765362,
            0.022051047533750534,
            -0.025184422731399536,
            -0.016380449756979942,
        ]
    )
    assert torch.equal(layer.conv.weight.flatten(), expected)


def test_product_initialization_matches_original():
    torch.manual_seed(0)
    layer = high_order_fc_layers("product", in_features=2, out_features=2)
    assert torch.equal(
        layer.weight,
        torch.tensor(
            [[-0.005293981172144413, 0.37932288646698], [-0.5819807648658752, -0.5203874707221985]]
        ),
    )
    assert torch.equal(layer.bias, torch.tensor([-0.27234524488449097, 0.1896158903837204]))
