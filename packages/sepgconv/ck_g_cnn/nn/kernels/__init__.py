"""Continuous group kernels for SE(2), R² ⋊ R⁺ and Sim(2)."""

from ck_g_cnn.nn.kernels.group_kernel import GroupKernel
from ck_g_cnn.nn.kernels.R2xRplus_kernel import (
    R2xRplusGroupKernel,
    R2xRplusGroupKernelGSeparable,
    R2xRplusGroupKernelSeparable,
    R2xRPlusLiftingKernel,
)
from ck_g_cnn.nn.kernels.SE2_kernel import (
    SE2GroupKernel,
    SE2GroupKernelGSeparable,
    SE2GroupKernelSeparable,
    SE2LiftingKernel,
)
from ck_g_cnn.nn.kernels.Sim2_kernel import (
    Sim2GroupKernel,
    Sim2GroupKernelGSeparable,
    Sim2GroupKernelGSeparable2D,
    Sim2GroupKernelSeparable,
    Sim2GroupKernelSeparable2D,
    Sim2LiftingKernel,
)

__all__ = [
    "GroupKernel",
    "R2xRPlusLiftingKernel",
    "R2xRplusGroupKernel",
    "R2xRplusGroupKernelGSeparable",
    "R2xRplusGroupKernelSeparable",
    "SE2GroupKernel",
    "SE2GroupKernelGSeparable",
    "SE2GroupKernelSeparable",
    "SE2LiftingKernel",
    "Sim2GroupKernel",
    "Sim2GroupKernelGSeparable",
    "Sim2GroupKernelGSeparable2D",
    "Sim2GroupKernelSeparable",
    "Sim2GroupKernelSeparable2D",
    "Sim2LiftingKernel",
]
