"""Tests for paramlab.nodes against numpy / scipy references and the original's formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from numpy.polynomial import chebyshev as npcheb
from numpy.polynomial import legendre as npleg
from numpy.polynomial import polynomial as nppoly
from scipy.special import roots_jacobi

from paramlab.nodes import (
    barycentric_weights,
    chebyshev_lobatto,
    chebyshev_nodes,
    gauss_lobatto_legendre,
    lagrange_basis,
    lagrange_terms,
    segment_coordinates,
)

NODE_SETS = {
    "chebyshev": chebyshev_nodes,
    "lobatto": chebyshev_lobatto,
    "gll": gauss_lobatto_legendre,
}


# ----------------------------------------------------------------------------- nodes


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 12, 25])
def test_chebyshev_nodes_match_numpy(n):
    x = chebyshev_nodes(n)
    assert x.dtype == torch.float64 and x.shape == (n,)
    np.testing.assert_allclose(x.numpy(), npcheb.chebpts1(n), rtol=0, atol=1e-15)
    # they are the roots of T_n
    t_n = npcheb.Chebyshev.basis(n)(x.numpy())
    np.testing.assert_allclose(t_n, 0.0, atol=1e-12)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 8, 17])
def test_chebyshev_lobatto_match_numpy(n):
    x = chebyshev_lobatto(n)
    assert x.dtype == torch.float64
    np.testing.assert_allclose(x.numpy(), npcheb.chebpts2(n), rtol=0, atol=1e-15)
    assert x[0] == -1.0 and x[-1] == 1.0
    assert torch.all(x[1:] > x[:-1])


@pytest.mark.parametrize("n", [1, 2, 3, 5, 6, 9])
@pytest.mark.parametrize("length", [2.0, 1.0, 3.5])
def test_chebyshev_lobatto_equals_original_formula_float32(n, length):
    # transcription of the original: (length / 2.0) * (-cos(pi * arange(n) / (n - 1))), float32
    if n == 1:
        expected = (length / 2.0) * torch.tensor([0.0])
    else:
        expected = (length / 2.0) * -torch.cos(torch.pi * torch.arange(n) / (n - 1))
    got = chebyshev_lobatto(n, length=length, dtype=torch.float32)
    assert got.dtype == torch.float32
    assert torch.equal(got, expected)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 8, 13, 20])
def test_gauss_lobatto_legendre_match_scipy(n):
    x = gauss_lobatto_legendre(n)
    # interior nodes: roots of P'_{n-1}, i.e. of the Jacobi polynomial P^(1,1)_{n-2}
    interior = np.sort(roots_jacobi(n - 2, 1.0, 1.0)[0]) if n > 2 else np.zeros(0)
    expected = np.concatenate([[-1.0], interior, [1.0]])
    np.testing.assert_allclose(x.numpy(), expected, rtol=0, atol=1e-13)
    # and independently via numpy.polynomial.legendre
    dp = npleg.Legendre.basis(n - 1).deriv()
    np.testing.assert_allclose(dp(x[1:-1].numpy()), 0.0, atol=1e-9 * max(1, n**2))


def test_node_dtype_device_and_validation():
    for fn in NODE_SETS.values():
        x = fn(4, dtype=torch.float32, device="cpu")
        assert x.dtype == torch.float32 and x.device.type == "cpu"
    with pytest.raises(ValueError, match="n=0"):
        chebyshev_nodes(0)
    with pytest.raises(ValueError, match="n=1"):
        gauss_lobatto_legendre(1)


# ----------------------------------------------------------------------------- basis


@pytest.mark.parametrize("name", list(NODE_SETS))
@pytest.mark.parametrize("n", [2, 3, 5, 8])
def test_barycentric_weights_definition(name, n):
    nodes = NODE_SETS[name](n)
    w = barycentric_weights(nodes)
    x = nodes.numpy()
    expected = np.array([1.0 / np.prod(np.delete(x[j] - x, j)) for j in range(n)])
    np.testing.assert_allclose(w.numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize("name", list(NODE_SETS))
@pytest.mark.parametrize("n", [2, 3, 4, 6, 9])
def test_interpolation_exact_for_polynomials(name, n):
    gen = np.random.default_rng(n)
    nodes = NODE_SETS[name](n)
    x = torch.linspace(-1.6, 1.6, 97, dtype=torch.float64)  # inside and outside [-1, 1]
    phi = lagrange_basis(x, nodes)
    assert phi.shape == (97, n)
    for _ in range(3):
        coef = gen.standard_normal(n)  # degree n - 1
        values = torch.from_numpy(nppoly.polyval(nodes.numpy(), coef))
        interp = phi @ values
        np.testing.assert_allclose(interp.numpy(), nppoly.polyval(x.numpy(), coef), atol=1e-10)


PAIRS = [(name, n) for name in NODE_SETS for n in (1, 2, 5, 10) if (name, n) != ("gll", 1)]


@pytest.mark.parametrize(("name", "n"), PAIRS)
def test_partition_of_unity_and_batched_shape(name, n):
    x = 3.0 * torch.rand(4, 3, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    x = x - 1.5  # covers outside [-1, 1]
    phi = lagrange_basis(x, NODE_SETS[name](n))
    assert phi.shape == (4, 3, 5, n)
    torch.testing.assert_close(phi.sum(-1), torch.ones_like(x), atol=1e-10, rtol=0)


@pytest.mark.parametrize("name", list(NODE_SETS))
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_kronecker_delta_exact_at_nodes(name, dtype):
    nodes = NODE_SETS[name](7, dtype=dtype)
    phi = lagrange_basis(nodes.clone(), nodes)
    assert phi.dtype == dtype
    assert torch.equal(phi, torch.eye(7, dtype=dtype))


def test_basis_matches_direct_product_formula():
    nodes = chebyshev_lobatto(6)
    x = torch.linspace(-1.3, 1.3, 41, dtype=torch.float64)
    direct = torch.stack(
        [
            math.prod((x - nodes[m]) / (nodes[j] - nodes[m]) for m in range(6) if m != j)
            for j in range(6)
        ],
        dim=-1,
    )
    torch.testing.assert_close(lagrange_basis(x, nodes), direct, atol=1e-13, rtol=0)


def test_basis_follows_input_dtype():
    nodes = chebyshev_lobatto(4)  # float64
    phi = lagrange_basis(torch.tensor([0.3, -0.2], dtype=torch.float32), nodes)
    assert phi.dtype == torch.float32


@pytest.mark.parametrize("n", [2, 4, 5])
def test_gradcheck_at_and_between_nodes(n):
    nodes = chebyshev_lobatto(n)
    at_nodes = nodes.clone()
    between = 0.5 * (nodes[1:] + nodes[:-1])
    for pts in (at_nodes, between, torch.tensor([-1.4, 1.7], dtype=torch.float64)):
        x = pts.clone().requires_grad_(True)
        assert torch.autograd.gradcheck(lambda t: lagrange_basis(t, nodes), (x,))
    # derivative at the nodes equals the analytic derivative of the interpolated polynomial
    x = nodes.clone().requires_grad_(True)
    coef = np.arange(1.0, n + 1.0)
    values = torch.from_numpy(nppoly.polyval(nodes.numpy(), coef))
    (lagrange_basis(x, nodes) @ values).sum().backward()
    assert torch.isfinite(x.grad).all()
    np.testing.assert_allclose(
        x.grad.numpy(), nppoly.polyval(nodes.numpy(), nppoly.polyder(coef)), atol=1e-9
    )


def _product_formula(x: torch.Tensor, nodes: torch.Tensor) -> torch.Tensor:
    """Reference: phi_j(x) = prod_{m != j} (x - X_m) / (X_j - X_m), factor by factor."""
    n = nodes.numel()
    columns = [
        math.prod(
            ((x - nodes[m]) / (nodes[j] - nodes[m]) for m in range(n) if m != j),
            start=torch.ones_like(x),
        )
        for j in range(n)
    ]
    return torch.stack(columns, -1)


def _points(nodes: torch.Tensor) -> torch.Tensor:
    """The nodes, the midpoints between them and points inside and outside [-1, 1]."""
    between = 0.5 * (nodes[1:] + nodes[:-1])
    spread = torch.linspace(-1.7, 1.6, 23, dtype=nodes.dtype)
    return torch.cat([nodes, between, spread])


def _first_and_second_derivatives(basis, x, upstream, direction):
    """(d/dx <basis(x), upstream>, d/dx <that, direction>), both through the autograd graph."""
    x = x.detach().clone().requires_grad_(True)
    values = basis(x)
    if not values.requires_grad:  # the reference's n = 1: a constant
        return torch.zeros_like(x), torch.zeros_like(x)
    (first,) = torch.autograd.grad(values, x, upstream, create_graph=True)
    if not first.requires_grad:  # ours for n <= 2: a constant first derivative
        return first, torch.zeros_like(x)
    (second,) = torch.autograd.grad(first, x, direction)
    return first, second


@pytest.mark.parametrize(("name", "n"), [*PAIRS, ("lobatto", 3), ("gll", 4), ("chebyshev", 7)])
def test_basis_and_two_derivatives_equal_the_product_formula(name, n):
    """Values, the analytic first derivative and its derivative (create_graph) against the plain
    product formula through autograd, at the nodes, between them and outside [-1, 1]."""
    nodes = NODE_SETS[name](n)
    x = _points(nodes)
    gen = torch.Generator().manual_seed(n)
    upstream = torch.randn(x.numel(), n, dtype=torch.float64, generator=gen)
    direction = torch.randn(x.numel(), dtype=torch.float64, generator=gen)
    expected = _product_formula(x, nodes)
    torch.testing.assert_close(lagrange_basis(x, nodes), expected, atol=1e-12, rtol=1e-12)
    got = _first_and_second_derivatives(lambda t: lagrange_basis(t, nodes), x, upstream, direction)
    want = _first_and_second_derivatives(
        lambda t: _product_formula(t, nodes), x, upstream, direction
    )
    for g, w in zip(got, want, strict=True):
        torch.testing.assert_close(g, w, atol=1e-10, rtol=1e-10)


@pytest.mark.parametrize("n", [2, 3, 5, 6])
def test_terms_are_the_basis_columns_and_carry_their_own_gradients(n):
    nodes = chebyshev_lobatto(n)
    x = _points(nodes).requires_grad_(True)
    terms = lagrange_terms(x, nodes)
    assert isinstance(terms, tuple) and len(terms) == n
    assert torch.equal(torch.stack(terms, -1), lagrange_basis(x, nodes))
    # a gradient through a subset of the terms (the others receive none)
    used = list(range(0, n, 2))
    (grad,) = torch.autograd.grad(sum(terms[j].sin().sum() for j in used), x)
    xr = x.detach().clone().requires_grad_(True)
    reference = _product_formula(xr, nodes)
    (expected,) = torch.autograd.grad(sum(reference[:, j].sin().sum() for j in used), xr)
    torch.testing.assert_close(grad, expected, atol=1e-10, rtol=1e-10)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 6])
def test_gradcheck_and_gradgradcheck_of_the_analytic_backward(n):
    nodes = chebyshev_lobatto(n)
    x = _points(nodes)[:: max(1, n // 2)].clone().requires_grad_(True)
    for fn in (
        lambda t: lagrange_basis(t, nodes),
        lambda t: torch.stack(lagrange_terms(t, nodes), 0),
    ):
        assert torch.autograd.gradcheck(fn, (x,))
        assert torch.autograd.gradgradcheck(fn, (x,))


@pytest.mark.parametrize("name", list(NODE_SETS))
def test_derivative_at_the_nodes_is_the_differentiation_matrix(name):
    """phi_j'(X_k) = (w_j / w_k) / (X_k - X_j) for j != k and sum_{m != k} 1 / (X_k - X_m) for
    j = k (barycentric differentiation matrix), with phi_j(X_k) exactly delta_jk."""
    nodes = NODE_SETS[name](6)
    weights = barycentric_weights(nodes)
    expected = torch.empty(6, 6, dtype=torch.float64)
    for k in range(6):
        for j in range(6):
            if j != k:
                expected[k, j] = (weights[j] / weights[k]) / (nodes[k] - nodes[j])
        expected[k, k] = sum(1.0 / (nodes[k] - nodes[m]) for m in range(6) if m != k)
    x = nodes.clone().requires_grad_(True)
    terms = lagrange_terms(x, nodes)
    assert torch.equal(torch.stack(terms, -1).detach(), torch.eye(6, dtype=torch.float64))
    rows = [torch.autograd.grad(term.sum(), x, retain_graph=True)[0] for term in terms]
    torch.testing.assert_close(torch.stack(rows, -1), expected, atol=1e-11, rtol=1e-11)


@pytest.mark.parametrize("n", [3, 5, 8])
def test_float32_within_rounding_of_the_product_formula(n):
    """float32 values and gradients within float32 rounding of the exact (float64) formula."""
    nodes = chebyshev_lobatto(n)
    x64 = _points(nodes)
    upstream = torch.randn(x64.numel(), n, dtype=torch.float64)
    x32 = x64.float().requires_grad_(True)
    values = lagrange_basis(x32, nodes)
    (grad,) = torch.autograd.grad(values, x32, upstream.float())
    x64 = x32.detach().double().requires_grad_(True)
    expected = _product_formula(x64, nodes)
    (expected_grad,) = torch.autograd.grad(expected, x64, upstream)
    scale, grad_scale = expected.abs().max(), expected_grad.abs().max()
    assert (values.double() - expected).abs().max() <= 1e-6 * scale
    assert (grad.double() - expected_grad).abs().max() <= 2e-6 * grad_scale


def test_nodes_requiring_grad_are_refused():
    nodes = chebyshev_lobatto(3).requires_grad_(True)
    with pytest.raises(ValueError, match="nodes must not require grad"):
        lagrange_basis(torch.zeros(2, dtype=torch.float64), nodes)


# ----------------------------------------------------------------------------- segments


def _spec_segment(x, segments: int, length: float = 2.0):
    """Scalar transcription of high_order spec 3.5 in x's numpy scalar type (float32/64)."""
    f = type(x)
    half, length_f = f(length / 2), f(length)
    s = int(((x + half) / length_f) * f(segments))  # int() truncates like .long()
    s = min(max(s, 0), segments - 1)
    a = f(2) * f(s) / f(segments) - f(1)
    b = f(2) * f(s + 1) / f(segments) - f(1)
    return s, float(length_f * (x - a) / (b - a) - half)


