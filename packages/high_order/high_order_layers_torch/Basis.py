"""Evaluators that bind a 1-d basis to an expansion or to an interpolation with weights.

A *basis* object (see ``LagrangePolynomial.py``) offers ``values(x, n) -> (*x.shape, n)``, all
basis functions at once, ``terms(x, n)``, the same as n tensors shaped like x, and
``basis(x, j)`` for one of them. The evaluators here turn those values into

* expansions for convolutions: ``expander(x) -> [V, *x.shape]`` (the original layout) and
  ``expander.channels(x) -> [B, C·V, *spatial]`` (expanded channel index c·V + v, spec §5.1);
* interpolations for fully connected layers: ``interpolate(x, w) -> [B, O]``.

Piecewise expansions place the n values of segment s at node indices start(s) … start(s)+n−1
(continuous: start = s(n−1), V = (n−1)S+1; discontinuous: start = s·n, V = nS) and zeros
elsewhere, with the segment map of ``paramlab.nodes.segment_coordinates`` (spec §3.5–3.6), by
:func:`scatter_segments`: one scatter per basis function at the input's segment index, and a
backward that gathers only the n slots of an input's own segment.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from paramlab.nodes import segment_coordinates

__all__ = [
    "scatter_segment_values",
    "scatter_segments",
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


def _node_slots(out: Tensor, dim: int, j: int, segments: int, nodes_per_segment: int) -> Tensor:
    """View of the slots s·p + j (s = 0…S−1, p = nodes_per_segment ≥ 1) of ``out`` along
    ``dim``, with S entries there."""
    key = [slice(None)] * out.dim()
    key[dim] = slice(j, j + nodes_per_segment * (segments - 1) + 1, nodes_per_segment)
    return out[tuple(key)]


class _SegmentScatter(torch.autograd.Function):
    """out_{s·p + j} = φ_j where index = s, zero elsewhere (p nodes per segment, p ≥ 1).

    Forward: one zero fill, then for every j one scatter of φ_j into the S slots s·p + j, at
    the input's own segment index (an index of the input's size, not of the output's).
    Backward: grad φ_j = grad_{index·p + j}, n gathers with the same index, differentiable in
    the output gradient (the backward is linear in it).
    """

    @staticmethod
    def forward(ctx, index: Tensor, segments: int, nodes_per_segment: int, dim: int, *values):
        ctx.save_for_backward(index)
        ctx.segments, ctx.nodes_per_segment, ctx.dim = segments, nodes_per_segment, dim
        shape = list(values[0].shape)
        shape.insert(dim, nodes_per_segment * (segments - 1) + len(values))
        out = values[0].new_zeros(shape)
        where = index.unsqueeze(dim)
        for j, value in enumerate(values):
            slots = _node_slots(out, dim, j, segments, nodes_per_segment)
            slots.scatter_(dim, where, value.unsqueeze(dim))
        return out

    @staticmethod
    def backward(ctx, grad: Tensor):
        (index,) = ctx.saved_tensors
        segments, per, dim = ctx.segments, ctx.nodes_per_segment, ctx.dim
        n = grad.shape[dim] - per * (segments - 1)
        where = index.unsqueeze(dim)
        grads = [
            _node_slots(grad, dim, j, segments, per).gather(dim, where).squeeze(dim)
            for j in range(n)
        ]
        return (None, None, None, None, *grads)


def scatter_segments(
    values: tuple[Tensor, ...] | list[Tensor],
    index: Tensor,
    segments: int,
    nodes_per_segment: int,
    dim: int = -1,
) -> Tensor:
    """n tensors φ_j (*S) and segment indices (*S, int64, in 0…S−1) -> (*S with V at ``dim``).

    Slot s·p + j (p = ``nodes_per_segment``: n − 1 continuous, n discontinuous) holds φ_j where
    index = s and zero elsewhere, V = p(S − 1) + n: the result of :func:`scatter_segment_values`
    with start = p·index, without index tensors of the output's size. Differentiable in the
    values (to any order). p = 0 (n = 1, continuous) is the single shared node: φ_0 itself.
    """
    dim = dim % (values[0].dim() + 1)
    if nodes_per_segment == 0:
        return values[0].unsqueeze(dim)
    return _SegmentScatter.apply(index, segments, nodes_per_segment, dim, *values)


def _pixels_last(x: Tensor) -> Tensor:
    """[B, C, H, W] -> the same values as [B, H, W, C], contiguous (one copy)."""
    return x.permute(0, 2, 3, 1).contiguous()


class BasisExpand:
    """All n basis functions of ``basis`` at x: ``__call__(x) -> [n, *x.shape]``."""

    def __init__(self, basis: Any, n: int):
        self.n = n
        self.basis = basis
        self.num_variables = n

    def values(self, x: Tensor) -> Tensor:
        """(*S,) -> (*S, n)."""
        return self.basis.values(x, self.n)

    def terms(self, x: Tensor) -> tuple[Tensor, ...]:
        """(*S,) -> n tensors (*S,)."""
        return self.basis.terms(x, self.n)

    def __call__(self, x: Tensor) -> Tensor:
        return self.values(x).movedim(-1, 0)

    def channels(self, x: Tensor) -> Tensor:
        """[B, C, *spatial] -> [B, C·n, *spatial], channel index c·n + j.

        2-d: the values are computed on x in [B, H, W, C] memory and stacked into [B, H, W, C, n]:
        channels-last, the layout the original's expansion (a permute of [n, B, C, H, W]) hands
        to its convolution and the one oneDNN convolves fastest on CPU, backward included.
        """
        if x.dim() == 4:
            values = self.values(_pixels_last(x))
            return values.flatten(3).permute(0, 3, 1, 2)
        return self.values(x).movedim(-1, 2).reshape(x.shape[0], -1, *x.shape[2:])


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

    def _slots(self, x: Tensor, dim: int) -> Tensor:
        """(*S) -> (*S with V node slots at ``dim``)."""
        index, xi = segment_coordinates(x, self._segments, self._length)
        terms = self._expand.terms(xi)
        return scatter_segments(terms, index, self._segments, self._nodes_per_segment, dim)

    def __call__(self, x: Tensor) -> Tensor:
        """[*S] -> [V, *S] (the original layout)."""
        return self._slots(x, 0)

    def channels(self, x: Tensor) -> Tensor:
        """[B, C, *spatial] -> [B, C·V, *spatial], channel index c·V + v (2-d: channels-last,
        the slots written directly into [B, H, W, C, V] memory)."""
        if x.dim() == 4:
            return self._slots(_pixels_last(x), -1).flatten(3).permute(0, 3, 1, 2)
        return self._slots(x, 2).flatten(1, 2)

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

    def terms(self, x: Tensor) -> tuple[Tensor, ...]:
        """[*S] -> n tensors [*S]."""
        return self.basis.terms(x, self.n)

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
