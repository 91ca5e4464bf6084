"""Kernel masks as factors: each function maps coordinates to a mask that multiplies kernels.

Coordinates arrive in the layout the kernels use, coordinate axis ``dim`` (default 1, e.g.
[N, 2, k, k]); the returned mask drops that axis. The caller broadcasts it onto the kernel.
"""

import torch
from torch import Tensor

__all__ = [
    "circular_mask",
    "circular_mask_smooth",
    "distance_mask",
    "distance_mask_smooth",
    "group_distance_mask_smooth",
]


def circular_mask(coordinates: Tensor, max_rel_dist: float = 1.0, dim: int = 1) -> Tensor:
    """Hard disc: 0 where ‖q‖ > max_rel_dist (float32 norm of the transformed q), else 1."""
    return (torch.norm(coordinates, dim=dim) <= max_rel_dist).to(coordinates.dtype)


def circular_mask_smooth(
    coordinates: Tensor, max_rel_dist: float = 1.0, slope: float = 2.0, dim: int = 1
) -> Tensor:
    """Smooth disc σ(slope·(max_rel_dist − ‖q‖))."""
    return torch.sigmoid(slope * (max_rel_dist - torch.norm(coordinates, dim=dim)))


def distance_mask(coordinates: Tensor, max_rel_dist: float = 1.0, dim: int = 1) -> Tensor:
    """Hard square: 0 where max(|q_x|, |q_y|) > max_rel_dist, else 1."""
    return (torch.amax(coordinates.abs(), dim=dim) <= max_rel_dist).to(coordinates.dtype)


def distance_mask_smooth(
    coordinates: Tensor, max_rel_dist: float = 1.0, slope: float = 5.0, dim: int = 1
) -> Tensor:
    """Smooth square σ(slope·(max_rel_dist − max(|q_x|, |q_y|)))."""
    return torch.sigmoid(slope * (max_rel_dist - torch.amax(coordinates.abs(), dim=dim)))


def group_distance_mask_smooth(
    distances: Tensor, max_dist: float = 1.0, slope: float = 5.0
) -> Tensor:
    """Localisation along the group: σ(slope·(max_dist − |v|)) for relative log-scales v."""
    return torch.sigmoid(slope * (max_dist - distances.abs()))
