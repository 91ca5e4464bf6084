"""Complex and quaternion arithmetic through real tensor ops.

Complex layers (Trabelsi et al., "Deep Complex Networks", ICLR 2018) apply a complex weight
``W = A + iB`` to a complex input ``h = x + iy`` with a real bilinear operator ``*`` (linear,
conv, transposed conv):

    W * h = (A*x − B*y) + i (B*x + A*y)                                         (no conjugation)

computed here three ways: four real products (:func:`complex_bilinear`, ``method="four"``),
three (``method="gauss"``, Gauss/Karatsuba), or one real op with the block weight
``[[A, −B], [B, A]]`` on the split layout (:func:`complex_block_weight`).

Layouts. The *split* layout stores a complex feature map as a real tensor whose channel axis
holds all real parts, then all imaginary parts: ``[Re c_1..c_C | Im c_1..c_C]``
(:func:`complex_to_split`, :func:`split_to_complex`). A grouped block convolution needs each
group's real and imaginary channels next to each other instead, the *grouped* layout
``[Re g_0 | Im g_0 | Re g_1 | Im g_1 | ...]`` (each part C/groups channels); with groups=1 the
two layouts coincide. :func:`split_to_grouped` and :func:`grouped_to_split` convert.

Also: the real 4x4 block (Hamilton product) matrix of a quaternion weight
(:func:`hamilton_matrix`, Parcollet et al.) and the closed-form inverse square root of 2x2
covariance matrices used by complex batch normalisation (:func:`inv_sqrt_2x2`).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

__all__ = [
    "COMPLEX_METHODS",
    "complex_bilinear",
    "complex_block_weight",
    "complex_to_split",
    "split_to_complex",
    "split_to_grouped",
    "grouped_to_split",
    "hamilton_matrix",
    "inv_sqrt_2x2",
]

COMPLEX_METHODS = ("four", "gauss")


def complex_bilinear(
    op: Callable[[Tensor, Tensor], Tensor],
    x_re: Tensor,
    x_im: Tensor,
    w_re: Tensor,
    w_im: Tensor,
    method: str = "four",
) -> tuple[Tensor, Tensor]:
    """Complex ``W * h`` for a real bilinear ``op(x, w)``; returns ``(Re, Im)``.

    ``op`` is any bias-free real op that is linear in each argument: ``F.linear``,
    ``F.conv1d/2d/3d``, ``F.conv_transpose1d/2d/3d`` or a ``functools.partial`` of them with
    stride / padding / dilation / groups. Shapes are whatever ``op`` takes; x_re and x_im share
    one shape, w_re and w_im another. With ``h = x_re + i·x_im`` and ``W = w_re + i·w_im``:

    * ``"four"``:  Re = op(x_re, w_re) − op(x_im, w_im),  Im = op(x_re, w_im) + op(x_im, w_re)
    * ``"gauss"``: k1 = op(x_re + x_im, w_re), k2 = op(x_re, w_im − w_re),
      k3 = op(x_im, w_re + w_im);  Re = k1 − k3,  Im = k1 + k2  (3 products, a little more
      rounding error).

    No bias: add a complex bias once, after combining (adding it inside ``op`` would count it
    twice in ``"four"`` and wrongly in ``"gauss"``).
    """
    if method == "four":
        y_re = op(x_re, w_re) - op(x_im, w_im)
        y_im = op(x_re, w_im) + op(x_im, w_re)
        return y_re, y_im
    if method == "gauss":
        k1 = op(x_re + x_im, w_re)
        k2 = op(x_re, w_im - w_re)
        k3 = op(x_im, w_re + w_im)
        return k1 - k3, k1 + k2
    raise ValueError(f"method={method!r} must be one of {', '.join(map(repr, COMPLEX_METHODS))}")


def complex_block_weight(
    w_re: Tensor, w_im: Tensor, transposed: bool = False, groups: int = 1
) -> Tensor:
    """Real weight ``[[A, −B], [B, A]]`` so that one real op on real-then-imaginary input gives
    real-then-imaginary output.

    Normal layout (linear / conv): w (O, I/groups, *k) -> (2·O, 2·I/groups, *k). For each group
    g the block is ``[[A_g, −B_g], [B_g, A_g]]`` with A_g = w_re[g·O/G:(g+1)·O/G]. Then
    ``conv(x, W_block, groups=G)`` on input in the grouped layout (see module docstring; equal
    to the split layout ``cat([x_re, x_im], dim=1)`` when groups=1) returns the output in the
    grouped layout. For ``F.linear`` (groups=1) concatenate the features on the last axis.

    Transposed layout (``transposed=True``, conv_transpose weights): w (I, O/groups, *k) ->
    (2·I, 2·O/groups, *k) with per-group block ``[[A_g, B_g], [−B_g, A_g]]`` (rows = input
    Re/Im channels, columns = output Re/Im channels); ``conv_transpose(x, W_block, groups=G)``
    maps the grouped input layout to the grouped output layout.
    """
    if w_re.shape != w_im.shape:
        raise ValueError(
            f"w_re and w_im must have the same shape, got {tuple(w_re.shape)} "
            f"and {tuple(w_im.shape)}"
        )
    if w_re.dim() < 2:
        raise ValueError(f"weights must have at least 2 dims, got {tuple(w_re.shape)}")
    if groups < 1 or w_re.shape[0] % groups != 0:
        raise ValueError(
            f"w_re.shape[0]={w_re.shape[0]} must be divisible by groups={groups} (groups >= 1)"
        )
    rows, cols, kernel = w_re.shape[0], w_re.shape[1], w_re.shape[2:]
    a = w_re.reshape(groups, rows // groups, cols, *kernel)
    b = w_im.reshape(groups, rows // groups, cols, *kernel)
    if transposed:
        first, second = torch.cat([a, b], dim=2), torch.cat([-b, a], dim=2)
    else:
        first, second = torch.cat([a, -b], dim=2), torch.cat([b, a], dim=2)
    return torch.cat([first, second], dim=1).reshape(2 * rows, 2 * cols, *kernel)


def complex_to_split(z: Tensor, dim: int = 1) -> Tensor:
    """Complex (..., C, ...) -> real (..., 2C, ...): ``cat([Re z, Im z], dim)`` (split layout)."""
    if not z.is_complex():
        raise ValueError(f"z must be a complex tensor, got dtype {z.dtype}")
    return torch.cat([z.real, z.imag], dim=dim)


def split_to_complex(x: Tensor, dim: int = 1) -> Tensor:
    """Real (..., 2C, ...) in split layout -> complex (..., C, ...): first half + i·second half."""
    if x.shape[dim] % 2 != 0:
        raise ValueError(f"x.shape[{dim}]={x.shape[dim]} must be even (real then imaginary half)")
    x_re, x_im = x.chunk(2, dim=dim)
    return torch.complex(x_re, x_im)


def _regroup(x: Tensor, groups: int, dim: int, to_grouped: bool) -> Tensor:
    dim = dim % x.dim()
    size = x.shape[dim]
    if groups < 1 or size % (2 * groups) != 0:
        raise ValueError(
            f"x.shape[{dim}]={size} must be divisible by 2*groups={2 * groups} (groups >= 1)"
        )
    inner = (2, groups) if to_grouped else (groups, 2)
    parts = x.reshape(*x.shape[:dim], *inner, size // (2 * groups), *x.shape[dim + 1 :])
    return parts.transpose(dim, dim + 1).reshape(x.shape)


def split_to_grouped(x: Tensor, groups: int, dim: int = 1) -> Tensor:
    """Split layout [Re | Im] -> grouped layout [Re g_0 | Im g_0 | Re g_1 | ...]; same shape."""
    return _regroup(x, groups, dim, to_grouped=True)


def grouped_to_split(x: Tensor, groups: int, dim: int = 1) -> Tensor:
    """Grouped layout [Re g_0 | Im g_0 | Re g_1 | ...] -> split layout [Re | Im]; same shape."""
    return _regroup(x, groups, dim, to_grouped=False)


# Hamilton product table: entry [a][b] = (sign, component) of the block mapping input
# component b to output component a, components ordered (r, i, j, k).
_HAMILTON = (
    ((1, 0), (-1, 1), (-1, 2), (-1, 3)),
    ((1, 1), (1, 0), (-1, 3), (1, 2)),
    ((1, 2), (1, 3), (1, 0), (-1, 1)),
    ((1, 3), (-1, 2), (1, 1), (1, 0)),
)


def hamilton_matrix(r: Tensor, i: Tensor, j: Tensor, k: Tensor, transposed: bool = False) -> Tensor:
    """Real weight of a quaternion weight q = (r, i, j, k) for the Hamilton product q ⊗ x.

    Components (O', I', *rest) -> (4·O', 4·I', *rest), block [a, b] (row = output component,
    column = input component, order r, i, j, k)::

        r: [r, −i, −j, −k]    i: [i, r, −k, j]    j: [j, k, r, −i]    k: [k, −j, i, r]

    so ``F.linear`` / ``F.conv*d`` with it computes q ⊗ x on inputs laid out [x_r|x_i|x_j|x_k].
    ``transposed=True``: components are input-major (I', O', *rest) and the result is the
    (4·I', 4·O', *rest) matrix M with block [b, a] = table[a][b], so ``x @ M`` is q ⊗ x.
    """
    parts = (r, i, j, k)
    shape = r.shape
    if any(p.shape != shape for p in parts):
        raise ValueError(
            "r, i, j, k must have the same shape, got "
            + ", ".join(str(tuple(p.shape)) for p in parts)
        )
    if r.dim() < 2:
        raise ValueError(f"quaternion components must have at least 2 dims, got {tuple(shape)}")

    def block(a: int, b: int) -> Tensor:
        sign, comp = _HAMILTON[a][b] if not transposed else _HAMILTON[b][a]
        return parts[comp] if sign > 0 else -parts[comp]

    rows = [torch.cat([block(a, b) for b in range(4)], dim=1) for a in range(4)]
    return torch.cat(rows, dim=0)


def inv_sqrt_2x2(v_rr: Tensor, v_ri: Tensor, v_ii: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Inverse square root of batched SPD 2x2 matrices V = [[v_rr, v_ri], [v_ri, v_ii]].

    Inputs broadcast to one shape; returns ``(w_rr, w_ri, w_ii)`` of W = V^{-1/2} (symmetric):
    ``s = sqrt(det V)``, ``t = sqrt(v_rr + v_ii + 2s)``,
    ``W = [[v_ii + s, −v_ri], [−v_ri, v_rr + s]] / (s·t)`` — from sqrt(V) = (V + s·I) / t
    (Trabelsi et al. 2018, complex batch normalisation).
    """
    s = torch.sqrt(v_rr * v_ii - v_ri * v_ri)
    t = torch.sqrt(v_rr + v_ii + 2 * s)
    inv_st = 1.0 / (s * t)
    return (v_ii + s) * inv_st, -v_ri * inv_st, (v_rr + s) * inv_st
