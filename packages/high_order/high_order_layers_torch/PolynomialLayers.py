"""Fully connected high-order layers: every link (input i → output o) is a 1-d function.

* :class:`Function` family (``polynomial``, ``fourier``, ``polynomial_2d`` …): one polynomial
  / series per link, y_{b,o} = Σ_i Σ_k ψ_k(x_{b,i}) w[o, i, k].
* Piecewise families (``continuous``, ``discontinuous`` and their ``_prod`` versions): S equal
  segments on [−1, 1], segment s of link (o, i) interpolates the n node values
  w[o, i, start(s) … start(s)+n−1] (spec §3.5–3.6, §4.2). The forward scatters the n basis
  values of every input into a [B, I, V] tensor and does one matmul with w viewed as [O, I·V]
  (the original gathers a [B, I, O, n] weight tensor; same outputs, spec §15).
* :class:`PiecewiseND` (``continuous_nd``): D-dimensional inputs, one tensor-product cell per
  segment combination (spec §4.9).

Refinement (spec §7) and linear initialisation build one small matrix per layer and apply it
to w viewed as [O·I, V]; node positions are computed in float64.
"""

from __future__ import annotations

import math
import random
from typing import Any

import torch
from torch import Tensor, nn

from paramlab.nodes import chebyshev_lobatto, lagrange_basis, segment_coordinates

from . import LagrangePolynomial as _lagrange_module
from . import utils as _utils_module
from .Basis import scatter_segment_values, scatter_segments
from .LagrangePolynomial import *  # noqa: F403
from .LagrangePolynomial import (
    FourierSeriesFlat,
    LagrangeBasisND,
    LagrangeBasisPiecewiseND,
    LagrangePoly,
    LagrangePolyFlat,
    LagrangePolyFlatND,
    LagrangePolyFlatProd,
    LagrangePolyProd,
)
from .utils import *  # noqa: F403
from .utils import make_periodic

__all__ = [
    "constant_random_initialization",
    "Function",
    "Polynomial",
    "PolynomialND",
    "Polynomial2D",
    "Polynomial3D",
    "Polynomial4D",
    "Polynomial5D",
    "PolynomialProd",
    "FourierSeries",
    "Piecewise",
    "PiecewiseND",
    "PiecewisePolynomial",
    "PiecewisePolynomialProd",
    "PiecewiseDiscontinuous",
    "PiecewiseDiscontinuousPolynomial",
    "PiecewiseDiscontinuousPolynomialProd",
    "interpolate_polynomial_layer",
    "refine_polynomial_layer",
    "refine_discontinuous_polynomial_layer",
    "smooth_discontinuous_layer",
    "initialize_polynomial_layer",
]


def constant_random_initialization(
    w: Tensor, out_features: int, in_features: int, weight_magnitude: float, device: Any
) -> None:
    """Set every node of link (o, i) to r[o, i]·wm / in_features, r = rand(out, in) (§4.5)."""
    values = torch.rand(out_features, in_features, device=device) * weight_magnitude / in_features
    with torch.no_grad():
        w.copy_(values.unsqueeze(2).expand(-1, -1, w.size(2)))


def _flatten_batch(x: Tensor, trailing: int) -> tuple[Tensor, tuple[int, ...]]:
    """Merge leading dims so x has ``trailing`` + 1 dims; return it with the leading shape."""
    lead = tuple(x.shape[: x.dim() - trailing])
    return x.reshape(-1, *x.shape[x.dim() - trailing :]), lead


