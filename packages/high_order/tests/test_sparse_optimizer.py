"""SparseLion (spec §8): only entries with a non-zero gradient move."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from high_order_layers_torch.PolynomialLayers import PiecewiseDiscontinuousPolynomial
from high_order_layers_torch.sparse_optimizers import SparseLion


def test_sparse_lion_updates_only_active_nodes():
    layer = PiecewiseDiscontinuousPolynomial(n=2, in_features=1, out_features=1, segments=10)
    optim = SparseLion(params=layer.parameters(), lr=1e-2, weight_decay=0.5)
    x = torch.ones(1, 1) * 0.5
    F.mse_loss(layer(x), torch.ones(1, 1) * 0.2).backward()
    grad = layer.w.grad.clone()
    active = grad != 0
    assert int(active.sum()) == 2
    before = layer.w.detach().clone()
    optim.step()
    after = layer.w.detach()
    assert torch.equal(after[~active], before[~active])  # weight decay is a no-op, as before
    expected = before[active] - 1e-2 * torch.sign(0.1 * grad[active])
    assert torch.allclose(after[active], expected)
    state = optim.state[layer.w]["exp_avg"]
    assert torch.allclose(state[active], 0.01 * grad[active])
    assert torch.equal(state[~active], torch.zeros_like(state[~active]))


def test_sparse_lion_momentum_and_errors():
    p = torch.nn.Parameter(torch.zeros(3))
    optim = SparseLion([p], lr=0.1, betas=(0.5, 0.9))
    p.grad = torch.tensor([1.0, 0.0, -2.0])
    optim.step()
    p.grad = torch.tensor([-0.1, 0.0, 0.0])
    optim.step()
    # second step: m = [0.1, 0, -0.2]; u = sign(0.5·0.1 − 0.05) = 0 for entry 0
    assert torch.allclose(p.detach(), torch.tensor([-0.1, 0.0, 0.1]))
    with pytest.raises(ValueError, match="lr"):
        SparseLion([p], lr=0.0)


def test_update_fn_entry_by_entry():
    from high_order_layers_torch.sparse_optimizers.sparse_lion import exists, update_fn

    torch.manual_seed(0)
    p, grad, m = torch.randn(4, 3), torch.randn(4, 3), torch.randn(4, 3)
    grad[0, 1] = grad[2, 2] = 0.0
    mask = grad != 0
    expected_p, expected_m = p.clone(), m.clone()
    for i in range(4):
        for j in range(3):
            if mask[i, j]:
                step = float(torch.sign(0.9 * m[i, j] + 0.1 * grad[i, j]))
                expected_p[i, j] = p[i, j] - 0.05 * step
                expected_m[i, j] = 0.99 * m[i, j] + 0.01 * grad[i, j]
    update_fn(p, grad, m, 0.05, 0.3, 0.9, 0.99, mask)
    torch.testing.assert_close(p, expected_p)
    torch.testing.assert_close(m, expected_m)
    assert exists(0) and not exists(None)
    assert SparseLion([torch.nn.Parameter(torch.ones(1))]).update_fn is update_fn
