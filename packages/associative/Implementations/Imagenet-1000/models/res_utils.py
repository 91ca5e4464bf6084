"""Shortcut modules (thin module over ``associative.models.res_utils``; unused by the ImageNet
ResNets, kept at the original path)."""

from associative.models.res_utils import DownsampleA, DownsampleC, DownsampleD

__all__ = ["DownsampleA", "DownsampleC", "DownsampleD"]
