"""paramlab.complex against torch's native complex ops, the Hamilton product and eigh."""

from __future__ import annotations

from functools import partial

import pytest
import torch
import torch.nn.functional as F

from paramlab.complex import (
    complex_bilinear,
    complex_block_weight,
    complex_to_split,
    grouped_to_split,
    hamilton_matrix,
    inv_sqrt_2x2,
    split_to_complex,
    split_to_grouped,
)

COMPLEX_TO_REAL = {torch.complex64: torch.float32, torch.complex128: torch.float64}
TOL = {torch.complex64: 1e-4, torch.complex128: 1e-10}

# (name, op, x shape, w shape, groups, transposed)
CASES = [
    ("linear", F.linear, (3, 2, 6), (5, 6), 1, False),
    ("conv1d", partial(F.conv1d, stride=2, padding=1), (2, 4, 9), (6, 4, 3), 1, False),
    ("conv1d_g2", partial(F.conv1d, padding=1, groups=2), (2, 4, 7), (6, 2, 3), 2, False),
    ("conv2d", partial(F.conv2d, padding=1, dilation=2), (2, 3, 7, 6), (4, 3, 3, 3), 1, False),
    ("conv2d_g3", partial(F.conv2d, stride=2, groups=3), (2, 6, 7, 7), (9, 2, 3, 2), 3, False),
    ("conv3d", partial(F.conv3d, padding=(1, 0, 1)), (1, 2, 4, 5, 4), (3, 2, 2, 3, 2), 1, False),
    (
        "conv_transpose2d",
        partial(F.conv_transpose2d, stride=2, padding=1, output_padding=1),
        (2, 4, 5, 4),
        (4, 3, 3, 3),
        1,
        True,
    ),
    (
        "conv_transpose2d_g2",
        partial(F.conv_transpose2d, stride=2, groups=2),
        (2, 4, 4, 5),
        (4, 3, 2, 3),
        2,
        True,
    ),
    ("conv_transpose1d", partial(F.conv_transpose1d, stride=3), (2, 3, 5), (3, 2, 4), 1, True),
]
CASE_IDS = [case[0] for case in CASES]


def _complex_pair(x_shape, w_shape, dtype, seed=0):
    gen = torch.Generator().manual_seed(seed)
    z = torch.randn(x_shape, dtype=dtype, generator=gen)
    w = torch.randn(w_shape, dtype=dtype, generator=gen)
    return z, w


def _assert_close(actual, expected, dtype):
    scale = expected.abs().max().item()
    tol = TOL[dtype] * max(scale, 1.0)
    torch.testing.assert_close(actual, expected, rtol=0, atol=tol)


@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
@pytest.mark.parametrize("method", ["four", "gauss"])
@pytest.mark.parametrize(
    ("name", "op", "x_shape", "w_shape", "groups", "transposed"), CASES, ids=CASE_IDS
)
def test_complex_bilinear_matches_native(
    name, op, x_shape, w_shape, groups, transposed, method, dtype
):
    z, w = _complex_pair(x_shape, w_shape, dtype)
    expected = op(z, w)
    y_re, y_im = complex_bilinear(op, z.real, z.imag, w.real, w.imag, method=method)
    assert y_re.dtype == COMPLEX_TO_REAL[dtype]
    _assert_close(torch.complex(y_re, y_im), expected, dtype)


def _block_apply(op, z, w, groups, transposed, linear):
    """Apply op once with the block weight; complex in, complex out."""
    weight = complex_block_weight(w.real, w.imag, transposed=transposed, groups=groups)
    if linear:
        return split_to_complex(op(complex_to_split(z, dim=-1), weight), dim=-1)
    x = split_to_grouped(complex_to_split(z, dim=1), groups)
    return split_to_complex(grouped_to_split(op(x, weight), groups), dim=1)


@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
@pytest.mark.parametrize(
    ("name", "op", "x_shape", "w_shape", "groups", "transposed"), CASES, ids=CASE_IDS
)
def test_block_weight_matches_native(name, op, x_shape, w_shape, groups, transposed, dtype):
    z, w = _complex_pair(x_shape, w_shape, dtype, seed=1)
    result = _block_apply(op, z, w, groups, transposed, linear=name == "linear")
    _assert_close(result, op(z, w), dtype)


def test_block_weight_layout_groups_1():
    a, b = torch.randn(4, 3, 2), torch.randn(4, 3, 2)
    weight = complex_block_weight(a, b)
    assert weight.shape == (8, 6, 2)
    torch.testing.assert_close(weight, torch.cat([torch.cat([a, -b], 1), torch.cat([b, a], 1)], 0))
    weight_t = complex_block_weight(a, b, transposed=True)
    torch.testing.assert_close(
        weight_t, torch.cat([torch.cat([a, b], 1), torch.cat([-b, a], 1)], 0)
    )


