"""Original-format state_dicts load with strict=True and give the original's outputs.

Each test writes a state_dict with the original's keys and shapes (spec §9) filled with
random values — unused parameters (``result``) with garbage — loads it strictly, and compares
against the independent reference of the original's computation (conftest ``ref``) on inputs
on segment boundaries, at ±1 and outside [−1, 1].
"""

from __future__ import annotations

import math

import pytest
import torch
from high_order_layers_torch.layers import (
    high_order_convolution_layers,
    high_order_convolution_transpose_layers,
    high_order_fc_layers,
)
from high_order_layers_torch.networks import HighOrderMLP

from paramlab.testing import assert_close_scaled

IN, OUT = 4, 3


def _load(layer, state):
    layer.load_state_dict(state, strict=True)
    return layer.eval()


@pytest.mark.parametrize(
    "layer_type, n, segments, periodicity",
    [
        ("continuous", 3, 2, None),
        ("continuous", 4, 4, None),
        ("continuous", 2, 3, None),
        ("continuous", 1, 3, None),
        ("continuous", 3, 2, 2.0),
        ("discontinuous", 3, 4, None),
        ("discontinuous", 2, 3, None),
        ("discontinuous", 1, 2, None),
        ("discontinuous", 5, 2, 2.0),
    ],
)
def test_piecewise_sum(ref, boundary_inputs, layer_type, n, segments, periodicity):
    continuous = layer_type == "continuous"
    nodes = (n - 1) * segments + 1 if continuous else n * segments
    torch.manual_seed(0)
    state = {"w": torch.randn(OUT, IN, nodes)}
    layer = _load(
        high_order_fc_layers(
            layer_type,
            n=n,
            in_features=IN,
            out_features=OUT,
            segments=segments,
            periodicity=periodicity,
        ),
        state,
    )
    expected = ref.piecewise(
        boundary_inputs, state["w"], n, segments, continuous, periodicity=periodicity
    )
    assert_close_scaled(layer(boundary_inputs), expected, rtol=1e-5)


@pytest.mark.parametrize("layer_type", ["continuous_prod", "discontinuous_prod"])
def test_piecewise_product(ref, boundary_inputs, layer_type):
    n, segments = 3, 2
    continuous = layer_type == "continuous_prod"
    nodes = (n - 1) * segments + 1 if continuous else n * segments
    torch.manual_seed(1)
    state = {"w": 0.3 * torch.randn(OUT, IN, nodes)}
    layer = _load(
        high_order_fc_layers(
            layer_type, n=n, in_features=IN, out_features=OUT, segments=segments, alpha=0.3
        ),
        state,
    )
    x = boundary_inputs.clamp(-1, 1)
    expected = ref.piecewise(x, state["w"], n, segments, continuous, prod=True)
    assert_close_scaled(layer(x), expected, rtol=1e-5)


def test_piecewise_gradients_match_gather(ref, boundary_inputs):
    """The scatter + matmul forward has the original gather's gradients (w and x)."""
    torch.manual_seed(2)
    w = torch.randn(OUT, IN, 7)
    layer = _load(
        high_order_fc_layers("continuous", n=4, in_features=IN, out_features=OUT, segments=2),
        {"w": w},
    )
    x = boundary_inputs.clone().requires_grad_(True)
    x_ref = boundary_inputs.clone().requires_grad_(True)
    w_ref = w.clone().requires_grad_(True)
    weights = torch.randn(boundary_inputs.shape[0], OUT)
    (layer(x) * weights).sum().backward()
    (ref.piecewise(x_ref, w_ref, 4, 2) * weights).sum().backward()
    assert_close_scaled(layer.w.grad, w_ref.grad, rtol=1e-5)
    assert_close_scaled(x.grad, x_ref.grad, rtol=1e-5)


@pytest.mark.parametrize("n, length, periodicity", [(5, 2.0, None), (3, 2.0, 2.0), (4, 3.0, None)])
def test_polynomial(ref, boundary_inputs, n, length, periodicity):
    torch.manual_seed(3)
    state = {"w": torch.randn(OUT, IN, n), "result": torch.empty(OUT).fill_(1e30)}
    layer = _load(
        high_order_fc_layers(
            "polynomial",
            n=n,
            in_features=IN,
            out_features=OUT,
            length=length,
            periodicity=periodicity,
            segments=2,
        ),
        state,
    )
    expected = ref.polynomial(boundary_inputs, state["w"], n, length, periodicity)
    assert_close_scaled(layer(boundary_inputs), expected, rtol=1e-5)


