"""Layers and models of CK-G-CNNs."""

import ck_g_cnn.nn.conv
import ck_g_cnn.nn.functional  # noqa: F401
from ck_g_cnn.nn.ck_g_allcnnc import CKGAllCNNC
from ck_g_cnn.nn.ck_g_cnn import CKGCNN
from ck_g_cnn.nn.ck_g_cnn_base import CKGCNNBase
from ck_g_cnn.nn.ck_g_resnet import CKGResNet

__all__ = ["CKGAllCNNC", "CKGCNN", "CKGCNNBase", "CKGResNet"]
