"""Quaternion conv / linear against the original's cat-built Hamilton weights and its
NumPy-global-RNG initialisation loop."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from phc.quaternion import QuaternionConv, QuaternionLinear, quaternion_init, unitary_init

from paramlab.testing import assert_close_scaled, assert_forward_pure, count_parameters


@pytest.mark.parametrize(
    "in_f,out_f,kernel,criterion",
    [(2, 3, (3, 3), "glorot"), (4, 1, (1, 1), "glorot"), (5, 2, None, "he"), (3, 2, (5,), "he")],
)
def test_quaternion_init_is_bit_exact_with_original_loop(ref, in_f, out_f, kernel, criterion):
    np.random.seed(11)
    ours = quaternion_init(in_f, out_f, kernel_size=kernel, criterion=criterion)
    after_ours = np.random.random()
    np.random.seed(11)
    theirs = ref.quaternion_init(in_f, out_f, kernel_size=kernel, criterion=criterion)
    assert np.random.random() == after_ours  # same global-RNG consumption
    for a, b in zip(ours, theirs, strict=True):
        assert a.shape == b.shape and np.array_equal(a, b)


def test_conv_seeded_init_order_and_keys(ref):
    np.random.seed(3)
    layer = QuaternionConv(8, 12, kernel_size=3, stride=1, padding=1)
    np.random.seed(3)
    np.random.randint(0, 1234)  # the constructor's unused seed draw
    expected = ref.quaternion_init(2, 3, kernel_size=(3, 3), criterion="glorot")
    for name, value in zip(("r", "i", "j", "k"), expected, strict=True):
        weight = getattr(layer, f"{name}_weight")
        assert torch.equal(weight, torch.from_numpy(value).float())
    assert list(layer.state_dict()) == ["r_weight", "i_weight", "j_weight", "k_weight", "bias"]
    assert torch.equal(layer.bias, torch.zeros(12))
    assert count_parameters(layer) == 4 * 3 * 2 * 9 + 12


@pytest.mark.parametrize(
    "dims,op", [(1, "convolution1d"), (2, "convolution2d"), (3, "convolution3d")]
)
def test_conv_output_equals_original(ref, dims, op):
    np.random.seed(0)
    layer = QuaternionConv(8, 4, kernel_size=3, stride=2, padding=1, operation=op).double()
    with torch.no_grad():
        layer.bias.normal_()
    x = torch.randn(2, 8, *([6] * dims), dtype=torch.float64)
    weight = ref.hamilton_conv_weight(
        layer.r_weight, layer.i_weight, layer.j_weight, layer.k_weight
    )
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[dims]
    assert_close_scaled(layer(x), conv(x, weight, layer.bias, 2, 1, 1, 1), rtol=1e-12)


def test_linear_output_keys_and_ranks(ref):
    np.random.seed(1)
    layer = QuaternionLinear(8, 12)
    assert tuple(layer.r_weight.shape) == (2, 3)  # input-major
    assert list(layer.state_dict()) == ["r_weight", "i_weight", "j_weight", "k_weight", "bias"]
    with torch.no_grad():
        layer.bias.normal_()
    matrix = ref.hamilton_linear_weight(
        layer.r_weight, layer.i_weight, layer.j_weight, layer.k_weight
    )
    x = torch.randn(5, 8)
    assert_close_scaled(layer(x), x @ matrix + layer.bias, rtol=1e-6)
    x3 = torch.randn(4, 5, 8)
    assert_close_scaled(layer(x3), (x3.reshape(20, 8) @ matrix + layer.bias).reshape(4, 5, 12))
    with pytest.raises(NotImplementedError):
        layer(torch.randn(2, 2, 2, 8))
    with pytest.raises(RuntimeError, match="divisible by 4"):
        layer(torch.randn(2, 6))


def test_linear_init_matches_original_he(ref):
    np.random.seed(9)
    layer = QuaternionLinear(8, 4)
    np.random.seed(9)
    np.random.randint(0, 1234)
    expected = ref.quaternion_init(2, 1, kernel_size=None, criterion="he")
    assert torch.equal(layer.k_weight, torch.from_numpy(expected[3]).float())


def test_unitary_init_gives_unit_quaternions():
    np.random.seed(0)
    r, i, j, k = unitary_init(3, 4, kernel_size=(3, 3))
    norm = np.sqrt(r**2 + i**2 + j**2 + k**2)
    assert norm.shape == (4, 3, 3, 3)
    assert np.all(norm < 1.0) and np.all(norm > 0.99)


def test_validation_and_purity():
    with pytest.raises(ValueError, match="in_channels=6 must be divisible by 4"):
        QuaternionConv(6, 8, 3, 1)
    with pytest.raises(ValueError, match="out_features=6 must be divisible by 4"):
        QuaternionLinear(8, 6)
    layer = QuaternionConv(4, 8, 3, 1, padding=1, bias=False)
    assert layer.bias is None
    assert_forward_pure(layer, torch.randn(2, 4, 5, 5))


def test_meta_build_skips_numpy_draws():
    np.random.seed(4)
    state = np.random.get_state()[1].copy()
    with torch.device("meta"):
        layer = QuaternionConv(64, 64, 3, 1, seed=1)
    assert layer.r_weight.is_meta
    assert np.array_equal(np.random.get_state()[1], state)
