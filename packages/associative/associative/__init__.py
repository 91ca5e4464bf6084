"""Associative convolutional layers (Omidvar et al., AISTATS 2021).

One network-wide Convolutional Slice Generator (``CSG``, a bias-free linear map) turns each
layer's small code matrix into the slices of its kernel; see ``associative.csg`` for the exact
assembly, ``associative.models`` for the networks, ``export_plain`` for deployment and
``associative.checkpoints`` for the original's checkpoint format.
"""

from associative.checkpoints import convert_state_dict, load_csg, load_original
from associative.csg import (
    CSG,
    CSGConv2d,
    CSGNetwork,
    GeneratedConv,
    assemble_kernel,
    generated_conv,
    kernel_from_slices,
    num_slices,
    padded_kernel_shape,
)
from associative.export import export_plain

__all__ = [
    "CSG",
    "CSGConv2d",
    "CSGNetwork",
    "GeneratedConv",
    "assemble_kernel",
    "convert_state_dict",
    "export_plain",
    "generated_conv",
    "kernel_from_slices",
    "load_csg",
    "load_original",
    "num_slices",
    "padded_kernel_shape",
]
__version__ = "0.1.0"
