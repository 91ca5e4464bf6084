"""CIFAR DenseNet-BC baseline with depthwise-separable 3x3 convolutions (no CSG).

Original: ``Implementations/CIFAR10/models/densenet_sep.py``. The bottleneck's 3x3 is a
depthwise 3x3 (``conv_dw``, 4k channels) followed by a pointwise 4k -> k (``conv_pw``); the stem
is a depthwise 3x3 on the input plus a pointwise 3 -> 2k **with padding=1**, as in the
original, so feature maps are 34x34 (kept: it changes the numbers). ``densenet_cifar()``
(k = 48) has 1,434,853 parameters; ``densenet_cifar_org()`` uses ordinary bottlenecks with the
separable stem. The original's import-time prints are dropped.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from associative.models.densenet import BottleneckOrg, Transition

__all__ = ["K", "Bottleneck", "BottleneckOrg", "DenseNet", "densenet_cifar", "densenet_cifar_org"]

K = 16


class Bottleneck(nn.Module):
    """(B, C, H, W) -> (B, C + k, H, W): 1x1 (C -> 4k), depthwise 3x3, pointwise 4k -> k.
    ``K`` is stored and unused, as in the original."""

    def __init__(self, in_planes, growth_rate, K=K, reg_mode=False):
        super().__init__()
        self.reg_mode = reg_mode
        self.K = K
        self.bn1 = nn.BatchNorm2d(in_planes)
        self.conv1 = nn.Conv2d(in_planes, 4 * growth_rate, kernel_size=1, bias=False)
        self.bn2 = nn.BatchNorm2d(4 * growth_rate)
        self.filter_size2, self.in_filters2, self.out_filters2 = 3, 4 * growth_rate, growth_rate
        self.conv_dw = nn.Conv2d(
            4 * growth_rate, 4 * growth_rate, 3, padding=1, groups=4 * growth_rate, bias=False
        )
        self.conv_pw = nn.Conv2d(4 * growth_rate, growth_rate, 1, stride=1, padding=0, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        out = self.conv1(F.relu(self.bn1(x)))
        out = self.conv_pw(self.conv_dw(F.relu(self.bn2(out))))
        return torch.cat([out, x], 1)


class DenseNet(nn.Module):
    """(B, 3, 32, 32) -> (B, num_classes); separable stem (34x34 maps), DenseNet-BC body."""

    def __init__(
        self, block, nblocks, growth_rate=12, reduction=0.5, num_classes=10, reg_mode=False
    ):
        super().__init__()
        self.growth_rate = growth_rate
        num_planes = 2 * growth_rate
        self.conv_dw1 = nn.Conv2d(3, 3, 3, padding=1, groups=3, bias=False)
        self.conv_pw1 = nn.Conv2d(3, num_planes, 1, stride=1, padding=1, bias=False)
        stages = []
        for index in range(3):
            dense = self._make_dense_layers(block, num_planes, nblocks, reg_mode)
            num_planes += nblocks * growth_rate
            out_planes = int(math.floor(num_planes * reduction))
            last = index == 2
            stages.append((dense, Transition(num_planes, out_planes, reg_mode, last=last)))
            if not last:
                num_planes = out_planes
        (self.dense1, self.trans1), (self.dense2, self.trans2), (self.dense3, self.trans3) = stages
        self.linear = nn.Linear(num_planes, num_classes)

    def _make_dense_layers(self, block, in_planes, nblock, reg_mode=False) -> nn.Sequential:
        layers = []
        for _ in range(nblock):
            layers.append(block(in_planes, self.growth_rate, K, reg_mode=reg_mode))
            in_planes += self.growth_rate
        return nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        out = self.conv_pw1(self.conv_dw1(x))
        out = self.trans1(self.dense1(out))
        out = self.trans2(self.dense2(out))
        out = self.trans3(self.dense3(out))
        return self.linear(out.view(out.size(0), -1))


def densenet_cifar(reg_mode=False) -> DenseNet:
    """DenseNet-BC-40, k = 48 with separable 3x3s (1,434,853 parameters)."""
    return DenseNet(Bottleneck, 6, growth_rate=48, reg_mode=reg_mode)


def densenet_cifar_org(reg_mode=False) -> DenseNet:
    """DenseNet-BC-40, k = 48 with ordinary bottlenecks and the separable stem."""
    return DenseNet(BottleneckOrg, 6, growth_rate=48, reg_mode=reg_mode)
