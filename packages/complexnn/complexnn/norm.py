"""Complex layer / instance normalisation with 2x2 whitening.

DCN's ``ComplexLayerNorm`` (and its real ``LayerNormalization``) computes its statistics per
sample *and per channel* over the remaining axes — instance normalisation, not layer norm — with
per-channel Γ (1/√2 init) and β and ε = 1e-4; on ``(N, C)`` input there is nothing to reduce.
Here that is :class:`ComplexInstanceNorm1d` / :class:`ComplexInstanceNorm2d` (and
:class:`InstanceNormalization` for the real one); :class:`ComplexLayerNorm` has PyTorch's layer
norm semantics (statistics per sample over the trailing ``normalized_shape`` dims, element-wise
Γ and β).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from .bn import whiten_2x2
from .init import sqrt_init_
from .utils import as_complex

__all__ = [
    "ComplexInstanceNorm",
    "ComplexInstanceNorm1d",
    "ComplexInstanceNorm2d",
    "ComplexLayerNorm",
    "InstanceNormalization",
]


def _whiten_over(x: Tensor, dims: list[int], eps: float) -> tuple[Tensor, Tensor]:
    """Center and 2x2-whiten complex ``x`` with statistics over ``dims`` (kept for broadcast).

    With no dim to reduce (DCN's degenerate ``(N, C)`` case) every element is its own mean, so
    the centred values, and the output before β, are 0.
    """
    if not dims:
        zeros = torch.zeros_like(x.real)
        return zeros, zeros
    x_re = x.real - x.real.mean(dims, keepdim=True)
    x_im = x.imag - x.imag.mean(dims, keepdim=True)
    v_rr = x_re.square().mean(dims, keepdim=True) + eps
    v_ii = x_im.square().mean(dims, keepdim=True) + eps
    v_ri = (x_re * x_im).mean(dims, keepdim=True)
    return whiten_2x2(x_re, x_im, v_rr, v_ii, v_ri)


class _ComplexInstanceNorm(nn.Module):
    _spatial: int | None = 1

    def __init__(
        self, num_features: int, eps: float = 1e-4, affine: bool = True, device=None, dtype=None
    ) -> None:
        super().__init__()
        if num_features <= 0:
            raise ValueError(f"num_features={num_features} must be positive")
        self.num_features = num_features
        self.eps = eps
        self.affine = affine
        factory = {"device": device, "dtype": dtype}
        names = ("gamma_rr", "gamma_ii", "gamma_ri", "beta_real", "beta_imag")
        for name in names:
            if affine:
                self.register_parameter(name, nn.Parameter(torch.empty(num_features, **factory)))
            else:
                self.register_parameter(name, None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.affine:
            sqrt_init_(self.gamma_rr.data)
            sqrt_init_(self.gamma_ii.data)
            for p in (self.gamma_ri, self.beta_real, self.beta_imag):
                nn.init.zeros_(p)

    def forward(self, x: Tensor) -> Tensor:
        """``(N, C, *spatial)`` -> same; statistics per ``(n, c)`` over the spatial axes."""
        x = as_complex(x)
        spatial = x.dim() - 2 if self._spatial is None else self._spatial
        if x.dim() != spatial + 2 or x.shape[1] != self.num_features:
            raise ValueError(
                f"{type(self).__name__}({self.num_features}) expects (N, {self.num_features}, "
                f"*{spatial} spatial) input, got shape {tuple(x.shape)}"
            )
        u_re, u_im = _whiten_over(x, list(range(2, x.dim())), self.eps)
        if self.affine:
            shape = (1, -1) + (1,) * spatial
            g_rr, g_ii, g_ri = (
                g.reshape(shape) for g in (self.gamma_rr, self.gamma_ii, self.gamma_ri)
            )
            u_re, u_im = (
                g_rr * u_re + g_ri * u_im + self.beta_real.reshape(shape),
                g_ri * u_re + g_ii * u_im + self.beta_imag.reshape(shape),
            )
        return torch.complex(u_re, u_im)

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, affine={self.affine}"


class ComplexInstanceNorm(_ComplexInstanceNorm):
    """Per-sample, per-channel complex whitening of ``(N, C, *)`` with any number of spatial
    axes (DCN's ``ComplexLayerNorm`` exactly; on ``(N, C)`` the output is β)."""

    _spatial = None


class ComplexInstanceNorm1d(_ComplexInstanceNorm):
    """Per-sample, per-channel complex whitening of ``(N, C, L)`` (DCN's "ComplexLayerNorm")."""

    _spatial = 1


class ComplexInstanceNorm2d(_ComplexInstanceNorm):
    """Per-sample, per-channel complex whitening of ``(N, C, H, W)``."""

    _spatial = 2


class ComplexLayerNorm(nn.Module):
    """Complex layer norm with PyTorch semantics: ``(*, *normalized_shape)`` -> same.

    For each sample, the 2x2 whitening of complex batch norm is computed jointly over the
    trailing ``normalized_shape`` dims; then element-wise ``Γ u + β`` (``gamma_rr``/``gamma_ii``
    init 1/√2, ``gamma_ri`` and ``beta_real``/``beta_imag`` init 0).
    """

    def __init__(
        self,
        normalized_shape: int | tuple[int, ...],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        factory = {"device": device, "dtype": dtype}
        for name in ("gamma_rr", "gamma_ii", "gamma_ri", "beta_real", "beta_imag"):
            value = (
                nn.Parameter(torch.empty(self.normalized_shape, **factory))
                if elementwise_affine
                else None
            )
            self.register_parameter(name, value)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            nn.init.constant_(self.gamma_rr, 1 / math.sqrt(2))
            nn.init.constant_(self.gamma_ii, 1 / math.sqrt(2))
            for p in (self.gamma_ri, self.beta_real, self.beta_imag):
                nn.init.zeros_(p)

    def forward(self, x: Tensor) -> Tensor:
        x = as_complex(x)
        k = len(self.normalized_shape)
        if tuple(x.shape[-k:]) != self.normalized_shape:
            raise ValueError(
                f"input shape {tuple(x.shape)} must end with normalized_shape="
                f"{self.normalized_shape}"
            )
        u_re, u_im = _whiten_over(x, list(range(x.dim() - k, x.dim())), self.eps)
        if self.elementwise_affine:
            u_re, u_im = (
                self.gamma_rr * u_re + self.gamma_ri * u_im + self.beta_real,
                self.gamma_ri * u_re + self.gamma_ii * u_im + self.beta_imag,
            )
        return torch.complex(u_re, u_im)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )


class InstanceNormalization(nn.Module):
    """Real per-sample, per-channel normalisation (DCN's real ``LayerNormalization``).

    ``(N, C, *spatial)`` -> same; ``(x − mean) / sqrt(var + eps) · γ + β`` with statistics over
    the spatial axes, ``γ = 1``, ``β = 0`` at init, ``eps = 1e-4``.
    """

    def __init__(self, num_features: int, eps: float = 1e-4, device=None, dtype=None) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.gamma = nn.Parameter(torch.ones(num_features, device=device, dtype=dtype))
        self.beta = nn.Parameter(torch.zeros(num_features, device=device, dtype=dtype))

    def reset_parameters(self) -> None:
        nn.init.ones_(self.gamma)
        nn.init.zeros_(self.beta)

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() < 2 or x.shape[1] != self.num_features:
            raise ValueError(
                f"InstanceNormalization({self.num_features}) expects (N, {self.num_features}, *) "
                f"input, got shape {tuple(x.shape)}"
            )
        dims = list(range(2, x.dim()))
        if dims:
            mean = x.mean(dims, keepdim=True)
            var = x.var(dims, keepdim=True, unbiased=False)
        else:
            mean, var = x, torch.zeros_like(x)
        shape = (1, -1) + (1,) * (x.dim() - 2)
        return (x - mean) / torch.sqrt(var + self.eps) * self.gamma.reshape(
            shape
        ) + self.beta.reshape(shape)

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}"
