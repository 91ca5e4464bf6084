"""CIFAR ResNet-56 baseline with CReLU, widths halved (no CSG).

Original: ``Implementations/CIFAR10/models/resnet_crelu.py``. CReLU(x) = cat(relu(x), relu(-x))
doubles the channels, so each convolution sees twice its input width: ``conv_a`` takes the
CReLU of the block input (except in the first block, which gets the stem's CReLU output) and
``conv_b`` the CReLU of ``conv_a``'s output. The first block adds only the first 8 channels of
its 16-channel input as the residual. 426,834 parameters. Only ``resnet56`` worked in the
original (its other factories passed ``first_stage`` to a block that does not take it).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from associative.models.res_utils import DownsampleA

__all__ = ["CifarResNet", "ResNetBasicblockCRELU", "crelu", "resnet56"]


def crelu(x: Tensor) -> Tensor:
    """(B, C, H, W) -> (B, 2C, H, W): cat(relu(x), relu(-x))."""
    return torch.cat([F.relu(x), F.relu(-x)], 1)


class ResNetBasicblockCRELU(nn.Module):
    """conv_a (inplanes -> planes, stride) on CReLU(x), conv_b (2 planes -> planes) on
    CReLU(bn_a(.)), bn_b, plus the residual, then ReLU."""

    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None, first_stage=False):
        super().__init__()
        self.stride = stride
        self.first_stage = first_stage
        self.conv_a = nn.Conv2d(inplanes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn_a = nn.BatchNorm2d(planes)
        self.conv_b = nn.Conv2d(planes * 2, planes, 3, stride=1, padding=1, bias=False)
        self.bn_b = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.res_downsample = DownsampleA(inplanes // 2, planes, 2)

    def forward(self, x: Tensor) -> Tensor:
        residual = x
        if not self.first_stage:
            x = crelu(x)
        out = self.bn_b(self.conv_b(crelu(self.bn_a(self.conv_a(x)))))
        if self.downsample is not None:
            residual = self.downsample(residual)
        if self.first_stage:
            residual = residual[:, :8]
        return F.relu(residual + out)


class CifarResNet(nn.Module):
    """(B, 3, 32, 32) -> (B, num_classes) with CReLU blocks of widths 8, 16, 32."""

    def __init__(self, block, depth: int, num_classes: int) -> None:
        super().__init__()
        if (depth - 2) % 6 != 0:
            raise ValueError(f"depth={depth} must satisfy (depth - 2) % 6 == 0 (20, 32, 44, ...)")
        layer_blocks = (depth - 2) // 6
        print(f"CifarResNet : Depth : {depth} , Layers for each block : {layer_blocks}")
        self.num_classes = num_classes
        self.conv_1_3x3 = nn.Conv2d(3, 16 // 2, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn_1 = nn.BatchNorm2d(16 // 2)
        self.inplanes = 16
        self.stage_1 = self._make_layer(block, 16 // 2, layer_blocks, 1, first_stage=True)
        self.stage_2 = self._make_layer(block, 32 // 2, layer_blocks, 2)
        self.stage_3 = self._make_layer(block, 64 // 2, layer_blocks, 2)
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

    def _make_layer(self, block, planes, blocks, stride=1, first_stage=False) -> nn.Sequential:
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion * 2:
            downsample = DownsampleA(self.inplanes, planes * block.expansion, stride)
        layers = [block(self.inplanes, planes, stride, downsample, first_stage=first_stage)]
        self.inplanes = 2 * planes * block.expansion
        layers += [block(self.inplanes, planes, first_stage=False) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        x = crelu(self.bn_1(self.conv_1_3x3(x)))
        x = crelu(self.stage_3(self.stage_2(self.stage_1(x))))
        x = self.avgpool(x)
        return self.classifier(x.view(x.size(0), -1))


def resnet56(num_classes: int = 10) -> CifarResNet:
    """ResNet-56 with CReLU blocks of halved widths (426,834 parameters)."""
    return CifarResNet(ResNetBasicblockCRELU, 56, num_classes)
