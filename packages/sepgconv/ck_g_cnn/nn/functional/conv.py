"""Spatial convolutions of the group convs, in their fastest CPU form.

Grouped convs: the depthwise k×k convs of the separable kernels (weight [C, 1, k, k], one
group per channel) and the per-(o, θ, s) convs of ``gseparable+2d`` dominate the time of a
training step on CPU, and oneDNN computes their backward several times faster on
channels-last inputs than on contiguous ones (with two threads the contiguous backward is tens
of times slower still). The result is the same cross-correlation; only the order of the
float32 summation differs.

Dense convs with SE(2) kernels: the hard disc mask ‖q‖ ≤ 1 of the SE2 kernels zeroes every
pixel of the k×k grid (linspace(−1, 1, k) on both axes) outside the inscribed disc. For odd k
with m = k // 2 the pixel at offsets (u, v) from the centre lies inside iff u² + v² ≤ m²: the
inner (k − 2)×(k − 2) square and the four tips (±m, 0), (0, ±m) of the outer ring hold every
non-zero weight (the rest of the ring has norm ≥ √(1 + 1/m²), far outside float32 rounding).
``disc_conv2d`` convolves with those ((k − 2)² + 4 of k² taps: 29 of 49 for k = 7).
"""

import torch
import torch.nn.functional as F
from torch import Tensor

__all__ = ["disc_conv2d", "grouped_conv2d"]


def grouped_conv2d(x: Tensor, weight: Tensor, groups: int, padding=0, stride: int = 1) -> Tensor:
    """``F.conv2d(x, weight, padding=padding, stride=stride, groups=groups)`` for x
    [B, C_in, H, W], weight [C_out, C_in / groups, k, k] -> contiguous [B, C_out, H', W'].

    k ≥ 5: computed on a channels-last copy of x (or on x itself when it is channels-last
    already); k = 3 stays contiguous (measured: channels-last is no faster there and the copies
    cost more). Depthwise with k = 1 (the blocks'
    ``skip_align``; ``padding`` is then 0): the per-channel product y = x[::s, ::s]·w, which is
    what the conv computes, without the per-group loop of the unvectorised 1×1 path.
    """
    pad = (padding, padding) if isinstance(padding, int) else tuple(padding)
    depthwise = weight.shape[1] == 1 and groups == x.shape[1] == weight.shape[0]
    if weight.shape[-2:] == (1, 1) and pad == (0, 0) and depthwise:
        return x[..., ::stride, ::stride] * weight.view(1, -1, 1, 1)
    if max(weight.shape[-2:]) < 5:
        return F.conv2d(x, weight, padding=padding, stride=stride, groups=groups)
    y = F.conv2d(
        x.contiguous(memory_format=torch.channels_last),
        weight,
        padding=padding,
        stride=stride,
        groups=groups,
    )
    return y.contiguous()


def disc_conv2d(x: Tensor, weight: Tensor, stride: int = 1) -> Tensor:
    """``F.conv2d(x, weight, padding=k // 2, stride=stride)`` for x [B, C_in, H, W] and a weight
    [C_out, C_in, k, k] (odd k ≥ 3) that is zero outside the disc inscribed in its grid (see the
    module docstring) -> [B, C_out, H', W'].

    Three convs: the inner (k − 2)² square (padding m − 1) and the two pairs of ring tips as
    2×1 and 1×2 kernels dilated by k − 1. Weight entries outside the disc are not read (their
    gradient is zero; the masked kernels' parameters get the same gradient as with one conv).
    """
    k = weight.shape[-1]
    if weight.shape[-2] != k or k % 2 == 0 or k < 3:
        raise ValueError(f"disc_conv2d needs a square kernel of odd size >= 3, got {weight.shape}")
    m = k // 2
    y = F.conv2d(x, weight[..., 1:-1, 1:-1], padding=m - 1, stride=stride)
    y = y + F.conv2d(
        x, weight[..., :: k - 1, m : m + 1], padding=(m, 0), dilation=(k - 1, 1), stride=stride
    )
    return y + F.conv2d(
        x, weight[..., m : m + 1, :: k - 1], padding=(0, m), dilation=(1, k - 1), stride=stride
    )
