"""The original models/phc/phcresnet.py."""

from phc.models.phcresnet import *  # noqa: F403
from phc.models.phcresnet import __all__  # noqa: F401
