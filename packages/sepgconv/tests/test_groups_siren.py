"""Group modules (over paramlab.lie) and the SIREN kernel nets."""

import math

import pytest
import torch
from ck_g_cnn.groups import SE2, Rplus, Sim2
from ck_g_cnn.nn.ck import CKNetLinear, SineLayerLinear


def test_group_buffers_and_state_dicts():
    assert SE2().state_dict()["identity"].tolist() == [0.0]
    assert Rplus(2.0).state_dict()["identity"].tolist() == [1.0]
    sim2 = Sim2(1.74).state_dict()
    assert list(sim2) == ["identity", "SO2.identity", "Rplus.identity"]
    assert sim2["identity"].tolist() == [0.0, 1.0]
    assert "max_scale" not in str(list(sim2))


def test_discretised_samples():
    assert torch.allclose(SE2().sample(4), torch.tensor([0, 0.5, 1, 1.5]) * math.pi)
    scales = Sim2(1.74).sample([16, 3], separable=True)[1]
    assert torch.allclose(scales, torch.tensor([1.0, 1.3191, 1.74]), atol=1e-4)
    pairs = Sim2(1.74).sample([4, 3])
    assert pairs.shape == (12, 2)
    assert torch.allclose(pairs[5], torch.tensor([math.pi / 2, 1.74]))  # row r·Ns + t
    assert Sim2(2.0).sample(3).shape == (9, 2)


def test_uniform_sampling_is_one_phase_from_the_global_rng():
    torch.manual_seed(3)
    theta = SE2().sample(8, "uniform")
    torch.manual_seed(3)
    u = torch.rand(1)
    expected = torch.remainder(
        torch.linspace(0, 2 * math.pi * 7 / 8, 8) + u * 2 * math.pi * 7 / 64, 2 * math.pi
    )
    assert torch.allclose(theta, expected)
    assert torch.rand(1) != u  # exactly one draw was consumed
    torch.manual_seed(3)
    scales = Rplus(1.74).sample(3, "uniform")
    assert scales.max() > 1.74  # the original's modulo-m quirk never wraps


def test_group_operations():
    g = Sim2(1.74)
    a, b = torch.tensor([[1.0, 1.2]]), torch.tensor([[6.0, 1.5]])
    assert torch.allclose(g.product(a, b), torch.tensor([[7.0 - 2 * math.pi, 1.74]]))
    assert torch.allclose(g.determinant(a), torch.tensor([1.2]))  # s, as the original
    relative = g.left_action_on_H(g.inverse(a), b)
    assert torch.allclose(relative, torch.tensor([[[5.0, 1.25]]]))
    grid = torch.stack(torch.meshgrid(torch.tensor([0.0, 1.0]), torch.tensor([0.0, 1.0]),
                                      indexing="ij"))  # fmt: skip
    moved = SE2().left_action_on_Rd(torch.tensor([math.pi / 2]), grid)
    assert torch.allclose(moved[0, :, 1, 0], torch.tensor([0.0, 1.0]), atol=1e-6)
    with pytest.raises(ValueError, match="sampling method"):
        SE2().sample(4, "normal")


def test_siren_initialisation_ranges():
    torch.manual_seed(0)
    first = SineLayerLinear(2, 30.0, 256, is_first=True)
    hidden = SineLayerLinear(256, 30.0, 256)
    assert first.linear.weight.abs().max() <= 1 / 2
    assert first.linear.weight.abs().max() > 0.45
    assert first.linear.bias.abs().max() > 0.5  # torch default U(±1/√2) kept
    bound = math.sqrt(6 / 256) / 30.0
    assert hidden.linear.weight.abs().max() <= bound
    assert hidden.linear.weight.abs().max() > 0.95 * bound
    assert torch.equal(hidden.linear.bias, torch.zeros(256))
    x = torch.randn(5, 2)
    assert torch.allclose(first(x), torch.sin(30.0 * first.linear(x)))


def test_cknet_layout_and_head_init():
    torch.manual_seed(0)
    net = CKNetLinear(3, 4, 5, 7, 32, 2, 10.0, 10.0)
    keys = list(net.state_dict())
    assert keys == [
        "net.net.0.linear.weight", "net.net.0.linear.bias", "net.net.1.linear.weight",
        "net.net.1.linear.bias", "net.net.2.linear.weight", "net.net.2.linear.bias",
        "final_linear.weight", "final_linear.bias",
    ]  # fmt: skip
    assert net.final_linear.weight.shape == (20, 32)
    bound = math.sqrt(6 / 32) / math.sqrt(4 * 49)
    assert net.final_linear.weight.abs().max() <= bound
    assert torch.equal(net.final_linear.bias, torch.zeros(20))
    assert sum(p.numel() for p in net.parameters()) == 4 * 32 + 2 * 33 * 32 + 33 * 20
    with pytest.raises(ValueError, match="CKNet implementation not found"):
        CKNetLinear(3, 4, 5, 7, 32, 2, 10.0, 10.0, implementation="RFF")
