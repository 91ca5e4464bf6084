"""Figures of kernels and feature maps for the demo notebooks."""

from demo.utils.vis_utils import (
    get_cmap,
    group_coordinate_grids,
    rotate_group_feature_map,
    rotated_activations,
    visualize_activations,
    visualize_group_coordinate_grids,
    visualize_group_factor_kernels,
    visualize_group_kernels,
    visualize_lifting_coordinate_grids,
    visualize_lifting_kernels,
    visualize_rotated_activations,
)

__all__ = [
    "get_cmap",
    "group_coordinate_grids",
    "rotate_group_feature_map",
    "rotated_activations",
    "visualize_activations",
    "visualize_group_coordinate_grids",
    "visualize_group_factor_kernels",
    "visualize_group_kernels",
    "visualize_lifting_coordinate_grids",
    "visualize_lifting_kernels",
    "visualize_rotated_activations",
]
