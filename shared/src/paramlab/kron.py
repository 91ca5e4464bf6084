"""Parameterized-hypercomplex weights: W = sum_i A_i ⊗ F_i.

PHM / PHC layers (Grassucci et al., ICLR 2022; Zhang et al., ICLR 2021) learn the algebra
``A`` (n, n, n) and the filters ``F`` (n, O', I', *k) and use the weight

    W = Σ_{i=0}^{n-1} A_i ⊗ F_i,   W[r·O' + p, c·I' + q, ...] = Σ_i A[i, r, c] · F[i, p, q, ...]

of shape (n·O', n·I', *k): a block Kronecker product over the two channel axes with the
spatial axes ``k`` carried along (k = () for linear, (k,), (k, k), (k, k, k) for conv 1d/2d/3d).

Two builders give this weight:

* :func:`kron_sum` — one einsum and a reshape. Use it by default: it never materialises the
  (n, n·O', n·I', *k) product the original code builds, so its memory is O(|W|), not O(n·|W|).
  It differs from the original by float rounding only (≈1e-8 absolute in float32), because
  the contraction over ``i`` is summed in a different order.
* :func:`kron_sum_sequential` — the same weight accumulated as ``((P_0 + P_1) + P_2) + ...``
  with ``P_i = A_i ⊗ F_i``. This is the order in which the original's
  ``torch.sum(broadcast_product, dim=0)`` adds on CPU for n ≤ 16, so it reproduces the
  original weights bit for bit there (use it for checkpoint-exact reproduction tests). It
  still holds only two weight-sized tensors at a time, but runs n separate products.
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["kron_sum", "kron_sum_sequential"]

_SPATIAL = "xyz"


def _check_shapes(A: Tensor, F: Tensor) -> int:
    """Validate A (n, n, n) and F (n, O', I', *k) with at most three spatial axes; return n."""
    if A.dim() != 3 or not (A.shape[0] == A.shape[1] == A.shape[2]):
        raise ValueError(f"A must have shape (n, n, n), got {tuple(A.shape)}")
    if F.dim() < 3:
        raise ValueError(
            f"F must have at least 3 dims (n, out/n, in/n, *kernel), got {tuple(F.shape)}"
        )
    if F.dim() > 3 + len(_SPATIAL):
        raise ValueError(
            f"F may have at most {len(_SPATIAL)} kernel dims (conv3d), got {tuple(F.shape)}"
        )
    n = A.shape[0]
    if F.shape[0] != n:
        raise ValueError(f"F.shape[0]={F.shape[0]} must equal n={n} (A has shape {tuple(A.shape)})")
    return n


def kron_sum(A: Tensor, F: Tensor) -> Tensor:
    """(n, n, n), (n, O', I', *k) -> (n·O', n·I', *k); W = Σ_i A_i ⊗ F_i (PHM/PHC weight).

    ``W[r·O' + p, c·I' + q, ...] = Σ_i A[i, r, c] · F[i, p, q, ...]``, built with one einsum
    over ``i`` and a reshape, so no n-times-larger intermediate is allocated. Differentiable in
    both arguments; device and dtype follow the inputs.
    """
    n = _check_shapes(A, F)
    spatial = _SPATIAL[: F.dim() - 3]
    blocks = torch.einsum(f"irc,ipq{spatial}->rpcq{spatial}", A, F)
    return blocks.reshape(n * F.shape[1], n * F.shape[2], *F.shape[3:])


def kron_sum_sequential(A: Tensor, F: Tensor) -> Tensor:
    """(n, n, n), (n, O', I', *k) -> (n·O', n·I', *k); W = ((A_0⊗F_0 + A_1⊗F_1) + ...) in order.

    Same weight as :func:`kron_sum`, summed left to right over ``i = 0 .. n-1`` so that it
    matches the original's ``torch.sum`` over the broadcast (n, n·O', n·I', *k) product bit for
    bit (CPU, n ≤ 16). Each term is one elementwise product ``A[i, r, c] · F[i, p, q, ...]``.
    """
    n = _check_shapes(A, F)
    out_sub, in_sub, kernel = F.shape[1], F.shape[2], F.shape[3:]
    ones = (1,) * len(kernel)
    weight = None
    for i in range(n):
        term = A[i].reshape(n, 1, n, 1, *ones) * F[i].reshape(1, out_sub, 1, in_sub, *kernel)
        weight = term if weight is None else weight + term
    return weight.reshape(n * out_sub, n * in_sub, *kernel)
