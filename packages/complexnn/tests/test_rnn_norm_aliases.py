"""Complex LSTM/GRU, layer/instance norm, boundaries and the DCN alias names (spec §5.9, 5.11,
5.12, §3 "Names")."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from complexnn import (
    ComplexGRU,
    ComplexGRUCell,
    ComplexInstanceNorm2d,
    ComplexLayerNorm,
    ComplexLSTM,
    ComplexLSTMCell,
    ComplexToReal,
    InstanceNormalization,
    RealToComplex,
    complex_sigmoid,
    complex_tanh,
    count_real_buffers,
    count_real_parameters,
    dcn,
)

from paramlab.testing import gradcheck as pl_gradcheck


def test_lstm_cell_matches_the_gate_equations():
    cell = ComplexLSTMCell(3, 2).double()
    with torch.no_grad():
        for name in ("bias_ih_real", "bias_ih_imag", "bias_hh_real", "bias_hh_imag"):
            getattr(cell, name).normal_()
    x = torch.randn(4, 3, dtype=torch.complex128)
    h = torch.randn(4, 2, dtype=torch.complex128)
    c = torch.randn(4, 2, dtype=torch.complex128)
    w_ih = torch.complex(cell.weight_ih_real, cell.weight_ih_imag)
    w_hh = torch.complex(cell.weight_hh_real, cell.weight_hh_imag)
    b = torch.complex(cell.bias_ih_real + cell.bias_hh_real, cell.bias_ih_imag + cell.bias_hh_imag)
    g = x @ w_ih.T + h @ w_hh.T + b
    i, f, cand, o = g[:, :2], g[:, 2:4], g[:, 4:6], g[:, 6:]
    c_new = complex_sigmoid(f) * c + complex_sigmoid(i) * complex_tanh(cand)
    h_new = complex_sigmoid(o) * complex_tanh(c_new)
    out_h, out_c = cell(x, (h, c))
    torch.testing.assert_close(out_c, c_new)
    torch.testing.assert_close(out_h, h_new)
    pl_gradcheck(lambda x, h, c: cell(x, (h, c))[0], x[:2], h[:2], c[:2])


def test_gru_cell_gradcheck():
    cell = ComplexGRUCell(2, 3).double()
    pl_gradcheck(
        cell, torch.randn(2, 2, dtype=torch.complex128), torch.randn(2, 3, dtype=torch.complex128)
    )


@pytest.mark.parametrize("bidirectional", [False, True])
def test_lstm_shapes_and_first_step(bidirectional):
    lstm = ComplexLSTM(3, 4, num_layers=2, batch_first=True, bidirectional=bidirectional)
    x = torch.randn(2, 5, 3, dtype=torch.complex64)
    out, (h, c) = lstm(x)
    d = 2 if bidirectional else 1
    assert out.shape == (2, 5, 4 * d) and out.dtype == torch.complex64
    assert h.shape == (2 * d, 2, 4) and c.shape == (2 * d, 2, 4)
    torch.testing.assert_close(out[:, -1, :4], h[-d])
    single = ComplexLSTM(3, 4)
    seq = torch.randn(1, 2, 3, dtype=torch.complex64)
    torch.testing.assert_close(single(seq)[0][0], single.cells[0](seq[0])[0])
    gru = ComplexGRU(3, 4, num_layers=1)
    out, h = gru(seq)
    assert out.shape == (1, 2, 4) and h.shape == (1, 2, 4)


def test_lstm_split_mode_is_the_two_real_lstm_combination():
    lstm = ComplexLSTM(3, 2, mode="split")
    assert {k.split(".")[0] for k in lstm.state_dict()} == {"lstm_re", "lstm_im"}
    x = torch.randn(4, 2, 3, dtype=torch.complex64)
    out, _ = lstm(x)
    f_r, f_i = lstm.lstm_re, lstm.lstm_im
    expected = torch.complex(f_r(x.real)[0] - f_i(x.imag)[0], f_r(x.imag)[0] + f_i(x.real)[0])
    torch.testing.assert_close(out, expected)
    gru_out, _ = ComplexGRU(3, 2, mode="split")(x)
    assert gru_out.shape == (4, 2, 2)


def test_instance_norm_whitens_each_sample_and_channel():
    norm = ComplexInstanceNorm2d(2).double()
    with torch.no_grad():
        norm.gamma_rr.fill_(1.0)
        norm.gamma_ii.fill_(1.0)
    a = torch.randn(3, 2, 16, 16, dtype=torch.float64)
    x = torch.complex(3 * a + 1, 2 * a + torch.randn_like(a))
    out = norm(x)
    re, im = out.real, out.imag
    assert re.mean((2, 3)).abs().max() < 1e-10
    torch.testing.assert_close(
        re.square().mean((2, 3)), torch.ones(3, 2, dtype=torch.float64), atol=1e-3, rtol=0
    )
    torch.testing.assert_close(
        (re * im).mean((2, 3)), torch.zeros(3, 2, dtype=torch.float64), atol=1e-3, rtol=0
    )
    assert count_real_parameters(norm) == 5 * 2 and count_real_buffers(norm) == 0


def test_layer_norm_statistics_over_trailing_dims():
    norm = ComplexLayerNorm((4, 5)).double()
    with torch.no_grad():
        norm.gamma_rr.fill_(1.0)
        norm.gamma_ii.fill_(1.0)
    x = torch.randn(3, 6, 4, 5, dtype=torch.complex128) * 3 + 2
    out = norm(x)
    assert out.mean((-2, -1)).abs().max() < 1e-10
    torch.testing.assert_close(
        out.abs().square().mean((-2, -1)),
        torch.full((3, 6), 2.0, dtype=torch.float64),
        atol=1e-3,
        rtol=0,
    )
    assert norm.gamma_rr.shape == (4, 5)
    with pytest.raises(ValueError, match="normalized_shape"):
        norm(torch.randn(2, 5, 4, dtype=torch.complex64))


def test_real_instance_normalization_matches_torch():
    norm = InstanceNormalization(3)
    x = torch.randn(2, 3, 6, 6)
    torch.testing.assert_close(norm(x), F.instance_norm(x, eps=1e-4), atol=1e-5, rtol=1e-5)


def test_boundaries_follow_the_dcn_split_order():
    z = torch.randn(2, 3, 4, dtype=torch.complex64)
    concat = ComplexToReal("concat")(z)
    assert torch.equal(concat[:, :3], z.real) and torch.equal(concat[:, 3:], z.imag)
    assert torch.equal(RealToComplex("split")(concat), z)
    torch.testing.assert_close(ComplexToReal("abs2")(z), z.abs() ** 2)
    assert torch.equal(ComplexToReal("angle")(z), z.angle())
    assert RealToComplex()(torch.ones(2)).dtype == torch.complex64
    with pytest.raises(ValueError, match="even"):
        RealToComplex("split")(torch.ones(1, 3))


def test_dcn_aliases():
    assert dcn.ComplexConv2D(2, 3, 3).__class__.__name__ == "ComplexConv2d"
    assert isinstance(dcn.ComplexDense(2, 3), torch.nn.Module)
    bn = dcn.ComplexBN(3)
    for shape in [(4, 3), (4, 3, 5), (2, 3, 4, 4), (2, 3, 2, 2, 2)]:
        assert bn(torch.randn(shape, dtype=torch.complex64)).shape == shape
    assert dcn.ComplexLayerNorm is not ComplexLayerNorm
    out = dcn.ComplexLayerNorm(3)(torch.randn(2, 3, 5, dtype=torch.complex64))
    assert out.shape == (2, 3, 5)
    assert dcn.LayerNormalization is InstanceNormalization
    for name in dcn.__all__:
        assert getattr(dcn, name) is not None
