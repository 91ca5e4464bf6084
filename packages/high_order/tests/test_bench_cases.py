"""The bench cases compare equals: each benchmarked layer computes the original's function
(independent reference of conftest.py), and so does the PyPI peer loaded beside this package."""

import sys

import pytest
import torch
from high_order_layers_torch.bench import (
    CONV_KINDS,
    FC_KINDS,
    PEER_ALIAS,
    assert_same_outputs,
    build,
    cases,
    floor,
    layer_input,
    load_peer,
    peer_available,
    sweeps,
)


def _fc_reference(ref, layer_type, options, w, x):
    if layer_type in ("continuous", "discontinuous"):
        continuous = layer_type == "continuous"
        return ref.piecewise(x, w, options["n"], options["segments"], continuous=continuous)
    if layer_type == "polynomial":
        return ref.polynomial(x, w, options["n"])
    return ref.fourier_layer(x, w, options["n"])


@pytest.mark.parametrize("layer_type", sorted(FC_KINDS))
def test_fc_cases_compute_the_original_function(ref, layer_type):
    options = FC_KINDS[layer_type]
    layer = build("fc", layer_type, options)
    x = layer_input("fc", batch=3).detach()
    expected = _fc_reference(ref, layer_type, options, layer.w.detach(), x)
    assert_same_outputs(expected_module(expected), layer, x)
    assert floor("fc")(x).shape == expected.shape


@pytest.mark.parametrize("layer_type", sorted(CONV_KINDS))
def test_conv_cases_compute_the_original_function(ref, layer_type):
    options = CONV_KINDS[layer_type]
    layer = build("conv", layer_type, options)
    x = layer_input("conv")[:2].detach()
    kind = layer_type.removesuffix("2d")
    segments = options.get("segments", 1)
    expected = ref.conv(x, layer.conv.weight.detach(), kind, options["n"], segments)
    if layer.conv.bias is not None:
        expected = expected + layer.conv.bias.detach().view(1, -1, 1, 1)
    assert_same_outputs(expected_module(expected), layer, x)
    assert floor("conv")(x).shape == expected.shape


def expected_module(expected):
    """A module whose output is ``expected``, to compare through ``assert_same_outputs``."""

    class Fixed(torch.nn.Module):
        def forward(self, x):
            return expected

    return Fixed()


def test_mismatching_outputs_are_refused():
    layer = build("fc", "polynomial", FC_KINDS["polynomial"])
    x = layer_input("fc", batch=2).detach()
    with pytest.raises(AssertionError):
        assert_same_outputs(expected_module(layer(x) + 1e-2), layer, x)


@pytest.mark.skipif(not peer_available(), reason="high-order-layers-torch is not installed")
@pytest.mark.parametrize(
    ("kind", "layer_type"),
    [("fc", name) for name in FC_KINDS] + [("conv", name) for name in CONV_KINDS],
)
def test_peer_loads_our_weights_and_gives_our_outputs(kind, layer_type):
    options = (FC_KINDS if kind == "fc" else CONV_KINDS)[layer_type]
    peer_library = load_peer()
    assert sys.modules[f"{PEER_ALIAS}.layers"] is peer_library
    assert sys.modules["high_order_layers_torch.layers"] is not peer_library
    assert sys.modules["high_order_layers_torch.bench"].__name__ == "high_order_layers_torch.bench"
    ours = build(kind, layer_type, options)
    peer = build(kind, layer_type, options, peer_library)
    assert type(peer).__module__.startswith("high_order_layers_torch")  # the peer's own name
    assert type(peer) is not type(ours)
    peer.load_state_dict(ours.state_dict(), strict=True)
    x = layer_input(kind, batch=4).detach() if kind == "fc" else layer_input(kind)[:2].detach()
    assert_same_outputs(ours, peer, x)


def test_every_group_has_ours_and_its_floor():
    found = cases(quick=True)
    groups = {}
    for case in found:
        groups.setdefault(case.group, []).append(case.role)
    # + the forward-only fc case, + each conv kind at the quick suite-wide shape (32→32, B64)
    assert len(groups) == len(FC_KINDS) + 2 * len(CONV_KINDS) + 1
    assert sum("forward only" in group for group in groups) == 1
    for roles in groups.values():
        assert roles.count("ours") == 1 and roles.count("floor") == 1
        assert roles.count("peer") == (1 if peer_available() else 0)


def test_sweeps_vary_order_and_segments():
    order, segments = sweeps(quick=True)
    assert (order.key, segments.key) == ("n", "segments")
    assert sorted({c.shape["n"] for c in order.cases}) == [2, 3, 5, 8]
    assert sorted({c.shape["segments"] for c in segments.cases}) == [1, 2, 4, 8]
