"""Lifting and group convs against the independent reference of the original computation.

Each test writes a state dict in the original's format (keys and shapes from the spec, random
values, the group's ``identity`` buffers), loads it with ``strict=True`` and compares the eval
output with the reference for the same elements.
"""

import math

import pytest
import torch
from ck_g_cnn.nn.conv import (
    GroupConv,
    GroupConvDGSeparable,
    GroupConvDSeparable,
    GroupConvGSeparable,
    GroupConvGSeparable2D,
    GroupConvSeparable,
    GroupConvSeparable2D,
    LiftingConv,
    LiftingConv2D,
)

from paramlab.testing import assert_close_scaled

WIDTH, LAYERS = 8, 1
M = 1.74
CONVS = {
    "nonseparable": GroupConv,
    "separable": GroupConvSeparable,
    "gseparable": GroupConvGSeparable,
    "dseparable": GroupConvDSeparable,
    "dgseparable": GroupConvDGSeparable,
    "separable+2d": GroupConvSeparable2D,
    "gseparable+2d": GroupConvGSeparable2D,
}
IDENTITY = {"SE2": [0.0], "R2xRplus": [1.0], "Sim2": [0.0, 1.0]}


def group_buffers(group, prefix):
    sd = {f"{prefix}identity": torch.tensor(IDENTITY[group])}
    if group == "Sim2":
        sd[f"{prefix}SO2.identity"] = torch.tensor([0.0])
        sd[f"{prefix}Rplus.identity"] = torch.tensor([1.0])
    return sd


def net_entries(prefix, d, m, gen):
    """Original CKNetLinear keys with random values (biases non-zero on purpose)."""
    sd = {}
    fan = d
    for layer in range(LAYERS + 1):
        sd[f"{prefix}.net.net.{layer}.linear.weight"] = torch.randn(WIDTH, fan, generator=gen) / fan
        sd[f"{prefix}.net.net.{layer}.linear.bias"] = 0.1 * torch.randn(WIDTH, generator=gen)
        fan = WIDTH
    sd[f"{prefix}.final_linear.weight"] = 0.3 * torch.randn(m, WIDTH, generator=gen)
    sd[f"{prefix}.final_linear.bias"] = 0.1 * torch.randn(m, generator=gen)
    return sd


def original_state_dict(impl, group, c_in, c_out, seed=0):
    """The state dict the original writes for one conv (spec §4, §5.3, §9)."""
    gen = torch.Generator().manual_seed(seed)
    d_h = 2 if group == "Sim2" else 1
    sd = {**group_buffers(group, "group."), **group_buffers(group, "kernel.group.")}
    if impl == "lifting":
        sd.update(net_entries("kernel.cknet", 2, c_in * c_out, gen))
    elif impl in ("nonseparable", "dseparable"):
        sd.update(
            net_entries("kernel.cknet", 2 + d_h, (1 if impl == "dseparable" else c_in) * c_out, gen)
        )
    elif impl in ("separable", "gseparable", "dgseparable"):
        kernel_in = 1 if impl == "dgseparable" else c_in
        sd.update(net_entries("kernel.cknet_H", d_h, kernel_in * c_out, gen))
        spatial = c_in if impl == "gseparable" else 1
        sd.update(net_entries("kernel.cknet_Rn", 2, spatial * c_out, gen))
    else:
        c = c_in if impl == "gseparable+2d" else 1
        sd.update(net_entries("kernel.cknet_SO2", 1, c_in * c_out, gen))
        sd.update(net_entries("kernel.cknet_Rplus", 1, c * c_out, gen))
        sd.update(net_entries("kernel.cknet_Rn", 2, c * c_out, gen))
    if impl in ("dseparable", "dgseparable"):
        sd["depthwise_projection.weight"] = torch.randn(c_in, c_out, generator=gen)
    return sd


def build_conv(cls, group_name, build, k, c_in, c_out, n, padding=True, **fixes):
    return cls(
        group=build.group(group_name, M),
        kernel_size=k,
        in_channels=c_in,
        out_channels=c_out,
        num_group_elem=n,
        ck_net_num_hidden=LAYERS,
        ck_net_hidden_size=WIDTH,
        ck_net_implementation="SIREN",
        ck_net_first_omega_0=10.0,
        ck_net_omega_0=10.0,
        sampling_method="discretise",
        stride=1,
        padding=padding,
        **fixes,
    )