class Function(nn.Module):
    """One basis expansion per link: [B, I] (N-d bases: [B, I, D]) -> [B, O].

    Parameters ``w`` [O, I, num_basis] and ``result`` [O] (unused by the forward; kept so
    original checkpoints load, initialised to zeros). ``initialize="constant_random"`` makes
    each link a non-negative constant; anything else draws U(±wm/in) per node.
    """

    def __init__(
        self,
        n: int,
        in_features: int,
        out_features: int,
        basis: Any,
        weight_magnitude: float = 1.0,
        periodicity: float | None = None,
        initialize: str = "constant_random",
        device: Any = "cpu",
        **kwargs,
    ):
        super().__init__()
        self.poly = basis
        self.n = n
        self.in_features = in_features
        self.out_features = out_features
        self.periodicity = periodicity
        self.weight_magnitude = weight_magnitude
        self.initialize = initialize
        self.device = device
        self.w = nn.Parameter(
            torch.empty(out_features, in_features, basis.num_basis, device=device)
        )
        self.result = nn.Parameter(torch.empty(out_features, device=device))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.initialize == "constant_random":
            constant_random_initialization(
                self.w, self.out_features, self.in_features, self.weight_magnitude, self.device
            )
        else:
            bound = self.weight_magnitude / self.in_features
            nn.init.uniform_(self.w, -bound, bound)
        nn.init.zeros_(self.result)

    def forward(self, x: Tensor) -> Tensor:
        if self.periodicity is not None:
            x = make_periodic(x, self.periodicity)
        trailing = 2 if isinstance(self.poly, LagrangeBasisND) else 1
        flat, lead = _flatten_batch(x, trailing)
        return self.poly.interpolate(flat, self.w).reshape(*lead, self.out_features)

    def extra_repr(self) -> str:
        return (
            f"n={self.n}, in_features={self.in_features}, out_features={self.out_features}, "
            f"periodicity={self.periodicity}"
        )

    def interpolate(self, layer_out: Function) -> None:
        """p-refinement into ``layer_out`` (same kind, any n); exact when n_out ≥ n_in."""
        interpolate_polynomial_layer(self, layer_out)

    def refine(self, layer_out: Function) -> None:
        """A single-segment layer has only p-refinement: same as :meth:`interpolate`."""
        interpolate_polynomial_layer(self, layer_out)


class Polynomial(Function):
    """Lagrange polynomial with n nodes on [−L/2, L/2] per link (``polynomial``)."""

    def __init__(self, n: int, in_features: int, out_features: int, length: float = 2.0, **kwargs):
        super().__init__(n, in_features, out_features, LagrangePolyFlat(n, length=length), **kwargs)


class PolynomialND(Function):
    """Tensor-product polynomial per link on D-vectors: [B, I, D] -> [B, O].

    n is a list (one node count per dimension); D = len(n) and ``dimensions`` is ignored.
    """

    def __init__(
        self,
        n: list[int],
        in_features: int,
        out_features: int,
        length: float = 2.0,
        dimensions: int = 2,
        **kwargs,
    ):
        kwargs.pop("basis", None)
        super().__init__(
            n=n,
            in_features=in_features,
            out_features=out_features,
            basis=LagrangePolyFlatND(n, length=length),
            **kwargs,
        )


class Polynomial2D(PolynomialND):
    def __init__(self, n, in_features: int, out_features: int, length: float = 2.0, **kwargs):
        kwargs.pop("dimensions", None)
        super().__init__(n, in_features, out_features, length=length, dimensions=2, **kwargs)


class Polynomial3D(PolynomialND):
    def __init__(self, n, in_features: int, out_features: int, length: float = 2.0, **kwargs):
        kwargs.pop("dimensions", None)
        super().__init__(n, in_features, out_features, length=length, dimensions=3, **kwargs)


class Polynomial4D(PolynomialND):
    def __init__(self, n, in_features: int, out_features: int, length: float = 2.0, **kwargs):
        kwargs.pop("dimensions", None)
        super().__init__(n, in_features, out_features, length=length, dimensions=4, **kwargs)


class Polynomial5D(PolynomialND):
    def __init__(self, n, in_features: int, out_features: int, length: float = 2.0, **kwargs):
        kwargs.pop("dimensions", None)
        super().__init__(n, in_features, out_features, length=length, dimensions=5, **kwargs)