@pytest.mark.parametrize("n, length", [(5, 2.0), (4, 3.0), (1, 2.0)])
def test_fourier_ignores_periodicity(ref, boundary_inputs, n, length):
    torch.manual_seed(4)
    state = {"w": torch.randn(OUT, IN, n), "result": torch.randn(OUT)}
    layer = _load(
        high_order_fc_layers(
            "fourier", n=n, in_features=IN, out_features=OUT, length=length, periodicity=2.0
        ),
        state,
    )
    expected = ref.fourier_layer(boundary_inputs, state["w"], n, length)
    assert_close_scaled(layer(boundary_inputs), expected, rtol=1e-5)


@pytest.mark.parametrize(
    "layer_type, ns",
    [
        ("polynomial_2d", [3, 3]),
        ("polynomial_2d", [3, 4]),
        ("polynomial_3d", [2, 3, 3]),
        ("polynomial_3d", [3, 7, 7]),
        ("polynomial_4d", [2, 2, 3, 2]),
        ("polynomial_5d", [2, 2, 2, 2, 2]),
    ],
)
def test_polynomial_nd_sign_convention(ref, layer_type, ns):
    torch.manual_seed(5)
    x = torch.rand(6, 2, len(ns)) * 2.4 - 1.2
    x[0, 0] = torch.linspace(-1, 1, len(ns))
    state = {"w": torch.randn(OUT, 2, math.prod(ns)), "result": torch.randn(OUT)}
    layer = _load(high_order_fc_layers(layer_type, n=ns, in_features=2, out_features=OUT), state)
    assert_close_scaled(layer(x), ref.polynomial_nd(x, state["w"], ns), rtol=1e-5)


def test_nd_sign_is_visible_for_an_odd_count_of_even_n(ref):
    """n = [3, 4]: the original's N-d basis is the negated textbook tensor basis."""
    torch.manual_seed(6)
    x = torch.rand(5, 1, 2) * 2 - 1
    layer = high_order_fc_layers("polynomial_2d", n=[3, 4], in_features=1, out_features=1)
    textbook = torch.einsum(
        "bij,bik->bijk", ref.lagrange(x[..., 0], ref.cheb(3)), ref.lagrange(x[..., 1], ref.cheb(4))
    ).reshape(5, 1, 12)
    expected = torch.einsum("bik,oik->bo", textbook, layer.w)
    assert_close_scaled(layer(x), -expected, rtol=1e-5)


def test_continuous_nd_shared_block(ref):
    ns, segments = [3, 2], [2, 3]
    torch.manual_seed(7)
    x = torch.rand(6, 2, 2) * 2.4 - 1.2
    x[0, 0] = torch.tensor([0.0, 1.0 / 3.0])
    x[1, 1] = torch.tensor([-1.0, 1.0])
    state = {"w": torch.randn(2 * OUT * 6 * 6)}
    layer = _load(
        high_order_fc_layers(
            "continuous_nd", n=ns, segments=segments, in_features=2, out_features=OUT
        ),
        state,
    )
    expected = ref.piecewise_nd(x, state["w"], ns, segments, OUT)
    assert_close_scaled(layer(x), expected, rtol=1e-5)


def test_product_and_linear_adapters(ref, boundary_inputs):
    torch.manual_seed(8)
    state = {"weight": 0.3 * torch.randn(OUT, IN), "bias": torch.randn(OUT)}
    x = boundary_inputs.clamp(-1, 1)
    for alpha in (1.0, 0.25):
        layer = _load(
            high_order_fc_layers("product", in_features=IN, out_features=OUT, alpha=alpha), state
        )
        expected = ref.product(x, state["weight"], state["bias"], alpha)
        assert_close_scaled(layer(x), expected, rtol=1e-5)
    linear = _load(high_order_fc_layers("baseline", in_features=IN, out_features=OUT, n=3), state)
    assert_close_scaled(linear(x), x @ state["weight"].t() + state["bias"])
    relu_state = {"f.weight": state["weight"], "f.bias": state["bias"]}
    relu = _load(
        high_order_fc_layers("baseline_relu", in_features=IN, out_features=OUT), relu_state
    )
    assert_close_scaled(relu(x), torch.relu(x @ state["weight"].t() + state["bias"]))


