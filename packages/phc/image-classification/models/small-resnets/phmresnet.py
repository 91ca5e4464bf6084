"""The original models/small-resnets/phmresnet.py (PHM legacy CIFAR ResNets)."""

from phc.models.small_resnets import (
    PHMResNet,
    PHMResNetLarge,
    phmresnet20,
    phmresnet20large,
    phmresnet32,
    phmresnet44,
    phmresnet56,
    phmresnet110,
    phmresnet110large,
    phmresnet1202,
)

__all__ = [
    "PHMResNet",
    "PHMResNetLarge",
    "phmresnet20",
    "phmresnet20large",
    "phmresnet32",
    "phmresnet44",
    "phmresnet56",
    "phmresnet110",
    "phmresnet110large",
    "phmresnet1202",
]