@pytest.mark.parametrize("segments", [1, 2, 3, 5])
def test_segment_coordinates_boundaries_and_outside(segments):
    bounds = torch.linspace(-1, 1, segments + 1, dtype=torch.float64)
    index, xi = segment_coordinates(bounds, segments)
    assert index.dtype == torch.int64
    # interior boundaries go to the upper segment (local -1); +1 goes to the last (local +1)
    expected_index = torch.arange(segments + 1).clamp(max=segments - 1)
    assert torch.equal(index, expected_index)
    expected_xi = torch.full_like(bounds, -1.0)
    expected_xi[-1] = 1.0
    torch.testing.assert_close(xi, expected_xi, atol=1e-12, rtol=0)
    # outside values use the first / last segment, extrapolated linearly with slope S
    index, xi = segment_coordinates(torch.tensor([-1.5, 1.25], dtype=torch.float64), segments)
    assert index.tolist() == [0, segments - 1]
    torch.testing.assert_close(
        xi, torch.tensor([-1 - 0.5 * segments, 1 + 0.25 * segments], dtype=torch.float64)
    )


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("segments", [1, 2, 3, 4, 7])
def test_segment_coordinates_equal_spec_transcription(dtype, segments):
    gen = torch.Generator().manual_seed(segments)
    x = (2.6 * torch.rand(200, generator=gen) - 1.3).to(dtype)
    x = torch.cat([x, torch.linspace(-1, 1, 2 * segments + 1, dtype=dtype)])
    index, xi = segment_coordinates(x.view(-1, 1), segments)
    assert index.shape == xi.shape == (x.numel(), 1) and xi.dtype == dtype
    ref = [_spec_segment(v, segments) for v in x.numpy()]
    assert index.view(-1).tolist() == [s for s, _ in ref]
    tol = 1e-5 if dtype == torch.float32 else 1e-12
    np.testing.assert_allclose(xi.view(-1).double().numpy(), [r for _, r in ref], atol=tol)


