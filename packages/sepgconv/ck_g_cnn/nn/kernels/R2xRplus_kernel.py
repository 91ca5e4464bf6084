"""R² ⋊ R⁺ kernels (dilations): lifting, non-separable, separable and g-separable."""

from ck_g_cnn.nn.kernels.group_kernel import (
    GroupKernelFactorised,
    GroupKernelFull,
    LiftingKernelBase,
    R2xRplusRules,
)

__all__ = [
    "R2xRPlusLiftingKernel",
    "R2xRplusGroupKernel",
    "R2xRplusGroupKernelGSeparable",
    "R2xRplusGroupKernelSeparable",
]


class R2xRPlusLiftingKernel(R2xRplusRules, LiftingKernelBase):
    """[C_out, N, C_in, k, k]: cknet(p/s_a) · σ(2(1 − max|q|)) / s_a²."""


class R2xRplusGroupKernel(R2xRplusRules, GroupKernelFull):
    """[C_out, N_out, C_in, N_in, k, k]: cknet(q, ln(s_b/s_a)) · σ(3(1 − max|q|)) ·
    σ(10(ln m/N_out − |ln(s_b/s_a)|)) / s_a² (transposed q, bug B1)."""


class R2xRplusGroupKernelSeparable(R2xRplusRules, GroupKernelFactorised):
    """K_H [C_out, N_out, C_in, N_in, 1, 1] (scale mask) and K_R [C_out, N_out, 1, k, k]
    (square mask, 1/s_a²)."""


class R2xRplusGroupKernelGSeparable(R2xRplusRules, GroupKernelFactorised):
    """As the separable kernel with K_R [C_out, N_out, C_in, k, k]."""

    gseparable = True
