"""Interpolation nodes on [-1, 1], the Lagrange basis and the piecewise segment map.

Used by the high-order (piecewise polynomial) layers.

Node families (all returned in increasing order):

* :func:`chebyshev_nodes` — Chebyshev–Gauss points, the roots of T_n.
* :func:`chebyshev_lobatto` — Chebyshev–Gauss–Lobatto points, the extrema of T_{n-1} with both
  end points, ``X_k = -(L/2) cos(pi k / (n - 1))``. This is the node set high-order-layers-torch
  calls ``chebyshevLobatto`` (its README's "Gauss Lobatto" means these points).
* :func:`gauss_lobatto_legendre` — Legendre–Gauss–Lobatto points, ±1 and the roots of P'_{n-1}.

Lagrange basis on nodes X_0..X_{n-1}:

    phi_j(x) = prod_{m != j} (x - X_m) / (X_j - X_m)

evaluated by :func:`lagrange_basis` in O(n) per input as
``phi_j(x) = (prod_{m<j} (x - X_m)) * (prod_{m>j} (x - X_m)) / D_j`` with prefix/suffix cumulative
products and the constant denominators ``D_j = prod_{m != j} (X_j - X_m)`` (``1 / D_j`` are the
barycentric weights). It never divides by ``x - X_j``, so it is finite and exact at the nodes.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

__all__ = [
    "chebyshev_nodes",
    "chebyshev_lobatto",
    "gauss_lobatto_legendre",
    "barycentric_weights",
    "lagrange_basis",
    "segment_coordinates",
]


def _check_n(n: int, minimum: int = 1) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or n < minimum:
        raise ValueError(f"n={n!r} must be an integer >= {minimum}")


def chebyshev_nodes(
    n: int, dtype: torch.dtype = torch.float64, device: torch.device | str | None = None
) -> Tensor:
    """Chebyshev–Gauss nodes (roots of T_n), increasing, shape (n,).

    x_k = sin(pi (2k - n + 1) / (2n)) = -cos(pi (2k + 1) / (2n)),  k = 0..n-1.
    The sine form is exactly antisymmetric (x_{n-1-k} = -x_k, middle node 0 for odd n).
    """
    _check_n(n)
    k = torch.arange(n, dtype=torch.float64, device=device)
    x = torch.sin(math.pi * (2.0 * k - (n - 1)) / (2.0 * n))
    return x.to(dtype)


def chebyshev_lobatto(
    n: int,
    length: float = 2.0,
    dtype: torch.dtype = torch.float64,
    device: torch.device | str | None = None,
) -> Tensor:
    """Chebyshev–Gauss–Lobatto points scaled to [-L/2, L/2], increasing, shape (n,).

    X_k = -(L/2) * cos(pi k / (n - 1)),  k = 0..n-1;  n = 1 gives [0.].

    Evaluated in ``dtype`` in the same order as high-order-layers-torch's
    ``(length / 2) * chebyshevLobatto(n)`` (first ``-cos(pi * k / (n - 1))``, then the scale):
    ``dtype=torch.float32`` reproduces the original's (float32) nodes bit for bit.
    """
    _check_n(n)
    if n == 1:
        return torch.zeros(1, dtype=dtype, device=device)
    k = torch.arange(n, dtype=dtype, device=device)
    unit = -torch.cos(math.pi * k / (n - 1))
    return (length / 2.0) * unit


def _legendre_pair(x: Tensor, degree: int) -> tuple[Tensor, Tensor]:
    """(P_degree(x), P_{degree-1}(x)) by the three-term recurrence, degree >= 1."""
    p_prev, p = torch.ones_like(x), x
    for k in range(2, degree + 1):
        p_prev, p = p, ((2 * k - 1) * x * p - (k - 1) * p_prev) / k
    return p, p_prev


def gauss_lobatto_legendre(
    n: int, dtype: torch.dtype = torch.float64, device: torch.device | str | None = None
) -> Tensor:
    """Legendre–Gauss–Lobatto nodes, increasing, shape (n,), n >= 2.

    X_0 = -1, X_{n-1} = +1 and the interior nodes are the n - 2 roots of P'_{n-1}. Computed in
    float64 by Newton's iteration on (1 - x^2) P'_N(x) = N (P_{N-1}(x) - x P_N(x)), N = n - 1,
    started from the Chebyshev–Lobatto points, then symmetrised and cast to ``dtype``.
    """
    _check_n(n, 2)
    big_n = n - 1
    x = -torch.cos(math.pi * torch.arange(n, dtype=torch.float64, device=device) / big_n)
    if n > 2:
        interior = x[1:-1].clone()
        for _ in range(100):
            p, p_prev = _legendre_pair(interior, big_n)
            # Newton step for f(x) = x P_N - P_{N-1}, whose roots are ±1 and those of P'_N:
            # f'(x) = (N + 1) P_N(x).
            step = (interior * p - p_prev) / ((big_n + 1) * p)
            interior = interior - step
            if step.abs().max() < 1e-15:
                break
        x = torch.cat([x[:1], interior, x[-1:]])
        x = 0.5 * (x - x.flip(0))
    x[0], x[-1] = -1.0, 1.0
    return x.to(dtype)


def _products(x: Tensor, nodes: Tensor) -> Tensor:
    """(*x.shape, n): prod_{m != j} (x - X_m) from prefix and suffix cumulative products."""
    diff = x.unsqueeze(-1) - nodes  # (..., n)
    ones = torch.ones_like(diff[..., :1])
    prefix = torch.cat([ones, torch.cumprod(diff[..., :-1], dim=-1)], dim=-1)
    suffix = torch.cat([torch.cumprod(diff[..., 1:].flip(-1), dim=-1).flip(-1), ones], dim=-1)
    return prefix * suffix


def _check_nodes(nodes: Tensor) -> None:
    if nodes.dim() != 1 or nodes.numel() < 1:
        raise ValueError(f"nodes must be a non-empty 1-d tensor, got shape {tuple(nodes.shape)}")


def barycentric_weights(nodes: Tensor) -> Tensor:
    """(n,) -> (n,); w_j = 1 / prod_{m != j} (X_j - X_m). Nodes must be distinct."""
    _check_nodes(nodes)
    return 1.0 / _products(nodes, nodes).diagonal(dim1=-2, dim2=-1)


def lagrange_basis(x: Tensor, nodes: Tensor) -> Tensor:
    """(*S,), (n,) -> (*S, n); phi_j(x) = prod_{m != j} (x - X_m) / (X_j - X_m).

    The numerator is (prod_{m<j} (x - X_m)) * (prod_{m>j} (x - X_m)) built with two cumprods,
    O(n) per input; the denominator D_j = prod_{m != j} (X_j - X_m) = 1 / w_j is built the same
    way from the nodes, so phi_j(X_k) is exactly delta_jk at every node (no 0/0, finite
    gradient). Works for any x (outside [-1, 1] it extrapolates the same polynomial) and is
    differentiable in x. ``nodes`` is cast to x's dtype and device; n = 1 gives phi_0 = 1.
    """
    _check_nodes(nodes)
    nodes = nodes.to(dtype=x.dtype, device=x.device)
    denominators = _products(nodes, nodes).diagonal(dim1=-2, dim2=-1)
    return _products(x, nodes) / denominators


def segment_coordinates(x: Tensor, segments: int, length: float = 2.0) -> tuple[Tensor, Tensor]:
    """Map x to (segment index, local coordinate) on [-1, 1] split into S equal segments.

    Exactly the high-order-layers-torch rule, evaluated in x's dtype (half = L / 2):

        s = clamp(trunc(((x + half) / L) * S), 0, S - 1)
        a = (s / S) * 2 - 1,   b = ((s + 1) / S) * 2 - 1
        xi = L * ((x - a) / (b - a)) - half

    Interior boundary points go to the upper segment, x = +1 to the last one, x outside [-1, 1]
    to the first / last segment (its polynomial extrapolated). Returns ``index`` (int64, same
    shape as x, no gradient) and ``xi`` (same shape and dtype as x, differentiable in x). Note
    that a, b ignore L while s uses it: only L = 2 is consistent (the value every example uses).
    """
    if not isinstance(segments, int) or isinstance(segments, bool) or segments < 1:
        raise ValueError(f"segments={segments!r} must be an integer >= 1")
    half = 0.5 * length
    with torch.no_grad():
        index = (((x + half) / length) * segments).long().clamp(0, segments - 1)
    s = index.to(x.dtype)
    lower = (s / segments) * 2 - 1
    upper = ((s + 1) / segments) * 2 - 1
    xi = length * ((x - lower) / (upper - lower)) - half
    return index, xi
