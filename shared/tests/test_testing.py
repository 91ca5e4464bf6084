"""paramlab.testing: each check passes on a correct case and fails on a wrong one."""

import pytest
import torch
from torch import nn

from paramlab import testing


def test_relative_error_is_scaled_to_the_output():
    expected = torch.tensor([100.0, -200.0])
    assert testing.relative_error(expected + 2.0, expected) == pytest.approx(0.01)
    assert testing.relative_error(torch.ones(2), torch.zeros(2)) == 1.0


def test_assert_close_scaled_passes_and_fails():
    expected = torch.randn(5, 7, generator=torch.Generator().manual_seed(0))
    assert testing.assert_close_scaled(expected * (1 + 1e-7), expected) < 1e-6
    with pytest.raises(AssertionError, match="relative error"):
        testing.assert_close_scaled(expected + 1e-2, expected)
    with pytest.raises(AssertionError, match="shape"):
        testing.assert_close_scaled(expected[:1], expected)


def test_gradcheck_accepts_correct_and_rejects_wrong_gradients():
    x = torch.randn(4)
    assert testing.gradcheck(torch.sin, x)

    class WrongGrad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, value):
            ctx.save_for_backward(value)
            return value.sin()

        @staticmethod
        def backward(ctx, grad):
            (value,) = ctx.saved_tensors
            return grad * value.sin()

    with pytest.raises((AssertionError, RuntimeError)):
        testing.gradcheck(WrongGrad.apply, x)


def test_assert_equivariant_detects_a_broken_symmetry():
    x = torch.randn(1, 3, 8, 8)
    rot = lambda t: torch.rot90(t, 1, dims=(-2, -1))  # noqa: E731
    assert testing.assert_equivariant(lambda t: t.square(), x, rot, rot) == 0.0
    conv = nn.Conv2d(3, 3, 3, padding=1)
    with pytest.raises(AssertionError, match="equivariance error"):
        testing.assert_equivariant(conv, x, rot, rot)


def test_count_parameters_counts_shared_once_and_respects_frozen():
    shared = nn.Linear(3, 3)
    net = nn.Sequential(shared, shared, nn.Linear(3, 2))
    assert testing.count_parameters(net) == 12 + 8
    net[2].weight.requires_grad_(False)
    assert testing.count_parameters(net) == 12 + 2
    assert testing.count_parameters(net, trainable_only=False) == 20


def test_state_dict_roundtrip_passes_and_catches_a_bad_build():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4))
    x = torch.randn(3, 4)
    testing.assert_state_dict_roundtrip(
        lambda: nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4)), net, x
    )
    with pytest.raises(RuntimeError, match="Unexpected key"):
        testing.assert_state_dict_roundtrip(lambda: nn.Sequential(nn.Linear(4, 4)), net)


class StoresWeight(nn.Module):
    """Mimics the original PHC layer, which keeps its derived weight on the module."""

    def __init__(self):
        super().__init__()
        self.factor = nn.Parameter(torch.ones(2, 2))

    def forward(self, x):
        self.weight = self.factor * 2
        return x @ self.weight


class BuildsWeight(StoresWeight):
    def forward(self, x):
        return x @ (self.factor * 2)


def test_assert_forward_pure_flags_a_stored_weight():
    x = torch.randn(3, 2)
    testing.assert_forward_pure(BuildsWeight(), x)
    with pytest.raises(AssertionError, match="stored tensors on the module"):
        testing.assert_forward_pure(StoresWeight(), x)


def test_assert_forward_pure_allows_batchnorm_updates_in_training():
    testing.assert_forward_pure(nn.BatchNorm1d(3), torch.randn(4, 3))
