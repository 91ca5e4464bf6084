"""Pooling routing, spectral pooling and FFT round trips (spec §13.18–19)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from complexnn import (
    FFT2,
    IFFT2,
    ComplexAdaptiveAvgPool2d,
    ComplexAvgPool1d,
    ComplexAvgPool2d,
    ComplexMaxPool1d,
    ComplexMaxPool2d,
    ComplexMaxPool3d,
    SpectralPooling1d,
    SpectralPooling2d,
    fft,
    fft2,
    ifft,
    ifft2,
    spectral_pool,
)

from paramlab.testing import gradcheck as pl_gradcheck


def _distinct_moduli(*shape):
    n = int(np.prod(shape))
    moduli = torch.randperm(n, dtype=torch.float64) + 1
    phases = torch.rand(n, dtype=torch.float64) * 6.28
    return torch.polar(moduli, phases).reshape(shape)


def test_max_pool_returns_the_max_modulus_element_exactly():
    x = _distinct_moduli(2, 3, 4, 4)
    out, idx = ComplexMaxPool2d(2, return_indices=True)(x)
    windows = x.reshape(2, 3, 2, 2, 2, 2).permute(0, 1, 2, 4, 3, 5).reshape(2, 3, 2, 2, 4)
    best = windows.abs().argmax(-1, keepdim=True)
    expected = windows.gather(-1, best).squeeze(-1)
    assert torch.equal(out, expected)
    assert idx.shape == out.shape and idx.dtype == torch.long


def test_max_pool_routes_gradient_only_to_selected():
    x = _distinct_moduli(1, 1, 4, 4).requires_grad_(True)
    out = ComplexMaxPool2d(2)(x)
    (out.real.sum() + 2 * out.imag.sum()).backward()
    selected = x.grad != 0
    assert int(selected.sum()) == 4
    values = x.detach()[selected]
    assert set(values.tolist()) == set(out.detach().flatten().tolist())
    torch.testing.assert_close(x.grad[selected], torch.full((4,), 1 + 2j, dtype=torch.complex128))


@pytest.mark.parametrize(
    "cls,shape", [(ComplexMaxPool1d, (2, 2, 8)), (ComplexMaxPool3d, (1, 2, 4, 4, 4))]
)
def test_max_pool_other_ranks_and_gradcheck(cls, shape):
    x = _distinct_moduli(*shape)
    out = cls(2)(x)
    assert out.shape[2:] == tuple(s // 2 for s in shape[2:])
    assert set(out.flatten().tolist()) <= set(x.flatten().tolist())
    pl_gradcheck(cls(2), x)


def test_avg_pool_equals_complex_mean():
    x = torch.randn(2, 3, 4, 4, dtype=torch.complex128)
    expected = x.reshape(2, 3, 2, 2, 2, 2).mean(dim=(3, 5))
    torch.testing.assert_close(ComplexAvgPool2d(2)(x), expected)
    torch.testing.assert_close(ComplexAdaptiveAvgPool2d(1)(x), x.mean(dim=(2, 3), keepdim=True))
    y = torch.randn(2, 3, 6, dtype=torch.complex64)
    torch.testing.assert_close(ComplexAvgPool1d(3)(y), y.reshape(2, 3, 2, 3).mean(-1))


def test_spectral_pooling_kept_indices():
    x = torch.ones(1, 1, 32, 32, dtype=torch.complex64)
    out = SpectralPooling2d(gamma=0.5)(x)
    row = out[0, 0, :, 0].real
    assert int(row.sum()) == 16
    assert row[:8].eq(1).all() and row[-8:].eq(1).all() and row[8:24].eq(0).all()
    assert int(out.real.sum()) == 16 * 16
    assert int(SpectralPooling1d(topf=6)(torch.ones(1, 1, 10)).real.sum()) == 6
    untouched = torch.ones(1, 1, 3)
    assert torch.equal(SpectralPooling1d(gamma=0.1)(untouched).real, untouched)
    with pytest.raises(ValueError, match="exactly one"):
        SpectralPooling2d(gamma=0.5, topf=4)


def test_spectral_pooling_leaves_band_limited_signal_unchanged_and_gradcheck():
    spectrum = torch.zeros(1, 2, 16, 16, dtype=torch.complex128)
    spectrum[..., :3, :3] = torch.randn(1, 2, 3, 3, dtype=torch.complex128)
    spectrum[..., -3:, -3:] = torch.randn(1, 2, 3, 3, dtype=torch.complex128)
    signal = IFFT2()(spectrum)
    pooled = IFFT2()(SpectralPooling2d(gamma=0.5)(FFT2()(signal)))
    torch.testing.assert_close(pooled, signal)
    noisy = signal + torch.randn_like(signal)
    assert not torch.allclose(ifft2(spectral_pool(fft2(noisy), gamma=0.5)), noisy)
    pl_gradcheck(
        lambda z: ifft2(spectral_pool(fft2(z), gamma=0.5)),
        torch.randn(1, 1, 4, 4, dtype=torch.complex128),
    )


def test_fft_round_trip_parseval_and_numpy():
    x = torch.randn(2, 3, 8, dtype=torch.complex128)
    torch.testing.assert_close(ifft(fft(x)), x)
    torch.testing.assert_close(fft(x).abs().pow(2).sum(), x.abs().pow(2).sum())
    np.testing.assert_allclose(fft(x).numpy(), np.fft.fft(x.numpy(), norm="ortho"), atol=1e-12)
    y = torch.randn(2, 3, 4, 6, dtype=torch.complex128)
    torch.testing.assert_close(ifft2(fft2(y)), y)
    np.testing.assert_allclose(fft2(y).numpy(), np.fft.fft2(y.numpy(), norm="ortho"), atol=1e-12)
    real = torch.randn(1, 2, 5, dtype=torch.float64)
    assert fft(real).dtype == torch.complex128


def test_spectral_pooling_crop_mode_downsamples():
    x = torch.randn(2, 3, 16, 12, dtype=torch.complex128)
    spectrum = fft2(x)
    cropped = SpectralPooling2d(gamma=0.5, mode="crop")(spectrum)
    assert cropped.shape == (2, 3, 8, 6)
    rows = torch.tensor([0, 1, 2, 3, 12, 13, 14, 15])
    cols = torch.tensor([0, 1, 2, 9, 10, 11])
    torch.testing.assert_close(cropped, spectrum[:, :, rows][:, :, :, cols])
    assert ifft2(cropped).shape == (2, 3, 8, 6)
    with pytest.raises(ValueError, match="mode="):
        SpectralPooling1d(gamma=0.5, mode="slice")
