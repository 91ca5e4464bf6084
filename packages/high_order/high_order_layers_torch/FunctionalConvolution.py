"""High-order convolutions: expand each input channel into V basis channels, then convolve.

A layer computes conv(expand(fold(x))) · rescale (spec §5.1): every pixel value of channel c is
expanded into the V node functions of its basis (channel index c·V + v), and an ordinary
``Conv1d``/``Conv2d`` without bias mixes them, so ``conv.weight[o, c·V + v, …]`` is the value of
node v of the link (c, kernel tap) → o. V = n (polynomial, Fourier), (n−1)S + 1 (continuous),
nS (discontinuous). ``rescale_output=True`` multiplies by 1 / (in_channels·k·k).
"""

from __future__ import annotations

import logging
import math
from typing import Any

import torch
from torch import Tensor, nn
from torch.nn import Conv1d, Conv2d

from . import PolynomialLayers as _polynomial_module
from .LagrangePolynomial import (
    FourierExpand,
    LagrangeExpand,
    PiecewiseDiscontinuousPolynomialExpand,
    PiecewiseDiscontinuousPolynomialExpand1d,
    PiecewisePolynomialExpand,
    PiecewisePolynomialExpand1d,
)
from .PolynomialLayers import *  # noqa: F403
from .utils import make_periodic

logger = logging.getLogger(__name__)

__all__ = [
    "constant_random_initialization_conv2d",
    "conv_wrapper",
    "Expansion2d",
    "Expansion1d",
    "FourierConvolution",
    "FourierConvolution2d",
    "FourierConvolution1d",
    "PolynomialConvolution",
    "PolynomialConvolution2d",
    "PolynomialConvolution1d",
    "PiecewisePolynomialConvolution",
    "PiecewisePolynomialConvolution2d",
    "PiecewisePolynomialConvolution1d",
    "PiecewiseDiscontinuousPolynomialConvolution",
    "PiecewiseDiscontinuousPolynomialConvolution2d",
    "PiecewiseDiscontinuousPolynomialConvolution1d",
]


def _kernel_area(kernel_size: Any) -> int:
    """k·k for an int kernel size (the original's count, also for 1-d layers), else Π k."""
    if isinstance(kernel_size, int):
        return kernel_size * kernel_size
    return math.prod(kernel_size)


def constant_random_initialization_conv2d(
    w: Tensor,
    num_nodes: int,
    out_channels: int,
    in_channels: int,
    kernel_height: int,
    kernel_width: int,
    weight_magnitude: float,
    device: Any,
) -> None:
    """Make every link (o, c, tap) a non-negative constant: one r = rand(out, in/V, kh, kw),
    scaled by wm / (in/V·kh·kw), copied to the V basis channels (``in_channels`` is the
    expanded count)."""
    channels = in_channels // num_nodes
    in_features = kernel_width * kernel_height * in_channels // num_nodes
    values = (
        torch.rand(out_channels, channels, kernel_height, kernel_width, device=device)
        * weight_magnitude
        / in_features
    )
    values = values.unsqueeze(2).expand(-1, -1, num_nodes, -1, -1)
    with torch.no_grad():
        w.copy_(values.reshape(out_channels, in_channels, kernel_height, kernel_width))