def random_elements(group, n, gen):
    theta = torch.rand(n, generator=gen) * 2 * math.pi
    scale = torch.exp(torch.rand(n, generator=gen) * math.log(M))
    return {"SE2": theta, "R2xRplus": scale, "Sim2": torch.stack((theta, scale), -1)}[group]


@pytest.mark.parametrize("group", ["SE2", "R2xRplus", "Sim2"])
def test_lifting_matches_reference(group, build, ref):
    gen = torch.Generator().manual_seed(1)
    conv = build_conv(LiftingConv, group, build, 4, 2, 3, 5).eval()
    sd = original_state_dict("lifting", group, 2, 3)
    conv.load_state_dict(sd, strict=True)
    x = torch.randn(2, 2, 9, 9, generator=gen)
    elements = random_elements(group, 5, gen)
    with torch.no_grad():
        y, returned = conv(x, elements)
    kernel = ref.lifting_kernel(group, sd, "kernel", elements, 4, 2, 3, M)
    expected = torch.nn.functional.conv2d(x, kernel.reshape(15, 2, 4, 4), padding=2)
    assert returned is elements
    assert_close_scaled(y, expected.view(2, 3, 5, 10, 10))


def test_lifting_2d_matches_reference(build, ref):
    gen = torch.Generator().manual_seed(2)
    conv = build_conv(LiftingConv2D, "Sim2", build, 5, 1, 2, [3, 2]).eval()
    sd = original_state_dict("lifting", "Sim2", 1, 2)
    conv.load_state_dict(sd, strict=True)
    theta, scale = torch.rand(3, generator=gen) * 6, 1 + 0.5 * torch.rand(2, generator=gen)
    x = torch.randn(1, 1, 8, 8, generator=gen)
    with torch.no_grad():
        y, (t_out, s_out) = conv(x, (theta, scale))
    pairs = torch.stack(torch.meshgrid(theta, scale, indexing="ij"), -1).reshape(-1, 2)
    kernel = ref.lifting_kernel("Sim2", sd, "kernel", pairs, 5, 1, 2, M)
    expected = torch.nn.functional.conv2d(x, kernel.reshape(12, 1, 5, 5), padding=2)
    assert t_out is theta and s_out is scale
    assert_close_scaled(y, expected.view(1, 2, 6, 8, 8))


CASES = [
    (impl, group)
    for group in ("SE2", "R2xRplus", "Sim2")
    for impl in ("nonseparable", "separable", "gseparable", "dseparable", "dgseparable")
]


@pytest.mark.parametrize("impl, group", CASES)
@pytest.mark.parametrize("elements", ["discretised", "distinct"])
def test_group_conv_matches_reference(impl, group, elements, build, ref):
    """Discretised: S = G (the usual case). Distinct: output elements differ from the input grid,
    which shows the original's swapped argument order (bug B4)."""
    gen = torch.Generator().manual_seed(3)
    c_in, c_out, n, k = 3, 2, 4, 4
    conv = build_conv(CONVS[impl], group, build, k, c_in, c_out, n).eval()
    sd = original_state_dict(impl, group, c_in, c_out)
    conv.load_state_dict(sd, strict=True)
    if elements == "discretised":
        grid = out = conv.group.sample([2, 2] if group == "Sim2" else n, "discretise")
    else:
        grid, out = random_elements(group, n, gen), random_elements(group, n, gen)
    x = torch.randn(2, c_in, n, 7, 7, generator=gen)
    with torch.no_grad():
        y, returned = conv(x, grid, out)
    expected = ref.group_conv(impl, group, sd, x, grid, out, k, c_in, c_out, True, M)
    assert returned is out
    assert_close_scaled(y, expected)


@pytest.mark.parametrize("impl", ["nonseparable", "separable", "dgseparable"])
def test_fix_argument_order_builds_kernel_from_output_elements(impl, build, ref):
    gen = torch.Generator().manual_seed(4)
    conv = build_conv(CONVS[impl], "SE2", build, 4, 2, 2, 4, fix_argument_order=True).eval()
    sd = original_state_dict(impl, "SE2", 2, 2)
    conv.load_state_dict(sd, strict=True)
    grid, out = random_elements("SE2", 4, gen), random_elements("SE2", 4, gen)
    x = torch.randn(1, 2, 4, 6, 6, generator=gen)
    with torch.no_grad():
        y, _ = conv(x, grid, out)
        quirky = ref.group_conv(impl, "SE2", sd, x, grid, out, 4, 2, 2, True, M, quirk=True)
    assert_close_scaled(
        y, ref.group_conv(impl, "SE2", sd, x, grid, out, 4, 2, 2, True, M, quirk=False)
    )
    assert (y - quirky).abs().max() > 1e-3