def test_grouped_layout_roundtrip_and_order():
    x = torch.arange(12.0).reshape(1, 12, 1)  # split layout: Re channels 0..5, Im channels 6..11
    grouped = split_to_grouped(x, groups=3)
    assert grouped.flatten().tolist() == [0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11]
    assert torch.equal(grouped_to_split(grouped, groups=3), x)
    assert torch.equal(split_to_grouped(x, groups=1), x)
    assert torch.equal(grouped_to_split(split_to_grouped(x.mT, 2, dim=-1), 2, dim=-1), x.mT)


def test_split_complex_roundtrip():
    z = torch.randn(2, 3, 4, dtype=torch.complex128)
    x = complex_to_split(z)
    assert x.shape == (2, 6, 4) and x.dtype == torch.float64
    assert torch.equal(x[:, :3], z.real) and torch.equal(x[:, 3:], z.imag)
    assert torch.equal(split_to_complex(x), z)
    assert torch.equal(split_to_complex(complex_to_split(z, dim=-1), dim=-1), z)


@pytest.mark.parametrize("method", ["four", "gauss", "block"])
@pytest.mark.parametrize("case", [CASES[2], CASES[7]], ids=["conv1d_g2", "conv_transpose2d_g2"])
def test_gradcheck(case, method):
    _, op, x_shape, w_shape, groups, transposed = case
    gen = torch.Generator().manual_seed(5)
    small_x = (1, *x_shape[1:2], *(3 for _ in x_shape[2:]))
    tensors = [torch.randn(s, dtype=torch.float64, generator=gen) for s in (small_x, small_x)]
    tensors += [torch.randn(w_shape, dtype=torch.float64, generator=gen) for _ in range(2)]
    for t in tensors:
        t.requires_grad_(True)

    if method == "block":

        def fn(x_re, x_im, w_re, w_im):
            x = split_to_grouped(torch.cat([x_re, x_im], dim=1), groups)
            weight = complex_block_weight(w_re, w_im, transposed=transposed, groups=groups)
            return grouped_to_split(op(x, weight), groups)
    else:

        def fn(x_re, x_im, w_re, w_im):
            return complex_bilinear(op, x_re, x_im, w_re, w_im, method=method)

    assert torch.autograd.gradcheck(fn, tensors)


def test_errors():
    x, w = torch.zeros(2, 3), torch.zeros(4, 3)
    with pytest.raises(ValueError, match=r"method='three' must be one of 'four', 'gauss'"):
        complex_bilinear(F.linear, x, x, w, w, method="three")
    with pytest.raises(ValueError, match=r"w_re.shape\[0\]=4 must be divisible by groups=3"):
        complex_block_weight(w, w, groups=3)
    with pytest.raises(ValueError, match=r"same shape, got \(4, 3\) and \(4, 2\)"):
        complex_block_weight(w, torch.zeros(4, 2))
    with pytest.raises(ValueError, match=r"x.shape\[1\]=3 must be even"):
        split_to_complex(x)
    with pytest.raises(ValueError, match=r"x.shape\[1\]=6 must be divisible by 2\*groups=4"):
        split_to_grouped(torch.zeros(1, 6), groups=2)
    with pytest.raises(ValueError, match=r"must be a complex tensor"):
        complex_to_split(x)
    with pytest.raises(ValueError, match=r"r, i, j, k must have the same shape"):
        hamilton_matrix(w, w, w, x)


# ---- quaternions -------------------------------------------------------------------------


def hamilton_product(op, q, x):
    """Components of q ⊗ x (q = weight, x = input) with a real bilinear op, standard formula."""
    a1, b1, c1, d1 = q
    a2, b2, c2, d2 = x
    return (
        op(a2, a1) - op(b2, b1) - op(c2, c1) - op(d2, d1),
        op(b2, a1) + op(a2, b1) + op(d2, c1) - op(c2, d1),
        op(c2, a1) - op(d2, b1) + op(a2, c1) + op(b2, d1),
        op(d2, a1) + op(c2, b1) - op(b2, c1) + op(a2, d1),
    )


@pytest.mark.parametrize(
    ("op", "x_shape", "w_shape"),
    [
        (F.linear, (5, 3), (2, 3)),
        (partial(F.conv1d, padding=1), (2, 3, 6), (2, 3, 3)),
        (partial(F.conv2d, stride=2), (2, 2, 6, 5), (3, 2, 3, 3)),
    ],
    ids=["linear", "conv1d", "conv2d"],
)
def test_hamilton_matrix_matches_hamilton_product(op, x_shape, w_shape):
    gen = torch.Generator().manual_seed(2)
    q = [torch.randn(w_shape, dtype=torch.float64, generator=gen) for _ in range(4)]
    x = [torch.randn(x_shape, dtype=torch.float64, generator=gen) for _ in range(4)]
    weight = hamilton_matrix(*q)
    assert weight.shape == (4 * w_shape[0], 4 * w_shape[1], *w_shape[2:])
    out = op(torch.cat(x, dim=1), weight).chunk(4, dim=1)
    for got, want in zip(out, hamilton_product(op, q, x), strict=True):
        torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-12)


