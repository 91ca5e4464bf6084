"""The suite-wide conv shapes of ``nox -s bench`` (3x3 on 32x32: 32→32 at batch 64 and 128,
64→64 at batch 64): every conv kind computes the original's function there, beside a dense
floor of the same shape, and the peer is in every group but those that leave it out by name."""

import pytest
from high_order_layers_torch.bench import (
    CONV_KINDS,
    PEER_DISTRIBUTION,
    PEERLESS_SQUARES,
    SQUARE_SHAPES,
    assert_same_outputs,
    build,
    cases,
    floor,
    layer_input,
    load_peer,
    peer_available,
    square_conv,
)


def _fixed(expected):
    class Fixed:
        def __call__(self, x):
            return expected

    return Fixed()


@pytest.mark.parametrize("layer_type", sorted(CONV_KINDS))
def test_square_conv_layers_compute_the_original_function(ref, layer_type):
    options = CONV_KINDS[layer_type]
    conv = square_conv(32)
    layer = build("conv", layer_type, options, conv=conv)
    x = layer_input("conv", image=(2, 32, 6, 5)).detach()
    kind = layer_type.removesuffix("2d")
    weight = layer.conv.weight.detach()
    expected = ref.conv(x, weight, kind, options["n"], options.get("segments", 1), padding=1)
    assert expected.shape == (2, 32, 6, 5)
    assert_same_outputs(_fixed(expected), layer, x)
    dense = floor("conv", conv)
    assert dense.bias is None
    assert dense(x).shape == expected.shape


@pytest.mark.parametrize("quick", [False, True])
def test_square_groups_cover_every_kind_and_shape(quick):
    groups = {}
    for case in cases(quick):
        if "3x3" in case.group:
            groups.setdefault(case.group, []).append(case)
    shapes = set(SQUARE_SHAPES[:1] if quick else SQUARE_SHAPES)
    assert len(groups) == len(CONV_KINDS) * len(shapes)
    seen = set()
    for name, members in groups.items():
        roles = [case.role for case in members]
        assert roles.count("ours") == 1 and roles.count("floor") == 1
        shape = (members[0].shape["channels"], members[0].shape["batch"])
        seen.add(shape)
        assert f"{shape[0]}→{shape[0]} 3x3, B{shape[1]}, 32x32" in name
        expect_peer = peer_available() and shape not in PEERLESS_SQUARES
        assert roles.count("peer") == int(expect_peer)
        assert (f"no {PEER_DISTRIBUTION}" in name) == (peer_available() and not expect_peer)
    assert seen == shapes


@pytest.mark.skipif(not peer_available(), reason="high-order-layers-torch is not installed")
@pytest.mark.parametrize("layer_type", sorted(CONV_KINDS))
def test_peer_gives_our_outputs_at_the_square_shape(layer_type):
    options, conv = CONV_KINDS[layer_type], square_conv(32)
    ours = build("conv", layer_type, options, conv=conv)
    peer = build("conv", layer_type, options, load_peer(), conv=conv)
    peer.load_state_dict(ours.state_dict(), strict=True)
    x = layer_input("conv", image=(2, 32, 6, 5)).detach()
    assert_same_outputs(ours, peer, x)
