"""CIFAR ResNet-56 baseline with CReLU and halved widths (no CSG).

Thin module over ``associative.models.resnet_crelu``.
"""

from associative.models.resnet_crelu import (
    CifarResNet,
    ResNetBasicblockCRELU,
    crelu,
    resnet56,
)

__all__ = [
    "CifarResNet",
    "ResNetBasicblockCRELU",
    "crelu",
    "resnet56",
]
