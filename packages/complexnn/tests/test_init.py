"""Initialisers: moments, Rayleigh modulus, semi-unitarity, determinism (spec §13.13–15)."""

from __future__ import annotations

import math

import pytest
import torch
from complexnn import ComplexBatchNorm2d, ComplexConv2d, ComplexLinear
from complexnn.init import (
    complex_independent_,
    complex_rayleigh_,
    independent_filters_,
    semi_unitary,
)
from scipy import stats


def _pair(*shape):
    return torch.empty(shape, dtype=torch.float64), torch.empty(shape, dtype=torch.float64)


def test_rayleigh_he_moments_and_distribution():
    w_re, w_im = _pair(256, 256, 3, 3)
    complex_rayleigh_(w_re, w_im, "he", generator=torch.Generator().manual_seed(1))
    w = torch.complex(w_re, w_im)
    fan_in = 256 * 9
    sigma = 1 / math.sqrt(fan_in)
    assert abs((w.abs() ** 2).mean().item() / (2 / fan_in) - 1) < 0.03
    assert w.mean().abs().item() < 0.01 * sigma
    assert abs(w.abs().mean().item() / (sigma * math.sqrt(math.pi / 2)) - 1) < 0.01
    sample = w.abs().flatten()[:20000].numpy()
    assert stats.kstest(sample, "rayleigh", args=(0, sigma)).pvalue > 1e-3
    assert torch.exp(1j * w.angle()).mean().abs().item() < 0.01


def test_rayleigh_glorot_variance():
    w_re, w_im = _pair(64, 128, 3, 3)
    complex_rayleigh_(w_re, w_im, "glorot")
    var = (w_re**2 + w_im**2).mean().item()
    assert abs(var / (2 / ((128 + 64) * 9)) - 1) < 0.03


def test_rayleigh_scale_is_std_not_variance():
    """DCN passes 1/fan_in as the Rayleigh scale; the correct scale is 1/sqrt(fan_in)."""
    w_re, w_im = _pair(32, 32, 3, 3)
    complex_rayleigh_(w_re, w_im, "he")
    rms = (w_re**2 + w_im**2).mean().sqrt().item()
    assert rms > 10 * math.sqrt(2) / (32 * 9)


@pytest.mark.parametrize("shape", [(8, 4, 3, 3), (2, 2, 5, 5), (6, 5)])
def test_independent_variance_per_part(shape):
    w_re, w_im = _pair(*shape)
    complex_independent_(w_re, w_im, "he")
    fan_in = shape[1] * math.prod(shape[2:])
    assert abs(w_re.var(unbiased=False).item() * fan_in - 1) < 0.01
    assert abs(w_im.var(unbiased=False).item() * fan_in - 1) < 0.01


@pytest.mark.parametrize("rows,cols", [(12, 4), (4, 9), (5, 5)])
def test_semi_unitary_helper(rows, cols):
    q = semi_unitary(rows, cols, complex=True)
    if rows >= cols:
        torch.testing.assert_close(q.conj().T @ q, torch.eye(cols, dtype=q.dtype))
    else:
        torch.testing.assert_close(q @ q.conj().T, torch.eye(rows, dtype=q.dtype))
    r = semi_unitary(rows, cols, complex=False)
    small = min(rows, cols)
    gram = r.T @ r if rows >= cols else r @ r.T
    torch.testing.assert_close(gram, torch.eye(small, dtype=r.dtype))


def test_independent_filters_are_orthogonal_when_few_filters():
    """out·in <= prod(k): the filters (rows of the matrix view) are mutually orthogonal."""
    w_re, w_im = _pair(2, 2, 3, 3)
    complex_independent_(w_re, w_im, "he", generator=torch.Generator().manual_seed(0))
    q = semi_unitary(4, 9, complex=True, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(w_re.reshape(4, 9) / w_re.std(), q.real / q.real.std())
    real = torch.empty(2, 2, 3, 3, dtype=torch.float64)
    independent_filters_(real, "glorot")
    m = real.reshape(4, 9)
    gram = m @ m.T
    torch.testing.assert_close(
        gram - torch.diag(torch.diag(gram)), torch.zeros(4, 4, dtype=m.dtype)
    )
    assert abs(real.var(unbiased=False).item() / (2 / (2 * 9 + 2 * 9)) - 1) < 1e-6


def test_generator_determinism_and_layers_differ():
    a, b = _pair(4, 3, 3, 3), _pair(4, 3, 3, 3)
    complex_independent_(*a, generator=torch.Generator().manual_seed(5))
    complex_independent_(*b, generator=torch.Generator().manual_seed(5))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    first = ComplexConv2d(3, 4, 3, init="complex_independent")
    second = ComplexConv2d(3, 4, 3, init="complex_independent")
    assert not torch.equal(first.weight_real, second.weight_real)
    assert not torch.equal(ComplexLinear(3, 4).weight_imag, ComplexLinear(3, 4).weight_imag)


def test_defaults_biases_and_bn_gamma():
    conv = ComplexConv2d(3, 4, 3)
    assert torch.count_nonzero(conv.bias_real) == 0 and torch.count_nonzero(conv.bias_imag) == 0
    bn = ComplexBatchNorm2d(4)
    torch.testing.assert_close(bn.gamma_rr, torch.full((4,), 2**-0.5))
    torch.testing.assert_close(bn.gamma_ii, torch.full((4,), 2**-0.5))
    assert torch.count_nonzero(bn.gamma_ri) == 0 and torch.count_nonzero(bn.beta_real) == 0


def test_torch_and_callable_init():
    conv = ComplexConv2d(3, 4, 3, init="torch")
    bound = 1 / math.sqrt(3 * 9)
    assert conv.weight_real.abs().max() <= bound and conv.weight_imag.abs().max() <= bound
    calls = []
    ComplexConv2d(3, 4, 3, init=lambda wr, wi: calls.append(wr.shape))
    assert calls == [torch.Size([4, 3, 3, 3])]
