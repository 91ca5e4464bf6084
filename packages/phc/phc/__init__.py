"""Parameterized hypercomplex convolutions (PHC) and PHM layers, their quaternion baselines and
the image-classification models of Grassucci, Zhang & Comminiello (ICLR 2022 / IEEE TNNLS 2022).
"""

from phc.layers import (
    PHConv,
    PHConv1D,
    PHConv1d,
    PHConv2d,
    PHConv3D,
    PHConv3d,
    PHLinear,
    PHMConv,
    PHMLinear,
    PHMLinearLegacy,
    remap_legacy_keys,
)

__all__ = [
    "PHConv",
    "PHConv1D",
    "PHConv1d",
    "PHConv2d",
    "PHConv3D",
    "PHConv3d",
    "PHLinear",
    "PHMConv",
    "PHMLinear",
    "PHMLinearLegacy",
    "remap_legacy_keys",
]

__version__ = "0.1.0"
