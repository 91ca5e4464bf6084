"""The bench cases compare equals: the PHC layer, its sequential build and the original's
broadcast-then-sum construction compute the same convolution, and each group has its floor."""

import pytest
import torch
import torch.nn.functional as F
from phc.bench import build_phc, build_quaternion, cases, sweeps


def _broadcast_then_sum(A, Fs):
    """The original HyperNets weight, written out: the (n, n·O', n·I', k, k) product, summed."""
    n, o, i, kh, kw = Fs.shape
    product = A.view(n, n, 1, n, 1, 1, 1) * Fs.view(n, 1, o, 1, i, kh, kw)
    return product.reshape(n, n * o, n * i, kh, kw).sum(dim=0)


@pytest.mark.parametrize("channels", [32, 64])
@pytest.mark.parametrize("n", [2, 4])
def test_phc_cases_compute_the_original_convolution(channels, n):
    x = torch.randn(2, channels, 8, 8)
    ours = build_phc(channels, n, "ours")
    expected = F.conv2d(x, _broadcast_then_sum(ours.A, ours.F), padding=1)
    for kind in ("ours", "sequential", "original"):
        layer = build_phc(channels, n, kind)
        torch.testing.assert_close(layer(x), expected, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(
        build_phc(channels, n, "original").build_weight(), ours.build_weight()
    )
    floor = build_phc(channels, n, "floor")
    assert floor.weight.shape == ours.build_weight().shape
    assert floor(x).shape == expected.shape
    dense, compact = floor.weight.numel(), ours.A.numel() + ours.F.numel()
    assert compact == n**3 + dense // n


def test_quaternion_case_is_the_hamilton_product():
    layer = build_quaternion(32)
    r, i, j, k = layer.r_weight, layer.i_weight, layer.j_weight, layer.k_weight
    rows = [
        torch.cat([r, -i, -j, -k], dim=1),
        torch.cat([i, r, -k, j], dim=1),
        torch.cat([j, k, r, -i], dim=1),
        torch.cat([k, -j, i, r], dim=1),
    ]
    x = torch.randn(2, 32, 6, 6)
    expected = F.conv2d(x, torch.cat(rows, dim=0), padding=1)
    torch.testing.assert_close(layer(x), expected)


def test_every_group_has_its_floor_and_the_phc_groups_their_original():
    full = cases(quick=False)
    groups = {}
    for case in full:
        groups.setdefault(case.group, []).append(case.role)
    assert all(roles.count("floor") == 1 for roles in groups.values())
    phc = [g for g in groups if g.startswith("PHConv2d")]
    assert len(phc) == 2 * 2 * 2  # batch 64/128 × channels 32/64 × n 2/4
    assert all(groups[g].count("original") == 1 for g in phc)
    shapes = {(c.shape["batch"], c.shape["in"], c.shape.get("n")) for c in full if c.role == "ours"}
    assert {(64, 32, 2), (128, 64, 4), (64, 64, None)} <= shapes
    assert len(cases(quick=True)) < len(full)
    assert {c.shape["batch"] for c in cases(quick=True)} == {64}


def test_cases_build_and_weight_builds_give_the_dense_shape():
    for case in cases(quick=True):
        assert callable(case.setup())
        if case.weight_build is not None:
            channels = case.shape["in"]
            assert case.weight_build()().shape == (channels, channels, 3, 3)


def test_n_sweep_covers_every_n_for_ours_and_the_original():
    (sweep,) = sweeps(quick=True)
    assert sweep.key == "n"
    points = {(c.label, c.shape["n"]) for c in sweep.cases}
    labels = {label for label, _ in points}
    assert len(labels) == 2
    assert points == {(label, n) for label in labels for n in (2, 4, 8, 16)}
