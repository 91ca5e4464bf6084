"""CIFAR ResNet baselines with depthwise-separable convolutions (no CSG).

Thin module over ``associative.models.resnet_sep``.
"""

from associative.models.resnet_sep import (
    CifarResNet,
    ResNetBasicblockOrg,
    ResNetBasicblockSep,
    ResNetBasicblockSep1,
    ResNetBasicblockSep2,
    resnet20_org,
    resnet56,
    resnet56_org,
)

__all__ = [
    "CifarResNet",
    "ResNetBasicblockOrg",
    "ResNetBasicblockSep",
    "ResNetBasicblockSep1",
    "ResNetBasicblockSep2",
    "resnet20_org",
    "resnet56",
    "resnet56_org",
]