def conv_wrapper(
    in_channels: int,
    out_channels: int,
    kernel_size: Any,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
    padding_mode: str = "zeros",
    weight_magnitude: float = 1.0,
    rescale_output: bool = False,
    verbose: bool = False,
    convolution: type = Conv2d,
    **kwargs,
) -> nn.Module:
    """torch conv (bias=False) over the expanded channels, re-initialised U(±wm/F) with
    F = in_channels·k·k (or U(±wm) when ``rescale_output``); unknown keywords are ignored."""
    conv = convolution(
        in_channels=in_channels,
        out_channels=out_channels,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
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


def _uniform_init(w: Tensor, fan_in: int, weight_magnitude: float, rescale_output: Any) -> None:
    if rescale_output is False:
        nn.init.uniform_(w, -weight_magnitude / fan_in, weight_magnitude / fan_in)
    elif rescale_output is True:
        nn.init.uniform_(w, -weight_magnitude, weight_magnitude)


class Expansion2d(nn.Module):
    """[B, C, H, W] -> [B, C·V, H, W] with the expander's V basis values per channel."""

    def __init__(self, basis: Any = None):
        super().__init__()
        if basis is None:
            raise ValueError("basis must be given to Expansion2d, got None")
        self.basis = basis

    def forward(self, inputs: Tensor) -> Tensor:
        return self.basis.channels(inputs)


class Expansion1d(Expansion2d):
    """[B, C, W] -> [B, C·V, W]."""


class _HighOrderConvolution(nn.Module):
    """Shared forward, initialisation and repr of the high-order convolutions."""

    def _build(
        self,
        expansion: type,
        expander: Any,
        variables: int,
        in_channels: int,
        kernel_size: Any,
        rescale_output: bool,
        periodicity: float | None,
        convolution: type,
        wrapper: Any,
        constant_init: dict | None,
        **kwargs,
    ) -> None:
        self.poly = expansion(expander)
        self._variables = variables
        self._channels = variables * in_channels
        self.in_channels = in_channels
        self.periodicity = periodicity
        self.kernel_size = kernel_size
        self.conv = wrapper(
            in_channels=self._channels, kernel_size=kernel_size, convolution=convolution, **kwargs
        )
        self._out_channels = self.conv.out_channels
        self._init_magnitude = kwargs.get("weight_magnitude", 1.0)
        self._constant_init = constant_init
        self._total_in = in_channels * _kernel_area(kernel_size)
        self._rescale = 1.0 / self._total_in if rescale_output is True else 1.0
        if constant_init is not None:
            self._constant_initialization()

    def _constant_initialization(self) -> None:
        constant_random_initialization_conv2d(
            self.conv.weight,
            num_nodes=self._variables,
            out_channels=self._out_channels,
            in_channels=self.conv.weight.shape[1],
            kernel_height=self.kernel_size,
            kernel_width=self.kernel_size,
            **self._constant_init,
        )

    def reset_parameters(self) -> None:
        """Re-draw the weights in the constructor's order: kaiming, uniform, [constant]."""
        self.conv.reset_parameters()
        fan_in = self._channels * _kernel_area(self.kernel_size)
        _uniform_init(self.conv.weight, fan_in, self._init_magnitude, False)
        if self._constant_init is not None:
            self._constant_initialization()

    def extra_repr(self) -> str:
        return (
            f"in_channels={self.in_channels}, basis_size={self._variables}, "
            f"rescale={self._rescale}, periodicity={self.periodicity}"
        )

    def forward(self, x: Tensor) -> Tensor:
        """[B, C, *spatial] -> [B, O, *spatial']."""
        if self.periodicity is not None:
            x = make_periodic(x, self.periodicity)
        out = self.conv(self.poly(x))
        return out if self._rescale == 1.0 else out * self._rescale


class FourierConvolution(_HighOrderConvolution):
    """Fourier-series convolution (n terms of period ``length``); periodicity is not used."""

    def __init__(
        self,
        n: int,
        in_channels: int,
        kernel_size: Any,
        length: float = 2.0,
        rescale_output: bool = False,
        expansion: type = Expansion2d,
        convolution: type = Conv2d,
        *args,
        **kwargs,
    ):
        super().__init__()
        kwargs.pop("periodicity", None)
        self._build(
            expansion,
            FourierExpand(n, length),
            n,
            in_channels,
            kernel_size,
            rescale_output,
            None,
            convolution,
            conv_wrapper,
            None,
            **kwargs,
        )


class FourierConvolution2d(FourierConvolution):
    def __init__(
        self,
        n: int,
        in_channels: int,
        kernel_size: Any,
        length: float = 2.0,
        rescale_output: bool = False,
        *args,
        **kwargs,
    ):
        super().__init__(
            n=n,
            in_channels=in_channels,
            kernel_size=kernel_size,
            length=length,
            rescale_output=rescale_output,
            expansion=Expansion2d,
            convolution=Conv2d,
            **kwargs,
        )


class FourierConvolution1d(FourierConvolution):
    def __init__(
        self,
        n: int,
        in_channels: int,
        kernel_size: Any,
        length: float = 2.0,
        rescale_output: bool = False,
        *args,
        **kwargs,
    ):
        super().__init__(
            n=n,
            in_channels=in_channels,
            kernel_size=kernel_size,
            length=length,
            rescale_output=rescale_output,
            expansion=Expansion1d,
            convolution=Conv1d,
            **kwargs,
        )


class PolynomialConvolution(_HighOrderConvolution):
    """Lagrange-polynomial convolution: n nodes on [−L/2, L/2] per link."""

    def __init__(
        self,
        n: int,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        length: float = 2.0,
        rescale_output: bool = False,
        periodicity: float | None = None,
        expansion: type = Expansion2d,
        convolution: type = Conv2d,
        *args,
        constant_init: dict | None = None,
        **kwargs,
    ):
        super().__init__()
        self._build(
            expansion,
            LagrangeExpand(n, length=length),
            n,
            in_channels,
            kernel_size,
            rescale_output,
            periodicity,
            convolution,
            conv_wrapper,
            constant_init,
            out_channels=out_channels,
            **kwargs,
        )


class PolynomialConvolution2d(PolynomialConvolution):
    """``polynomial2d``: conv.weight [out, in·n, k, k], constant-random initialised."""

    def __init__(
        self,
        n: int,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        length: float = 2.0,
        rescale_output: bool = False,
        periodicity: float | None = None,
        weight_magnitude: float = 1,
        device: Any = "cpu",
        *args,
        **kwargs,
    ):
        super().__init__(
            n=n,
            in_channels=in_channels,
            out_channels=out_channels,
            kernel_size=kernel_size,
            length=length,
            rescale_output=rescale_output,
            periodicity=periodicity,
            expansion=Expansion2d,
            convolution=Conv2d,
            constant_init={"weight_magnitude": weight_magnitude, "device": device},
            **kwargs,
        )


class PolynomialConvolution1d(PolynomialConvolution):
    """``polynomial1d``: conv.weight [out, in·n, k] (out_channels as a keyword)."""

    def __init__(
        self,
        n: int,
        in_channels: int,
        kernel_size: int,
        length: float = 2.0,
        rescale_output: bool = False,
        periodicity: float | None = None,
        *args,
        **kwargs,
    ):
        super().__init__(
            n=n,
            in_channels=in_channels,
            kernel_size=kernel_size,
            length=length,
            rescale_output=rescale_output,
            periodicity=periodicity,
            expansion=Expansion1d,
            convolution=Conv1d,
            **kwargs,
        )


class PiecewisePolynomialConvolution(_HighOrderConvolution):
    """Continuous piecewise-polynomial convolution, V = (n−1)S + 1 basis channels per input."""

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
        convolution: type = Conv2d,
        expansion_function: Any = PiecewisePolynomialExpand,
        *args,
        constant_init: dict | None = None,
        **kwargs,
    ):
        super().__init__()
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
            conv_wrapper,
            constant_init,
            out_channels=out_channels,
            **kwargs,
        )