class PolynomialProd(Function):
    """Product unit of polynomial links: Π_i (1 + f_{b,o,i}) − 1 (``polynomial_prod``)."""

    def __init__(self, n: int, in_features: int, out_features: int, length: float = 2.0, **kwargs):
        super().__init__(
            n, in_features, out_features, LagrangePolyFlatProd(n, length=length), **kwargs
        )


class FourierSeries(Function):
    """n Fourier terms of period L per link (``fourier``).

    As in the original, periodicity, weight_magnitude and initialize are ignored (always
    constant-random with wm = 1).
    """

    def __init__(self, n: int, in_features: int, out_features: int, length: float = 2.0, **kwargs):
        super().__init__(
            n,
            in_features,
            out_features,
            FourierSeriesFlat(n, length=length),
            device=kwargs.get("device", "cpu"),
        )


class _PiecewiseLayer(nn.Module):
    """Common code of :class:`Piecewise` (continuous) and :class:`PiecewiseDiscontinuous`."""

    continuous = True

    def __init__(
        self,
        n: int,
        in_features: int,
        out_features: int,
        segments: int,
        length: float = 2.0,
        weight_magnitude: float = 1.0,
        poly: Any = None,
        periodicity: float | None = None,
        device: Any = "cpu",
        initialize: str = "constant_random",
        **kwargs,
    ):
        super().__init__()
        if not isinstance(segments, int) or segments < 1:
            raise ValueError(f"segments={segments!r} must be an integer >= 1")
        if not isinstance(n, int) or n < 1:
            raise ValueError(f"n={n!r} must be an integer >= 1")
        self._poly = poly(n)
        self._n = n
        self._segments = segments
        self.in_features = in_features
        self.out_features = out_features
        self.periodicity = periodicity
        self.device = device
        self.weight_magnitude = weight_magnitude
        self.initialize = initialize
        self._length = length
        self._half = 0.5 * length
        self.w = nn.Parameter(
            torch.empty(out_features, in_features, self.num_variables, device=device)
        )
        self.reset_parameters()

    @property
    def nodes_per_segment(self) -> int:
        """Offset between the first nodes of consecutive segments."""
        return self._n - 1 if self.continuous else self._n

    @property
    def num_variables(self) -> int:
        """V: nodes per link, (n−1)S + 1 (continuous) or nS (discontinuous)."""
        return self.nodes_per_segment * self._segments + (1 if self.continuous else 0)

    def reset_parameters(self) -> None:
        if self.initialize == "constant_random":
            constant_random_initialization(
                self.w, self.out_features, self.in_features, self.weight_magnitude, self.device
            )
        else:
            bound = self._uniform_bound()
            nn.init.uniform_(self.w, -bound, bound)

    def _uniform_bound(self) -> float:
        return self.weight_magnitude / self.in_features

    def extra_repr(self) -> str:
        return (
            f"n={self._n}, in_features={self.in_features}, out_features={self.out_features}, "
            f"segments={self._segments}, periodicity={self.periodicity}"
        )

    def which_segment(self, x: Tensor) -> Tensor:
        """Segment index of every x (after the mirror fold); boundaries go to the upper one."""
        if self.periodicity is not None:
            x = make_periodic(x, self.periodicity)
        return segment_coordinates(x, self._segments, self._length)[0]

    def _eta(self, index: Any) -> Any:
        """Left end of segment ``index``: 2·index/S − 1."""
        return (index / float(self._segments)) * 2 - 1

    def x_local(self, x_global: Tensor, index: Any) -> Tensor:
        """Global x -> local coordinate in segment ``index``."""
        low, high = self._eta(index), self._eta(index + 1)
        return self._length * ((x_global - low) / (high - low)) - self._half

    def x_global(self, x_local: Tensor, index: Any) -> Tensor:
        """Local coordinate in segment ``index`` -> global x."""
        low, high = self._eta(index), self._eta(index + 1)
        return ((x_local + self._half) / self._length) * (high - low) + low

    def expand(self, x: Tensor) -> Tensor:
        """[B, I] -> z [B, I, V]: basis values of each input's segment at its node slots."""
        if self.periodicity is not None:
            x = make_periodic(x, self.periodicity)
        index, xi = segment_coordinates(x, self._segments, self._length)
        terms = self._poly.terms(xi)
        return scatter_segments(terms, index, self._segments, self.nodes_per_segment)

    def forward(self, x: Tensor) -> Tensor:
        """[*, I] -> [*, O]: y_{b,o} = Σ_i Σ_j φ_j(ξ_{b,i}) w[o, i, start(s_{b,i}) + j]."""
        flat, lead = _flatten_batch(x, 1)
        out = self._poly.interpolate_expanded(self.expand(flat), self.w)
        return out.reshape(*lead, self.out_features)

    def interpolate(self, layer_out: _PiecewiseLayer) -> None:
        """p-refinement: same segments, new n (exact when n_out ≥ n_in)."""
        interpolate_polynomial_layer(self, layer_out)

    def refine(self, layer_out: _PiecewiseLayer) -> None:
        """h/hp-refinement: new segments and n (exact when the partition nests, n_out ≥ n_in)."""
        refine_polynomial_layer(layer_in=self, layer_out=layer_out)


