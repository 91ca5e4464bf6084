"""Functional helpers: kernel masks, group feature-map pooling, grouped convolutions."""

from ck_g_cnn.nn.functional.conv import disc_conv2d, grouped_conv2d
from ck_g_cnn.nn.functional.masking import (
    circular_mask,
    circular_mask_smooth,
    distance_mask,
    distance_mask_smooth,
    group_distance_mask_smooth,
)
from ck_g_cnn.nn.functional.pooling import adaptive_group_max_pooling_Rn, group_max_pooling_Rn

__all__ = [
    "adaptive_group_max_pooling_Rn",
    "circular_mask",
    "circular_mask_smooth",
    "disc_conv2d",
    "distance_mask",
    "distance_mask_smooth",
    "group_distance_mask_smooth",
    "group_max_pooling_Rn",
    "grouped_conv2d",
]
