"""SE(2) kernels (rotations): lifting, non-separable, separable and g-separable."""

from ck_g_cnn.nn.kernels.group_kernel import (
    GroupKernelFactorised,
    GroupKernelFull,
    LiftingKernelBase,
    SE2Rules,
)

__all__ = [
    "SE2GroupKernel",
    "SE2GroupKernelGSeparable",
    "SE2GroupKernelSeparable",
    "SE2LiftingKernel",
]


class SE2LiftingKernel(SE2Rules, LiftingKernelBase):
    """[C_out, N, C_in, k, k]: cknet(R(−θ_a) p) with the hard disc mask ‖q‖ ≤ 1."""


class SE2GroupKernel(SE2Rules, GroupKernelFull):
    """[C_out, N_out, C_in, N_in, k, k]: cknet(R(−θ_a) p, (θ_b − θ_a)/π − 1), hard disc."""


class SE2GroupKernelSeparable(SE2Rules, GroupKernelFactorised):
    """K_H [C_out, N_out, C_in, N_in, 1, 1] and K_R [C_out, N_out, 1, k, k]."""


class SE2GroupKernelGSeparable(SE2Rules, GroupKernelFactorised):
    """K_H [C_out, N_out, C_in, N_in, 1, 1] and K_R [C_out, N_out, C_in, k, k]."""

    gseparable = True
