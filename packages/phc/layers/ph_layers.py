"""The standalone PHM / PHC layers of the original ``layers/ph_layers.py``.

Same signatures and state_dict keys as that file: ``PHMLinear(n, in_features, out_features)``
with parameters ``bias``, ``a``, ``s`` (lowercase there, unlike ``hypercomplex_layers.py``),
``PHConv2d(n, in_features, out_features, kernel_size, padding=0, stride=1)``, ``PHConv1D`` and
``PHConv3D`` (with ``dilation``), each with ``bias``, ``A``, ``F``.
"""

from phc.layers import PHConv as PHConv2d
from phc.layers import PHConv1D, PHConv3D
from phc.layers import PHMLinearLegacy as PHMLinear

__all__ = ["PHConv1D", "PHConv2d", "PHConv3D", "PHMLinear"]
