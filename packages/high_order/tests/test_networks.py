"""Networks (spec §6): convolutional networks, tail focus, transform MLP, VAE, helpers."""

from __future__ import annotations

import random

import pytest
import torch
from high_order_layers_torch.layers import fixed_rotation_layer
from high_order_layers_torch.networks import (
    HighOrderFullyConvolutionalNetwork,
    HighOrderFullyDeconvolutionalNetwork,
    HighOrderMLP,
    HighOrderTailFocusNetwork,
    LowOrderMLP,
    VanillaVAE,
    initialize_network_polynomial_layers,
    scalar_to_list,
    smooth_discontinuous_network,
    transform_low_mlp,
    transform_mlp,
)

from paramlab.testing import assert_close_scaled, count_parameters


def test_scalar_to_list():
    assert scalar_to_list(None, 3) is None
    assert scalar_to_list(2, 3) == [2, 2, 2]
    assert scalar_to_list("a", 2) == ["a", "a"]
    assert scalar_to_list([1, 2], 5) == [1, 2]


@pytest.mark.parametrize("ctype", ["polynomial1d", "continuous1d", "discontinuous1d", "fourier1d"])
def test_fully_convolutional_network1d(ctype):
    model = HighOrderFullyConvolutionalNetwork(
        layer_type=[ctype] * 2,
        n=[3] * 2,
        channels=[2, 3, 3],
        segments=[2] * 2,
        kernel_size=[3] * 2,
        pooling="1d",
        stride=[2, 2],
    )
    assert model(torch.rand(2, 2, 40)).shape == (2, 3)
    assert model.output_size == 3


@pytest.mark.parametrize("ctype", ["polynomial2d", "continuous2d", "discontinuous2d", "fourier2d"])
def test_fully_convolutional_network2d(ctype):
    model = HighOrderFullyConvolutionalNetwork(
        layer_type=ctype,
        n=3,
        channels=[1, 3, 4],
        segments=2,
        kernel_size=[3, 3],
        normalization=torch.nn.BatchNorm2d,
    )
    assert model(torch.rand(2, 1, 12, 12)).shape == (2, 4)
    assert "model.1.weight" in model.state_dict() and "model.0.conv.weight" in model.state_dict()


def test_convolutional_network_no_pool2d():
    model = HighOrderFullyConvolutionalNetwork(
        layer_type=["polynomial2d"] * 3,
        n=[3] * 3,
        channels=[3] * 4,
        segments=[1] * 3,
        kernel_size=[3] * 3,
        pooling=None,
    )
    assert model(torch.rand(1, 3, 100, 100)).shape == (1, 26508)


def test_network_list_lengths_are_checked():
    with pytest.raises(ValueError, match="segments must have at least one entry per layer"):
        HighOrderFullyConvolutionalNetwork(
            layer_type="continuous2d", n=3, channels=[1, 2, 3], segments=[2], kernel_size=[3, 3]
        )


def test_deconvolutional_network():
    model = HighOrderFullyDeconvolutionalNetwork(
        layer_type="continuous2d",
        n=2,
        channels=[4, 3, 2],
        segments=2,
        kernel_size=[3, 4],
        stride=2,
    )
    assert model.in_channels == 4
    assert model(torch.rand(2, 4, 1, 1)).shape == (2, 2, 8, 8)


@pytest.mark.parametrize("kernel_size, channels, layers", [(3, 1, 1), (5, 3, 3), (3, 3, 2)])
def test_tail_focus(kernel_size, channels, layers):
    model = HighOrderTailFocusNetwork(
        layer_type=["continuous1d"] * layers,
        n=[3] * layers,
        channels=[channels] * (layers + 1),
        segments=[2] * layers,
        kernel_size=[kernel_size] * layers,
        stride=[2] * layers,
        focus=[2] * layers,
        normalization=torch.nn.LazyBatchNorm1d,
    )
    widths, sizes = model.compute_sizes(100)
    x = torch.rand(2, channels, 100)
    out = model(x)
    assert out.shape == (2, sum(sizes))
    assert torch.equal(out[:, : 2 * channels], x[:, :, -2:].flatten(1))
    assert "conv_0.conv.weight" in model.state_dict()


