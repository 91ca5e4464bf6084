"""Quaternion VGGs: ``QuaternionConv`` (3x3, pad 1, zero bias) and ``QuaternionLinear`` hidden
FCs. As in the original the first conv always takes 4 channels (``channels`` is ignored)."""

from __future__ import annotations

from torch import nn

from phc.models.vgg import VGGBase, cfg, make_layers
from phc.quaternion import QuaternionConv, QuaternionLinear

__all__ = ["QVGG", "qvgg11_bn", "qvgg16_bn", "qvgg19_bn", "qvgg19large_bn"]


def _quaternion_conv(in_channels: int, out_channels: int) -> nn.Module:
    return QuaternionConv(in_channels, out_channels, kernel_size=3, padding=1, stride=1)


class QVGG(VGGBase):
    """Quaternion VGG."""

    def __init__(self, features: nn.Sequential, large: bool = False, num_classes: int = 10):
        super().__init__(features, QuaternionLinear, large, num_classes)


def qvgg11_bn(channels: int = 4, num_classes: int = 10) -> QVGG:
    """Quaternion VGG11 with batch norm (4-channel input)."""
    return QVGG(make_layers(cfg["A"], 4, _quaternion_conv), num_classes=num_classes)


def qvgg16_bn(channels: int = 4, num_classes: int = 10) -> QVGG:
    """Quaternion VGG16 with batch norm (4-channel input), 3,827,658 parameters."""
    return QVGG(make_layers(cfg["D"], 4, _quaternion_conv), num_classes=num_classes)


def qvgg19_bn(channels: int = 4, num_classes: int = 10) -> QVGG:
    """Quaternion VGG19 with batch norm (4-channel input)."""
    return QVGG(make_layers(cfg["E"], 4, _quaternion_conv), num_classes=num_classes)


def qvgg19large_bn(channels: int = 3, num_classes: int = 10) -> QVGG:
    """Quaternion VGG19 with batch norm and large widths (4-channel input)."""
    layers = make_layers(cfg["E_large"], 4, _quaternion_conv)
    return QVGG(layers, large=True, num_classes=num_classes)
