"""DCN-style names (``ChihebTrabelsi/deep_complex_networks``) for readers of the paper code.

These are aliases of the PyTorch-style classes: they take the same channels-first, PyTorch-style
arguments (``in_channels`` explicit), not Keras arguments. ``ComplexLayerNorm`` and
``LayerNormalization`` point at instance-norm classes because that is what DCN computes
(statistics per sample and per channel); the PyTorch-semantics layer norm is
``complexnn.ComplexLayerNorm``.
"""

from __future__ import annotations

from .bn import ComplexBatchNorm
from .conv import ComplexConv1d, ComplexConv2d, ComplexConv3d
from .dense import ComplexLinear
from .fft import FFT, FFT2, IFFT, IFFT2
from .init import complex_independent_, complex_rayleigh_, independent_filters_, sqrt_init_
from .norm import ComplexInstanceNorm, InstanceNormalization
from .pool import SpectralPooling1d, SpectralPooling2d
from .utils import GetAbs, GetImag, GetReal

__all__ = [
    "ComplexConv1D",
    "ComplexConv2D",
    "ComplexConv3D",
    "ComplexDense",
    "ComplexBN",
    "ComplexBatchNormalization",
    "ComplexInit",
    "ComplexIndependentFilters",
    "IndependentFilters",
    "SqrtInit",
    "GetReal",
    "GetImag",
    "GetAbs",
    "SpectralPooling1D",
    "SpectralPooling2D",
    "FFT",
    "IFFT",
    "FFT2",
    "IFFT2",
    "LayerNormalization",
    "ComplexLayerNorm",
]

ComplexConv1D = ComplexConv1d
ComplexConv2D = ComplexConv2d
ComplexConv3D = ComplexConv3d
ComplexDense = ComplexLinear
ComplexBN = ComplexBatchNorm
ComplexBatchNormalization = ComplexBatchNorm
ComplexInit = complex_rayleigh_
ComplexIndependentFilters = complex_independent_
IndependentFilters = independent_filters_
SqrtInit = sqrt_init_
SpectralPooling1D = SpectralPooling1d
SpectralPooling2D = SpectralPooling2d
LayerNormalization = InstanceNormalization
ComplexLayerNorm = ComplexInstanceNorm
