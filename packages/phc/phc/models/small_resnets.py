"""Legacy CIFAR ResNets (Idelbayev style) of ``models/small-resnets`` in real, quaternion and
PHM flavours. Not reachable from ``GetModel`` in the original either.

Stem 3x3 conv to 16 (``Large``: 24) channels → BN → ReLU; three stages of ``BasicBlock`` with
widths [16, 32, 64] (``Large``: [24, 72, 216]) and first strides [1, 2, 2]; option-'B'
shortcuts (1x1 conv + BN); global average pool; ``linear``. After building, ``kaiming_normal_``
re-draws every ``nn.Linear`` weight (real flavour: every ``nn.Conv2d`` weight too). Builders take
``(channels, n)`` like the original's.
"""

from __future__ import annotations

from functools import partial

import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn import init

from phc.models.phcresnet import phc_conv
from phc.models.qresnet import quaternion_conv
from phc.models.resnet import BasicBlock, CifarResNet, real_conv

__all__ = [
    "PHMResNet",
    "PHMResNetLarge",
    "QSmallResNet",
    "QSmallResNetLarge",
    "SmallResNet",
    "SmallResNetLarge",
    "phmresnet20",
    "phmresnet20large",
    "phmresnet32",
    "phmresnet44",
    "phmresnet56",
    "phmresnet110",
    "phmresnet110large",
    "phmresnet1202",
    "qresnet20",
    "qresnet20large",
    "qresnet56",
    "qresnet110large",
    "resnet20",
    "resnet20large",
    "resnet56",
    "resnet110large",
]

WIDTHS = (16, 32, 64)
WIDTHS_LARGE = (24, 72, 216)


class _SmallResNet(CifarResNet):
    _init_types: tuple[type, ...] = (nn.Linear,)

    def __init__(self, num_blocks, num_classes, channels, widths, conv) -> None:
        super().__init__(BasicBlock, num_blocks, channels, num_classes, widths, conv)
        for module in self.modules():
            if isinstance(module, self._init_types) and not module.weight.is_meta:
                init.kaiming_normal_(module.weight)

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        out = F.avg_pool2d(out, out.size(3))
        return self.linear(out.flatten(1))


class SmallResNet(_SmallResNet):
    """Real legacy ResNet (the original's ``models/small-resnets/resnet.py`` ``ResNet``)."""

    _init_types = (nn.Linear, nn.Conv2d)

    def __init__(self, num_blocks, num_classes=10, channels=3, widths=WIDTHS) -> None:
        super().__init__(num_blocks, num_classes, channels, widths, real_conv)


class SmallResNetLarge(SmallResNet):
    """Real legacy ResNet, large widths."""

    def __init__(self, num_blocks, num_classes=10, channels=3) -> None:
        super().__init__(num_blocks, num_classes, channels, WIDTHS_LARGE)


class QSmallResNet(_SmallResNet):
    """Quaternion legacy ResNet (``small-resnets/qresnet.py`` ``QResNet``)."""

    def __init__(self, num_blocks, num_classes=10, channels=3, widths=WIDTHS) -> None:
        super().__init__(num_blocks, num_classes, channels, widths, quaternion_conv)


class QSmallResNetLarge(QSmallResNet):
    """Quaternion legacy ResNet, large widths."""

    def __init__(self, num_blocks, num_classes=10, channels=3) -> None:
        super().__init__(num_blocks, num_classes, channels, WIDTHS_LARGE)


class PHMResNet(_SmallResNet):
    """PHM legacy ResNet (``small-resnets/phmresnet.py``), PHC convs of dimension ``n``."""

    def __init__(self, num_blocks, num_classes=10, channels=3, n=1, widths=WIDTHS, **kw) -> None:
        super().__init__(num_blocks, num_classes, channels, widths, partial(phc_conv, n=n, **kw))


class PHMResNetLarge(PHMResNet):
    """PHM legacy ResNet, large widths."""

    def __init__(self, num_blocks, num_classes=10, channels=3, n=1, **kw) -> None:
        super().__init__(num_blocks, num_classes, channels, n, WIDTHS_LARGE, **kw)


def resnet20(channels=3, n=None, num_classes=10):
    """Real ResNet20 (272,474 parameters)."""
    return SmallResNet([3, 3, 3], num_classes, channels)


def resnet20large(channels=3, n=None, num_classes=10):
    """Real ResNet20, large widths."""
    return SmallResNetLarge([3, 3, 3], num_classes, channels)


def resnet56(channels=3, n=None, num_classes=10):
    """Real ResNet56 (855,770 parameters)."""
    return SmallResNet([9, 9, 9], num_classes, channels)


def resnet110large(channels=3, n=None, num_classes=10):
    """Real ResNet110, large widths."""
    return SmallResNetLarge([18, 18, 18], num_classes, channels)


def qresnet20(channels=4, n=None, num_classes=10):
    """Quaternion ResNet20 (69,818 parameters)."""
    return QSmallResNet([3, 3, 3], num_classes, channels)


def qresnet20large(channels=4, n=None, num_classes=10):
    """Quaternion ResNet20, large widths."""
    return QSmallResNetLarge([3, 3, 3], num_classes, channels)


def qresnet56(channels=4, n=None, num_classes=10):
    """Quaternion ResNet56 (217,658 parameters)."""
    return QSmallResNet([9, 9, 9], num_classes, channels)


def qresnet110large(channels=4, n=None, num_classes=100):
    """Quaternion ResNet110, large widths, 100 classes by default."""
    return QSmallResNetLarge([18, 18, 18], num_classes, channels)


def phmresnet20(channels, n, num_classes=10, **kw):
    """PHM ResNet20 (n=4, 4 channels: 71,946 parameters)."""
    return PHMResNet([3, 3, 3], num_classes, channels, n, **kw)


def phmresnet20large(channels, n, num_classes=10, **kw):
    """PHM ResNet20, large widths."""
    return PHMResNetLarge([3, 3, 3], num_classes, channels, n, **kw)


def phmresnet32(channels, n, num_classes=10, **kw):
    """PHM ResNet32."""
    return PHMResNet([5, 5, 5], num_classes, channels, n, **kw)


def phmresnet44(channels, n, num_classes=10, **kw):
    """PHM ResNet44."""
    return PHMResNet([7, 7, 7], num_classes, channels, n, **kw)


def phmresnet56(channels, n, num_classes=10, **kw):
    """PHM ResNet56."""
    return PHMResNet([9, 9, 9], num_classes, channels, n, **kw)


def phmresnet110(channels, n, num_classes=10, **kw):
    """PHM ResNet110."""
    return PHMResNet([18, 18, 18], num_classes, channels, n, **kw)


def phmresnet110large(channels, n, num_classes=100, **kw):
    """PHM ResNet110, large widths, 100 classes by default."""
    return PHMResNetLarge([18, 18, 18], num_classes, channels, n, **kw)


def phmresnet1202(channels, n, num_classes=10, **kw):
    """PHM ResNet1202."""
    return PHMResNet([200, 200, 200], num_classes, channels, n, **kw)
