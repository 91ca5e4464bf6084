"""The original models/small-resnets/qresnet.py (quaternion legacy CIFAR ResNets)."""

from phc.models.small_resnets import QSmallResNet as QResNet
from phc.models.small_resnets import QSmallResNetLarge as QResNetLarge
from phc.models.small_resnets import qresnet20, qresnet20large, qresnet56, qresnet110large

__all__ = ["QResNet", "QResNetLarge", "qresnet20", "qresnet20large", "qresnet56", "qresnet110large"]
