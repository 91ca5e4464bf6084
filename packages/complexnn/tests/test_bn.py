"""Complex batch norm: whitening, running statistics, shapes, degenerate inputs (spec §13.8–12)."""

from __future__ import annotations

import math

import pytest
import torch
from complexnn import (
    ComplexBatchNorm1d,
    ComplexBatchNorm2d,
    ComplexBatchNorm3d,
    NaiveComplexBatchNorm2d,
    complex_batch_norm,
    count_real_buffers,
    count_real_parameters,
)

from paramlab.complex import inv_sqrt_2x2
from paramlab.testing import assert_forward_pure, assert_state_dict_roundtrip
from paramlab.testing import gradcheck as pl_gradcheck

R = 1 / math.sqrt(2)


def _correlated(n=4000, channels=3, dtype=torch.float64):
    """Strongly correlated, anisotropic complex samples (N, C) with a non-zero mean."""
    a = torch.randn(n, channels, dtype=dtype)
    b = torch.randn(n, channels, dtype=dtype)
    re = 3.0 * a + 1.5
    im = 2.0 * a + 0.5 * b - 0.7
    return torch.complex(re, im)


def _cov(z, dims):
    re = z.real - z.real.mean(dims, keepdim=True)
    im = z.imag - z.imag.mean(dims, keepdim=True)
    return (re * re).mean(dims), (im * im).mean(dims), (re * im).mean(dims)


def test_whitening_gives_identity_covariance():
    bn = ComplexBatchNorm1d(3, dtype=torch.float64)
    with torch.no_grad():
        bn.gamma_rr.fill_(1.0)
        bn.gamma_ii.fill_(1.0)
    out = bn(_correlated())
    mean = out.mean(0)
    vrr, vii, vri = _cov(out, [0])
    assert mean.abs().max() < 1e-3
    for value, target in ((vrr, 1.0), (vii, 1.0), (vri, 0.0)):
        assert (value - target).abs().max() < 1e-3


def test_default_gamma_gives_unit_modulus_variance():
    bn = ComplexBatchNorm1d(3, dtype=torch.float64)
    assert torch.equal(bn.gamma_rr, torch.full((3,), R, dtype=torch.float64))
    assert torch.equal(bn.gamma_ri, torch.zeros(3, dtype=torch.float64))
    assert torch.equal(bn.beta_real, torch.zeros(3, dtype=torch.float64))
    out = bn(_correlated())
    assert ((out.abs() ** 2).mean(0) - 1).abs().max() < 1e-3


def test_inverse_square_root_closed_form():
    a = torch.randn(50, 2, 2, dtype=torch.float64)
    v = a @ a.transpose(1, 2) + 0.1 * torch.eye(2, dtype=torch.float64)
    w_rr, w_ri, w_ii = inv_sqrt_2x2(v[:, 0, 0], v[:, 0, 1], v[:, 1, 1])
    w = torch.stack([torch.stack([w_rr, w_ri], -1), torch.stack([w_ri, w_ii], -1)], -2)
    torch.testing.assert_close(w @ v @ w, torch.eye(2, dtype=torch.float64).expand(50, 2, 2))


def _reference_bn(x, gamma, beta, eps):
    """Independent reference of the DCN train-mode formula via an explicit eigendecomposition."""
    dims = [0, *range(2, x.dim())]
    c = x.shape[1]
    pts = torch.stack([x.real, x.imag], -1).movedim(1, 0).reshape(c, -1, 2)
    mu = pts.mean(1, keepdim=True)
    cen = pts - mu
    cov = cen.transpose(1, 2) @ cen / cen.shape[1] + eps * torch.eye(2, dtype=x.real.dtype)
    evals, evecs = torch.linalg.eigh(cov)
    inv_root = evecs @ torch.diag_embed(evals.rsqrt()) @ evecs.transpose(1, 2)
    u = cen @ inv_root.transpose(1, 2)
    g = torch.stack(
        [torch.stack([gamma[:, 0], gamma[:, 2]], -1), torch.stack([gamma[:, 2], gamma[:, 1]], -1)],
        -2,
    )
    out = u @ g.transpose(1, 2) + torch.stack([beta.real, beta.imag], -1)[:, None, :]
    moved = x.movedim(1, 0).shape
    out = out.reshape(*moved, 2).movedim(0, 1)
    assert dims
    return torch.complex(out[..., 0], out[..., 1])


@pytest.mark.parametrize(
    "cls,shape",
    [
        (ComplexBatchNorm1d, (6, 3)),
        (ComplexBatchNorm1d, (4, 3, 5)),
        (ComplexBatchNorm2d, (2, 3, 4, 4)),
        (ComplexBatchNorm3d, (2, 3, 2, 3, 3)),
    ],
)
@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
def test_train_mode_matches_reference_for_all_ranks(cls, shape, dtype):
    real = torch.float64 if dtype == torch.complex128 else torch.float32
    bn = cls(3, eps=1e-5, dtype=real)
    with torch.no_grad():
        bn.gamma_rr.uniform_(0.5, 1.5)
        bn.gamma_ii.uniform_(0.5, 1.5)
        bn.gamma_ri.uniform_(-0.3, 0.3)
        bn.beta_real.normal_()
        bn.beta_imag.normal_()
    x = (torch.randn(shape, dtype=torch.complex128) * 2 + 0.5).to(dtype)
    out = bn(x)
    assert out.dtype == dtype and out.shape == x.shape
    expected = _reference_bn(
        x.to(torch.complex128), bn.gamma.double(), bn.beta.to(torch.complex128), 1e-5
    )
    tol = 1e-10 if dtype == torch.complex128 else 1e-5
    torch.testing.assert_close(out.to(torch.complex128), expected, atol=tol, rtol=tol * 10)


