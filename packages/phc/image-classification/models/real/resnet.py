"""The original models/real/resnet.py."""

from phc.models.resnet import *  # noqa: F403
from phc.models.resnet import __all__  # noqa: F401
