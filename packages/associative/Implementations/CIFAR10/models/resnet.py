"""CIFAR ResNets with CSG-generated convolutions.

Thin module over ``associative.models.cifar_resnet``: edit CODE_SIZE / SLICE_SHAPE below (read
when a network is built) or pass ``code_size=``/``slice_shape=`` to the factories.
"""

from associative.models import cifar_resnet as _lib
from associative.models.cifar_resnet import ResNetBasicblock, ResNetBasicblockOrg
from associative.models.res_utils import DownsampleA, DownsampleC, DownsampleD

__all__ = [
    "CifarResNet",
    "DownsampleA",
    "DownsampleC",
    "DownsampleD",
    "ResNetBasicblock",
    "ResNetBasicblockOrg",
    "resnet20",
    "resnet20_org",
    "resnet32",
    "resnet32_org",
    "resnet44",
    "resnet44_org",
    "resnet56",
    "resnet56_org",
    "resnet110",
    "resnet110_org",
]

CODE_SIZE = 72
SLICE_SHAPE = [12, 12, 3, 3]


class CifarResNet(_lib.CifarResNet):
    __doc__ = _lib.CifarResNet.__doc__
    config_module = __name__


def resnet20(num_classes=10, **csg_kwargs):
    """ResNet-20 with CSG-generated convolutions."""
    return CifarResNet(ResNetBasicblock, 20, num_classes, **csg_kwargs)


def resnet20_org(num_classes=10):
    """The ordinary ResNet-20."""
    return CifarResNet(ResNetBasicblockOrg, 20, num_classes, org=True)


def resnet32(num_classes=10, **csg_kwargs):
    """ResNet-32 with CSG-generated convolutions (added; the original used the class)."""
    return CifarResNet(ResNetBasicblock, 32, num_classes, **csg_kwargs)


def resnet32_org(num_classes=10):
    """The ordinary ResNet-32 (added)."""
    return CifarResNet(ResNetBasicblockOrg, 32, num_classes, org=True)


def resnet44(num_classes=10, **csg_kwargs):
    """ResNet-44 with CSG-generated convolutions (added; the original used the class)."""
    return CifarResNet(ResNetBasicblock, 44, num_classes, **csg_kwargs)


def resnet44_org(num_classes=10):
    """The ordinary ResNet-44 (added)."""
    return CifarResNet(ResNetBasicblockOrg, 44, num_classes, org=True)


def resnet56(num_classes=10, **csg_kwargs):
    """ResNet-56 with CSG-generated convolutions."""
    return CifarResNet(ResNetBasicblock, 56, num_classes, **csg_kwargs)


def resnet56_org(num_classes=10):
    """The ordinary ResNet-56."""
    return CifarResNet(ResNetBasicblockOrg, 56, num_classes, org=True)


def resnet110(num_classes=10, **csg_kwargs):
    """ResNet-110 with CSG-generated convolutions (added; the original used the class)."""
    return CifarResNet(ResNetBasicblock, 110, num_classes, **csg_kwargs)


def resnet110_org(num_classes=10):
    """The ordinary ResNet-110 (added)."""
    return CifarResNet(ResNetBasicblockOrg, 110, num_classes, org=True)
