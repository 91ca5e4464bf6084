"""HighOrderMultiMLP (spec §6, §13.10: broken in the original, built here) and the original's
empty HighOrderMLPMixerBlock placeholder."""

from __future__ import annotations

import pytest
import torch
from high_order_layers_torch.layers import MaxAbsNormalization, high_order_fc_layers
from high_order_layers_torch.networks import (
    HighOrderMLP,
    HighOrderMLPMixerBlock,
    HighOrderMultiMLP,
)

from paramlab.testing import assert_close_scaled, assert_state_dict_roundtrip, count_parameters


def _multi(**overrides):
    kwargs = dict(
        layer_type="continuous",
        n=3,
        replicas=2,
        in_width=4,
        out_width=3,
        hidden_layers=1,
        hidden_width=6,
        in_segments=2,
        hidden_segments=2,
        out_segments=2,
    )
    kwargs.update(overrides)
    return HighOrderMultiMLP(**kwargs)


def test_keys_and_parameter_count():
    torch.manual_seed(0)
    net = _multi()
    column = ["input_layer.w", "output_layer.w", "model.0.w", "model.1.w", "model.2.w"]
    expected = {"input_layer.w", "layer_list.0.w", "model_in.0.w"}
    expected |= {f"replica_list.{k}.{key}" for k in range(2) for key in column}
    expected |= {"output_list.0.w", "model_out.0.w", "output_layer.w"}
    assert set(net.state_dict()) == expected
    # V = (n − 1)·S + 1 = 5 values per link: input 4·6, two columns of 3 layers 6·6, output 6·3
    assert count_parameters(net) == 5 * (4 * 6 + 2 * 3 * 6 * 6 + 6 * 3)


def _copy(layer, source):
    layer.load_state_dict(source.state_dict(), strict=True)
    return layer


def test_forward_is_input_then_sum_of_columns_then_output():
    torch.manual_seed(1)
    act = torch.nn.ReLU()
    net = _multi(non_linearity=act, normalization=MaxAbsNormalization, replicas=3)
    # independent modules carrying the same weights
    input_layer = _copy(
        high_order_fc_layers("continuous", n=3, in_features=4, out_features=6, segments=2),
        net.input_layer,
    )
    output_layer = _copy(
        high_order_fc_layers("continuous", n=3, in_features=6, out_features=3, segments=2),
        net.output_layer,
    )
    columns = [
        _copy(
            HighOrderMLP(
                "continuous",
                n=3,
                in_width=6,
                out_width=6,
                hidden_layers=1,
                hidden_width=6,
                in_segments=2,
                out_segments=2,
                hidden_segments=2,
                non_linearity=act,
                normalization=MaxAbsNormalization,
            ),
            column,
        )
        for column in net.replica_list
    ]
    norm = MaxAbsNormalization()
    x = torch.rand(7, 4) * 2 - 1
    hidden = act(norm(input_layer(x)))
    expected = output_layer(act(norm(sum(column(hidden) for column in columns))))
    assert_close_scaled(net(x), expected, rtol=1e-6)


def test_one_column_is_a_deeper_mlp():
    """One replica, no normalisation or activation: input, column (input, hidden, output
    layers), output = a HighOrderMLP with hidden_layers + 2 hidden layers."""
    torch.manual_seed(2)
    net = _multi(replicas=1, hidden_layers=2)
    deep = HighOrderMLP(
        "continuous",
        n=3,
        in_width=4,
        out_width=3,
        hidden_layers=4,
        hidden_width=6,
        in_segments=2,
        out_segments=2,
        hidden_segments=2,
    )
    column = net.replica_list[0].model
    weights = [net.input_layer.w] + [layer.w for layer in column] + [net.output_layer.w]
    with torch.no_grad():
        for layer, w in zip(deep.model, weights, strict=True):
            layer.w.copy_(w)
    x = torch.rand(5, 4) * 2 - 1
    assert_close_scaled(net(x), deep(x), rtol=1e-6)


def test_every_parameter_trains_and_round_trips():
    torch.manual_seed(3)
    options = dict(dropout=0.2, non_linearity=torch.nn.Tanh())
    net = _multi(**options)
    assert isinstance(net.model_out[0], torch.nn.Dropout)
    net(torch.rand(8, 4) * 2 - 1).square().sum().backward()
    for name, parameter in net.named_parameters():
        assert parameter.grad is not None and parameter.grad.abs().sum() > 0, name
    assert_state_dict_roundtrip(lambda: _multi(**options), net, torch.rand(3, 4))


def test_needs_a_replica():
    with pytest.raises(ValueError, match="replicas=0 must be at least 1"):
        _multi(replicas=0)


def test_mixer_block_is_the_original_placeholder():
    block = HighOrderMLPMixerBlock()
    assert count_parameters(block) == 0
    with pytest.raises(NotImplementedError):
        block(torch.zeros(1, 2))


def test_star_import_exposes_the_typing_names_the_original_tests_use():
    """The original's modules had no __all__, so its tests take e.g. Union from a star import."""
    namespace: dict = {}
    exec("from high_order_layers_torch.networks import *", namespace)
    assert {"Union", "Optional", "List", "HighOrderMultiMLP", "HighOrderMLPMixerBlock"} <= set(
        namespace
    )
