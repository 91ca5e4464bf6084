"""Shortcut modules of the CIFAR ResNets (thin module over ``associative.models.res_utils``)."""

from associative.models.res_utils import DownsampleA, DownsampleC, DownsampleD

__all__ = ["DownsampleA", "DownsampleC", "DownsampleD"]
