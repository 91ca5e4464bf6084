"""The original models/quat/qvgg.py."""

from phc.models.qvgg import *  # noqa: F403
from phc.models.qvgg import __all__  # noqa: F401
