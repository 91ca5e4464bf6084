"""The layers of the original ``hypercomplex_layers.py`` (PHM/PHC and quaternion)."""

from phc.layers import PHConv, PHMConv, PHMLinear
from phc.quaternion import QuaternionConv, QuaternionLinear

__all__ = ["PHConv", "PHMConv", "PHMLinear", "QuaternionConv", "QuaternionLinear"]
