"""CIFAR ShuffleNetV2 (Ma et al. 2018; kuangliu/pytorch-cifar) with a CSG final 1x1 convolution.

Original: ``Implementations/CIFAR10/models/shufflenetv2.py`` (trained CSG) and
``shufflenetv2_bcsg.py`` (frozen random binary CSG, ``binary_csg=True``). Only the final 1x1
convolution ``out_channels[2] -> out_channels[3]`` (code ``code2`` on the network) is generated.
``BasicBlockCSG``/``DownBlockCSG`` are defined as in the original but no network uses them.
``org=True`` gives kuangliu's plain network with its ``conv2`` (the original's ``org=True``
crashed in forward).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from associative.csg import CSG, CSGNetwork, GeneratedConv, csg_config, generated_conv

__all__ = [
    "CODE_SIZE",
    "SLICE_SHAPE",
    "BasicBlock",
    "BasicBlockCSG",
    "DownBlock",
    "DownBlockCSG",
    "ShuffleBlock",
    "ShuffleNetV2",
    "SplitBlock",
    "configs",
]

CODE_SIZE = 16
SLICE_SHAPE = [16, 16, 1, 1]

configs = {
    0.5: {"out_channels": (48, 96, 192, 1024), "num_blocks": (3, 7, 3)},
    1: {"out_channels": (116, 232, 464, 1024), "num_blocks": (3, 7, 3)},
    1.5: {"out_channels": (176, 352, 704, 1024), "num_blocks": (3, 7, 3)},
    2: {"out_channels": (224, 488, 976, 2048), "num_blocks": (3, 7, 3)},
}


class ShuffleBlock(nn.Module):
    """Channel shuffle: [N, C, H, W] -> [N, g, C/g, H, W] -> [N, C/g, g, H, W] -> [N, C, H, W]."""

    def __init__(self, groups: int = 2) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, x: Tensor) -> Tensor:
        n, c, h, w = x.size()
        g = self.groups
        return x.view(n, g, c // g, h, w).permute(0, 2, 1, 3, 4).reshape(n, c, h, w)


class SplitBlock(nn.Module):
    """(N, C, H, W) -> ((N, int(C*ratio), H, W), (N, rest, H, W))."""

    def __init__(self, ratio: float) -> None:
        super().__init__()
        self.ratio = ratio

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        c = int(x.size(1) * self.ratio)
        return x[:, :c, :, :], x[:, c:, :, :]


class BasicBlock(nn.Module):
    """Split; right half: 1x1 -> depthwise 3x3 -> 1x1; concat; shuffle."""

    def __init__(self, in_channels: int, split_ratio: float = 0.5) -> None:
        super().__init__()
        self.split = SplitBlock(split_ratio)
        in_channels = int(in_channels * split_ratio)
        self.conv1 = nn.Conv2d(in_channels, in_channels, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.conv2 = nn.Conv2d(
            in_channels, in_channels, 3, stride=1, padding=1, groups=in_channels, bias=False
        )
        self.bn2 = nn.BatchNorm2d(in_channels)
        self.conv3 = nn.Conv2d(in_channels, in_channels, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(in_channels)
        self.shuffle = ShuffleBlock()

    def forward(self, x: Tensor) -> Tensor:
        x1, x2 = self.split(x)
        out = F.relu(self.bn1(self.conv1(x2)))
        out = self.bn2(self.conv2(out))
        out = F.relu(self.bn3(self.conv3(out)))
        return self.shuffle(torch.cat([x1, out], 1))


class BasicBlockCSG(nn.Module):
    """``BasicBlock`` with the first 1x1 generated (``code1``); unused by the original models."""

    def __init__(self, in_channels: int, split_ratio: float = 0.5, CSG: CSG = None) -> None:
        super().__init__()
        if CSG is None:
            raise ValueError("BasicBlockCSG needs the network's CSG, got CSG=None")
        self.CSG = CSG
        self.split = SplitBlock(split_ratio)
        in_channels = int(in_channels * split_ratio)
        self.filter_size1, self.in_filters1, self.out_filters1 = 1, in_channels, in_channels
        self.generated_convs = (GeneratedConv("code1", "conv1", in_channels, in_channels, 1),)
        self.num_slices1 = self.generated_convs[0].num_slices(CSG.slice_shape)
        self.code1 = self.generated_convs[0].new_code(CSG.code_size, CSG.slice_shape)
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.conv2 = nn.Conv2d(
            in_channels, in_channels, 3, stride=1, padding=1, groups=in_channels, bias=False
        )
        self.bn2 = nn.BatchNorm2d(in_channels)
        self.conv3 = nn.Conv2d(in_channels, in_channels, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(in_channels)
        self.shuffle = ShuffleBlock()

    def forward(self, x: Tensor, kernels: dict[str, Tensor] | None = None) -> Tensor:
        x1, x2 = self.split(x)
        out = F.relu(self.bn1(generated_conv(self, self.generated_convs[0], x2, kernels)))
        out = self.bn2(self.conv2(out))
        out = F.relu(self.bn3(self.conv3(out)))
        return self.shuffle(torch.cat([x1, out], 1))


class DownBlock(nn.Module):
    """Stride-2 block: left depthwise 3x3/2 -> 1x1, right 1x1 -> depthwise 3x3/2 -> 1x1."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        mid_channels = out_channels // 2
        self.conv1 = nn.Conv2d(
            in_channels, in_channels, 3, stride=2, padding=1, groups=in_channels, bias=False
        )
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.conv2 = nn.Conv2d(in_channels, mid_channels, kernel_size=1, bias=False)
        self.bn2 = nn.BatchNorm2d(mid_channels)
        self.conv3 = nn.Conv2d(in_channels, mid_channels, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(mid_channels)
        self.conv4 = nn.Conv2d(
            mid_channels, mid_channels, 3, stride=2, padding=1, groups=mid_channels, bias=False
        )
        self.bn4 = nn.BatchNorm2d(mid_channels)
        self.conv5 = nn.Conv2d(mid_channels, mid_channels, kernel_size=1, bias=False)
        self.bn5 = nn.BatchNorm2d(mid_channels)
        self.shuffle = ShuffleBlock()

    def forward(self, x: Tensor) -> Tensor:
        out1 = self.bn1(self.conv1(x))
        out1 = F.relu(self.bn2(self.conv2(out1)))
        out2 = F.relu(self.bn3(self.conv3(x)))
        out2 = self.bn4(self.conv4(out2))
        out2 = F.relu(self.bn5(self.conv5(out2)))
        return self.shuffle(torch.cat([out1, out2], 1))


class DownBlockCSG(nn.Module):
    """``DownBlock`` with both plain 1x1s on the input side generated (``code2``, ``code3``);
    unused by the original models."""

    def __init__(self, in_channels: int, out_channels: int, CSG: CSG) -> None:
        super().__init__()
        mid_channels = out_channels // 2
        self.CSG = CSG
        self.conv1 = nn.Conv2d(
            in_channels, in_channels, 3, stride=2, padding=1, groups=in_channels, bias=False
        )
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.filter_size2, self.in_filters2, self.out_filters2 = 1, in_channels, mid_channels
        self.filter_size3, self.in_filters3, self.out_filters3 = 1, in_channels, mid_channels
        self.generated_convs = (
            GeneratedConv("code2", "conv2", in_channels, mid_channels, 1),
            GeneratedConv("code3", "conv3", in_channels, mid_channels, 1),
        )
        self.num_slices2 = self.generated_convs[0].num_slices(CSG.slice_shape)
        self.code2 = self.generated_convs[0].new_code(CSG.code_size, CSG.slice_shape)
        self.bn2 = nn.BatchNorm2d(mid_channels)
        self.num_slices3 = self.generated_convs[1].num_slices(CSG.slice_shape)
        self.code3 = self.generated_convs[1].new_code(CSG.code_size, CSG.slice_shape)
        self.bn3 = nn.BatchNorm2d(mid_channels)
        self.conv4 = nn.Conv2d(
            mid_channels, mid_channels, 3, stride=2, padding=1, groups=mid_channels, bias=False
        )
        self.bn4 = nn.BatchNorm2d(mid_channels)
        self.conv5 = nn.Conv2d(mid_channels, mid_channels, kernel_size=1, bias=False)
        self.bn5 = nn.BatchNorm2d(mid_channels)
        self.shuffle = ShuffleBlock()

    def forward(self, x: Tensor, kernels: dict[str, Tensor] | None = None) -> Tensor:
        left, right = self.generated_convs
        out1 = self.bn1(self.conv1(x))
        out1 = F.relu(self.bn2(generated_conv(self, left, out1, kernels)))
        out2 = F.relu(self.bn3(generated_conv(self, right, x, kernels)))
        out2 = self.bn4(self.conv4(out2))
        out2 = F.relu(self.bn5(self.conv5(out2)))
        return self.shuffle(torch.cat([out1, out2], 1))


class ShuffleNetV2(CSGNetwork):
    """ShuffleNetV2 for 32x32 inputs: (B, 3, 32, 32) -> (B, num_classes).

    ``net_size`` in {0.5, 1, 1.5, 2}. The final 1x1 is generated (``code2``) unless ``org``.
    ``num_classes`` defaults to the original's hard-coded 10.
    """

    config_module = __name__

    def __init__(
        self,
        net_size: float,
        org: bool = False,
        *,
        num_classes: int = 10,
        code_size: int | None = None,
        slice_shape: Sequence[int] | None = None,
        binary_csg: bool | None = None,
    ) -> None:
        super().__init__()
        if net_size not in configs:
            raise ValueError(f"net_size={net_size} must be one of {sorted(configs)}")
        out_channels = configs[net_size]["out_channels"]
        num_blocks = configs[net_size]["num_blocks"]
        self.org = org
        if org:
            self.CSG = None
        else:
            code_size, slice_shape, binary = csg_config(
                self.config_module, code_size, slice_shape, binary_csg
            )
            self.CSG = CSG(code_size, slice_shape, binary=binary)
        self.conv1 = nn.Conv2d(3, 24, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(24)
        self.in_channels = 24
        self.layer1 = self._make_layer(out_channels[0], num_blocks[0])
        self.layer2 = self._make_layer(out_channels[1], num_blocks[1])
        self.layer3 = self._make_layer(out_channels[2], num_blocks[2])
        self.filter_size2 = 1
        self.in_filters2, self.out_filters2 = out_channels[2], out_channels[3]
        final = GeneratedConv("code2", "conv2", out_channels[2], out_channels[3], 1)
        if org:
            self.generated_convs = ()
            self.conv2 = nn.Conv2d(out_channels[2], out_channels[3], 1, bias=False)
        else:
            self.generated_convs = (final,)
            self.num_slices2 = final.num_slices(self.CSG.slice_shape)
            self.code2 = final.new_code(self.CSG.code_size, self.CSG.slice_shape)
        self.bn2 = nn.BatchNorm2d(out_channels[3])
        self.linear = nn.Linear(out_channels[3], num_classes)

    def _make_layer(self, out_channels: int, num_blocks: int) -> nn.Sequential:
        layers = [DownBlock(self.in_channels, out_channels)]
        layers += [BasicBlock(out_channels) for _ in range(num_blocks)]
        self.in_channels = out_channels
        return nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        kernels = self.generate_kernels()
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        final = GeneratedConv("code2", "conv2", self.in_filters2, self.out_filters2, 1)
        own = None if kernels is None else kernels.get(self)
        out = F.relu(self.bn2(generated_conv(self, final, out, own)))
        out = F.avg_pool2d(out, 4)
        return self.linear(out.view(out.size(0), -1))
