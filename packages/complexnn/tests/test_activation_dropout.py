"""Exact activation values, gradients and dropout statistics (spec §13.5, 13.16–17)."""

from __future__ import annotations

import pytest
import torch
from complexnn import (
    Cardioid,
    ComplexDropout,
    ComplexDropout2d,
    ComplexPReLU,
    ComplexSigmoid,
    ComplexTanh,
    CReLU,
    ModReLU,
    ZReLU,
    cardioid,
    crelu,
    modrelu,
    zrelu,
)

from paramlab.testing import gradcheck as pl_gradcheck


def c(*values, dtype=torch.complex128):
    return torch.tensor(values, dtype=dtype)


@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
def test_exact_values(dtype):
    assert torch.equal(CReLU()(c(1 - 2j, -1 + 3j, dtype=dtype)), c(1, 3j, dtype=dtype))
    assert torch.equal(
        ZReLU()(c(1 + 1j, 2, -1 + 1j, 1j, 0, dtype=dtype)), c(1 + 1j, 2, 0, 1j, 0, dtype=dtype)
    )
    m = ModReLU(bias_init=-1.0)
    out = m(c(3 + 4j, 0.3 + 0.4j, 0, dtype=dtype))
    torch.testing.assert_close(out, c(2.4 + 3.2j, 0, 0, dtype=dtype))
    assert out.dtype == dtype
    torch.testing.assert_close(
        Cardioid()(c(1j, -1, 0, 2, dtype=dtype)), c(0.5j, 0, 0, 2, dtype=dtype)
    )
    torch.testing.assert_close(
        ComplexSigmoid()(c(0.5 - 1j, dtype=dtype)),
        torch.complex(torch.sigmoid(torch.tensor([0.5])), torch.sigmoid(torch.tensor([-1.0]))).to(
            dtype
        ),
    )
    z = c(0.3 + 2.0j, dtype=dtype)
    torch.testing.assert_close(ComplexTanh()(z), torch.complex(z.real.tanh(), z.imag.tanh()))
    assert not torch.allclose(ComplexTanh()(z), torch.tanh(z))


def test_modrelu_per_channel_bias():
    m = ModReLU(num_features=2, bias_init=0.0)
    with torch.no_grad():
        m.bias.copy_(torch.tensor([-1.0, 1.0]))
    x = torch.full((1, 2, 3), 3 + 4j, dtype=torch.complex64)
    out = m(x)
    torch.testing.assert_close(out[0, 0], torch.full((3,), 2.4 + 3.2j))
    torch.testing.assert_close(out[0, 1], torch.full((3,), 3.6 + 4.8j))
    with pytest.raises(ValueError, match="C=2"):
        m(torch.zeros(1, 3, 2, dtype=torch.complex64))


def test_prelu_separate_slopes():
    p = ComplexPReLU()
    with torch.no_grad():
        p.i_prelu.weight.fill_(0.5)
    torch.testing.assert_close(
        p(c(-2 - 2j, dtype=torch.complex64)), c(-0.5 - 1j, dtype=torch.complex64)
    )
    assert set(p.state_dict()) == {"r_prelu.weight", "i_prelu.weight"}


def test_gradcheck_activations():
    away = c(0.7 + 0.4j, -0.6 + 0.9j, 0.5 - 1.1j, -0.8 - 0.3j)
    pl_gradcheck(crelu, away)
    pl_gradcheck(zrelu, away)
    pl_gradcheck(cardioid, away)
    pl_gradcheck(lambda z, b: modrelu(z, b), away, torch.tensor(-0.2))


def test_dropout_shares_mask_and_scales_by_inverse_keep():
    p = 0.4
    x = torch.complex(torch.rand(2000) + 1, torch.rand(2000) + 1)
    out = ComplexDropout(p)(x)
    dropped = out == 0
    assert torch.equal(out.real == 0, out.imag == 0)
    torch.testing.assert_close(out[~dropped], x[~dropped] / (1 - p))
    assert abs(dropped.float().mean().item() - p) < 0.05


def test_dropout_mean_preserved_not_inverse_square_scaled():
    """complexPyTorch keeps x/(1−p)² (mean × 1/(1−p)); ours keeps x/(1−p) (mean preserved)."""
    x = torch.full((200, 500), 1 + 1j, dtype=torch.complex64)
    out = ComplexDropout(0.5)(x)
    assert set(out.real.unique().tolist()) == {0.0, 2.0}
    assert abs(out.mean().real.item() - 1.0) < 0.02
    assert abs(out.mean().imag.item() - 1.0) < 0.02


def test_dropout_eval_identity_and_edge_probabilities():
    x = torch.randn(4, 3, dtype=torch.complex64)
    d = ComplexDropout(0.5).eval()
    assert torch.equal(d(x), x)
    assert torch.equal(ComplexDropout(0.0)(x), x)
    assert torch.count_nonzero(ComplexDropout(1.0)(x)) == 0
    with pytest.raises(ValueError, match="p=1.5"):
        ComplexDropout(1.5)


def test_dropout2d_zeroes_whole_channels_on_input_device_and_dtype():
    x = torch.randn(8, 16, 4, 4, dtype=torch.complex128) + 5
    out = ComplexDropout2d(0.5)(x)
    assert out.dtype == torch.complex128 and out.device == x.device
    zero_channels = (out == 0).all(dim=(2, 3))
    kept = ~zero_channels
    assert zero_channels.any() and kept.any()
    torch.testing.assert_close(out[kept], 2 * x[kept])
    with pytest.raises(ValueError, match="spatial"):
        ComplexDropout2d()(torch.randn(2, 3, dtype=torch.complex64))