class PiecewisePolynomialConvolution2d(PiecewisePolynomialConvolution):
    """``continuous2d``: conv.weight [out, in·((n−1)S+1), k, k], constant-random init."""

    def __init__(
        self,
        n: int,
        segments: int,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        length: float = 2.0,
        rescale_output: bool = False,
        periodicity: float | None = None,
        weight_magnitude: float = 1.0,
        device: Any = "cpu",
        *args,
        **kwargs,
    ):
        super().__init__(
            n=n,
            segments=segments,
            in_channels=in_channels,
            out_channels=out_channels,
            kernel_size=kernel_size,
            length=length,
            rescale_output=rescale_output,
            periodicity=periodicity,
            expansion=Expansion2d,
            convolution=Conv2d,
            expansion_function=PiecewisePolynomialExpand,
            constant_init={"weight_magnitude": weight_magnitude, "device": device},
            **kwargs,
        )


class PiecewisePolynomialConvolution1d(PiecewisePolynomialConvolution):
    """``continuous1d``: conv.weight [out, in·((n−1)S+1), k]."""

    def __init__(
        self,
        n: int,
        segments: int,
        in_channels: int,
        kernel_size: int,
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
            expansion=Expansion1d,
            convolution=Conv1d,
            expansion_function=PiecewisePolynomialExpand1d,
            **kwargs,
        )


class PiecewiseDiscontinuousPolynomialConvolution(PiecewisePolynomialConvolution):
    """Discontinuous piecewise-polynomial convolution, V = nS basis channels per input."""

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
        convolution: type = Conv2d,
        expansion_function: Any = PiecewiseDiscontinuousPolynomialExpand,
        *args,
        **kwargs,
    ):
        super().__init__(
            n=n,
            segments=segments,
            in_channels=in_channels,
            out_channels=out_channels,
            kernel_size=kernel_size,
            length=length,
            rescale_output=rescale_output,
            periodicity=periodicity,
            expansion=expansion,
            convolution=convolution,
            expansion_function=expansion_function,
            **kwargs,
        )


class PiecewiseDiscontinuousPolynomialConvolution2d(PiecewiseDiscontinuousPolynomialConvolution):
    """``discontinuous2d``: conv.weight [out, in·nS, k, k], constant-random init."""

    def __init__(
        self,
        n: int,
        segments: int,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        length: float = 2.0,
        rescale_output: bool = False,
        periodicity: float | None = None,
        weight_magnitude: float = 1.0,
        device: Any = "cpu",
        *args,
        **kwargs,
    ):
        super().__init__(
            n=n,
            segments=segments,
            in_channels=in_channels,
            out_channels=out_channels,
            kernel_size=kernel_size,
            length=length,
            rescale_output=rescale_output,
            periodicity=periodicity,
            expansion=Expansion2d,
            convolution=Conv2d,
            expansion_function=PiecewiseDiscontinuousPolynomialExpand,
            constant_init={"weight_magnitude": weight_magnitude, "device": device},
            **kwargs,
        )


class PiecewiseDiscontinuousPolynomialConvolution1d(PiecewiseDiscontinuousPolynomialConvolution):
    """``discontinuous1d``: conv.weight [out, in·nS, k]."""

    def __init__(
        self,
        n: int,
        segments: int,
        in_channels: int,
        kernel_size: int,
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
            expansion=Expansion1d,
            convolution=Conv1d,
            expansion_function=PiecewiseDiscontinuousPolynomialExpand1d,
            **kwargs,
        )


__all__ += _polynomial_module.__all__
