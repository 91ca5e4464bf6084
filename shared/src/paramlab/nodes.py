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

evaluated by :func:`lagrange_basis` (stacked) and :func:`lagrange_terms` (one tensor per j) in
O(n) per input as ``phi_j(x) = P_j(x) Q_j(x) / D_j`` with the prefix and suffix products
``P_j = prod_{m<j} (x - X_m)``, ``Q_j = prod_{m>j} (x - X_m)`` and the constant denominators
``D_j = prod_{m != j} (X_j - X_m)`` (``1 / D_j`` are the barycentric weights). The backward
builds ``phi_j'(x) = (P_j' Q_j + P_j Q_j') / D_j`` with the same recurrences,
``P_{j+1} = P_j (x - X_j)``, ``P_{j+1}' = P_j' (x - X_j) + P_j`` (and the mirrored ones for Q),
from differentiable operations, so higher derivatives work too. Neither divides by ``x - X_j``:
both are finite and exact at the nodes.
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
    "lagrange_terms",
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


# A term of the recurrences below: a tensor, or a Python number standing for a constant tensor
# (the empty product 1, the derivative 0 or 1), so that the constants cost no pass over x.
_Term = Tensor | float


def _times(a: _Term, b: _Term) -> _Term:
    """a * b, without a pass over the data when either is the number 0 or 1."""
    for number, other in ((a, b), (b, a)):
        if isinstance(number, float) and number in (0.0, 1.0):
            return other if number == 1.0 else 0.0
    return a * b


def _plus(a: _Term, b: _Term) -> _Term:
    """a + b, without a pass over the data when either is the number 0."""
    if isinstance(a, float) and a == 0.0:
        return b
    if isinstance(b, float) and b == 0.0:
        return a
    return a + b


def _prefix_products(diffs: list[Tensor]) -> list[_Term]:
    """[P_0, ..., P_k] for the k given d_j: P_0 = 1, P_{j+1} = P_j d_j (a cumulative product)."""
    products = [1.0]
    for d in diffs:
        products.append(_times(products[-1], d))
    return products


def _prefix_derivatives(diffs: list[Tensor]) -> tuple[list[_Term], list[_Term]]:
    """([P_0, ..., P_{k-1}], [P_0', ..., P_k']) for the k given d_j, with
    P_0' = 0, P_{j+1}' = P_j' d_j + P_j (P_k itself is not needed for P_k')."""
    products = _prefix_products(diffs[:-1]) if diffs else []
    derivatives = [0.0]
    for d, product in zip(diffs, products, strict=True):
        derivatives.append(_plus(_times(derivatives[-1], d), product))
    return products, derivatives


def _numerators(diffs: list[Tensor]) -> list[_Term]:
    """[N_j] = [P_j Q_j] with P_j = prod_{m<j} d_m, Q_j = prod_{m>j} d_m (d_m = x - X_m)."""
    prefix = _prefix_products(diffs[:-1])
    suffix = _prefix_products(diffs[:0:-1])[::-1]
    return [_times(p, q) for p, q in zip(prefix, suffix, strict=True)]


def _numerator_derivatives(diffs: list[Tensor]) -> list[_Term]:
    """[N_j'] = [P_j' Q_j + P_j Q_j'], Q_j' from the mirrored recurrence; no division by d_j."""
    prefix, d_prefix = _prefix_derivatives(diffs[:-1])
    suffix, d_suffix = _prefix_derivatives(diffs[:0:-1])
    # P_{n-1} and Q_0 only multiply Q_{n-1}' = 0 and P_0' = 0: they are not formed.
    prefix.append(0.0)
    suffix.append(0.0)
    return [
        _plus(_times(dp, q), _times(p, dq))
        for p, dp, q, dq in zip(prefix, d_prefix, suffix[::-1], d_suffix[::-1], strict=True)
    ]


def _differences(x: Tensor, nodes: Tensor) -> list[Tensor]:
    """[x - X_0, ..., x - X_{n-1}], each shaped like x."""
    return [x - node for node in nodes.unbind()]


def _denominators(nodes: Tensor) -> Tensor:
    """(n,) -> (n,); D_j = prod_{m != j} (X_j - X_m), built like the numerators."""
    if nodes.numel() == 1:
        return torch.ones_like(nodes)
    numerators = _numerators(_differences(nodes, nodes))  # N_j at every node
    return torch.stack([numerator[j] for j, numerator in enumerate(numerators)])


def _check_nodes(nodes: Tensor) -> None:
    if nodes.dim() != 1 or nodes.numel() < 1:
        raise ValueError(f"nodes must be a non-empty 1-d tensor, got shape {tuple(nodes.shape)}")


def barycentric_weights(nodes: Tensor) -> Tensor:
    """(n,) -> (n,); w_j = 1 / prod_{m != j} (X_j - X_m). Nodes must be distinct."""
    _check_nodes(nodes)
    return 1.0 / _denominators(nodes)


def _basis_values(x: Tensor, nodes: Tensor, denominators: Tensor) -> list[Tensor]:
    """[phi_0(x), ..., phi_{n-1}(x)]; phi_j = N_j / D_j, each N_j divided in place (no graph)."""
    values = []
    for j, numerator in enumerate(_numerators(_differences(x, nodes))):
        if isinstance(numerator, float):  # n = 1: the empty product
            numerator = torch.ones_like(x)
        values.append(numerator.div_(denominators[j]))
    return values


