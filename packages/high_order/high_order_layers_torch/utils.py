"""Parameter-free helpers: per-sample normalisations, mirror periodicity, mesh positions.

All normalisations act per sample (never across the batch) with ``eps`` added to the
denominator (spec §3.8); :func:`make_periodic` is the triangle-wave fold of §3.7.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

__all__ = [
    "max_abs",
    "max_abs_normalization",
    "max_abs_normalization_last",
    "max_abs_normalization_nd",
    "max_center_normalization",
    "max_center_normalization_last",
    "max_center_normalization_nd",
    "l2_normalization",
    "norm_type",
    "make_periodic",
    "positions_from_mesh",
]


def max_abs(x: Tensor, dim: int = 1) -> Tensor:
    """max |x| over ``dim`` with the dimension kept."""
    return torch.amax(x.abs(), dim=dim, keepdim=True)


def max_abs_normalization(x: Tensor, eps: float = 1e-6, dim: int = 1) -> Tensor:
    """x / (max_dim |x| + eps)."""
    return x / (max_abs(x, dim=dim) + eps)


def max_abs_normalization_last(x: Tensor, eps: float = 1e-6) -> Tensor:
    """x / (max |x| over the last dimension + eps)."""
    return x / (max_abs(x, dim=x.dim() - 1) + eps)


def max_abs_normalization_nd(x: Tensor, eps: float = 1e-6) -> Tensor:
    """x / (max |x| over all non-batch dimensions + eps), shape kept."""
    flat = x.reshape(x.shape[0], -1)
    return (flat / (max_abs(flat) + eps)).reshape(x.shape)


def _max_center(x: Tensor, dim: int, eps: float) -> Tensor:
    high = torch.amax(x, dim=dim, keepdim=True)
    low = torch.amin(x, dim=dim, keepdim=True)
    midrange = 0.5 * (high + low)
    return (x - midrange) / ((high - midrange) + eps)


def max_center_normalization(x: Tensor, eps: float = 1e-6, dim: int = 1) -> Tensor:
    """(x − m) / (max − m + eps) with m = (max + min) / 2 over ``dim``."""
    return _max_center(x, dim, eps)


def max_center_normalization_last(x: Tensor, eps: float = 1e-6) -> Tensor:
    """:func:`max_center_normalization` over the last dimension."""
    return _max_center(x, x.dim() - 1, eps)


def max_center_normalization_nd(x: Tensor, eps: float = 1e-6) -> Tensor:
    """:func:`max_center_normalization` over all non-batch dimensions, shape kept."""
    return _max_center(x.reshape(x.shape[0], -1), 1, eps).reshape(x.shape)


def l2_normalization(x: Tensor, eps: float = 1e-6) -> Tensor:
    """x / (‖x‖₂ over dim 1 + eps)."""
    return x / (x.norm(2, 1, keepdim=True) + eps)


norm_type = {
    "max_abs": max_abs_normalization,
    "l2": l2_normalization,
}


def make_periodic(x: Tensor, periodicity: float) -> Tensor:
    """Mirror fold with period p: identity on [−p/2, p/2], mirrored beyond (spec §3.7).

    y = (x + p/2) mod 2p;  y = 2p − y where y > p;  result y − p/2.
    """
    folded = torch.remainder(x + 0.5 * periodicity, 2 * periodicity)
    folded = torch.where(folded > periodicity, 2 * periodicity - folded, folded)
    return folded - 0.5 * periodicity


def positions_from_mesh(
    width: int,
    height: int,
    rotations: int = 1,
    device: str | torch.device | None = None,
    normalize: bool = False,
) -> list[Tensor]:
    """2·rotations coordinate maps [width, height] of a grid for positional encodings.

    ``device=None`` is CUDA when available (the original's fixed default), else the CPU.

    With m = max(width, height), indices are scaled by m / (m − 1); for each
    θ = (π/2)(i / rotations) the pair r1 = cosθ·x + sinθ·y, r2 = cosθ·x − sinθ·y is rescaled
    to ((r − min) / (max − min) − 0.5)·m, and with ``normalize`` mapped onto [−1, 1].
    """
    if device is None:
        device = "cuda" if torch.cuda.is_available() else "cpu"
    max_dim = max(width, height)
    scale = max_dim / (max_dim - 1)
    xv, yv = torch.meshgrid(
        torch.arange(width, device=device), torch.arange(height, device=device), indexing="ij"
    )
    xv = scale * xv
    yv = scale * yv
    lines = []
    for i in range(rotations):
        theta = (math.pi / 2.0) * (i / rotations)
        rot_x, rot_y = math.cos(theta), math.sin(theta)
        for r in (rot_x * xv + rot_y * yv, rot_x * xv - rot_y * yv):
            r = ((r - r.min()) / (r.max() - r.min()) - 0.5) * max_dim
            if normalize is True:
                r = 2 * (r + max_dim / 2) / max_dim - 1
            lines.append(r)
    return lines
