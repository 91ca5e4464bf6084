"""CIFAR DenseNet-BC baseline with CReLU and halved widths (no CSG).

Thin module over ``associative.models.densenet_crelu``.
"""

from associative.models.densenet_crelu import (
    BottleneckCRELU,
    DenseNet,
    Transition,
    densenet_cifar_crelu,
)

__all__ = [
    "BottleneckCRELU",
    "DenseNet",
    "Transition",
    "densenet_cifar_crelu",
]
