"""CIFAR DenseNet-BC with CSG-generated 3x3 bottleneck convolutions.

Thin module over ``associative.models.densenet``: edit CODE_SIZE / SLICE_SHAPE below (read
when a network is built) or pass ``code_size=``/``slice_shape=`` to the factories.
"""

from associative.models import densenet as _lib
from associative.models.densenet import Bottleneck, BottleneckOrg, Transition

__all__ = [
    "Bottleneck",
    "BottleneckOrg",
    "DenseNet",
    "Transition",
    "densenet_cifar",
    "densenet_cifar_org",
]

CODE_SIZE = 72
SLICE_SHAPE = [12, 12, 3, 3]
BINARY_CSG = False


class DenseNet(_lib.DenseNet):
    __doc__ = _lib.DenseNet.__doc__
    config_module = __name__


def densenet_cifar(reg_mode=False, **kwargs):
    """DenseNet-BC, L=40, k=48 with CSG (L = 40 -> (40 - 4) / 3 = 12 -> 6 bottlenecks)."""
    kwargs.setdefault("growth_rate", 48)
    return DenseNet(Bottleneck, 6, reg_mode=reg_mode, **kwargs)


def densenet_cifar_org(reg_mode=False, **kwargs):
    """The ordinary DenseNet-BC, L=40, k=48."""
    kwargs.setdefault("growth_rate", 48)
    return DenseNet(BottleneckOrg, 6, reg_mode=reg_mode, org=True, **kwargs)