class Piecewise(_PiecewiseLayer):
    """Continuous piecewise polynomial link functions, ``w`` [O, I, (n−1)S+1].

    Neighbouring segments share their end node (C0 continuity). Inputs outside [−1, 1] use the
    first / last segment's polynomial extrapolated; a point on an interior boundary belongs to
    the upper segment.
    """

    continuous = True


class PiecewiseDiscontinuous(_PiecewiseLayer):
    """Discontinuous piecewise polynomial link functions, ``w`` [O, I, nS]."""

    continuous = False

    @property
    def n(self) -> int:
        """Nodes per segment (polynomial order + 1)."""
        return self._n

    def _uniform_bound(self) -> float:
        return 1.0 / self.in_features


class PiecewisePolynomial(Piecewise):
    """``continuous``: sum over inputs of continuous piecewise Lagrange polynomials."""

    def __init__(
        self,
        n: int,
        in_features: int,
        out_features: int,
        segments: int,
        length: float = 2.0,
        weight_magnitude: float = 1.0,
        periodicity: float | None = None,
        device: Any = "cpu",
        **kwargs,
    ):
        super().__init__(
            n,
            in_features,
            out_features,
            segments,
            length,
            weight_magnitude,
            poly=LagrangePoly,
            periodicity=periodicity,
            device=device,
        )


class PiecewisePolynomialProd(Piecewise):
    """``continuous_prod``: y = Π_i (1 + f_{b,o,i}) − 1 (α fixed at 1, spec §4.3)."""

    def __init__(
        self,
        n: int,
        in_features: int,
        out_features: int,
        segments: int,
        length: float = 2.0,
        weight_magnitude: float = 1.0,
        periodicity: float | None = None,
        device: Any = "cpu",
        **kwargs,
    ):
        super().__init__(
            n,
            in_features,
            out_features,
            segments,
            length,
            weight_magnitude,
            poly=LagrangePolyProd,
            periodicity=periodicity,
            device=device,
        )


class PiecewiseDiscontinuousPolynomial(PiecewiseDiscontinuous):
    """``discontinuous``: sum over inputs of discontinuous piecewise Lagrange polynomials."""

    def __init__(
        self,
        n: int,
        in_features: int,
        out_features: int,
        segments: int,
        length: float = 2.0,
        weight_magnitude: float = 1.0,
        periodicity: float | None = None,
        device: Any = "cpu",
        **kwargs,
    ):
        super().__init__(
            n,
            in_features,
            out_features,
            segments,
            length,
            weight_magnitude,
            poly=LagrangePoly,
            periodicity=periodicity,
            device=device,
        )


