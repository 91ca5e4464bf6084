"""Grouped spatial convolutions of the separable implementations, in their fastest CPU layout.

The depthwise k×k convs of the separable kernels (weight [C, 1, k, k], one group per channel)
and the per-(o, θ, s) convs of ``gseparable+2d`` dominate the time of a training step on CPU,
and oneDNN computes their backward several times faster on channels-last inputs than on
contiguous ones (with two threads the contiguous backward is tens of times slower still). The
result is the same cross-correlation; only the order of the float32 summation differs.
"""

import torch
import torch.nn.functional as F
from torch import Tensor

__all__ = ["grouped_conv2d"]


def grouped_conv2d(x: Tensor, weight: Tensor, groups: int, padding=0, stride: int = 1) -> Tensor:
    """``F.conv2d(x, weight, padding=padding, stride=stride, groups=groups)`` for x
    [B, C_in, H, W], weight [C_out, C_in / groups, k, k] -> contiguous [B, C_out, H', W'].

    k > 1: computed on a channels-last copy of x. Depthwise with k = 1 (the blocks'
    ``skip_align``; ``padding`` is then 0): the per-channel product y = x[::s, ::s]·w, which is
    what the conv computes, without the per-group loop of the unvectorised 1×1 path.
    """
    pad = (padding, padding) if isinstance(padding, int) else tuple(padding)
    if weight.shape[-2:] == (1, 1):
        if pad == (0, 0) and weight.shape[1] == 1 and groups == x.shape[1] == weight.shape[0]:
            return x[..., ::stride, ::stride] * weight.view(1, -1, 1, 1)
        return F.conv2d(x, weight, padding=padding, stride=stride, groups=groups)
    y = F.conv2d(
        x.contiguous(memory_format=torch.channels_last),
        weight,
        padding=padding,
        stride=stride,
        groups=groups,
    )
    return y.contiguous()
