"""The groups H of G = R² ⋊ H: ``SE2`` (rotations), ``Rplus`` (dilations), ``Sim2``."""

from ck_g_cnn.groups.group import Group
from ck_g_cnn.groups.R2 import R2
from ck_g_cnn.groups.Rplus import Rplus
from ck_g_cnn.groups.Sim2 import SO2xRplus
from ck_g_cnn.groups.SO2 import SO2

SE2 = SO2
Sim2 = SO2xRplus

__all__ = ["R2", "SE2", "SO2", "Group", "Rplus", "SO2xRplus", "Sim2"]