def _basis_gradient(
    x: Tensor, nodes: Tensor, weights: tuple[float, ...], grads: tuple[Tensor | None, ...]
) -> Tensor:
    """sum_j w_j g_j N_j'(x) with w_j = 1 / D_j, x-shaped (zeros when nothing flows back).

    Accumulated in place into the one new tensor (no operation saves it), which keeps the
    backward differentiable.
    """
    total = None
    derivatives = _numerator_derivatives(_differences(x, nodes))
    for grad, derivative, weight in zip(grads, derivatives, weights, strict=True):
        if grad is None or (isinstance(derivative, float) and derivative == 0.0):
            continue
        if isinstance(derivative, float):
            scale = weight * derivative
            total = grad * scale if total is None else total.add_(grad, alpha=scale)
        elif total is None:
            total = torch.mul(grad, derivative).mul_(weight)
        else:
            total.addcmul_(grad, derivative, value=weight)
    return torch.zeros_like(x) if total is None else total


def _stack(values: list[Tensor], dim: int) -> Tensor:
    """torch.stack(values, dim) written slot by slot (faster than stack for a last dim)."""
    first = values[0]
    dim = dim % (first.dim() + 1)
    shape = list(first.shape)
    shape.insert(dim, len(values))
    out = first.new_empty(shape)
    for j, value in enumerate(values):
        out.select(dim, j).copy_(value)
    return out


class _LagrangeBasis(torch.autograd.Function):
    """phi_j(x) for j = 0..n-1, one tensor each (``stacked`` False) or stacked on the last dim.

    Forward: the prefix/suffix products in a loop over the n nodes. Backward: sum_j g_j phi_j'(x)
    from the same recurrences (:func:`_basis_gradient`), made of differentiable operations on
    the saved x, so the backward can itself be differentiated (``create_graph=True``).
    """

    @staticmethod
    def forward(ctx, x: Tensor, nodes: Tensor, denominators: Tensor, stacked: bool):
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(x, nodes)
        ctx.weights = tuple(denominators.reciprocal().tolist())
        ctx.stacked = stacked
        values = _basis_values(x, nodes, denominators)
        return _stack(values, -1) if stacked else tuple(values)

    @staticmethod
    def backward(ctx, *grads: Tensor | None):
        x, nodes = ctx.saved_tensors
        if ctx.stacked:
            grads = (None,) * nodes.numel() if grads[0] is None else grads[0].unbind(-1)
        return _basis_gradient(x, nodes, ctx.weights, grads), None, None, None


def _lagrange(x: Tensor, nodes: Tensor, stacked: bool) -> Tensor | tuple[Tensor, ...]:
    _check_nodes(nodes)
    if nodes.requires_grad:
        raise ValueError("nodes must not require grad: the Lagrange basis is differentiable in x")
    nodes = nodes.to(dtype=x.dtype, device=x.device)
    return _LagrangeBasis.apply(x, nodes, _denominators(nodes), stacked)


def lagrange_basis(x: Tensor, nodes: Tensor) -> Tensor:
    """(*S,), (n,) -> (*S, n); phi_j(x) = prod_{m != j} (x - X_m) / (X_j - X_m).

    The numerator is (prod_{m<j} (x - X_m)) * (prod_{m>j} (x - X_m)) from prefix and suffix
    products, O(n) per input; the denominator D_j = prod_{m != j} (X_j - X_m) = 1 / w_j is built
    the same way from the nodes, so phi_j(X_k) is exactly delta_jk at every node (no 0/0, finite
    gradient). Works for any x (outside [-1, 1] it extrapolates the same polynomial) and is
    differentiable in x to any order (the first derivative analytically, see the module
    docstring). ``nodes`` is cast to x's dtype and device; n = 1 gives phi_0 = 1.
    """
    return _lagrange(x, nodes, stacked=True)


def lagrange_terms(x: Tensor, nodes: Tensor) -> tuple[Tensor, ...]:
    """(*S,), (n,) -> n tensors (*S,): phi_0(x), ..., phi_{n-1}(x) as in :func:`lagrange_basis`,
    one tensor per basis function, for callers that place them themselves."""
    return _lagrange(x, nodes, stacked=False)


def segment_coordinates(x: Tensor, segments: int, length: float = 2.0) -> tuple[Tensor, Tensor]:
    """Map x to (segment index, local coordinate) on [-1, 1] split into S equal segments.

    Exactly the high-order-layers-torch rule, evaluated in x's dtype (half = L / 2):

        s = clamp(trunc(((x + half) / L) * S), 0, S - 1)
        a = (s / S) * 2 - 1,   b = ((s + 1) / S) * 2 - 1
        xi = L * ((x - a) / (b - a)) - half

    Interior boundary points go to the upper segment, x = +1 to the last one, x outside [-1, 1]
    to the first / last segment (its polynomial extrapolated). Returns ``index`` (int64, same
    shape as x, no gradient) and ``xi`` (same shape and dtype as x, differentiable in x, with
    the same operations in the same order as the formula). Note
    that a, b ignore L while s uses it: only L = 2 is consistent (the value every example uses).
    """
    if not isinstance(segments, int) or isinstance(segments, bool) or segments < 1:
        raise ValueError(f"segments={segments!r} must be an integer >= 1")
    half = 0.5 * length
    with torch.no_grad():
        index = (x + half).div_(length).mul_(segments).long().clamp_(0, segments - 1)
        lower = index.to(x.dtype)
        width = (lower + 1).div_(segments).mul_(2).sub_(1)  # b
        width.sub_(lower.div_(segments).mul_(2).sub_(1))  # b - a
    # In place on the new x - a: dividing by a constant and scaling need no saved input.
    xi = (x - lower).div_(width).mul_(length).sub_(half)
    return index, xi