def test_segment_coordinates_bitwise_float32_order():
    # same op order as the original, in float32: index from ((x + 1) / 2) * S, bounds (s/S)*2-1
    x = torch.linspace(-1.2, 1.2, 1001, dtype=torch.float32)
    segments = 3
    s = (((x + 1.0) / 2.0) * segments).long().clamp(0, segments - 1)
    a = (s / float(segments)) * 2 - 1
    b = ((s + 1) / float(segments)) * 2 - 1
    expected = 2.0 * ((x - a) / (b - a)) - 1.0
    index, xi = segment_coordinates(x, segments)
    assert torch.equal(index, s) and torch.equal(xi, expected)


def test_segment_coordinates_gradient():
    x = torch.tensor([-1.3, -0.2, 0.0, 0.4, 1.0, 1.2], dtype=torch.float64, requires_grad=True)
    index, xi = segment_coordinates(x, 4)
    assert not index.requires_grad
    xi.sum().backward()
    torch.testing.assert_close(x.grad, torch.full_like(x, 4.0))
    x2 = x.detach().clone().requires_grad_(True)
    assert torch.autograd.gradcheck(lambda t: segment_coordinates(t, 3)[1], (x2,))
    with pytest.raises(ValueError, match="segments=0"):
        segment_coordinates(x, 0)


def test_segment_coordinates_second_derivative_is_zero():
    """xi is affine in x on each segment: gradgradcheck, boundaries and outside points included."""
    x = torch.tensor([-1.3, -1.0, -0.5, 0.0, 0.2, 1.0, 1.4], dtype=torch.float64)
    assert torch.autograd.gradgradcheck(
        lambda t: segment_coordinates(t, 3)[1], (x.requires_grad_(True),)
    )
