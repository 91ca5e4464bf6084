"""Model families: CIFAR ResNet / DenseNet-BC / MobileNetV2 / ShuffleNetV2, ImageNet ResNets,
and the CReLU / separable baselines."""

from associative.models import (
    cifar_resnet,
    densenet,
    imagenet_resnet,
    mobilenetv2,
    res_utils,
    shufflenetv2,
)

__all__ = [
    "cifar_resnet",
    "densenet",
    "imagenet_resnet",
    "mobilenetv2",
    "res_utils",
    "shufflenetv2",
]