@pytest.mark.parametrize("impl", ["separable+2d", "gseparable+2d"])
@pytest.mark.parametrize("fix", [False, True])
def test_group_conv_2d_matches_reference(impl, fix, build, ref):
    gen = torch.Generator().manual_seed(5)
    c_in, c_out, k = 2, 3, 1 if fix else 5
    conv = build_conv(CONVS[impl], "Sim2", build, k, c_in, c_out, [3, 2], fix_unit_kernel_grid=fix)
    conv.eval()
    sd = original_state_dict(impl, "Sim2", c_in, c_out)
    conv.load_state_dict(sd, strict=True)
    grid = (torch.rand(3, generator=gen) * 6, 1 + 0.7 * torch.rand(2, generator=gen))
    out = (torch.rand(3, generator=gen) * 6, 1 + 0.7 * torch.rand(2, generator=gen))
    x = torch.randn(2, c_in, 6, 6, 6, generator=gen)
    with torch.no_grad():
        y, returned = conv(x, grid, out)
    fixes = {"fix_unit_kernel_grid": fix}
    expected = ref.group_conv_2d(impl, sd, x, grid, out, k, c_in, c_out, True, M, fixes)
    assert returned == out
    assert_close_scaled(y, expected)


@pytest.mark.parametrize("impl", ["nonseparable", "separable", "gseparable", "dseparable"])
@pytest.mark.parametrize("group", ["R2xRplus", "Sim2"])
@pytest.mark.parametrize("fix", [False, True])
def test_unit_kernel_and_fix_flags(impl, group, fix, build, ref):
    """Kernel size 1 (the blocks' skip_align) samples at (−m, −m) unless fix_unit_kernel_grid
    (bug B3); fix_sim2_axes / fix_sim2_mask switch the B1 / B2 behaviour of the reference."""
    gen = torch.Generator().manual_seed(6)
    fixes = dict(fix_unit_kernel_grid=fix, fix_sim2_axes=fix, fix_sim2_mask=fix)
    for k in (1, 3):
        conv = build_conv(CONVS[impl], group, build, k, 2, 3, 3, **fixes).eval()
        sd = original_state_dict(impl, group, 2, 3, seed=k)
        conv.load_state_dict(sd, strict=True)
        grid = out = conv.group.sample(3 if group == "R2xRplus" else [3, 1], "discretise")
        x = torch.randn(1, 2, grid.shape[0], 5, 5, generator=gen)
        with torch.no_grad():
            y, _ = conv(x, grid, out)
        expected = ref.group_conv(impl, group, sd, x, grid, out, k, 2, 3, True, M, fixes=fixes)
        assert_close_scaled(y, expected)


def test_nonsquare_maps_keep_height_and_width(build):
    conv = build_conv(GroupConvSeparable, "SE2", build, 3, 2, 2, 4).eval()
    grid = conv.group.sample(4)
    y, _ = conv(torch.randn(1, 2, 4, 6, 9), grid, grid)
    assert y.shape == (1, 2, 4, 6, 9)


@pytest.mark.parametrize("impl", ["nonseparable", "gseparable", "dseparable"])
def test_fixed_argument_order_allows_a_finer_output_grid(impl, build, ref):
    """With fix_argument_order, N_out may differ from N_in (test-time resolution changes)."""
    gen = torch.Generator().manual_seed(7)
    conv = build_conv(CONVS[impl], "SE2", build, 4, 2, 3, 6, fix_argument_order=True).eval()
    sd = original_state_dict(impl, "SE2", 2, 3)
    conv.load_state_dict(sd, strict=True)
    grid = conv.group.sample(4)
    x = torch.randn(1, 2, 4, 6, 6, generator=gen)
    with torch.no_grad():
        y, out = conv(x, grid)
    assert y.shape == (1, 3, 6, 7, 7)
    expected = ref.group_conv(impl, "SE2", sd, x, grid, out, 4, 2, 3, True, M, quirk=False)
    assert_close_scaled(y, expected)
