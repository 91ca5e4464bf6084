"""Fixes of the references' bugs (spec §11) that no other test pins: each test fails if the bug
is reproduced."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from complexnn import ComplexAvgPool2d, ComplexConv2d, ComplexWeightNormConv2d, recipe
from complexnn.datasets import dcn_splits, synthetic_raw
from complexnn.models import DCNResNet
from torch import nn

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def train_args(*flags: str):
    spec = importlib.util.spec_from_file_location("complexnn_run_for_fixes", SCRIPTS / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(SCRIPTS))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(SCRIPTS))
    return module.get_arg_parser("run.py").parse_args(["train", *flags])


def inverse_sqrt(v: torch.Tensor) -> torch.Tensor:
    """``V^{-1/2}`` of symmetric positive definite 2x2 matrices by eigendecomposition."""
    values, vectors = torch.linalg.eigh(v)
    return vectors @ torch.diag_embed(values.rsqrt()) @ vectors.transpose(-1, -2)


def test_weight_norm_adds_eps_to_the_diagonal_only():
    """DCN 11.1.5: its weight normalisation also adds ε to the off-diagonal covariance."""
    eps = 0.3  # large, so the two conventions differ visibly
    layer = ComplexWeightNormConv2d(2, 3, 3, eps=eps, dtype=torch.float64)
    with torch.no_grad():
        layer.gamma_rr.fill_(1.0)
        layer.gamma_ii.fill_(1.0)
    taps = layer.weight.detach().flatten(2)
    centred = torch.stack([taps.real, taps.imag], -1) - torch.stack(
        [taps.real, taps.imag], -1
    ).mean(2, keepdim=True)
    cov = centred.transpose(-1, -2) @ centred / taps.shape[-1]
    ours = cov + eps * torch.eye(2, dtype=torch.float64)
    expected = centred @ inverse_sqrt(ours)
    w_re, w_im = layer.effective_kernel()
    got = torch.stack([w_re.flatten(2), w_im.flatten(2)], -1)
    torch.testing.assert_close(got, expected, rtol=1e-10, atol=1e-12)
    dcn = ours + eps * torch.tensor([[0.0, 1.0], [1.0, 0.0]], dtype=torch.float64)
    assert (got - centred @ inverse_sqrt(dcn)).abs().max() > 1e-3


def test_torch_init_fills_both_parts():
    """DCN 11.1.3: a non-complex initialiser silently left the imaginary half empty."""
    conv = ComplexConv2d(16, 16, 3, init="torch")
    bound = 1 / math.sqrt(16 * 9)
    for part in (conv.weight_real, conv.weight_imag):
        # torch's kaiming_uniform(a=√5) bound, and the variance of U(-bound, bound)
        assert part.abs().max() <= bound
        assert part.var().item() == pytest.approx(bound**2 / 3, rel=0.1)
    assert not torch.equal(conv.weight_real, conv.weight_imag)


def test_best_model_is_selected_by_validation_accuracy(tmp_path, monkeypatch):
    """DCN 11.1.10: its 'best model' followed the training accuracy."""
    val_acc = iter([0.5, 0.5, 0.25, 0.25, 0.75, 0.75])  # (val, test) per epoch

    def scripted(model, x, y, batch_size, device):
        return 1.0, next(val_acc)

    monkeypatch.setattr(recipe, "evaluate", scripted)
    args = train_args("-n", "3", "-b", "32", "--max-steps", "1", "--schedule", "constant")
    data = dcn_splits(synthetic_raw(10, train=64, test=8), 10, None, False)
    model = DCNResNet("real", start_filter=1, num_blocks=1)
    recipe.fit(args, model, data, torch.device("cpu"), tmp_path)
    best = sorted(path.name for path in (tmp_path / "best").iterdir())
    assert best == ["Bestmodel_000001_0.5000_1.0000.pt", "Bestmodel_000003_0.7500_1.0000.pt"]


def test_rmsprop_builds_and_steps():
    """DCN 11.1.9: ``--optimizer rmsprop`` crashed (misspelled class name)."""
    model = nn.Linear(3, 2)
    optimizer = recipe.make_optimizer(train_args("--optimizer", "rmsprop", "--lr", "0.01"), model)
    assert isinstance(optimizer, torch.optim.RMSprop)
    before = model.weight.detach().clone()
    model(torch.randn(4, 3)).square().sum().backward()
    optimizer.step()
    assert not torch.equal(before, model.weight)


def test_dropout_flag_reaches_the_blocks():
    """DCN 11.1.9: ``--dropout`` was parsed and ignored."""
    torch.manual_seed(0)
    net = DCNResNet("complex", start_filter=2, num_blocks=1, dropout=0.5)
    plain = DCNResNet("complex", start_filter=2, num_blocks=1)
    assert sum(type(m).__name__ == "ComplexDropout" for m in net.modules()) > 0
    assert not any("Dropout" in type(m).__name__ for m in plain.modules())
    x = torch.randn(2, 3, 32, 32)
    net.train()
    assert not torch.equal(net(x), net(x))
    net.eval()
    torch.testing.assert_close(net(x), net(x))


def test_avg_pool_takes_torch_arguments():
    """complexPyTorch 11.2.5: its AvgPool2d passed max-pool arguments to avg_pool2d."""
    x = torch.randn(2, 3, 7, 7, dtype=torch.complex128)
    kw = {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}
    pool = ComplexAvgPool2d(**kw, count_include_pad=False)
    expected = torch.complex(
        F.avg_pool2d(x.real, **kw, count_include_pad=False),
        F.avg_pool2d(x.imag, **kw, count_include_pad=False),
    )
    torch.testing.assert_close(pool(x), expected)
