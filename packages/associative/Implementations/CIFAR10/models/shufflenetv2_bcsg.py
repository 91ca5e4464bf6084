"""CIFAR ShuffleNetV2 with a frozen random binary CSG (entries +-0.5).

Thin module over ``associative.models.shufflenetv2``: edit CODE_SIZE / SLICE_SHAPE below (read
when a network is built) or pass ``code_size=``/``slice_shape=``.
"""

from associative.models import shufflenetv2 as _lib
from associative.models.shufflenetv2 import (
    BasicBlock,
    BasicBlockCSG,
    DownBlock,
    DownBlockCSG,
    ShuffleBlock,
    SplitBlock,
    configs,
)

__all__ = [
    "BasicBlock",
    "BasicBlockCSG",
    "DownBlock",
    "DownBlockCSG",
    "ShuffleBlock",
    "ShuffleNetV2",
    "SplitBlock",
    "configs",
]

CODE_SIZE = 16
SLICE_SHAPE = [16, 16, 1, 1]
BINARY_CSG = True


class ShuffleNetV2(_lib.ShuffleNetV2):
    __doc__ = _lib.ShuffleNetV2.__doc__
    config_module = __name__