@pytest.mark.parametrize("layer_type", ["continuous", "discontinuous"])
@pytest.mark.parametrize("resnet", [True, False])
@pytest.mark.parametrize("rotations", [1, 3])
def test_transform_mlp(layer_type, resnet, rotations):
    network = transform_mlp(
        layer_type=layer_type,
        n=3,
        n_in=3,
        n_hidden=3,
        n_out=3,
        in_width=3,
        out_width=2,
        hidden_layers=2,
        hidden_width=4,
        hidden_segments=2,
        in_segments=2,
        out_segments=2,
        resnet=resnet,
        rotations=rotations,
    )
    x = torch.rand(2, 3)
    rotation, _ = fixed_rotation_layer(3, rotations)
    assert_close_scaled(network(x), network[1](rotation(x)))
    low = transform_low_mlp(3, 4, 2, 1, torch.nn.ReLU(), None, rotations)
    assert low(x).shape == (2, 2)


@pytest.mark.parametrize(
    "layer_type", ["continuous", "discontinuous", "switch_continuous", "switch_discontinuous"]
)
@pytest.mark.parametrize("resnet", [True, False])
def test_initialize_network_polynomial_layers(layer_type, resnet):
    network = HighOrderMLP(
        layer_type=layer_type,
        n=3,
        in_width=3,
        out_width=2,
        hidden_layers=2,
        hidden_width=4,
        hidden_segments=2,
        in_segments=2,
        out_segments=2,
        resnet=resnet,
    )
    x = torch.rand(2, 3)
    before = network(x)
    random.seed(0)
    initialize_network_polynomial_layers(network=network, max_slope=1.0, max_offset=0.0)
    assert not torch.allclose(before, network(x))
    line = network.input_layer if "switch" not in layer_type else network.input_layer._layers[0]
    assert torch.allclose(line.w[:, :, 0], -line.w[:, :, -1])


def test_ignores_non_polynomial_layers():
    network = LowOrderMLP(in_width=3, out_width=2, hidden_layers=2, hidden_width=4)
    x = torch.rand(2, 3)
    before = network(x)
    initialize_network_polynomial_layers(network=network, max_slope=1.0, max_offset=0.0)
    assert torch.equal(before, network(x))


def test_smooth_discontinuous_network():
    network = HighOrderMLP(
        layer_type="discontinuous",
        n=2,
        in_width=3,
        out_width=2,
        hidden_layers=1,
        hidden_width=4,
        hidden_segments=3,
        in_segments=3,
        out_segments=3,
    )
    with torch.no_grad():
        for p in network.parameters():
            p.normal_()
    smooth_discontinuous_network(network, 1.0)
    w = network.output_layer.w
    assert torch.allclose(w[:, :, 1], w[:, :, 2]) and torch.allclose(w[:, :, 3], w[:, :, 4])


def test_vae_parameter_count_and_loss():
    """The VAE of variational_autoencoder.yaml: 621 894 parameters (spec §9)."""
    encoder = HighOrderFullyConvolutionalNetwork(
        layer_type="continuous2d",
        n=2,
        channels=[3, 32, 64, 128],
        segments=2,
        kernel_size=[3, 3, 3],
        stride=2,
        padding=1,
        periodicity=2.0,
        normalization=torch.nn.BatchNorm2d,
    )
    decoder = HighOrderFullyDeconvolutionalNetwork(
        layer_type="continuous2d",
        n=2,
        channels=[128, 64, 32, 16, 3],
        segments=2,
        kernel_size=[3, 3, 3, 4],
        stride=2,
        padding=0,
        periodicity=2.0,
        normalization=torch.nn.BatchNorm2d,
    )
    vae = VanillaVAE(latent_dim=128, encoder=encoder, decoder=decoder)
    assert count_parameters(vae) == 621894
    vae.eval()
    recon, x, mu, log_var = vae(torch.rand(2, 3, 32, 32) * 2 - 1)
    assert recon.shape == (2, 3, 32, 32)
    losses = vae.loss_function(recon, x, mu, log_var, M_N=0.5)
    kld = torch.mean(-0.5 * torch.sum(1 + log_var - mu**2 - log_var.exp(), dim=1))
    assert torch.allclose(losses["loss"], torch.nn.functional.mse_loss(recon, x) + 0.5 * kld)
    assert vae.sample(3).shape == (3, 3, 32, 32)
