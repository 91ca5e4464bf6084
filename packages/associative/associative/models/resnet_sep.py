"""CIFAR ResNet baselines with depthwise-separable convolutions (no CSG).

Original: ``Implementations/CIFAR10/models/resnet_sep.py``, a comparison baseline of the paper.
The stem is separable (depthwise 3x3 on the 3 input channels, then pointwise 3 -> 16);
``resnet56()`` uses ``ResNetBasicblockSep1`` (first 3x3 of each block separable, 494,709
parameters) and ``resnet56_org()`` ordinary blocks. ``ResNetBasicblockSep`` (both separable) and
``ResNetBasicblockSep2`` (second separable) are defined as in the original. The original's
``resnet20`` (a CSG block without a CSG) crashed and is not provided; ``org`` is accepted and
has no effect, as in the original.
"""

from __future__ import annotations

import math

import torch.nn.functional as F
from torch import Tensor, nn

from associative.models.res_utils import DownsampleA

__all__ = [
    "CifarResNet",
    "ResNetBasicblockOrg",
    "ResNetBasicblockSep",
    "ResNetBasicblockSep1",
    "ResNetBasicblockSep2",
    "resnet20_org",
    "resnet56",
    "resnet56_org",
]


def _separable(cin: int, cout: int, stride: int) -> tuple[nn.Conv2d, nn.Conv2d]:
    """Depthwise 3x3 (stride 1) then pointwise 1x1 carrying the stride, as the original."""
    return (
        nn.Conv2d(cin, cin, 3, padding=1, groups=cin, bias=False),
        nn.Conv2d(cin, cout, 1, stride=stride, padding=0, bias=False),
    )


class _Block(nn.Module):
    expansion = 1

    def _finish(self, x: Tensor, out: Tensor) -> Tensor:
        residual = x if self.downsample is None else self.downsample(x)
        return F.relu(residual + out, inplace=True)


class ResNetBasicblockOrg(_Block):
    """Ordinary basic block (``conv_a``, ``conv_b``)."""

    def __init__(self, inplanes, planes, CSG=None, stride=1, downsample=None):
        super().__init__()
        self.stride = stride
        self.conv_a = nn.Conv2d(inplanes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn_a = nn.BatchNorm2d(planes)
        self.conv_b = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn_b = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn_a(self.conv_a(x)), inplace=True)
        return self._finish(x, self.bn_b(self.conv_b(out)))


class ResNetBasicblockSep(_Block):
    """Both 3x3 convolutions separable (``conv_dw1``/``conv_pw1``, ``conv_dw2``/``conv_pw2``)."""

    def __init__(self, inplanes, planes, CSG=None, stride=1, downsample=None):
        super().__init__()
        self.stride = stride
        self.conv_dw1, self.conv_pw1 = _separable(inplanes, planes, stride)
        self.bn_a = nn.BatchNorm2d(planes)
        self.conv_dw2, self.conv_pw2 = _separable(planes, planes, 1)
        self.bn_b = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn_a(self.conv_pw1(self.conv_dw1(x))), inplace=True)
        return self._finish(x, self.bn_b(self.conv_pw2(self.conv_dw2(out))))


class ResNetBasicblockSep1(_Block):
    """First 3x3 separable (``conv_dw1``/``conv_pw1``), second ordinary (``conv_b``)."""

    def __init__(self, inplanes, planes, CSG=None, stride=1, downsample=None):
        super().__init__()
        self.stride = stride
        self.conv_dw1, self.conv_pw1 = _separable(inplanes, planes, stride)
        self.bn_a = nn.BatchNorm2d(planes)
        self.conv_b = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn_b = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn_a(self.conv_pw1(self.conv_dw1(x))), inplace=True)
        return self._finish(x, self.bn_b(self.conv_b(out)))


class ResNetBasicblockSep2(_Block):
    """First 3x3 ordinary (``conv_a``), second separable (``conv_dw2``/``conv_pw2``)."""

    def __init__(self, inplanes, planes, CSG=None, stride=1, downsample=None):
        super().__init__()
        self.stride = stride
        self.conv_a = nn.Conv2d(inplanes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn_a = nn.BatchNorm2d(planes)
        self.conv_dw2, self.conv_pw2 = _separable(planes, planes, 1)
        self.bn_b = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn_a(self.conv_a(x)), inplace=True)
        return self._finish(x, self.bn_b(self.conv_pw2(self.conv_dw2(out))))


class CifarResNet(nn.Module):
    """(B, 3, 32, 32) -> (B, num_classes); separable stem, three stages of ``block``."""

    def __init__(self, block, depth: int, num_classes: int, org: bool = False) -> None:
        super().__init__()
        if (depth - 2) % 6 != 0:
            raise ValueError(f"depth={depth} must satisfy (depth - 2) % 6 == 0 (20, 32, 44, ...)")
        layer_blocks = (depth - 2) // 6
        print(f"CifarResNet : Depth : {depth} , Layers for each block : {layer_blocks}")
        self.num_classes = num_classes
        self.CSG = None
        self.conv_dw1 = nn.Conv2d(3, 3, 3, padding=1, groups=3, bias=False)
        self.conv_pw1 = nn.Conv2d(3, 16, 1, stride=1, padding=0, bias=False)
        self.bn_1 = nn.BatchNorm2d(16)
        self.inplanes = 16
        self.stage_1 = self._make_layer(block, 16, layer_blocks, 1)
        self.stage_2 = self._make_layer(block, 32, layer_blocks, 2)
        self.stage_3 = self._make_layer(block, 64, layer_blocks, 2)
        self.avgpool = nn.AvgPool2d(8)
        self.classifier = nn.Linear(64 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                nn.init.normal_(m.weight, 0.0, math.sqrt(2.0 / n))
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.kaiming_normal_(m.weight)
                nn.init.zeros_(m.bias)

    def _make_layer(self, block, planes: int, blocks: int, stride: int = 1) -> nn.Sequential:
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = DownsampleA(self.inplanes, planes * block.expansion, stride)
        layers = [block(self.inplanes, planes, None, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes, None) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        x = F.relu(self.bn_1(self.conv_pw1(self.conv_dw1(x))), inplace=True)
        x = self.stage_3(self.stage_2(self.stage_1(x)))
        x = self.avgpool(x)
        return self.classifier(x.view(x.size(0), -1))


def resnet20_org(num_classes: int = 10) -> CifarResNet:
    """ResNet-20 with ordinary blocks and the separable stem."""
    return CifarResNet(ResNetBasicblockOrg, 20, num_classes, org=True)


def resnet56(num_classes: int = 10) -> CifarResNet:
    """ResNet-56 whose blocks have a separable first 3x3 (494,709 parameters)."""
    return CifarResNet(ResNetBasicblockSep1, 56, num_classes)


def resnet56_org(num_classes: int = 10) -> CifarResNet:
    """ResNet-56 with ordinary blocks and the separable stem."""
    return CifarResNet(ResNetBasicblockOrg, 56, num_classes, org=True)
