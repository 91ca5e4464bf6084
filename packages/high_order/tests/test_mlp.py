"""HighOrderMLP, LowOrderMLP and HighOrderMLPList (spec §6)."""

from __future__ import annotations

import pytest
import torch
from high_order_layers_torch.layers import MaxAbsNormalization
from high_order_layers_torch.networks import HighOrderMLP, HighOrderMLPList, LowOrderMLP

from paramlab.testing import assert_state_dict_roundtrip, count_parameters


@pytest.mark.parametrize(
    "ctype",
    [
        "polynomial",
        "continuous",
        "discontinuous",
        "switch_continuous",
        "switch_discontinuous",
        "fourier",
        "product",
        "baseline_relu",
    ],
)
@pytest.mark.parametrize("segments, n, hidden_layers", [(1, 3, 1), (2, 5, 3)])
def test_fully_connected_network(ctype, segments, n, hidden_layers):
    model = HighOrderMLP(
        in_segments=segments,
        out_segments=segments,
        hidden_segments=segments,
        layer_type=ctype,
        n=n,
        in_width=3,
        out_width=2,
        hidden_layers=hidden_layers,
        hidden_width=3,
    )
    assert model(torch.rand(2, 3)).shape == (2, 2)


@pytest.mark.parametrize("n0", [1, 2, 3])
@pytest.mark.parametrize("ctype", ["continuous", "baseline", "baseline_relu"])
def test_high_order_mlp_with_batch_norm(n0, ctype):
    model = HighOrderMLP(
        layer_type=ctype,
        n=n0,
        in_width=3,
        out_width=2,
        hidden_layers=2,
        hidden_width=4,
        in_segments=2,
        out_segments=2,
        hidden_segments=2,
        normalization=lambda: torch.nn.LazyBatchNorm1d(),
        non_linearity=torch.nn.ReLU(),
    )
    assert model(torch.rand(5, 3)).shape == (5, 2)


def test_high_order_mlp_structure_and_dropout():
    model = HighOrderMLP(
        layer_type="continuous",
        n=3,
        in_width=3,
        out_width=2,
        hidden_layers=2,
        hidden_width=4,
        in_segments=2,
        out_segments=2,
        hidden_segments=2,
        normalization=MaxAbsNormalization,
        non_linearity=torch.nn.Tanh(),
        dropout=0.5,
    )
    kinds = [type(m).__name__ for m in model.model]
    assert kinds == [
        "PiecewisePolynomial",
        "MaxAbsNormalization",
        "Tanh",
        "Dropout",
        "PiecewisePolynomial",
        "MaxAbsNormalization",
        "Tanh",
        "Dropout",
        "PiecewisePolynomial",
        "MaxAbsNormalization",
        "Tanh",
        "Dropout",
        "PiecewisePolynomial",
    ]
    assert model.model[0] is model.input_layer and model.model[-1] is model.output_layer
    assert model.model[3] is model.dropout_layer
    keys = set(model.state_dict())
    assert {"input_layer.w", "output_layer.w", "model.0.w", "model.12.w"} <= keys
    x = torch.rand(4, 3) * 2 - 1
    assert_state_dict_roundtrip(
        lambda: HighOrderMLP(
            layer_type="continuous",
            n=3,
            in_width=3,
            out_width=2,
            hidden_layers=2,
            hidden_width=4,
            in_segments=2,
            out_segments=2,
            hidden_segments=2,
            normalization=MaxAbsNormalization,
            non_linearity=torch.nn.Tanh(),
            dropout=0.5,
        ),
        model.eval(),
        x,
    )


def test_low_order_mlp():
    model = LowOrderMLP(
        in_width=3,
        out_width=2,
        hidden_layers=2,
        hidden_width=4,
        non_linearity=torch.nn.ReLU(),
        normalization=torch.nn.LazyBatchNorm1d,
    )
    assert model(torch.rand(5, 3)).shape == (5, 2)
    assert count_parameters(LowOrderMLP(3, 2, 2, 4)) == (3 * 4 + 4) + 2 * (4 * 4 + 4) + (4 * 2 + 2)


def test_high_order_mlp_list_builds_every_layer():
    model = HighOrderMLPList(
        layer_type=["continuous", "polynomial", "discontinuous"],
        n=[3, 4, 2],
        width=[3, 5, 4, 2],
        segments=[2, 1, 3],
        normalization=[None, MaxAbsNormalization, MaxAbsNormalization],
    )
    assert model(torch.rand(6, 3)).shape == (6, 2)
    assert count_parameters(model) == 5 * 3 * 5 + (4 * 5 * 4 + 4) + 2 * 4 * 6
    with pytest.raises(ValueError, match="width must be of size 1 more"):
        HighOrderMLPList(layer_type=["continuous"], n=[3], width=[3], segments=[2])