class PiecewiseDiscontinuousPolynomialProd(PiecewiseDiscontinuous):
    """``discontinuous_prod``: product unit of discontinuous piecewise links."""

    def __init__(
        self,
        n: int,
        in_features: int,
        out_features: int,
        segments: int,
        length: float = 2.0,
        weight_magnitude: float = 1.0,
        periodicity: float | None = None,
        device: Any = "cpu",
        **kwargs,
    ):
        super().__init__(
            n,
            in_features,
            out_features,
            segments,
            length,
            weight_magnitude,
            poly=LagrangePolyProd,
            periodicity=periodicity,
            device=device,
        )


class PiecewiseND(nn.Module):
    """``continuous_nd``: piecewise tensor-product polynomials of D-vectors, [B, I, D] -> [B, O].

    Every cell c = Σ_d s_d Π_{d'>d} S_{d'} owns its own P = Π n_d values (discontinuous
    despite the name). By default the original's computation is reproduced (spec §4.9): ``w``
    is a flat vector of I·O·ΠS_d·P entries and only its first ΠS_d·P entries are read, shared
    by every link, y_{b,o} = Σ_i Σ_k ψ_k(ξ_{b,i}) w[c_{b,i}·P + k] for all o.
    ``per_link_weights=True`` gives the intended layer: ``w`` [I, O, ΠS_d·P] indexed per link.
    """

    def __init__(
        self,
        n: list[int] | int,
        in_features: int,
        out_features: int,
        segments: list[int] | int,
        dimensions: int | None = None,
        length: float = 2.0,
        weight_magnitude: float = 1.0,
        device: Any = "cpu",
        initialize: str = "constant_random",
        per_link_weights: bool = False,
        **kwargs,
    ):
        super().__init__()
        if dimensions is None and isinstance(n, int):
            raise ValueError(
                "PiecewiseND either dimensions must be specified or n must be a vector, "
                f"got n={n!r} and dimensions=None"
            )
        self.dimensions = dimensions or len(n)
        self.n = [n] * self.dimensions if isinstance(n, int) else list(n)
        self.segments = [segments] * self.dimensions if isinstance(segments, int) else segments
        self.segments = list(self.segments)
        if len(self.n) != len(self.segments):
            raise ValueError(
                f"Dimensions of n and segments must match, got {len(self.n)} and "
                f"{len(self.segments)}"
            )
        self.in_features = in_features
        self.out_features = out_features
        self.device = device
        self.weight_magnitude = weight_magnitude
        self.initialize = initialize
        self.per_link_weights = per_link_weights
        self._length = length
        self._half = 0.5 * length
        self.lagrange_basis = LagrangeBasisPiecewiseND(self.n, length=length, device=device)
        self.weights_per_segment = math.prod(self.n)
        self.total_segments = math.prod(self.segments)
        block = self.total_segments * self.weights_per_segment
        shape = (
            (in_features, out_features, block)
            if per_link_weights
            else (in_features * out_features * block,)
        )
        self.w = nn.Parameter(torch.empty(shape, device=device))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = self.weight_magnitude / self.in_features
        if self.initialize == "constant_random":
            link = (
                torch.rand(self.in_features, self.out_features, device=self.device)
                * 2
                * self.weight_magnitude
                - self.weight_magnitude
            ) / self.in_features
            values = link.unsqueeze(-1).expand(
                -1, -1, self.total_segments * self.weights_per_segment
            )
            with torch.no_grad():
                self.w.copy_(values.reshape(self.w.shape))
        else:
            nn.init.uniform_(self.w, -bound, bound)

    def extra_repr(self) -> str:
        return (
            f"n={self.n}, in_features={self.in_features}, out_features={self.out_features}, "
            f"segments={self.segments}, per_link_weights={self.per_link_weights}"
        )

    def _coordinates(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """x [..., D] -> (segment indices [..., D], local coordinates [..., D])."""
        pairs = [
            segment_coordinates(x[..., d], s, self._length) for d, s in enumerate(self.segments)
        ]
        return torch.stack([p[0] for p in pairs], -1), torch.stack([p[1] for p in pairs], -1)

    def which_segment(self, x: Tensor) -> Tensor:
        return self._coordinates(x)[0]

    def _eta(self, index: Tensor) -> Tensor:
        segments = torch.tensor(self.segments, device=index.device, dtype=torch.float32)
        return index.float() / segments * 2 - 1

    def x_local(self, x_global: Tensor, index: Tensor) -> Tensor:
        low, high = self._eta(index), self._eta(index + 1)
        return self._length * ((x_global - low) / (high - low)) - self._half

    def x_global(self, x_local: Tensor, index: Tensor) -> Tensor:
        low, high = self._eta(index), self._eta(index + 1)
        return ((x_local + self._half) / self._length) * (high - low) + low

    def forward(self, x: Tensor) -> Tensor:
        flat, lead = _flatten_batch(x, 2)
        index, xi = self._coordinates(flat)
        strides = [math.prod(self.segments[d + 1 :]) for d in range(self.dimensions)]
        cell = (index * torch.tensor(strides, device=x.device)).sum(-1)
        values = self.lagrange_basis.values(xi)  # [B, I, P]
        start = cell * self.weights_per_segment
        if self.per_link_weights:
            block = self.total_segments * self.weights_per_segment
            z = scatter_segment_values(values, start, block)
            out = torch.einsum("bit,iot->bo", z, self.w)
        else:
            offsets = torch.arange(self.weights_per_segment, device=x.device)
            shared = self.w[start.unsqueeze(-1) + offsets]
            out = (values * shared).sum(dim=(1, 2)).unsqueeze(1).expand(-1, self.out_features)
        return out.reshape(*lead, self.out_features)


# ----------------------------------------------------------------------------- refinement


def _is_piecewise(layer: Any) -> bool:
    return isinstance(layer, _PiecewiseLayer)


def _node_positions(layer: _PiecewiseLayer) -> Tensor:
    """Local node positions of the layer's basis (its node set always has L = 2), float64."""
    return chebyshev_lobatto(layer._n, length=2.0, dtype=torch.float64)


def _starts(layer: _PiecewiseLayer, segments: Tensor) -> Tensor:
    return segments * layer.nodes_per_segment


def _writers(layer: _PiecewiseLayer) -> tuple[Tensor, Tensor]:
    """(segment, local node) that writes each of the V nodes, last writer winning (shared
    continuous nodes are written by the upper segment, as the original's loops do)."""
    n, segments = layer._n, layer._segments
    seg = torch.arange(segments).repeat_interleave(n)
    node = torch.arange(n).repeat(segments)
    target = seg * layer.nodes_per_segment + node
    chosen = torch.full((layer.num_variables,), -1, dtype=torch.long)
    chosen.scatter_reduce_(0, target, torch.arange(target.numel()), reduce="amax")
    return seg[chosen], node[chosen]


def _apply_node_matrix(layer_in: Any, layer_out: Any, matrix: Tensor) -> None:
    """w_out[o, i, :] = matrix @ w_in[o, i, :] (matrix [V_out, V_in], float64)."""
    if layer_in.w.shape[:2] != layer_out.w.shape[:2]:
        raise ValueError(
            f"layers must have the same features, got w {tuple(layer_in.w.shape)} and "
            f"{tuple(layer_out.w.shape)}"
        )
    with torch.no_grad():
        new = layer_in.w.double() @ matrix.to(layer_in.w.device).t()
        layer_out.w.copy_(new.to(layer_out.w.dtype))


def _polynomial_interpolation_matrix(layer_in: Function, layer_out: Function) -> Tensor:
    basis_in, basis_out = layer_in.poly.basis, layer_out.poly.basis
    if type(basis_in) is not type(basis_out) and layer_in.n != 1 and layer_out.n != 1:
        raise ValueError(
            f"cannot interpolate a {type(layer_in).__name__} into a {type(layer_out).__name__}"
        )
    if hasattr(basis_in, "length") and basis_in.length != basis_out.length:
        raise ValueError(f"lengths must match, got {basis_in.length} and {basis_out.length}")
    if layer_in.poly.num_basis and basis_in.num_basis is None:
        size_in, size_out = layer_in.poly.num_basis, layer_out.poly.num_basis
        return torch.eye(size_out, size_in, dtype=torch.float64)
    length = basis_in.length
    nodes_in = chebyshev_lobatto(layer_in.n, length=length, dtype=torch.float64)
    nodes_out = chebyshev_lobatto(layer_out.n, length=length, dtype=torch.float64)
    return lagrange_basis(nodes_out, nodes_in)


def _nd_interpolation_matrix(layer_in: Function, layer_out: Function) -> Tensor:
    basis_in, basis_out = layer_in.poly, layer_out.poly
    if basis_in.dimensions != basis_out.dimensions:
        raise ValueError(
            f"dimensions must match, got {basis_in.dimensions} and {basis_out.dimensions}"
        )
    matrix = torch.ones(1, 1, dtype=torch.float64)
    for d in range(basis_in.dimensions):
        local = lagrange_basis(basis_out._nodes[d], basis_in._nodes[d])
        sign = basis_in._signs[d] * basis_out._signs[d]
        matrix = torch.kron(matrix, sign * local)
    return matrix


def interpolate_polynomial_layer(layer_in: Any, layer_out: Any) -> None:
    """p-refinement: write into ``layer_out`` the functions of ``layer_in`` at its nodes.

    Piecewise layers need equal segment counts (else ValueError); every segment's polynomial
    is evaluated at the n_out local nodes. Exact (up to rounding) when n_out ≥ n_in. Polynomial,
    N-d polynomial and Fourier layers are refined too (Fourier: terms copied, new ones zero).
    """
    if isinstance(layer_in, Function) and isinstance(layer_out, Function):
        if isinstance(layer_in.poly, LagrangeBasisND):
            matrix = _nd_interpolation_matrix(layer_in, layer_out)
        else:
            matrix = _polynomial_interpolation_matrix(layer_in, layer_out)
        _apply_node_matrix(layer_in, layer_out, matrix)
        return
    if not (_is_piecewise(layer_in) and _is_piecewise(layer_out)):
        raise ValueError(
            f"cannot interpolate a {type(layer_in).__name__} into a {type(layer_out).__name__}"
        )
    if layer_in._segments != layer_out._segments:
        raise ValueError(
            "Number of input and output segments must be the same, got "
            f"{layer_in._segments} and {layer_out._segments}"
        )
    local = lagrange_basis(_node_positions(layer_out), _node_positions(layer_in))
    seg, node = _writers(layer_out)
    columns = _starts(layer_in, seg).unsqueeze(1) + torch.arange(layer_in._n)
    matrix = torch.zeros(layer_out.num_variables, layer_in.num_variables, dtype=torch.float64)
    rows = torch.arange(layer_out.num_variables).unsqueeze(1).expand_as(columns)
    matrix[rows, columns] = local[node]
    _apply_node_matrix(layer_in, layer_out, matrix)


def _refinement_matrix(layer_in: _PiecewiseLayer, layer_out: _PiecewiseLayer) -> Tensor:
    seg, node = _writers(layer_out)
    positions = layer_out.x_global(_node_positions(layer_out)[node], seg.double())
    index_in = layer_in.which_segment(positions)
    if not layer_in.continuous and layer_out._n > 1:
        # A node at the right end of an output segment that lies on an input boundary
        # belongs to the input segment below it (the one overlapping the output segment).
        scaled = (positions + 1) * 0.5 * layer_in._segments
        at_lower_end = ((scaled - index_in).abs() < 1e-9) & (index_in > 0)
        right_end = node == layer_out._n - 1
        index_in = torch.where(at_lower_end & right_end, index_in - 1, index_in)
    local = layer_in.x_local(positions, index_in.double())
    values = lagrange_basis(local, _node_positions(layer_in))
    columns = _starts(layer_in, index_in).unsqueeze(1) + torch.arange(layer_in._n)
    matrix = torch.zeros(layer_out.num_variables, layer_in.num_variables, dtype=torch.float64)
    rows = torch.arange(layer_out.num_variables).unsqueeze(1).expand_as(columns)
    matrix[rows, columns] = values
    return matrix


def refine_polynomial_layer(layer_in: Any, layer_out: Any) -> None:
    """h/hp-refinement of piecewise layers: segment counts and n may both change.

    Each output node's global position is located in the input layer (boundary → upper
    segment, as the original), converted to that segment's local coordinate and evaluated
    there. Exact when S_out is a multiple of S_in and n_out ≥ n_in.
    """
    if isinstance(layer_in, Function):
        interpolate_polynomial_layer(layer_in, layer_out)
        return
    if not (_is_piecewise(layer_in) and _is_piecewise(layer_out)):
        raise ValueError(
            f"cannot refine a {type(layer_in).__name__} into a {type(layer_out).__name__}"
        )
    _apply_node_matrix(layer_in, layer_out, _refinement_matrix(layer_in, layer_out))


def refine_discontinuous_polynomial_layer(layer_in: Any, layer_out: Any) -> None:
    """h/hp-refinement of discontinuous layers (the original raised ValueError here).

    Output nodes on an input boundary take the input segment that overlaps the output
    segment they belong to, which resolves the two values stored at a discontinuity.
    """
    refine_polynomial_layer(layer_in, layer_out)


def smooth_discontinuous_layer(layer: PiecewiseDiscontinuous, factor: float) -> None:
    """Move the two values at each interior discontinuity towards each other.

    With d = left − right: left −= factor·d/2, right += factor·d/2 (factor 1: both the mean).
    """
    n, segments = layer.n, layer._segments
    if n < 2:
        raise ValueError(f"smoothing needs n >= 2 nodes per segment (pairs overlap), got n={n}")
    left = torch.arange(segments - 1) * n + n - 1
    right = left + 1
    with torch.no_grad():
        diff = layer.w[:, :, left] - layer.w[:, :, right]
        layer.w[:, :, left] -= 0.5 * factor * diff
        layer.w[:, :, right] += 0.5 * factor * diff


def initialize_polynomial_layer(
    layer_in: Any, max_slope: float = 1.0, max_offset: float = 0.0
) -> None:
    """Make every link of a piecewise layer a straight line a·x + b (no-op for other layers).

    a = max_slope·(2u − 1), b = max_offset·(2u − 1) with u from Python's ``random.random()``,
    drawn (a, b) per link in the original's loop order.
    """
    if not _is_piecewise(layer_in):
        return
    out_features, in_features = layer_in.w.shape[:2]
    draws = torch.tensor(
        [random.random() for _ in range(2 * out_features * in_features)], dtype=torch.float64
    ).reshape(out_features, in_features, 2)
    slope = max_slope * (draws[..., 0] * 2 - 1.0)
    offset = max_offset * (draws[..., 1] * 2 - 1.0)
    seg, node = _writers(layer_in)
    positions = layer_in.x_global(_node_positions(layer_in)[node], seg.double())
    with torch.no_grad():
        lines = slope.unsqueeze(-1) * positions + offset.unsqueeze(-1)
        layer_in.w.copy_(lines.to(layer_in.w.dtype))


__all__ += _lagrange_module.__all__ + _utils_module.__all__
