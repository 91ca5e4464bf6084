"""The original models/quat/qresnet.py."""

from phc.models.qresnet import *  # noqa: F403
from phc.models.qresnet import __all__  # noqa: F401
