"""complexPyTorch state dicts load into ours and reproduce its outputs (spec §11.2 item 7,
§13.4, §13.12). The complexPyTorch computations are re-stated here independently."""

from __future__ import annotations

import math

import torch
from complexnn import (
    ComplexBatchNorm2d,
    ComplexConv2d,
    ComplexConvTranspose2d,
    ComplexLinear,
    from_complexpytorch,
)
from torch import nn


class RefPair(nn.Module):
    """complexPyTorch's two-real-layer form: ``apply_complex(f_r, f_i, x)`` cast to complex64."""

    def __init__(self, names, make):
        super().__init__()
        self.names = names
        self.add_module(names[0], make())
        self.add_module(names[1], make())

    def forward(self, x):
        fr, fi = getattr(self, self.names[0]), getattr(self, self.names[1])
        return (fr(x.real) - fi(x.imag)).type(torch.complex64) + 1j * (
            fr(x.imag) + fi(x.real)
        ).type(torch.complex64)


class RefBatchNorm2d(nn.Module):
    """complexPyTorch 0.4 ``ComplexBatchNorm2d`` (weight (C, 3), bias (C, 2), running_covar)."""

    def __init__(self, c, eps=1e-5, momentum=0.1):
        super().__init__()
        self.eps, self.momentum = eps, momentum
        self.weight = nn.Parameter(torch.empty(c, 3))
        self.bias = nn.Parameter(torch.zeros(c, 2))
        self.register_buffer("running_mean", torch.zeros(c, dtype=torch.complex64))
        self.register_buffer("running_covar", torch.zeros(c, 3))
        self.register_buffer("num_batches_tracked", torch.tensor(0))
        with torch.no_grad():
            self.weight[:, :2] = math.sqrt(2)
            self.weight[:, 2] = 0
            self.running_covar[:, :2] = math.sqrt(2)

    def forward(self, x):
        dims = [0, 2, 3]
        if self.training:
            mean = x.real.mean(dims).type(torch.complex64) + 1j * x.imag.mean(dims).type(
                torch.complex64
            )
        else:
            mean = self.running_mean
        x = x - mean[None, :, None, None]
        if self.training:
            n = x.numel() / x.size(1)
            crr = 1.0 / n * x.real.pow(2).sum(dim=dims) + self.eps
            cii = 1.0 / n * x.imag.pow(2).sum(dim=dims) + self.eps
            cri = (x.real * x.imag).mean(dim=dims)
        else:
            crr = self.running_covar[:, 0] + self.eps
            cii = self.running_covar[:, 1] + self.eps
            cri = self.running_covar[:, 2]
        s = torch.sqrt(crr * cii - cri.pow(2))
        t = torch.sqrt(cii + crr + 2 * s)
        rrr, rii, rri = (cii + s) / (s * t), (crr + s) / (s * t), -cri / (s * t)

        def b(v):
            return v[None, :, None, None]

        ur = b(rrr) * x.real + b(rri) * x.imag
        ui = b(rii) * x.imag + b(rri) * x.real
        w, bias = self.weight, self.bias
        re = b(w[:, 0]) * ur + b(w[:, 2]) * ui + b(bias[:, 0])
        im = b(w[:, 2]) * ur + b(w[:, 1]) * ui + b(bias[:, 1])
        return re.type(torch.complex64) + 1j * im.type(torch.complex64)


def _randomize(module):
    with torch.no_grad():
        for p in module.parameters():
            p.normal_()
    return module


def test_conv2d_from_complexpytorch():
    ref = _randomize(RefPair(("conv_r", "conv_i"), lambda: nn.Conv2d(3, 4, 3, stride=2, padding=1)))
    ours = ComplexConv2d.from_complexpytorch(ref.state_dict(), stride=2, padding=1)
    assert set(ours.state_dict()) == {"weight_real", "weight_imag", "bias_real", "bias_imag"}
    x = torch.randn(2, 3, 7, 7, dtype=torch.complex64)
    torch.testing.assert_close(ours(x), ref(x), atol=1e-5, rtol=1e-5)
    b_r, b_i = ref.conv_r.bias, ref.conv_i.bias
    torch.testing.assert_close(ours.bias, torch.complex(b_r - b_i, b_r + b_i))


def test_linear_and_transposed_from_complexpytorch():
    ref = _randomize(RefPair(("fc_r", "fc_i"), lambda: nn.Linear(5, 3)))
    ours = ComplexLinear.from_complexpytorch(ref.state_dict())
    x = torch.randn(4, 5, dtype=torch.complex64)
    torch.testing.assert_close(ours(x), ref(x), atol=1e-5, rtol=1e-5)
    reft = _randomize(
        RefPair(("conv_tran_r", "conv_tran_i"), lambda: nn.ConvTranspose2d(3, 2, 3, stride=2))
    )
    ourst = ComplexConvTranspose2d.from_complexpytorch(reft.state_dict(), stride=2)
    y = torch.randn(1, 3, 4, 4, dtype=torch.complex64)
    torch.testing.assert_close(ourst(y), reft(y), atol=1e-5, rtol=1e-5)


def test_batch_norm_train_and_eval_from_complexpytorch():
    ref = RefBatchNorm2d(3)
    with torch.no_grad():
        ref.weight.uniform_(0.5, 1.5)
        ref.weight[:, 2].uniform_(-0.2, 0.2)
        ref.bias.normal_()
        ref.running_mean.copy_(torch.randn(3, dtype=torch.complex64))
        ref.running_covar.copy_(torch.tensor([[1.2, 0.8, 0.3], [0.5, 0.9, -0.1], [2.0, 1.5, 0.0]]))
    x = torch.randn(4, 3, 5, 5, dtype=torch.complex64) * 2 + 1
    ours = ComplexBatchNorm2d.from_complexpytorch(ref.state_dict())
    torch.testing.assert_close(ours.train()(x), ref.train()(x), atol=1e-5, rtol=1e-5)
    folded = ComplexBatchNorm2d(3)
    folded.load_state_dict(from_complexpytorch(ref.state_dict(), bn_eps=1e-5))
    torch.testing.assert_close(folded.eval()(x), ref.eval()(x), atol=1e-5, rtol=1e-5)
    unfolded = ComplexBatchNorm2d.from_complexpytorch(ref.state_dict()).eval()
    assert not torch.allclose(unfolded(x), ref.eval()(x), atol=1e-7, rtol=0)


def test_whole_model_conversion_with_prefixes():
    ref = nn.Sequential(
        _randomize(RefPair(("conv_r", "conv_i"), lambda: nn.Conv2d(2, 3, 3, padding=1))),
        RefBatchNorm2d(3),
    )
    ours = nn.Sequential(ComplexConv2d(2, 3, 3, padding=1), ComplexBatchNorm2d(3))
    ours.load_state_dict(from_complexpytorch(ref.state_dict()), strict=True)
    x = torch.randn(2, 2, 4, 4, dtype=torch.complex64)
    torch.testing.assert_close(ours.train()(x), ref.train()(x), atol=1e-5, rtol=1e-5)


def test_complexpytorch_bn_init_differs_from_ours():
    """complexPyTorch starts Γ and the running covariance diagonal at √2; ours at 1/√2."""
    ref = RefBatchNorm2d(2)
    ours = ComplexBatchNorm2d(2)
    torch.testing.assert_close(ref.weight[:, 0], torch.full((2,), math.sqrt(2)))
    torch.testing.assert_close(ours.gamma_rr, torch.full((2,), 1 / math.sqrt(2)))
    torch.testing.assert_close(ours.running_cov[:, 0], torch.full((2,), 1 / math.sqrt(2)))
