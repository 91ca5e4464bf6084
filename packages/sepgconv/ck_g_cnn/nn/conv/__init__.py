"""Lifting and group convolutions (the seven implementations) and the residual block."""

from ck_g_cnn.nn.conv.ck_g_conv import ContinuousKernelGroupConv
from ck_g_cnn.nn.conv.dgseparable.group_conv_dgsep import GroupConvDGSeparable
from ck_g_cnn.nn.conv.dseparable.group_conv_dsep import GroupConvDSeparable
from ck_g_cnn.nn.conv.group_conv_block import GroupConvBlock
from ck_g_cnn.nn.conv.gseparable.group_conv_gsep import GroupConvGSeparable
from ck_g_cnn.nn.conv.gseparable.group_conv_gsep_2d import GroupConvGSeparable2D
from ck_g_cnn.nn.conv.lifting_conv import LiftingConv
from ck_g_cnn.nn.conv.lifting_conv_2d import LiftingConv2D
from ck_g_cnn.nn.conv.nonseparable.group_conv import GroupConv
from ck_g_cnn.nn.conv.separable.group_conv_sep import GroupConvSeparable
from ck_g_cnn.nn.conv.separable.group_conv_sep_2d import GroupConvSeparable2D

__all__ = [
    "ContinuousKernelGroupConv",
    "GroupConv",
    "GroupConvBlock",
    "GroupConvDGSeparable",
    "GroupConvDSeparable",
    "GroupConvGSeparable",
    "GroupConvGSeparable2D",
    "GroupConvSeparable",
    "GroupConvSeparable2D",
    "LiftingConv",
    "LiftingConv2D",
]
