"""Quaternion CIFAR ResNets: every conv (stem and shortcuts included) is a ``QuaternionConv``
without bias; the classifier stays a real ``nn.Linear``."""

from __future__ import annotations

from torch import nn

from phc.models.resnet import WIDTHS, WIDTHS_LARGE, BasicBlock, Bottleneck, CifarResNet
from phc.quaternion import QuaternionConv

__all__ = [
    "QResNet",
    "QResNet18",
    "QResNet18Large",
    "QResNet34",
    "QResNet50",
    "QResNet50Large",
    "QResNet101",
    "QResNet152",
    "QResNet152Large",
    "QResNetLarge",
    "quaternion_conv",
]


def quaternion_conv(in_planes: int, planes: int, kernel_size: int, stride: int, padding: int):
    """``QuaternionConv`` without bias: the quaternion flavour's conv."""
    return QuaternionConv(
        in_planes, planes, kernel_size=kernel_size, stride=stride, padding=padding, bias=False
    )


class QResNet(CifarResNet):
    """Quaternion CIFAR ResNet, widths [64, 128, 256, 512]."""

    def __init__(self, block, num_blocks, channels: int = 4, num_classes: int = 10) -> None:
        super().__init__(block, num_blocks, channels, num_classes, WIDTHS, quaternion_conv)


class QResNetLarge(CifarResNet):
    """Quaternion CIFAR ResNet, widths [60, 120, 240, 516]."""

    def __init__(self, block, num_blocks, channels: int = 4, num_classes: int = 10) -> None:
        super().__init__(block, num_blocks, channels, num_classes, WIDTHS_LARGE, quaternion_conv)


def QResNet18(channels: int = 4, num_classes: int = 10) -> nn.Module:
    """Quaternion ResNet18."""
    return QResNet(BasicBlock, [2, 2, 2, 2], channels, num_classes)


def QResNet34(channels: int = 4, num_classes: int = 10) -> nn.Module:
    """Quaternion ResNet34."""
    return QResNet(BasicBlock, [3, 4, 6, 3], channels, num_classes)


def QResNet50(channels: int = 4, num_classes: int = 10) -> nn.Module:
    """Quaternion ResNet50."""
    return QResNet(Bottleneck, [3, 4, 6, 3], channels, num_classes)


def QResNet101(channels: int = 4, num_classes: int = 10) -> nn.Module:
    """Quaternion ResNet101."""
    return QResNet(Bottleneck, [3, 4, 23, 3], channels, num_classes)


def QResNet152(channels: int = 4, num_classes: int = 10) -> nn.Module:
    """Quaternion ResNet152."""
    return QResNet(Bottleneck, [3, 8, 36, 3], channels, num_classes)


def QResNet18Large(channels: int = 4, num_classes: int = 10) -> nn.Module:
    """Quaternion ResNet18, large widths."""
    return QResNetLarge(BasicBlock, [2, 2, 2, 2], channels, num_classes)


def QResNet50Large(channels: int = 4, num_classes: int = 10) -> nn.Module:
    """Quaternion ResNet50, large widths."""
    return QResNetLarge(Bottleneck, [3, 4, 6, 3], channels, num_classes)


def QResNet152Large(channels: int = 4, num_classes: int = 10, fix_152_block: bool = False):
    """Quaternion ResNet152, large widths; ``BasicBlock`` as in the original unless
    ``fix_152_block=True``."""
    block = Bottleneck if fix_152_block else BasicBlock
    return QResNetLarge(block, [3, 8, 36, 3], channels, num_classes)