def test_running_statistics_dcn_convention():
    bn = ComplexBatchNorm2d(2, eps=1e-3, momentum=0.1, dtype=torch.float64)
    assert torch.allclose(bn.running_cov, torch.tensor([[R, R, 0.0]] * 2, dtype=torch.float64))
    x = torch.randn(3, 2, 4, 4, dtype=torch.complex128) * 1.7 + (0.3 - 0.2j)
    bn(x)
    dims = [0, 2, 3]
    mean = torch.complex(x.real.mean(dims), x.imag.mean(dims))
    vrr, vii, vri = _cov(x, [0, 2, 3])
    batch = torch.stack([vrr + 1e-3, vii + 1e-3, vri], -1)
    init = torch.tensor([[R, R, 0.0]] * 2, dtype=torch.float64)
    torch.testing.assert_close(bn.running_mean, 0.1 * mean)
    torch.testing.assert_close(bn.running_cov, 0.9 * init + 0.1 * batch)
    assert int(bn.num_batches_tracked) == 1

    bn.eval()
    y = torch.randn(2, 2, 3, 3, dtype=torch.complex128)
    expected = complex_batch_norm(
        y, bn.running_mean.clone(), bn.running_cov.clone(), bn.gamma, bn.beta, eps=123.0
    )
    torch.testing.assert_close(bn(y), expected)  # eps is not added again at eval
    w_rr, w_ri, w_ii = inv_sqrt_2x2(*bn.running_cov[:, [0, 2, 1]].unbind(-1))
    c = y - bn.running_mean.reshape(1, -1, 1, 1)
    u_re = w_rr.reshape(1, -1, 1, 1) * c.real + w_ri.reshape(1, -1, 1, 1) * c.imag
    torch.testing.assert_close(bn(y).real, R * u_re)


def test_momentum_none_is_cumulative_average():
    bn = ComplexBatchNorm1d(2, momentum=None, dtype=torch.float64)
    batches = [torch.randn(8, 2, dtype=torch.complex128) + k for k in range(3)]
    for b in batches:
        bn(b)
    expected = torch.stack([b.mean(0) for b in batches]).mean(0)
    torch.testing.assert_close(bn.running_mean, expected)


def test_without_running_stats_eval_uses_batch_stats():
    bn = ComplexBatchNorm1d(2, track_running_stats=False, dtype=torch.float64).eval()
    x = torch.randn(16, 2, dtype=torch.complex128) * 3 + 2
    assert bn.running_mean is None
    assert bn(x).mean(0).abs().max() < 1e-10


def test_degenerate_inputs_do_not_give_nan():
    bn = ComplexBatchNorm2d(2)
    a = torch.randn(4, 2, 3, 3)
    assert torch.isfinite(torch.view_as_real(bn(torch.complex(a, a)))).all()
    constant = torch.full((4, 2, 3, 3), 1.5 + 0.5j)
    assert torch.isfinite(torch.view_as_real(bn(constant))).all()


def test_counts_and_state():
    bn = ComplexBatchNorm2d(7)
    assert count_real_parameters(bn) == 5 * 7
    assert count_real_buffers(bn) == 5 * 7
    assert NaiveComplexBatchNorm2d(7) is not None
    assert count_real_parameters(NaiveComplexBatchNorm2d(7)) == 4 * 7
    x = torch.randn(3, 7, 4, 4, dtype=torch.complex64)
    bn(x)
    assert_state_dict_roundtrip(lambda: ComplexBatchNorm2d(7), bn, x)
    assert_forward_pure(ComplexBatchNorm2d(7), x)
    with pytest.raises(ValueError, match="4"):
        bn(torch.randn(3, 7, 4, dtype=torch.complex64))


def test_gradcheck_train_mode():
    bn = ComplexBatchNorm1d(2, dtype=torch.float64)

    def fn(x, g_rr, g_ri, b):
        gamma = torch.stack([g_rr, bn.gamma_ii, g_ri], -1)
        return complex_batch_norm(x, None, None, gamma, b, training=True, eps=1e-3)

    pl_gradcheck(
        fn,
        torch.randn(5, 2, 3, dtype=torch.complex128),
        torch.rand(2) + 0.5,
        torch.rand(2) * 0.2,
        torch.randn(2, dtype=torch.complex128),
    )


def test_flags():
    x = torch.randn(8, 2, 5, dtype=torch.complex128) + 3
    no_center = ComplexBatchNorm1d(2, center=False, dtype=torch.float64)
    assert no_center.beta_real is None
    no_white = ComplexBatchNorm1d(2, whiten=False, dtype=torch.float64)
    out = no_white(x)
    torch.testing.assert_close(out, R * (x - x.mean([0, 2], keepdim=True)))
    plain = ComplexBatchNorm1d(2, affine=False, running_cov_init="identity")
    assert count_real_parameters(plain) == 0
    assert torch.equal(plain.running_cov[:, 0], torch.ones(2))
