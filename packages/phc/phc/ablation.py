"""phc's parameterizations for ``paramlab ablate`` (entry point ``paramlab.layers``: phc).

``phc-n2`` / ``phc-n4``: every backbone conv is a PHC conv, W = Σ_i A_i ⊗ F_i with about 1/n
of the dense parameters; ``quaternion``: the Hamilton-product conv of the quaternion baseline.
The backbone passes ``bias=False`` (a norm follows every conv), so the original's unused PHC
bias is not created here.
"""

from __future__ import annotations

from functools import partial

from paramlab.ablation import Parameterization
from phc.layers import PHConv2d
from phc.quaternion import QuaternionConv

__all__ = ["parameterizations"]


def _phc_conv(in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True, *, n):
    return PHConv2d(in_channels, out_channels, kernel_size, stride, padding, bias=bias, n=n)


def _quaternion_conv(in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True):
    return QuaternionConv(
        in_channels, out_channels, kernel_size, stride, padding=padding, bias=bias
    )


def parameterizations() -> list[Parameterization]:
    """PHC with n = 2 and 4, and the quaternion baseline."""
    phc = [
        Parameterization(
            name=f"phc-n{n}",
            summary=f"PHC conv, W = Σ A_i ⊗ F_i with n={n} (Grassucci et al., 2022)",
            conv=partial(_phc_conv, n=n),
            width_multiple=n,
        )
        for n in (2, 4)
    ]
    quaternion = Parameterization(
        name="quaternion",
        summary="quaternion conv, Hamilton-product weight (Parcollet et al., 2019)",
        conv=_quaternion_conv,
        width_multiple=4,
    )
    return phc + [quaternion]
