"""CK-G-CNNs: separable group convolutional networks on Lie groups with continuous kernels
(Knigge, Romero, Bekkers, ICML 2022)."""

import ck_g_cnn.groups
import ck_g_cnn.nn  # noqa: F401

__version__ = "0.1.0"
