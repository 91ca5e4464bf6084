"""CIFAR MobileNetV2 with a frozen random binary CSG (entries +-0.5).

Thin module over ``associative.models.mobilenetv2``: edit CODE_SIZE / SLICE_SHAPE below (read
when a network is built) or pass ``code_size=``/``slice_shape=``.
"""

from associative.models import mobilenetv2 as _lib
from associative.models.mobilenetv2 import Block, BlockCSG

__all__ = ["Block", "BlockCSG", "MobileNetV2"]

CODE_SIZE = 16
SLICE_SHAPE = [16, 16, 1, 1]
BINARY_CSG = True


class MobileNetV2(_lib.MobileNetV2):
    __doc__ = _lib.MobileNetV2.__doc__
    config_module = __name__
