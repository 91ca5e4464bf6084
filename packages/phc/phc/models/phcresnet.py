"""PHC CIFAR ResNets: every conv (stem and shortcuts included) is a ``PHConv`` with
hypercomplex dimension ``n`` (each with the original's unused bias vector); the classifier stays
a real ``nn.Linear``. ``layer_kwargs`` (``use_bias_in_forward``, ``kron``) go to every PHConv."""

from __future__ import annotations

from functools import partial

from torch import nn

from phc.layers import PHConv
from phc.models.resnet import WIDTHS, WIDTHS_LARGE, BasicBlock, Bottleneck, CifarResNet

__all__ = [
    "PHCResNet",
    "PHCResNet18",
    "PHCResNet18Large",
    "PHCResNet34",
    "PHCResNet50",
    "PHCResNet50Large",
    "PHCResNet101",
    "PHCResNet152",
    "PHCResNet152Large",
    "PHCResNetLarge",
    "phc_conv",
]


def phc_conv(in_planes, planes, kernel_size, stride, padding, n=4, **layer_kwargs):
    """``PHConv(n, in, out, kernel_size, padding, stride)``: the PHC flavour's conv."""
    return PHConv(
        n,
        in_planes,
        planes,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        **layer_kwargs,
    )


class PHCResNet(CifarResNet):
    """PHC CIFAR ResNet, widths [64, 128, 256, 512]."""

    def __init__(
        self,
        block,
        num_blocks,
        channels: int = 4,
        n: int = 4,
        num_classes: int = 10,
        **layer_kwargs,
    ) -> None:
        conv = partial(phc_conv, n=n, **layer_kwargs)
        super().__init__(block, num_blocks, channels, num_classes, WIDTHS, conv)


class PHCResNetLarge(CifarResNet):
    """PHC CIFAR ResNet, widths [60, 120, 240, 516] (divisible by 2, 3 and 4)."""

    def __init__(
        self,
        block,
        num_blocks,
        channels: int = 4,
        n: int = 4,
        num_classes: int = 10,
        **layer_kwargs,
    ) -> None:
        conv = partial(phc_conv, n=n, **layer_kwargs)
        super().__init__(block, num_blocks, channels, num_classes, WIDTHS_LARGE, conv)


def PHCResNet18(channels: int = 4, n: int = 4, num_classes: int = 10, **kw) -> nn.Module:
    """PHC ResNet18. (The original's takes no arguments and GetModel's call to it fails.)"""
    return PHCResNet(BasicBlock, [2, 2, 2, 2], channels, n, num_classes, **kw)


def PHCResNet34(channels: int = 4, n: int = 4, num_classes: int = 10, **kw) -> nn.Module:
    """PHC ResNet34."""
    return PHCResNet(BasicBlock, [3, 4, 6, 3], channels, n, num_classes, **kw)


def PHCResNet50(channels: int = 4, n: int = 4, num_classes: int = 10, **kw) -> nn.Module:
    """PHC ResNet50."""
    return PHCResNet(Bottleneck, [3, 4, 6, 3], channels, n, num_classes, **kw)


def PHCResNet101(channels: int = 4, n: int = 4, num_classes: int = 10, **kw) -> nn.Module:
    """PHC ResNet101."""
    return PHCResNet(Bottleneck, [3, 4, 23, 3], channels, n, num_classes, **kw)


def PHCResNet152(channels: int = 4, n: int = 4, num_classes: int = 10, **kw) -> nn.Module:
    """PHC ResNet152."""
    return PHCResNet(Bottleneck, [3, 8, 36, 3], channels, n, num_classes, **kw)


def PHCResNet18Large(channels: int = 4, n: int = 4, num_classes: int = 10, **kw) -> nn.Module:
    """PHC ResNet18, large widths."""
    return PHCResNetLarge(BasicBlock, [2, 2, 2, 2], channels, n, num_classes, **kw)


def PHCResNet50Large(channels: int = 4, n: int = 4, num_classes: int = 10, **kw) -> nn.Module:
    """PHC ResNet50, large widths."""
    return PHCResNetLarge(Bottleneck, [3, 4, 6, 3], channels, n, num_classes, **kw)


def PHCResNet152Large(channels: int = 4, n: int = 4, num_classes: int = 10, **kw) -> nn.Module:
    """PHC ResNet152, large widths (``Bottleneck``, unlike the real and quaternion ones)."""
    return PHCResNetLarge(Bottleneck, [3, 8, 36, 3], channels, n, num_classes, **kw)
