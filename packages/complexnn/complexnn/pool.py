"""Complex pooling: max by modulus, average, adaptive average and DCN spectral pooling.

torch's ``max_pool``/``avg_pool`` reject complex input. Max pooling here picks, in each window,
the element of largest ``|z|`` and returns that element's original complex value (exact, not
rebuilt from ``|z| e^{iθ}``); gradient flows only to it. Ties follow torch's max-pool rule.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .utils import as_complex

__all__ = [
    "complex_max_pool",
    "complex_avg_pool",
    "spectral_pool",
    "ComplexMaxPool1d",
    "ComplexMaxPool2d",
    "ComplexMaxPool3d",
    "ComplexAvgPool1d",
    "ComplexAvgPool2d",
    "ComplexAvgPool3d",
    "ComplexAdaptiveAvgPool1d",
    "ComplexAdaptiveAvgPool2d",
    "ComplexAdaptiveAvgPool3d",
    "SpectralPooling1d",
    "SpectralPooling2d",
]

_MAX = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
_ADAPTIVE = {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d}


def _check_dims(x: Tensor, dims: int, name: str) -> None:
    if x.dim() not in (dims + 1, dims + 2):
        raise ValueError(
            f"{name} expects (N, C, *{dims} spatial) or (C, *{dims} spatial) input, "
            f"got shape {tuple(x.shape)}"
        )


def complex_max_pool(
    x: Tensor,
    dims: int,
    kernel_size,
    stride=None,
    padding=0,
    dilation=1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """Max pooling by modulus over the last ``dims`` axes; returns the selected complex values.

    The indices (as torch's ``max_pool{dims}d`` returns them: flat over the spatial axes) come
    from ``|z|`` and select the original elements with a gather.
    """
    x = as_complex(x)
    _check_dims(x, dims, f"complex_max_pool (dims={dims})")
    with torch.no_grad():
        _, indices = _MAX[dims](
            x.abs(),
            kernel_size,
            stride=stride,
            padding=padding,
            dilation=dilation,
            ceil_mode=ceil_mode,
            return_indices=True,
        )
    lead = x.shape[: x.dim() - dims]
    flat = x.reshape(*lead, -1)
    out = flat.gather(-1, indices.reshape(*lead, -1)).reshape(indices.shape)
    return (out, indices) if return_indices else out


def complex_avg_pool(x: Tensor, dims: int, kernel_size, **kwargs) -> Tensor:
    """Average pooling of Re and Im separately (= the complex mean of each window)."""
    x = as_complex(x)
    pool = _AVG[dims]
    return torch.complex(pool(x.real, kernel_size, **kwargs), pool(x.imag, kernel_size, **kwargs))


class _ComplexMaxPoolNd(nn.Module):
    _dims = 2

    def __init__(
        self,
        kernel_size,
        stride=None,
        padding=0,
        dilation=1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, x: Tensor):
        return complex_max_pool(
            x,
            self._dims,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
            self.return_indices,
        )

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class ComplexMaxPool1d(_ComplexMaxPoolNd):
    """Max pooling by modulus on ``(N, C, L)``."""

    _dims = 1


class ComplexMaxPool2d(_ComplexMaxPoolNd):
    """Max pooling by modulus on ``(N, C, H, W)``."""

    _dims = 2


class ComplexMaxPool3d(_ComplexMaxPoolNd):
    """Max pooling by modulus on ``(N, C, D, H, W)``."""

    _dims = 3


class _ComplexAvgPoolNd(nn.Module):
    _dims = 2

    def __init__(
        self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, x: Tensor) -> Tensor:
        return complex_avg_pool(
            x,
            self._dims,
            self.kernel_size,
            stride=self.stride,
            padding=self.padding,
            ceil_mode=self.ceil_mode,
            count_include_pad=self.count_include_pad,
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class ComplexAvgPool1d(_ComplexAvgPoolNd):
    """Complex average pooling on ``(N, C, L)``."""

    _dims = 1


class ComplexAvgPool2d(_ComplexAvgPoolNd):
    """Complex average pooling on ``(N, C, H, W)``."""

    _dims = 2


class ComplexAvgPool3d(_ComplexAvgPoolNd):
    """Complex average pooling on ``(N, C, D, H, W)``."""

    _dims = 3


class _ComplexAdaptiveAvgPoolNd(nn.Module):
    _dims = 2

    def __init__(self, output_size) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        x = as_complex(x)
        pool = _ADAPTIVE[self._dims]
        return torch.complex(pool(x.real, self.output_size), pool(x.imag, self.output_size))

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class ComplexAdaptiveAvgPool1d(_ComplexAdaptiveAvgPoolNd):
    """Adaptive complex average pooling on ``(N, C, L)``."""

    _dims = 1


class ComplexAdaptiveAvgPool2d(_ComplexAdaptiveAvgPoolNd):
    """Adaptive complex average pooling on ``(N, C, H, W)``."""

    _dims = 2


class ComplexAdaptiveAvgPool3d(_ComplexAdaptiveAvgPoolNd):
    """Adaptive complex average pooling on ``(N, C, D, H, W)``."""

    _dims = 3


def _kept(n: int, gamma: float | None, topf: int | None) -> int:
    return topf // 2 if topf is not None else int((gamma / 2) * n)


def spectral_pool(
    x: Tensor,
    gamma: float | tuple[float, ...] | None = None,
    topf: int | tuple[int, ...] | None = None,
    dims: tuple[int, ...] = (-2, -1),
    mode: str = "mask",
) -> Tensor:
    """DCN spectral pooling: a low-pass mask on a tensor already in the (unshifted) DFT domain.

    Per axis ``d`` of length ``N``, with ``t = topf//2`` or ``t = int(gamma/2 · N)``, keep DFT
    indices ``0 … t−1`` and ``N−t … N−1`` and zero the rest; if ``t == 0`` or ``N < 2t`` the
    axis is left untouched. ``mode='mask'`` (DCN) zeroes the rest and keeps the shape;
    ``mode='crop'`` (Rippel et al. 2015, an extension) drops it, so the axis becomes ``2t`` long
    and an inverse DFT gives a downsampled map.
    """
    if (gamma is None) == (topf is None):
        raise ValueError("spectral pooling needs exactly one of gamma= or topf=")
    if mode not in ("mask", "crop"):
        raise ValueError(f"mode={mode!r} must be 'mask' or 'crop'")
    x = as_complex(x)
    count = len(dims)
    gammas = gamma if isinstance(gamma, tuple | list) else (gamma,) * count
    topfs = topf if isinstance(topf, tuple | list) else (topf,) * count
    for d, g, f in zip(dims, gammas, topfs, strict=True):
        n = x.shape[d]
        t = _kept(n, g, f)
        if t <= 0 or n < 2 * t:
            continue
        if mode == "crop":
            x = torch.cat([x.narrow(d, 0, t), x.narrow(d, n - t, t)], dim=d)
            continue
        index = torch.arange(n, device=x.device)
        keep = ((index < t) | (index >= n - t)).to(x.real.dtype)
        shape = [1] * x.dim()
        shape[d] = n
        x = x * keep.reshape(shape)
    return x


class _SpectralPoolingNd(nn.Module):
    _default_dims: tuple[int, ...] = (-1,)

    def __init__(
        self, gamma=None, topf=None, dims: tuple[int, ...] | None = None, mode: str = "mask"
    ) -> None:
        super().__init__()
        if (gamma is None) == (topf is None):
            raise ValueError(
                f"{type(self).__name__} needs exactly one of gamma= or topf=, got "
                f"gamma={gamma}, topf={topf}"
            )
        if mode not in ("mask", "crop"):
            raise ValueError(f"mode={mode!r} must be 'mask' or 'crop'")
        self.gamma = gamma
        self.topf = topf
        self.dims = tuple(dims) if dims is not None else self._default_dims
        self.mode = mode

    def forward(self, x: Tensor) -> Tensor:
        return spectral_pool(x, self.gamma, self.topf, self.dims, self.mode)

    def extra_repr(self) -> str:
        which = f"gamma={self.gamma}" if self.gamma is not None else f"topf={self.topf}"
        return f"{which}, dims={self.dims}, mode={self.mode!r}"


class SpectralPooling1d(_SpectralPoolingNd):
    """Spectral pooling over the last axis of a DFT-domain ``(N, C, T)`` tensor."""

    _default_dims = (-1,)


class SpectralPooling2d(_SpectralPoolingNd):
    """Spectral pooling over the last two axes of a DFT-domain ``(N, C, H, W)`` tensor."""

    _default_dims = (-2, -1)
