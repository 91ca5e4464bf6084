"""CIFAR DenseNet-BC baseline with CReLU and halved widths (no CSG).

Original: ``Implementations/CIFAR10/models/densenet_crelu.py``. CReLU(x) = cat(relu(x),
relu(-x)) before every convolution, so each convolution has half the output channels of the
plain network: stem 3 -> k, bottleneck 1x1 2C -> 2k, 3x3 4k -> k/2, transitions 2C -> floor(C/2),
classifier on the CReLU of the last features. ``densenet_cifar_crelu()`` (k = 48) has 1,369,210
parameters. The original's ``densenet_cifar`` (a CSG bottleneck without a CSG) and
``densenet_cifar_org`` (an undefined block) crashed and are not provided.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from associative.models.resnet_crelu import crelu

__all__ = ["BottleneckCRELU", "DenseNet", "Transition", "densenet_cifar_crelu"]


class BottleneckCRELU(nn.Module):
    """(B, C, H, W) -> (B, C + k/2, H, W)."""

    def __init__(self, in_planes, growth_rate, CSG=None, reg_mode=False):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_planes)
        self.conv1 = nn.Conv2d(in_planes * 2, 4 * growth_rate // 2, kernel_size=1, bias=False)
        self.bn2 = nn.BatchNorm2d(4 * growth_rate // 2)
        self.conv2 = nn.Conv2d(4 * growth_rate, growth_rate // 2, 3, padding=1, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        out = self.conv1(crelu(self.bn1(x)))
        out = self.conv2(crelu(self.bn2(out)))
        return torch.cat([out, x], 1)


class Transition(nn.Module):
    """CReLU(bn(x)) -> 1x1 conv (2C -> out) -> avg_pool 2; the last: CReLU(bn(x)) -> avg_pool 8."""

    def __init__(self, in_planes, out_planes, reg_mode, last=False):
        super().__init__()
        self.last = last
        self.reg_mode = reg_mode
        self.bn = nn.BatchNorm2d(in_planes)
        if not last:
            self.conv = nn.Conv2d(in_planes * 2, out_planes, kernel_size=1, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        out = crelu(self.bn(x))
        if self.last:
            return F.avg_pool2d(out, 8)
        return F.avg_pool2d(self.conv(out), 2)


class DenseNet(nn.Module):
    """(B, 3, 32, 32) -> (B, num_classes); stem 3 -> k, dense blocks growing by k/2."""

    def __init__(
        self, block, nblocks, growth_rate=12, reduction=0.5, num_classes=10, reg_mode=False
    ):
        super().__init__()
        self.growth_rate = growth_rate
        num_planes = 2 * growth_rate // 2
        self.conv1 = nn.Conv2d(3, num_planes, kernel_size=3, padding=1, bias=False)
        self.CSG = None
        stages = []
        for index in range(3):
            dense = self._make_dense_layers(block, num_planes, nblocks, reg_mode)
            num_planes += nblocks * growth_rate // 2
            out_planes = int(math.floor(num_planes * reduction))
            last = index == 2
            stages.append((dense, Transition(num_planes, out_planes, reg_mode, last=last)))
            if not last:
                num_planes = out_planes
        (self.dense1, self.trans1), (self.dense2, self.trans2), (self.dense3, self.trans3) = stages
        self.linear = nn.Linear(num_planes * 2, num_classes)

    def _make_dense_layers(self, block, in_planes, nblock, reg_mode=False) -> nn.Sequential:
        layers = []
        for _ in range(nblock):
            layers.append(block(in_planes, self.growth_rate, self.CSG, reg_mode=reg_mode))
            in_planes += self.growth_rate // 2
        return nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        out = self.conv1(x)
        out = self.trans1(self.dense1(out))
        out = self.trans2(self.dense2(out))
        out = self.trans3(self.dense3(out))
        return self.linear(out.view(out.size(0), -1))


def densenet_cifar_crelu(reg_mode=False) -> DenseNet:
    """DenseNet-BC-40, k = 48, CReLU with halved widths (1,369,210 parameters)."""
    return DenseNet(BottleneckCRELU, 6, growth_rate=48, reg_mode=reg_mode)
