"""CIFAR DenseNet-BC baseline with depthwise-separable 3x3s (no CSG).

Thin module over ``associative.models.densenet_sep``.
"""

from associative.models.densenet_sep import (
    Bottleneck,
    BottleneckOrg,
    DenseNet,
    K,
    densenet_cifar,
    densenet_cifar_org,
)

__all__ = [
    "K",
    "Bottleneck",
    "BottleneckOrg",
    "DenseNet",
    "densenet_cifar",
    "densenet_cifar_org",
]