CONV_CASES = [
    ("continuous2d", "continuous", 3, 2, {}),
    ("continuous2d", "continuous", 2, 4, {"stride": 2, "padding": 1}),
    ("discontinuous2d", "discontinuous", 3, 2, {}),
    ("polynomial2d", "polynomial", 4, 1, {}),
    ("fourier2d", "fourier", 5, 1, {}),
    ("continuous1d", "continuous", 3, 3, {}),
    ("discontinuous1d", "discontinuous", 2, 4, {}),
    ("polynomial1d", "polynomial", 3, 1, {}),
    ("fourier1d", "fourier", 3, 1, {}),
]


@pytest.mark.parametrize("layer_type, kind, n, segments, conv_kw", CONV_CASES)
@pytest.mark.parametrize("rescale_output, periodicity", [(False, None), (True, 2.0)])
def test_convolutions(ref, layer_type, kind, n, segments, conv_kw, rescale_output, periodicity):
    channels, k = 2, 3
    variables = {"continuous": (n - 1) * segments + 1, "discontinuous": n * segments}.get(kind, n)
    torch.manual_seed(9)
    spatial = (7, 7) if layer_type.endswith("2d") else (9,)
    x = torch.rand(2, channels, *spatial) * 2.6 - 1.3
    x.view(-1)[:6] = torch.tensor([-1.0, 0.0, 0.5, 1.0, -0.5, 1.0 / 3.0])
    state = {"conv.weight": torch.randn(OUT, channels * variables, *([k] * len(spatial)))}
    layer = _load(
        high_order_convolution_layers(
            layer_type,
            n=n,
            segments=segments,
            in_channels=channels,
            out_channels=OUT,
            kernel_size=k,
            rescale_output=rescale_output,
            periodicity=periodicity,
            **conv_kw,
        ),
        state,
    )
    rescale = 1.0 / (channels * k * k) if rescale_output else 1.0
    expected = ref.conv(
        x,
        state["conv.weight"],
        kind,
        n,
        segments,
        periodicity=periodicity,
        rescale=rescale,
        **conv_kw,
    )
    assert_close_scaled(layer(x), expected, rtol=1e-5)


def test_convolution_transpose(ref):
    n, segments, channels, k = 3, 2, 2, 3
    torch.manual_seed(10)
    x = torch.rand(2, channels, 4, 4) * 2.2 - 1.1
    x[0, 0, 0] = torch.tensor([-1.0, 0.0, 1.0, 0.5])
    state = {"conv.weight": torch.randn(channels * 5, OUT, k, k)}
    layer = _load(
        high_order_convolution_transpose_layers(
            "continuous2d",
            n=n,
            segments=segments,
            in_channels=channels,
            out_channels=OUT,
            kernel_size=k,
            stride=2,
            padding=1,
            output_padding=1,
        ),
        state,
    )
    z = ref.expand(x, "continuous", n, segments)
    expected = torch.nn.functional.conv_transpose2d(
        z, state["conv.weight"], stride=2, padding=1, output_padding=1
    )
    assert_close_scaled(layer(x), expected, rtol=1e-5)


def test_high_order_mlp_duplicate_keys(ref, boundary_inputs):
    """HighOrderMLP's original state_dict repeats the input/output layers under model.{i}."""
    torch.manual_seed(11)
    w_in, w_hidden, w_out = torch.randn(5, IN, 5), torch.randn(5, 5, 9), torch.randn(2, 5, 4)
    state = {
        "input_layer.w": w_in,
        "model.0.w": w_in,
        "model.2.w": w_hidden,
        "model.4.w": w_out,
        "output_layer.w": w_out,
    }
    from high_order_layers_torch.layers import MaxAbsNormalization

    net = HighOrderMLP(
        layer_type="discontinuous",
        n=3,
        in_width=IN,
        out_width=2,
        hidden_layers=1,
        hidden_width=5,
        in_segments=2,
        hidden_segments=3,
        out_segments=2,
        n_hidden=3,
        n_out=2,
        normalization=MaxAbsNormalization,
        layer_type_in="continuous",
    )
    net = _load(net, state)
    assert sorted(net.state_dict()) == sorted(state)
    h = ref.piecewise(boundary_inputs, w_in, 3, 2, continuous=True)
    h = h / (h.abs().amax(1, keepdim=True) + 1e-6)
    h = ref.piecewise(h, w_hidden, 3, 3, continuous=False)
    h = h / (h.abs().amax(1, keepdim=True) + 1e-6)
    expected = ref.piecewise(h, w_out, 2, 2, continuous=False)
    assert_close_scaled(net(boundary_inputs), expected, rtol=1e-5)
