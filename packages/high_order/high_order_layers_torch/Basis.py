"""Evaluators that bind a 1-d basis to an expansion or to an interpolation with weights.

A *basis* object (see ``LagrangePolynomial.py``) offers ``values(x, n) -> (*x.shape, n)``, all
basis functions at once, and ``basis(x, j)`` for one of them. The evaluators here turn those
values into

* expansions for convolutions: ``expander(x) -> [V, *x.shape]`` (the original layout) and
  ``expander.channels(x) -> [B, C·V, *spatial]`` (expanded channel index c·V + v, spec §5.1);
* interpolations for fully connected layers: ``interpolate(x, w) -> [B, O]``.

Piecewise expansions place the n values of segment s at node indices start(s) … start(s)+n−1
(continuous: start = s(n−1), V = (n−1)S+1; discontinuous: start = s·n, V = nS) and zeros
elsewhere, with the segment map of ``paramlab.nodes.segment_coordinates`` (spec §3.5–3.6).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from paramlab.nodes import segment_coordinates

__all__ = [
    "scatter_segment_values",
    "BasisExpand",
    "PiecewiseExpand",
    "PiecewiseExpand1d",
    "PiecewiseDiscontinuousExpand",
    "PiecewiseDiscontinuousExpand1d",
    "BasisFlat",
    "BasisFlatProd",
    "Basis",
    "BasisProd",
]


def scatter_segment_values(values: Tensor, start: Tensor, num_nodes: int, dim: int = -1) -> Tensor:
    """Write ``values`` (n entries along ``dim``) at node indices start … start+n−1 of a zero
    tensor with ``num_nodes`` entries along ``dim``; ``start`` has ``values``' shape without
    ``dim``. One scatter, differentiable in ``values``.
    """
    dim = dim % values.dim()
    n = values.shape[dim]
    offsets_shape = [1] * values.dim()
    offsets_shape[dim] = n
    offsets = torch.arange(n, device=values.device).view(offsets_shape)
    index = start.unsqueeze(dim) + offsets
    shape = list(values.shape)
    shape[dim] = num_nodes
    return values.new_zeros(shape).scatter(dim, index, values)


def _image_channels(values: Tensor) -> Tensor:
    """[B, C, H, W, V] -> [B, C·V, H, W] (channel c·V + v) in channels-last memory, one copy.

    Channels-last is the layout the original's expansion (a permute of [V, B, C, H, W]) hands
    to its convolution, and the one oneDNN convolves fastest on CPU, backward included; only
    the memory order differs from a contiguous result, not the values or the shape.
    """
    batch, channels, height, width, variables = values.shape
    out = values.permute(0, 2, 3, 1, 4).reshape(batch, height, width, channels * variables)
    return out.permute(0, 3, 1, 2)


class BasisExpand:
    """All n basis functions of ``basis`` at x: ``__call__(x) -> [n, *x.shape]``."""

    def __init__(self, basis: Any, n: int):
        self.n = n
        self.basis = basis
        self.num_variables = n

    def values(self, x: Tensor) -> Tensor:
        """(*S,) -> (*S, n)."""
        return self.basis.values(x, self.n)

    def __call__(self, x: Tensor) -> Tensor:
        return self.values(x).movedim(-1, 0)

    def channels(self, x: Tensor) -> Tensor:
        """[B, C, *spatial] -> [B, C·n, *spatial], channel index c·n + j (2-d: channels-last)."""
        values = self.values(x)
        if x.dim() == 4:
            return _image_channels(values)
        return values.movedim(-1, 2).reshape(x.shape[0], -1, *x.shape[2:])


class _PiecewiseExpandBase:
    """Shared code of the continuous and discontinuous piecewise expansions."""

    continuous = True

    def __init__(self, basis: Any, n: int, segments: int, length: float = 2.0, sparse=False):
        self._basis = basis
        self._n = n
        self._segments = segments
        self._expand = BasisExpand(basis, n)
        self._nodes_per_segment = n - 1 if self.continuous else n
        self._variables = self._nodes_per_segment * segments + (1 if self.continuous else 0)
        self._length = length
        self._half = 0.5 * length

    @property
    def num_variables(self) -> int:
        return self._variables

    def _local(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """(start node index, basis values (*x.shape, n))."""
        index, xi = segment_coordinates(x, self._segments, self._length)
        return index * self._nodes_per_segment, self._expand.values(xi)

    def __call__(self, x: Tensor) -> Tensor:
        """[*S] -> [V, *S] (the original layout)."""
        start, values = self._local(x)
        return scatter_segment_values(values, start, self._variables).movedim(-1, 0)

    def channels(self, x: Tensor) -> Tensor:
        """[B, C, *spatial] -> [B, C·V, *spatial], channel index c·V + v (2-d: channels-last,
        scattered directly into [B, H, W, C, V] memory)."""
        start, values = self._local(x)
        if x.dim() == 4:
            out = scatter_segment_values(
                values.permute(0, 2, 3, 1, 4), start.permute(0, 2, 3, 1), self._variables
            )
            return out.flatten(3).permute(0, 3, 1, 2)
        out = scatter_segment_values(values.movedim(-1, 2), start, self._variables, dim=2)
        return out.reshape(x.shape[0], -1, *x.shape[2:])

    def _eta(self, index: Tensor) -> Tensor:
        return (index / float(self._segments)) * 2 - 1


class PiecewiseExpand(_PiecewiseExpandBase):
    """Continuous piecewise expansion, V = (n−1)S + 1 (x of any rank, [B, C, H, W] in 2-d)."""

    continuous = True


class PiecewiseExpand1d(PiecewiseExpand):
    """Continuous piecewise expansion of [B, C, W] inputs."""


class PiecewiseDiscontinuousExpand(_PiecewiseExpandBase):
    """Discontinuous piecewise expansion, V = nS."""

    continuous = False


class PiecewiseDiscontinuousExpand1d(PiecewiseDiscontinuousExpand):
    """Discontinuous piecewise expansion of [B, C, W] inputs."""


class BasisFlat:
    """One polynomial (or series) per link: y_{b,o} = Σ_i Σ_k ψ_k(x_{b,i}) w[o,i,k]."""

    def __init__(self, n: int, basis: Any, **kwargs):
        self.n = n
        self.basis = basis
        self.num_basis = basis.num_basis or n

    def values(self, x: Tensor) -> Tensor:
        """[B, I] -> [B, I, num_basis]."""
        return self.basis.values(x, self.num_basis)

    def interpolate_expanded(self, z: Tensor, w: Tensor) -> Tensor:
        """z [B, I, K], w [O, I, K] -> [B, O] as one matmul."""
        return z.reshape(z.shape[0], -1) @ w.reshape(w.shape[0], -1).t()

    def interpolate(self, x: Tensor, w: Tensor) -> Tensor:
        """x [B, I], w [O, I, K] -> [B, O]."""
        return self.interpolate_expanded(self.values(x), w)


def _product_unit(f: Tensor, alpha: float) -> Tensor:
    """f [B, O, I] -> Π_i (1 + f) − 1 + (1 − α) Σ_i f (spec §4.3)."""
    return torch.prod(1 + f, dim=2) - 1 + (1 - alpha) * f.sum(dim=2)


class BasisFlatProd(BasisFlat):
    """Product unit over links: y_{b,o} = Π_i (1 + f_{b,o,i}) − 1 + (1 − α) Σ_i f_{b,o,i}."""

    def __init__(self, n: int, basis: Any, alpha: float = 1.0, **kwargs):
        super().__init__(n, basis)
        self.alpha = alpha

    def interpolate_expanded(self, z: Tensor, w: Tensor) -> Tensor:
        return _product_unit(torch.einsum("bik,oik->boi", z, w), self.alpha)


class Basis:
    """Piecewise evaluator: sums (or, in :class:`BasisProd`, multiplies) the link functions.

    ``interpolate(x [B, I], w [B, I, O, n])`` takes per-sample gathered weights (the original
    interface); the layers use ``interpolate_expanded(z [B, I, V], w [O, I, V])`` with the
    basis values scattered to their node slots, which needs no [B, I, O, n] tensor.
    """

    def __init__(self, n: int, basis: Any, **kwargs):
        self.n = n
        self.basis = basis

    def values(self, x: Tensor) -> Tensor:
        """[*S] -> [*S, n]."""
        return self.basis.values(x, self.n)

    def _combine(self, f: Tensor) -> Tensor:
        return f.sum(dim=2)

    def interpolate_expanded(self, z: Tensor, w: Tensor) -> Tensor:
        """z [B, I, V], w [O, I, V] -> [B, O] as one matmul."""
        return z.reshape(z.shape[0], -1) @ w.reshape(w.shape[0], -1).t()

    def interpolate(self, x: Tensor, w: Tensor) -> Tensor:
        """x [B, I], w [B, I, O, n] -> [B, O]."""
        return self._combine(torch.einsum("bij,bioj->boi", self.values(x), w))


class BasisProd(Basis):
    """Product-unit version of :class:`Basis` (α = 1 in every layer that uses it)."""

    def __init__(self, n: int, basis: Any, alpha: float = 1.0, **kwargs):
        super().__init__(n, basis)
        self.alpha = alpha

    def _combine(self, f: Tensor) -> Tensor:
        return _product_unit(f, self.alpha)

    def interpolate_expanded(self, z: Tensor, w: Tensor) -> Tensor:
        return _product_unit(torch.einsum("biv,oiv->boi", z, w), self.alpha)
