"""The bench cases compare equals: every ``impl`` (and complexPyTorch, when installed) computes
the same complex convolution, and the floor does the same number of real multiplications."""

import pytest
import torch
import torch.nn.functional as F
from complexnn.bench import (
    SHAPES,
    build_floor,
    build_ours,
    build_peer,
    cases,
    complex_input,
    peer_available,
    real_input,
)
from complexnn.conv import CONV_IMPLS


def _reference(x, weight_real, weight_imag):
    """(A + iB) * (x + iy) = (A*x − B*y) + i(B*x + A*y), four real convolutions."""
    conv = lambda inp, w: F.conv2d(inp, w, padding=1)  # noqa: E731
    real = conv(x.real, weight_real) - conv(x.imag, weight_imag)
    imag = conv(x.real, weight_imag) + conv(x.imag, weight_real)
    return torch.complex(real, imag)


@pytest.mark.parametrize(("channels", "size"), SHAPES)
def test_every_impl_computes_the_same_complex_convolution(channels, size):
    x = complex_input(2, channels, size).detach()
    layers = {impl: build_ours(channels, impl) for impl in CONV_IMPLS}
    reference = layers["native"]
    expected = _reference(x, reference.weight_real, reference.weight_imag)
    for impl, layer in layers.items():
        torch.testing.assert_close(layer.weight_real, reference.weight_real)
        torch.testing.assert_close(layer(x), expected, rtol=1e-4, atol=1e-4, msg=impl)


@pytest.mark.parametrize(("channels", "size"), SHAPES)
def test_complexpytorch_peer_computes_the_same_convolution(channels, size):
    pytest.importorskip("complexPyTorch")
    ours = build_ours(channels, "native")
    x = complex_input(2, channels, size).detach()
    torch.testing.assert_close(build_peer(ours)(x), ours(x), rtol=1e-4, atol=1e-4)


def test_groups_have_floor_every_impl_and_the_peer_when_installed():
    found = cases(quick=True)
    assert len(cases(quick=False)) == len(found)
    groups = {}
    for case in found:
        groups.setdefault(case.group, []).append((case.role, case.label))
    assert len(groups) == len(SHAPES)
    for entries in groups.values():
        roles = [role for role, _ in entries]
        assert roles.count("floor") == 1 and roles.count("ours") == len(CONV_IMPLS)
        assert roles.count("peer") == (1 if peer_available() else 0)
    assert {case.shape["batch"] for case in found} == {32}


def test_floor_does_the_complex_layers_real_work():
    """A real 2C→2C conv has 4·C² products per tap and position: four real C→C convs."""
    for channels, size in SHAPES:
        ours, floor = build_ours(channels, "split"), build_floor(channels)
        assert floor.weight.numel() == 2 * (ours.weight_real.numel() + ours.weight_imag.numel())
        x = complex_input(2, channels, size).detach()
        assert floor(real_input(x)).shape == real_input(ours(x)).shape
