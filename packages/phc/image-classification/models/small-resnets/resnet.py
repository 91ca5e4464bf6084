"""The original models/small-resnets/resnet.py (real legacy CIFAR ResNets)."""

from phc.models.small_resnets import SmallResNet as ResNet
from phc.models.small_resnets import SmallResNetLarge as ResNetLarge
from phc.models.small_resnets import resnet20, resnet20large, resnet56, resnet110large

__all__ = ["ResNet", "ResNetLarge", "resnet20", "resnet20large", "resnet56", "resnet110large"]
