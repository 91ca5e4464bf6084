"""The original models/real/vgg.py."""

from phc.models.vgg import *  # noqa: F403
from phc.models.vgg import __all__  # noqa: F401
