"""paramlab.kron against an explicit torch.kron loop and the original broadcast-then-sum formula."""

from __future__ import annotations

from dataclasses import astuple

import pytest
import torch

from paramlab.bench.memory import allocation_profile
from paramlab.kron import kron_sum, kron_sum_sequential

KERNELS = [(), (3,), (3, 2), (2, 3, 2)]  # linear, conv1d, conv2d, conv3d
NS = [1, 2, 3, 4, 8]


def kron_loop_reference(A: torch.Tensor, F: torch.Tensor) -> torch.Tensor:
    """Σ_i torch.kron(A_i, F_i) over the channel axes, spatial axes carried along."""
    n, kernel = A.shape[0], F.shape[3:]
    ones = (1,) * len(kernel)
    return sum(torch.kron(A[i].reshape(n, n, *ones), F[i]) for i in range(n))


def broadcast_then_sum_reference(A: torch.Tensor, F: torch.Tensor) -> torch.Tensor:
    """The original construction: an (n, n·O', n·I', *k) product, then a sum over dim 0."""
    n, out_sub, in_sub, kernel = A.shape[0], F.shape[1], F.shape[2], F.shape[3:]
    ones = (1,) * len(kernel)
    product = A.view(n, n, 1, n, 1, *ones) * F.view(n, 1, out_sub, 1, in_sub, *kernel)
    return torch.sum(product.reshape(n, n * out_sub, n * in_sub, *kernel), dim=0)


def _random(n, kernel, dtype, out_sub=3, in_sub=2, seed=0):
    gen = torch.Generator().manual_seed(seed)
    A = torch.randn(n, n, n, generator=gen, dtype=dtype)
    F = torch.randn(n, out_sub, in_sub, *kernel, generator=gen, dtype=dtype)
    return A, F


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("kernel", KERNELS, ids=["linear", "conv1d", "conv2d", "conv3d"])
@pytest.mark.parametrize("n", NS)
def test_kron_sum_matches_kron_loop(n, kernel, dtype):
    A, F = _random(n, kernel, dtype)
    expected = kron_loop_reference(A, F)
    for build in (kron_sum, kron_sum_sequential):
        weight = build(A, F)
        assert weight.shape == (n * 3, n * 2, *kernel)
        assert weight.dtype == dtype
        tol = 1e-5 if dtype == torch.float32 else 1e-12
        torch.testing.assert_close(weight, expected, rtol=tol, atol=tol)


def test_index_rule_explicit():
    """W[r·O'+p, c·I'+q, s] = Σ_i A[i,r,c]·F[i,p,q,s] for every index (conv1d case)."""
    n, out_sub, in_sub, k = 3, 2, 4, 2
    A, F = _random(n, (k,), torch.float64, out_sub, in_sub, seed=3)
    weight = kron_sum(A, F)
    for r in range(n):
        for c in range(n):
            block = weight[r * out_sub : (r + 1) * out_sub, c * in_sub : (c + 1) * in_sub]
            expected = sum(A[i, r, c] * F[i] for i in range(n))
            torch.testing.assert_close(block, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kernel", KERNELS, ids=["linear", "conv1d", "conv2d", "conv3d"])
@pytest.mark.parametrize("n", [1, 2, 3, 4, 8, 16])
def test_sequential_is_bit_exact_with_original(n, kernel):
    A, F = _random(n, kernel, torch.float32, out_sub=5, in_sub=7, seed=n)
    assert torch.equal(kron_sum_sequential(A, F), broadcast_then_sum_reference(A, F))


def test_einsum_differs_from_original_by_rounding_only():
    A, F = _random(8, (3, 3), torch.float32, out_sub=8, in_sub=8, seed=1)
    original = broadcast_then_sum_reference(A, F)
    torch.testing.assert_close(kron_sum(A, F), original, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kernel", [(), (2,), (2, 2)], ids=["linear", "conv1d", "conv2d"])
def test_gradcheck(kernel):
    A, F = _random(3, kernel, torch.float64, out_sub=2, in_sub=2, seed=7)
    A.requires_grad_(True)
    F.requires_grad_(True)
    assert torch.autograd.gradcheck(kron_sum, (A, F))
    assert torch.autograd.gradcheck(kron_sum_sequential, (A, F))


def test_follows_input_dtype_and_keeps_graph():
    A, F = _random(2, (3, 3), torch.float64)
    A.requires_grad_(True)
    weight = kron_sum(A, F)
    assert weight.dtype == torch.float64 and weight.requires_grad


@pytest.mark.parametrize("build", [kron_sum, kron_sum_sequential])
@pytest.mark.parametrize(
    ("a_shape", "f_shape", "message"),
    [
        ((2, 2), (2, 1, 1), r"A must have shape \(n, n, n\), got \(2, 2\)"),
        ((2, 3, 2), (2, 1, 1), r"A must have shape \(n, n, n\), got \(2, 3, 2\)"),
        ((2, 2, 2), (3, 1, 1), r"F.shape\[0\]=3 must equal n=2"),
        ((2, 2, 2), (2, 4), r"F must have at least 3 dims .* got \(2, 4\)"),
        ((2, 2, 2), (2, 1, 1, 1, 1, 1, 1), r"at most 3 kernel dims"),
    ],
)
def test_shape_validation(build, a_shape, f_shape, message):
    with pytest.raises(ValueError, match=message):
        build(torch.zeros(a_shape), torch.zeros(f_shape))


def test_no_n_times_larger_intermediate():
    n = 8
    A, F = _random(n, (3, 3), torch.float32, out_sub=16, in_sub=16)
    weight_bytes = kron_sum(A, F).numel() * 4

    peak, largest = astuple(allocation_profile(kron_sum, A, F))
    assert largest <= weight_bytes
    assert 0 < peak < 3 * weight_bytes

    # the same measurement sees the original's n-times-larger product, so it can fail
    peak_orig, largest_orig = astuple(allocation_profile(broadcast_then_sum_reference, A, F))
    assert largest_orig >= n * weight_bytes
    assert peak_orig >= n * weight_bytes

    peak_seq, largest_seq = astuple(allocation_profile(kron_sum_sequential, A, F))
    assert largest_seq <= weight_bytes
    assert peak_seq <= 3 * weight_bytes
