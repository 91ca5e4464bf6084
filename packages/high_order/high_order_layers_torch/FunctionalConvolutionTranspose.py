"""Transposed high-order convolution (``continuous2d`` only, as in the original).

Same expansion as :mod:`FunctionalConvolution`, followed by ``ConvTranspose2d`` (bias=False);
conv.weight is [in·((n−1)S+1), out, k, k] and the output size per spatial dimension is
stride·(h − 1) + k − 2·padding + output_padding.
"""

from __future__ import annotations

import logging
from typing import Any

from torch import nn
from torch.nn import ConvTranspose2d

from .FunctionalConvolution import (
    Expansion2d,
    PiecewisePolynomialConvolution,
    _kernel_area,
    _uniform_init,
)
from .LagrangePolynomial import PiecewisePolynomialExpand

logger = logging.getLogger(__name__)

__all__ = [
    "conv_transpose_wrapper",
    "PiecewisePolynomialConvolutionTranspose",
    "PiecewisePolynomialConvolutionTranspose2d",
]


def conv_transpose_wrapper(
    in_channels: int,
    out_channels: int,
    kernel_size: Any,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
    padding_mode: str = "zeros",
    weight_magnitude: float = 1.0,
    rescale_output: bool = False,
    verbose: bool = False,
    convolution: type = ConvTranspose2d,
    **kwargs,
) -> nn.Module:
    """torch transposed conv (bias=False), re-initialised U(±wm/F), F = in_channels·k·k."""
    conv = convolution(
        in_channels=in_channels,
        out_channels=out_channels,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
        groups=groups,
        bias=False,
        padding_mode=padding_mode,
    )
    if verbose is True:
        logger.info("in_channels %s out_channels %s", in_channels, out_channels)
    _uniform_init(
        conv.weight, in_channels * _kernel_area(kernel_size), weight_magnitude, rescale_output
    )
    return conv


class PiecewisePolynomialConvolutionTranspose(PiecewisePolynomialConvolution):
    """Continuous piecewise-polynomial transposed convolution."""

    def __init__(
        self,
        n: int,
        segments: int,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        length: float = 2.0,
        rescale_output: bool = False,
        periodicity: float | None = None,
        expansion: type = Expansion2d,
        convolution: type = ConvTranspose2d,
        expansion_function: Any = PiecewisePolynomialExpand,
        *args,
        **kwargs,
    ):
        nn.Module.__init__(self)
        expander = expansion_function(n=n, segments=segments, length=length)
        self._build(
            expansion,
            expander,
            expander.num_variables,
            in_channels,
            kernel_size,
            rescale_output,
            periodicity,
            convolution,
            conv_transpose_wrapper,
            None,
            out_channels=out_channels,
            **kwargs,
        )


class PiecewisePolynomialConvolutionTranspose2d(PiecewisePolynomialConvolutionTranspose):
    """``continuous2d`` transpose: conv.weight [in·((n−1)S+1), out, k, k]."""

    def __init__(
        self,
        n: int,
        segments: int,
        in_channels: int,
        kernel_size: Any,
        length: float = 2.0,
        rescale_output: bool = False,
        periodicity: float | None = None,
        *args,
        **kwargs,
    ):
        super().__init__(
            n=n,
            segments=segments,
            in_channels=in_channels,
            kernel_size=kernel_size,
            length=length,
            rescale_output=rescale_output,
            periodicity=periodicity,
            expansion=Expansion2d,
            convolution=ConvTranspose2d,
            expansion_function=PiecewisePolynomialExpand,
            **kwargs,
        )
