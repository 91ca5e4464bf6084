"""Figures of kernels and feature maps for the demo notebooks."""

from demo.utils import vis_utils
from demo.utils.vis_utils import *  # noqa: F403

__all__ = vis_utils.__all__
