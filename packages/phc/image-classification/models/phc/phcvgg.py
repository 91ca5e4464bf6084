"""The original models/phc/phcvgg.py."""

from phc.models.phcvgg import *  # noqa: F403
from phc.models.phcvgg import __all__  # noqa: F401
