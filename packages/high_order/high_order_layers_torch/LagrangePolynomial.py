"""Bases on Chebyshev–Gauss–Lobatto nodes: 1-d Lagrange, Fourier and N-d tensor Lagrange.

Nodes, the 1-d Lagrange basis and the segment map come from :mod:`paramlab.nodes`; this module
adds the package's own conventions (spec §3):

* φ_j(x) = Π_{m≠j} (x − X_m) / (X_j − X_m) on X_k = −(L/2) cos(πk/(n−1)) (n = 1: φ_0 = 1).
* Fourier terms, j = 0: 0.5; j odd: sin(2π i x / L); j even ≥ 2: cos(2π i x / L), i = (j+1)//2.
* N-d tensor basis ψ_k(x) = Π_d σ_d φ^{(d)}_{k_d}(x_d), k row-major (last dimension fastest),
  with σ_d = (−1)^{n_d − 1}: the original builds its N-d denominators as X_m − X_j, and its
  checkpoints were trained with that sign, so it is kept (spec §3.3, §13.1).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from paramlab.nodes import chebyshev_lobatto, lagrange_basis, lagrange_terms

from . import Basis as _basis_module
from .Basis import *  # noqa: F403
from .Basis import (
    Basis,
    BasisExpand,
    BasisFlat,
    BasisFlatProd,
    BasisProd,
    PiecewiseDiscontinuousExpand,
    PiecewiseDiscontinuousExpand1d,
    PiecewiseExpand,
    PiecewiseExpand1d,
)

__all__ = [
    "chebyshevLobatto",
    "LagrangeBasis",
    "LagrangeBasis1",
    "get_lagrange_basis",
    "fourier_terms",
    "FourierBasis",
    "LagrangeBasisND",
    "LagrangeBasisPiecewiseND",
    "LagrangeExpand",
    "FourierExpand",
    "PiecewisePolynomialExpand",
    "PiecewisePolynomialExpand1d",
    "PiecewiseDiscontinuousPolynomialExpand",
    "PiecewiseDiscontinuousPolynomialExpand1d",
    "LagrangePolyFlat",
    "LagrangePolyFlatND",
    "LagrangePolyFlatProd",
    "LagrangePoly",
    "LagrangePolyProd",
    "FourierSeriesFlat",
]


def chebyshevLobatto(n: int) -> Tensor:
    """Chebyshev–Gauss–Lobatto points on [−1, 1], increasing, float32, shape (n,)."""
    return chebyshev_lobatto(n, length=2.0, dtype=torch.float32)


def _denominator_table(nodes: Tensor) -> Tensor:
    """[n, n] table with [j, m] = X_j − X_m off the diagonal and 1 on it."""
    diff = nodes.unsqueeze(1) - nodes.unsqueeze(0)
    return torch.where(diff == 0, torch.ones_like(diff), diff)


class LagrangeBasis:
    """Lagrange basis on n ≥ 2 Chebyshev–Lobatto nodes scaled to [−L/2, L/2].

    Attributes ``n``, ``X`` (nodes, float32), ``denominators`` ([n, n], X_j − X_m, 1 on the
    diagonal) and ``num_basis`` = n. ``values(x) -> (*x.shape, n)``; ``basis(x, j)`` = φ_j(x).
    """

    def __init__(self, n: int, length: float = 2.0):
        self.n = n
        self.length = length
        self._nodes = chebyshev_lobatto(n, length=length, dtype=torch.float64)
        self.X = chebyshev_lobatto(n, length=length, dtype=torch.float32)
        self.denominators = _denominator_table(self.X)
        self.num_basis = n

    def values(self, x: Tensor, n: int | None = None) -> Tensor:
        """(*S,) -> (*S, n): all φ_j(x) (extrapolated outside [−L/2, L/2])."""
        return lagrange_basis(x, self._nodes)

    def terms(self, x: Tensor, n: int | None = None) -> tuple[Tensor, ...]:
        """(*S,) -> n tensors (*S,): φ_0(x), …, φ_{n−1}(x)."""
        return lagrange_terms(x, self._nodes)

    def __call__(self, x: Tensor, j: int) -> Tensor:
        return self.values(x)[..., j]


class LagrangeBasis1:
    """The degenerate n = 1 basis: the constant 1 (node at 0)."""

    def __init__(self, length: float = 2.0):
        self.n = 1
        self.length = length
        self.X = torch.zeros(1)
        self.num_basis = 1

    def values(self, x: Tensor, n: int | None = None) -> Tensor:
        return torch.ones_like(x).unsqueeze(-1)

    def terms(self, x: Tensor, n: int | None = None) -> tuple[Tensor, ...]:
        return (torch.ones_like(x),)

    def __call__(self, x: Tensor, j: int) -> Tensor:
        return torch.ones_like(x)


def get_lagrange_basis(n: int, length: float = 2.0) -> LagrangeBasis | LagrangeBasis1:
    """:class:`LagrangeBasis1` for n = 1, else :class:`LagrangeBasis`."""
    if n == 1:
        return LagrangeBasis1(length=length)
    return LagrangeBasis(n, length=length)


class _FourierTerms(torch.autograd.Function):
    """:func:`fourier_terms` with a backward that reads each term's derivative from the stacked
    output: d sin(θ_i)/dx = k_i cos(θ_i) and d cos(θ_i)/dx = −k_i sin(θ_i) with k_i = 2πi/L,
    so no sine or cosine is evaluated again (except cos θ_i of a last sine without its cosine,
    for even n). The backward is made of differentiable operations (higher derivatives work).
    """

    @staticmethod
    def forward(ctx, x: Tensor, n: int, length: float, dim: int, constant: bool) -> Tensor:
        terms = [x.new_tensor(0.5).expand_as(x)] if constant else []
        for i in range(1, n // 2 + 1):
            angle = x * (2.0 * math.pi * i) / length
            terms.append(angle.sin())
            if 2 * i < n:
                terms.append(angle.cos())
        out = torch.stack(terms, dim)
        ctx.save_for_backward(x, out)
        ctx.n, ctx.length, ctx.dim, ctx.offset = n, length, dim, int(constant)
        return out

    @staticmethod
    def backward(ctx, grad: Tensor):
        x, out = ctx.saved_tensors
        n, dim, offset = ctx.n, ctx.dim, ctx.offset
        grad_x = torch.zeros_like(x)
        for i in range(1, n // 2 + 1):
            k = 2.0 * math.pi * i / ctx.length
            sine = offset + 2 * i - 2
            if 2 * i < n:
                cosine = out.select(dim, sine + 1)
                grad_x = grad_x - k * grad.select(dim, sine + 1) * out.select(dim, sine)
            else:
                cosine = (x * (2.0 * math.pi * i) / ctx.length).cos()
            grad_x = grad_x + k * grad.select(dim, sine) * cosine
        return grad_x, None, None, None, None


def fourier_terms(x: Tensor, n: int, length: float, dim: int = -1, constant: bool = True) -> Tensor:
    """The first n Fourier terms of period L at x, stacked along a new dimension ``dim``.

    Terms in the original's order (spec §3.4): 0.5, sin(2π·1·x/L), cos(2π·1·x/L),
    sin(2π·2·x/L), …; ``constant=False`` leaves out the leading 0.5 (n − 1 terms), which the
    fully connected layer adds as a bias instead. Every angle is (x·2πi)/L, the original's order
    of operations, once per frequency i for its sine and cosine. Each term is one elementwise
    pass over x in x's own memory order and the stack writing them side by side is the only
    copy, so a caller picks the memory layout of the result through x's strides and ``dim``
    (the original looped the same way but then permuted a [n, *S] stack into place). The
    gradient is read off the stacked terms (:class:`_FourierTerms`).

    x (*S) -> (*S with n, or n − 1, entries inserted at ``dim``).
    """
    dim = dim % (x.dim() + 1)
    if n == 1 and not constant:
        shape = list(x.shape)
        shape.insert(dim, 0)
        return x.new_empty(shape)
    return _FourierTerms.apply(x, n, length, dim, constant)


class FourierBasis:
    """Fourier terms with period L: 0.5, sin(2π·1·x/L), cos(2π·1·x/L), sin(2π·2·x/L), …

    ``num_basis`` is None (the number of terms n is given by the consumer).
    """

    def __init__(self, length: float):
        self.length = length
        self.num_basis = None

    def values(self, x: Tensor, n: int, dim: int = -1) -> Tensor:
        """(*S,) -> (*S, n), or the n terms at ``dim`` (:func:`fourier_terms`)."""
        return fourier_terms(x, n, self.length, dim)

    def terms(self, x: Tensor, n: int) -> tuple[Tensor, ...]:
        """(*S,) -> n tensors (*S,), the terms of :meth:`values`."""
        return fourier_terms(x, n, self.length).unbind(-1)

    def __call__(self, x: Tensor, j: int) -> Tensor:
        return self.values(x, j + 1)[..., j]


class LagrangeBasisND:
    """Tensor-product Lagrange basis of N dimensions with n = [n_1, …, n_D] nodes.

    ``num_basis`` = Π n_d; ``indexes`` [num_basis, D] (row-major multi-indices); ``X`` and
    ``denominators`` are per-dimension lists (the original's [a, b] = X_b − X_a tables).
    ψ_k(x) = Π_d (−1)^{n_d−1} φ^{(d)}_{k_d}(x_d).
    """

    def __init__(self, n: list[int], length: float = 2.0, device: str = "cpu", **kwargs):
        if isinstance(n, int):
            raise TypeError(f"n={n!r} must be a list with one node count per dimension")
        self.n = list(n)
        self.dimensions = len(self.n)
        self.device = device
        self._nodes = [chebyshev_lobatto(k, length=length, dtype=torch.float64) for k in self.n]
        self.X = [chebyshev_lobatto(k, length=length, dtype=torch.float32) for k in self.n]
        self.denominators = [-_denominator_table(x) for x in self.X]
        self.num_basis = math.prod(self.n)
        self._signs = [float((-1) ** (k - 1)) for k in self.n]
        grids = torch.meshgrid([torch.arange(k) for k in self.n], indexing="ij")
        self.indexes = torch.stack(grids).reshape(self.dimensions, -1).t()

    def _dimension_values(self, x: Tensor) -> list[Tensor]:
        """x [..., D] -> per dimension σ_d φ^{(d)}(x_d) [..., n_d]."""
        return [
            sign * lagrange_basis(x[..., d], nodes)
            for d, (sign, nodes) in enumerate(zip(self._signs, self._nodes, strict=True))
        ]

    def values(self, x: Tensor, n: int | None = None) -> Tensor:
        """x [..., D] -> ψ [..., Π n_d] by successive outer products (row-major)."""
        parts = self._dimension_values(x)
        out = parts[0]
        for part in parts[1:]:
            out = (out.unsqueeze(-1) * part.unsqueeze(-2)).flatten(-2)
        return out

    def _compute_basis(self, x: Tensor, indexes: Tensor) -> Tensor:
        """x [B, I, D], indexes [K, D] -> [K, B, I] (ψ of the listed multi-indices)."""
        parts = self._dimension_values(x)
        out = None
        for d, part in enumerate(parts):
            picked = part[..., indexes[:, d].to(part.device)]
            out = picked if out is None else out * picked
        return out.movedim(-1, 0)

    def interpolate(self, x: Tensor, w: Tensor) -> Tensor:
        """x [B, I, D], w [O, I, num_basis] -> [B, O]."""
        z = self.values(x)
        return z.reshape(z.shape[0], -1) @ w.reshape(w.shape[0], -1).t()


class LagrangeBasisPiecewiseND(LagrangeBasisND):
    """N-d basis interpolating per-sample gathered weights w [B, I, O, num_basis]."""

    def interpolate(self, x: Tensor, w: Tensor) -> Tensor:
        return torch.einsum("bik,biok->bo", self.values(x), w)


class LagrangeExpand(BasisExpand):
    def __init__(self, n: int, length: float = 2.0):
        super().__init__(get_lagrange_basis(n, length), n)


class FourierExpand(BasisExpand):
    def __init__(self, n: int, length: float):
        super().__init__(FourierBasis(length=length), n)

    def channels(self, x: Tensor) -> Tensor:
        """[B, C, *spatial] -> [B, C·n, *spatial], channel index c·n + j; 2-d images are
        stacked straight into channels-last memory [B, H, W, C, n]."""
        if x.dim() == 4:
            terms = fourier_terms(x.permute(0, 2, 3, 1), self.n, self.basis.length)
            return terms.flatten(3).permute(0, 3, 1, 2)
        return fourier_terms(x, self.n, self.basis.length, dim=2).flatten(1, 2)


class PiecewisePolynomialExpand(PiecewiseExpand):
    def __init__(self, n: int, segments: int, length: float = 2.0):
        super().__init__(get_lagrange_basis(n, length), n=n, segments=segments, length=length)


class PiecewisePolynomialExpand1d(PiecewiseExpand1d):
    def __init__(self, n: int, segments: int, length: float = 2.0):
        super().__init__(get_lagrange_basis(n, length), n=n, segments=segments, length=length)


class PiecewiseDiscontinuousPolynomialExpand(PiecewiseDiscontinuousExpand):
    def __init__(self, n: int, segments: int, length: float = 2.0):
        super().__init__(get_lagrange_basis(n, length), n=n, segments=segments, length=length)


class PiecewiseDiscontinuousPolynomialExpand1d(PiecewiseDiscontinuousExpand1d):
    def __init__(self, n: int, segments: int, length: float = 2.0):
        super().__init__(get_lagrange_basis(n, length), n=n, segments=segments, length=length)


class LagrangePolyFlat(BasisFlat):
    def __init__(self, n: int, length: float = 2.0, **kwargs):
        super().__init__(n, get_lagrange_basis(n, length))


class LagrangePolyFlatND(LagrangeBasisND):
    """N-d polynomial evaluator; ``dimensions`` is implied by len(n) and ignored."""

    def __init__(self, n: list[int], length: float = 2.0, dimensions: int = 2, **kwargs):
        super().__init__(n, length=length, **kwargs)


class LagrangePolyFlatProd(BasisFlatProd):
    def __init__(self, n: int, length: float = 2.0, **kwargs):
        super().__init__(n, get_lagrange_basis(n, length), **kwargs)


class LagrangePoly(Basis):
    def __init__(self, n: int, length: float = 2.0, **kwargs):
        super().__init__(n, get_lagrange_basis(n, length=length))


class LagrangePolyProd(BasisProd):
    def __init__(self, n: int, length: float = 2.0, **kwargs):
        super().__init__(n, get_lagrange_basis(n, length), **kwargs)


class FourierSeriesFlat(BasisFlat):
    """y_{b,o} = Σ_i Σ_k ψ_k(x_{b,i}) w[o,i,k] with the n Fourier terms ψ of period L."""

    def __init__(self, n: int, length: float = 1.0, **kwargs):
        super().__init__(n, FourierBasis(length))

    def interpolate(self, x: Tensor, w: Tensor) -> Tensor:
        """x [B, I], w [O, I, n] -> [B, O].

        The constant term contributes 0.5·Σ_i w[o, i, 0] whatever x is, so it is a bias; the
        other n − 1 terms are laid out [B, n − 1, I] (frequency-major, the layout they are
        computed in) against the weight viewed the same way, in one addmm.
        """
        terms = fourier_terms(x, self.num_basis, self.basis.length, dim=1, constant=False)
        bias = 0.5 * w[:, :, 0].sum(1)
        weight = w[:, :, 1:].transpose(1, 2).reshape(w.shape[0], -1)
        return torch.addmm(bias, terms.reshape(x.shape[0], -1), weight.t())


__all__ += _basis_module.__all__
