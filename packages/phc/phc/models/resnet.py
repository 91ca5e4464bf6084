"""CIFAR ResNets (kuangliu style) shared by the real, quaternion and PHC flavours, and the real one.

Stem: 3x3 conv (stride 1, pad 1) → BN → ReLU (no max-pool); four stages of ``BasicBlock``
(expansion 1) or ``Bottleneck`` (expansion 4) with widths [64, 128, 256, 512] (``Large``:
[60, 120, 240, 516]) and first strides [1, 2, 2, 2]; ``avg_pool2d(·, 4)`` (32x32 input → 4x4),
flatten, real ``nn.Linear``. The flavour is a ``conv`` factory ``conv(in, out, kernel_size,
stride, padding)``; modules are registered in the original's order so seeded initialisations
match and state_dict keys are ``conv1``, ``bn1``, ``layer{1-4}.<b>.conv{1,2[,3]}``,
``layer{1-4}.<b>.bn{1,2[,3]}``, ``layer{1-4}.<b>.shortcut.{0,1}``, ``linear``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch.nn.functional as F
from torch import Tensor, nn

__all__ = [
    "BasicBlock",
    "Bottleneck",
    "CifarResNet",
    "ResNet",
    "ResNet18",
    "ResNet18Large",
    "ResNet34",
    "ResNet50",
    "ResNet50Large",
    "ResNet101",
    "ResNet152",
    "ResNet152Large",
    "ResNetLarge",
    "real_conv",
]

ConvFactory = Callable[[int, int, int, int, int], nn.Module]

WIDTHS = (64, 128, 256, 512)
WIDTHS_LARGE = (60, 120, 240, 516)


def real_conv(in_planes: int, planes: int, kernel_size: int, stride: int, padding: int):
    """``nn.Conv2d`` without bias: the real flavour's conv."""
    return nn.Conv2d(
        in_planes, planes, kernel_size=kernel_size, stride=stride, padding=padding, bias=False
    )


class BasicBlock(nn.Module):
    """conv3x3(stride) → BN → ReLU → conv3x3 → BN, + shortcut, ReLU. Expansion 1."""

    expansion = 1

    def __init__(self, in_planes: int, planes: int, stride: int = 1, conv: ConvFactory = real_conv):
        super().__init__()
        self.conv1 = conv(in_planes, planes, 3, stride, 1)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv(planes, planes, 3, 1, 1)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = _shortcut(in_planes, planes * self.expansion, stride, conv)

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out = out + self.shortcut(x)
        return F.relu(out)


class Bottleneck(nn.Module):
    """conv1x1 → BN → ReLU → conv3x3(stride) → BN → ReLU → conv1x1 (4P) → BN, + shortcut, ReLU."""

    expansion = 4

    def __init__(self, in_planes: int, planes: int, stride: int = 1, conv: ConvFactory = real_conv):
        super().__init__()
        self.conv1 = conv(in_planes, planes, 1, 1, 0)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv(planes, planes, 3, stride, 1)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = conv(planes, self.expansion * planes, 1, 1, 0)
        self.bn3 = nn.BatchNorm2d(self.expansion * planes)
        self.shortcut = _shortcut(in_planes, planes * self.expansion, stride, conv)

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        out = out + self.shortcut(x)
        return F.relu(out)


def _shortcut(in_planes: int, out_planes: int, stride: int, conv: ConvFactory) -> nn.Sequential:
    if stride == 1 and in_planes == out_planes:
        return nn.Sequential()
    return nn.Sequential(conv(in_planes, out_planes, 1, stride, 0), nn.BatchNorm2d(out_planes))


class CifarResNet(nn.Module):
    """(B, channels, 32, 32) -> (B, num_classes); the network shared by every flavour."""

    def __init__(
        self,
        block: type[nn.Module],
        num_blocks: Sequence[int],
        channels: int = 3,
        num_classes: int = 10,
        widths: Sequence[int] = WIDTHS,
        conv: ConvFactory = real_conv,
    ) -> None:
        super().__init__()
        self.in_planes = widths[0]
        self.conv1 = conv(channels, widths[0], 3, 1, 1)
        self.bn1 = nn.BatchNorm2d(widths[0])
        for index, (planes, blocks) in enumerate(zip(widths, num_blocks, strict=True)):
            stride = 1 if index == 0 else 2
            self.add_module(
                f"layer{index + 1}", self._make_layer(block, planes, blocks, stride, conv)
            )
        self.linear = nn.Linear(widths[-1] * block.expansion, num_classes)

    def _make_layer(self, block, planes, num_blocks, stride, conv) -> nn.Sequential:
        layers = []
        for block_stride in [stride] + [1] * (num_blocks - 1):
            layers.append(block(self.in_planes, planes, block_stride, conv=conv))
            self.in_planes = planes * block.expansion
        return nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer4(self.layer3(self.layer2(self.layer1(out))))
        out = F.avg_pool2d(out, 4)
        return self.linear(out.flatten(1))


class ResNet(CifarResNet):
    """Real CIFAR ResNet, widths [64, 128, 256, 512], 3-channel input."""

    def __init__(self, block, num_blocks, num_classes: int = 10) -> None:
        super().__init__(block, num_blocks, 3, num_classes, WIDTHS, real_conv)


class ResNetLarge(CifarResNet):
    """Real CIFAR ResNet, widths [60, 120, 240, 516], 3-channel input."""

    def __init__(self, block, num_blocks, num_classes: int = 10) -> None:
        super().__init__(block, num_blocks, 3, num_classes, WIDTHS_LARGE, real_conv)


def ResNet18(num_classes: int = 10) -> ResNet:
    """Real ResNet18 (11,173,962 parameters with 10 classes)."""
    return ResNet(BasicBlock, [2, 2, 2, 2], num_classes)


def ResNet34(num_classes: int = 10) -> ResNet:
    """Real ResNet34."""
    return ResNet(BasicBlock, [3, 4, 6, 3], num_classes)


def ResNet50(num_classes: int = 10) -> ResNet:
    """Real ResNet50 (23,520,842 parameters with 10 classes)."""
    return ResNet(Bottleneck, [3, 4, 6, 3], num_classes)


def ResNet101(num_classes: int = 10) -> ResNet:
    """Real ResNet101."""
    return ResNet(Bottleneck, [3, 4, 23, 3], num_classes)


def ResNet152(num_classes: int = 10) -> ResNet:
    """Real ResNet152."""
    return ResNet(Bottleneck, [3, 8, 36, 3], num_classes)


def ResNet18Large(num_classes: int = 10) -> ResNetLarge:
    """Real ResNet18, large widths."""
    return ResNetLarge(BasicBlock, [2, 2, 2, 2], num_classes)


def ResNet50Large(num_classes: int = 10) -> ResNetLarge:
    """Real ResNet50, large widths."""
    return ResNetLarge(Bottleneck, [3, 4, 6, 3], num_classes)


def ResNet152Large(num_classes: int = 10, fix_152_block: bool = False) -> ResNetLarge:
    """Real ResNet152, large widths. As in the original it stacks ``BasicBlock`` (the
    published parameter counts depend on it); ``fix_152_block=True`` uses ``Bottleneck``."""
    return ResNetLarge(Bottleneck if fix_152_block else BasicBlock, [3, 8, 36, 3], num_classes)
