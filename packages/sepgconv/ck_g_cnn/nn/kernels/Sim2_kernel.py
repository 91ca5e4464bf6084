"""Sim(2) kernels (rotations and dilations): lifting, non-separable, separable, g-separable and
the two kernels separable over SO(2) and R⁺ (``*2D``)."""

from ck_g_cnn.nn.kernels.group_kernel import (
    GroupKernel2DBase,
    GroupKernelFactorised,
    GroupKernelFull,
    LiftingKernelBase,
    Sim2Rules,
)

__all__ = [
    "Sim2GroupKernel",
    "Sim2GroupKernelGSeparable",
    "Sim2GroupKernelGSeparable2D",
    "Sim2GroupKernelSeparable",
    "Sim2GroupKernelSeparable2D",
    "Sim2LiftingKernel",
]


class Sim2LiftingKernel(Sim2Rules, LiftingKernelBase):
    """[C_out, N, C_in, k, k]: cknet(R(−θ_a) p / s_a) · σ(3(1 − ‖q‖)) / s_a."""


class Sim2GroupKernel(Sim2Rules, GroupKernelFull):
    """[C_out, N_out, C_in, N_in, k, k]: cknet(q, angle, ln s) · σ(3(1 − ‖z‖)) ·
    σ(5(ln m/N_out − |ln(s_b/s_a)|)) / s_a (transposed q, bug B1)."""


class Sim2GroupKernelSeparable(Sim2Rules, GroupKernelFactorised):
    """K_H [C_out, N_out, C_in, N_in, 1, 1] (scale mask, bug B2) and K_R [C_out, N_out, 1, k, k]
    (σ(2(1 − ‖q‖)) / s_a)."""


class Sim2GroupKernelGSeparable(Sim2Rules, GroupKernelFactorised):
    """As the separable kernel with K_R [C_out, N_out, C_in, k, k]."""

    gseparable = True


class Sim2GroupKernelSeparable2D(GroupKernel2DBase):
    """K_SO2 [C_out, Nr_out, C_in, Nr_in, 1, 1], K_R+ [C_out, Ns_out, 1, Ns_in, 1, 1],
    K_R [C_out, Nr_out·Ns_out, 1, k, k]."""


class Sim2GroupKernelGSeparable2D(GroupKernel2DBase):
    """K_SO2 [C_out, Nr_out, C_in, Nr_in, 1, 1], K_R+ [C_out, Ns_out, C_in, Ns_in, 1, 1],
    K_R [C_out, Nr_out·Ns_out, C_in, k, k]."""

    gseparable = True
