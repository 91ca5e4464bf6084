"""ImageNet ResNets with CSG-generated 3x3 convolutions.

Thin module over ``associative.models.imagenet_resnet``: edit CODE_SIZE / SLICE_SHAPE below (read
when a network is built) or pass ``code_size=``/``slice_shape=`` to the factories.
"""

from associative.models import imagenet_resnet as _lib
from associative.models.imagenet_resnet import (
    BasicBlock,
    BasicBlock2,
    BasicBlockOrg,
    Bottleneck,
    BottleneckOrg,
    conv1x1,
    conv3x3,
)

__all__ = [
    "ResNet",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "resnet152",
    "resnext50_32x4d",
    "resnext101_32x8d",
    "wide_resnet50_2",
    "wide_resnet101_2",
    "BasicBlock",
    "BasicBlock2",
    "BasicBlockOrg",
    "Bottleneck",
    "BottleneckOrg",
    "conv1x1",
    "conv3x3",
]

CODE_SIZE = 128
SLICE_SHAPE = [16, 16, 3, 3]


def _with_constants(kwargs):
    """This module's constants unless the call gives its own (read at call time)."""
    return {"code_size": CODE_SIZE, "slice_shape": SLICE_SHAPE, **kwargs}


class ResNet(_lib.ResNet):
    __doc__ = _lib.ResNet.__doc__
    config_module = __name__


def resnet18(org=False, pretrained=False, progress=True, **kwargs):
    """ResNet-18; the CSG form generates only the first 3x3 of each block (``BasicBlock2``)."""
    if org:
        return _lib.resnet18(True, pretrained, progress, **kwargs)
    return _lib.resnet18(False, pretrained, progress, **_with_constants(kwargs))


def resnet34(pretrained=False, progress=True, **kwargs):
    """ResNet-34 with both 3x3 convolutions of every block generated."""
    return _lib.resnet34(pretrained, progress, **_with_constants(kwargs))


def resnet50(org=False, pretrained=False, progress=True, **kwargs):
    """ResNet-50 with generated bottleneck 3x3s (``org=True``: the ordinary network)."""
    if org:
        return _lib.resnet50(True, pretrained, progress, **kwargs)
    return _lib.resnet50(False, pretrained, progress, **_with_constants(kwargs))


def resnet101(org=False, pretrained=False, progress=True, **kwargs):
    """ResNet-101 with generated bottleneck 3x3s (``org=True``: the ordinary network)."""
    if org:
        return _lib.resnet101(True, pretrained, progress, **kwargs)
    return _lib.resnet101(False, pretrained, progress, **_with_constants(kwargs))


def resnet152(pretrained=False, progress=True, **kwargs):
    """ResNet-152 with generated bottleneck 3x3s."""
    return _lib.resnet152(pretrained, progress, **_with_constants(kwargs))


def resnext50_32x4d(pretrained=False, progress=True, **kwargs):
    """ResNeXt-50 32x4d (generated 3x3s are dense)."""
    return _lib.resnext50_32x4d(pretrained, progress, **_with_constants(kwargs))


def resnext101_32x8d(pretrained=False, progress=True, **kwargs):
    """ResNeXt-101 32x8d (generated 3x3s are dense)."""
    return _lib.resnext101_32x8d(pretrained, progress, **_with_constants(kwargs))


def wide_resnet50_2(pretrained=False, progress=True, **kwargs):
    """Wide ResNet-50-2 with generated bottleneck 3x3s."""
    return _lib.wide_resnet50_2(pretrained, progress, **_with_constants(kwargs))


def wide_resnet101_2(pretrained=False, progress=True, **kwargs):
    """Wide ResNet-101-2 with generated bottleneck 3x3s."""
    return _lib.wide_resnet101_2(pretrained, progress, **_with_constants(kwargs))
