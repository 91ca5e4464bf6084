"""Continuous kernel nets (SIREN)."""

from ck_g_cnn.nn.ck.ck_net import CKNetLinear, CKNetLinearSplit
from ck_g_cnn.nn.ck.SIREN import SIREN, SineLayerLinear

__all__ = ["CKNetLinear", "CKNetLinearSplit", "SIREN", "SineLayerLinear"]
