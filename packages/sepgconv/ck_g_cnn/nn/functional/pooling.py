"""Spatial max pooling of feature maps on the group, [B, C, N, H, W]."""

import torch.nn.functional as F
from torch import Tensor

__all__ = ["adaptive_group_max_pooling_Rn", "group_max_pooling_Rn"]


def group_max_pooling_Rn(x: Tensor, kernel_size: int = 2, stride_Rn: int = 2) -> Tensor:
    """[B, C, N, H, W] -> [B, C, N, H', W']: max_pool2d per (channel, element), floor mode."""
    b, c, n = x.shape[:3]
    y = F.max_pool2d(x.reshape(b, c * n, *x.shape[3:]), kernel_size=kernel_size, stride=stride_Rn)
    return y.reshape(b, c, n, *y.shape[-2:])


def adaptive_group_max_pooling_Rn(x: Tensor, output_size: int = 1) -> Tensor:
    """[B, C, N, H, W] -> [B, C, N, s, s]: adaptive spatial max per (channel, element)."""
    b, c, n = x.shape[:3]
    y = F.adaptive_max_pool2d(x.reshape(b, c * n, *x.shape[3:]), output_size=output_size)
    return y.reshape(b, c, n, *y.shape[-2:])