def test_hamilton_matrix_transposed_input_major():
    gen = torch.Generator().manual_seed(4)
    q = [torch.randn(3, 2, dtype=torch.float64, generator=gen) for _ in range(4)]  # (I', O')
    x = [torch.randn(5, 3, dtype=torch.float64, generator=gen) for _ in range(4)]
    matrix = hamilton_matrix(*q, transposed=True)
    assert matrix.shape == (12, 8)
    out = (torch.cat(x, dim=1) @ matrix).chunk(4, dim=1)
    expected = hamilton_product(lambda inp, w: inp @ w, q, x)
    for got, want in zip(out, expected, strict=True):
        torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-12)
    untransposed = hamilton_matrix(*(c.T for c in q))
    torch.testing.assert_close(matrix, untransposed.T)


def test_hamilton_matrix_is_an_algebra_homomorphism():
    gen = torch.Generator().manual_seed(6)
    p = [torch.randn(1, 1, dtype=torch.float64, generator=gen) for _ in range(4)]
    q = [torch.randn(1, 1, dtype=torch.float64, generator=gen) for _ in range(4)]
    pq = hamilton_product(lambda inp, w: w * inp, p, q)  # p ⊗ q of scalar quaternions
    m_p, m_q = hamilton_matrix(*p), hamilton_matrix(*q)
    torch.testing.assert_close(m_p @ m_q, hamilton_matrix(*pq))
    norm_sq = sum(c.square() for c in p).item()
    torch.testing.assert_close(m_p.T @ m_p, norm_sq * torch.eye(4, dtype=torch.float64))


def test_hamilton_matrix_gradcheck():
    gen = torch.Generator().manual_seed(8)
    q = [
        torch.randn(2, 3, 2, dtype=torch.float64, generator=gen, requires_grad=True)
        for _ in range(4)
    ]
    assert torch.autograd.gradcheck(hamilton_matrix, q)


# ---- 2x2 inverse square root ----------------------------------------------------------------


def _random_spd(shape, dtype, seed=0):
    gen = torch.Generator().manual_seed(seed)
    m = torch.randn(*shape, 2, 2, dtype=dtype, generator=gen)
    return m @ m.mT + 0.1 * torch.eye(2, dtype=dtype)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_inv_sqrt_2x2_matches_eigh(dtype):
    v = _random_spd((4, 7), dtype)
    w_rr, w_ri, w_ii = inv_sqrt_2x2(v[..., 0, 0], v[..., 0, 1], v[..., 1, 1])
    assert w_rr.shape == (4, 7) and w_rr.dtype == dtype
    evals, evecs = torch.linalg.eigh(v.double())
    expected = (evecs * evals.rsqrt().unsqueeze(-2)) @ evecs.mT
    tol = 1e-4 if dtype == torch.float32 else 1e-10
    got = torch.stack([torch.stack([w_rr, w_ri], -1), torch.stack([w_ri, w_ii], -1)], -2)
    torch.testing.assert_close(got.double(), expected, rtol=tol, atol=tol)
    identity = got.double() @ v.double() @ got.double()
    torch.testing.assert_close(
        identity, torch.eye(2, dtype=torch.float64).expand_as(identity), rtol=tol, atol=tol
    )


def test_inv_sqrt_2x2_broadcasts():
    v = _random_spd((3,), torch.float64, seed=1)
    v_rr = v[:, 0, 0].reshape(3, 1)
    w_rr, w_ri, w_ii = inv_sqrt_2x2(
        v_rr.expand(3, 5), v[:, 0, 1].reshape(3, 1), v[:, 1, 1].reshape(3, 1)
    )
    assert w_rr.shape == w_ri.shape == w_ii.shape == (3, 5)
    single = inv_sqrt_2x2(v[:, 0, 0], v[:, 0, 1], v[:, 1, 1])
    torch.testing.assert_close(w_ri, single[1].reshape(3, 1).expand(3, 5))


def test_inv_sqrt_2x2_gradcheck():
    v = _random_spd((5,), torch.float64, seed=2)
    args = [v[:, 0, 0].clone(), v[:, 0, 1].clone(), v[:, 1, 1].clone()]
    for a in args:
        a.requires_grad_(True)
    assert torch.autograd.gradcheck(inv_sqrt_2x2, args)
