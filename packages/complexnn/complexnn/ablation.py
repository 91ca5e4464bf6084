"""complexnn's parameterization for ``paramlab ablate`` (entry point ``paramlab.layers``).

``complex``: the image enters through a complex stem conv (real input taken as ``x + 0i``),
every backbone conv is a ``ComplexConv2d`` followed by complex batch norm with 2x2 whitening and
CReLU, and the pooled features leave as ``[Re | Im]`` (the DCN head order), so the classifier
sees 2C real features.
"""

from __future__ import annotations

from torch import nn

from paramlab.ablation import Parameterization

from .activation import CReLU
from .bn import ComplexBatchNorm2d
from .conv import ComplexConv2d
from .pool import ComplexAdaptiveAvgPool2d
from .utils import ComplexToReal

__all__ = ["parameterizations"]


def _conv(in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True):
    return ComplexConv2d(in_channels, out_channels, kernel_size, stride, padding, bias=bias)


def _stem(in_channels: int, out_channels: int) -> nn.Module:
    return ComplexConv2d(in_channels, out_channels, 3, padding=1, bias=False)


def _pool(channels: int) -> nn.Module:
    return nn.Sequential(ComplexAdaptiveAvgPool2d(1), ComplexToReal("concat"), nn.Flatten())


def parameterizations() -> list[Parameterization]:
    """The Deep Complex Networks conv block."""
    return [
        Parameterization(
            name="complex",
            summary="complex conv + complex BN + CReLU (Trabelsi et al., 2018)",
            conv=_conv,
            stem=_stem,
            norm=ComplexBatchNorm2d,
            activation=CReLU,
            pool=_pool,
            pooled_channels=lambda channels: 2 * channels,
        )
    ]
