"""Shortcut modules of the CIFAR ResNets (``models/res_utils.py`` of the original)."""

import torch
from torch import Tensor, nn

__all__ = ["DownsampleA", "DownsampleC", "DownsampleD"]


class DownsampleA(nn.Module):
    """Parameter-free shortcut: (B, C, H, W) -> (B, 2C, H/2, W/2), ``cat(x[::2, ::2], 0)``.

    ``nOut`` is accepted for the original signature; the output always has twice the channels.
    """

    def __init__(self, nIn: int, nOut: int, stride: int) -> None:
        super().__init__()
        if stride != 2:
            raise ValueError(f"stride={stride} must be 2 for DownsampleA")
        self.avg = nn.AvgPool2d(kernel_size=1, stride=stride)

    def forward(self, x: Tensor) -> Tensor:
        x = self.avg(x)
        return torch.cat((x, x.mul(0)), 1)


class DownsampleC(nn.Module):
    """1x1 convolution shortcut (defined by the original, unused by its models)."""

    def __init__(self, nIn: int, nOut: int, stride: int) -> None:
        super().__init__()
        if stride == 1 and nIn == nOut:
            raise ValueError(f"DownsampleC needs stride != 1 or nIn != nOut, got {stride=}, {nIn=}")
        self.conv = nn.Conv2d(nIn, nOut, kernel_size=1, stride=stride, padding=0, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        return self.conv(x)


class DownsampleD(nn.Module):
    """2x2 stride-2 convolution + BN shortcut (defined by the original, unused by its models)."""

    def __init__(self, nIn: int, nOut: int, stride: int) -> None:
        super().__init__()
        if stride != 2:
            raise ValueError(f"stride={stride} must be 2 for DownsampleD")
        self.conv = nn.Conv2d(nIn, nOut, kernel_size=2, stride=stride, padding=0, bias=False)
        self.bn = nn.BatchNorm2d(nOut)

    def forward(self, x: Tensor) -> Tensor:
        return self.bn(self.conv(x))
