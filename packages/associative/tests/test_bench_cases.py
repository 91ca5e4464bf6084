"""The bench's reference restatements of the original compute what ours computes, and its case
lists describe the comparisons they claim (no timing here: speed is measured by the bench)."""

import pytest
import torch
from associative.bench import (
    DEPTHS,
    OriginalCifarResNet,
    OriginalCSGConv,
    build_layer,
    build_resnet,
    cases,
    original_kernel,
    sweeps,
)
from associative.csg import CSG, CSGConv2d
from torch import nn

from paramlab.bench import BenchCase, Sweep
from paramlab.testing import assert_close_scaled


@pytest.mark.parametrize(
    ("in_channels", "out_channels", "stride", "slice_shape", "code_size"),
    [(5, 7, 1, [4, 4, 3, 3], 6), (8, 3, 2, [3, 3, 3, 3], 5), (12, 12, 1, [12, 12, 3, 3], 72)],
)
def test_original_layer_equals_csgconv2d(in_channels, out_channels, stride, slice_shape, code_size):
    ours = build_layer(in_channels, out_channels, "ours", code_size, slice_shape, stride)
    original = OriginalCSGConv(ours)
    assert torch.equal(original.build_weight(), ours.spec.kernel(ours))
    x = torch.randn(2, in_channels, 9, 9, generator=torch.Generator().manual_seed(3))
    out_ours, out_original = ours(x), original(x)
    size = (9 - 1) // stride + 1
    assert out_ours.shape == (2, out_channels, size, size)
    assert torch.equal(out_original, out_ours)
    grads_ours = torch.autograd.grad(out_ours.square().sum(), [ours.code, ours.CSG.weight])
    grads_original = torch.autograd.grad(
        out_original.square().sum(), [original.code, original.CSG.weight]
    )
    for ours_grad, original_grad in zip(grads_ours, grads_original, strict=True):
        assert torch.equal(original_grad, ours_grad)


def test_original_kernel_is_a_contiguous_chunk_of_the_slices():
    """16→32 with [12, 12, 3, 3]: 6 slices viewed as (36, 24, 3, 3), the first 32 x 16 kept."""
    csg = CSG(72, [12, 12, 3, 3])
    code = torch.randn(6, 72)
    kernel = original_kernel(csg, code, 16, 32, 3, [12, 12, 3, 3])
    slices = code @ csg.weight.detach().T
    assert kernel.shape == (32, 16, 3, 3)
    assert torch.equal(kernel, slices.reshape(36, 24, 3, 3)[:32, :16])
    assert torch.equal(kernel[0, 0].flatten(), slices[0, :9])


def test_original_refuses_a_bias():
    layer = CSGConv2d(4, 4, 3, padding=1, bias=True, csg=CSG(6, [4, 4, 3, 3]))
    with pytest.raises(ValueError, match="bias-free"):
        OriginalCSGConv(layer)


@pytest.mark.parametrize("depth", [8, 14])
def test_original_resnet_equals_ours_and_the_floor(depth):
    ours = build_resnet(depth, "ours", code_size=8, slice_shape=[4, 4, 3, 3])
    original = OriginalCifarResNet(ours)
    floor = build_resnet(depth, "floor", code_size=8, slice_shape=[4, 4, 3, 3])
    assert getattr(floor, "CSG", None) is None
    assert not any("code" in name for name, _ in floor.named_parameters())
    images = torch.randn(3, 3, 32, 32, generator=torch.Generator().manual_seed(2))
    for model in (ours, floor):
        model.eval()
    with torch.no_grad():
        out_ours, out_original, out_floor = ours(images), original(images), floor(images)
    assert_close_scaled(out_original, out_ours, rtol=1e-6)
    assert_close_scaled(out_floor, out_ours, rtol=1e-6)


def test_original_resnet_trains_the_same_parameters_with_the_same_gradients():
    ours = build_resnet(8, "ours", code_size=8, slice_shape=[4, 4, 3, 3])
    original = OriginalCifarResNet(ours)
    assert [id(p) for p in original.parameters()] == [id(p) for p in ours.parameters()]
    images = torch.randn(4, 3, 32, 32, generator=torch.Generator().manual_seed(5))
    params = list(ours.parameters())
    grads_ours = torch.autograd.grad(ours(images).square().sum(), params)
    grads_original = torch.autograd.grad(original(images).square().sum(), params)
    for ours_grad, original_grad in zip(grads_ours, grads_original, strict=True):
        assert_close_scaled(original_grad, ours_grad, rtol=1e-5)


def test_weight_builds_give_every_kernel_of_the_network():
    ours = build_resnet(8, "ours", code_size=8, slice_shape=[4, 4, 3, 3])
    original = OriginalCifarResNet(ours)
    batched = ours.generate_kernels()
    per_layer = original.build_kernels()
    blocks = [block for stage in (ours.stage_1, ours.stage_2, ours.stage_3) for block in stage]
    assert len(per_layer) == len(blocks) == 3
    for block, (kernel1, kernel2) in zip(blocks, per_layer, strict=True):
        assert_close_scaled(kernel1, batched[block]["code"], rtol=1e-6)
        assert_close_scaled(kernel2, batched[block]["code2"], rtol=1e-6)


def test_original_resnet_needs_a_csg_network():
    floor = build_resnet(8, "floor", code_size=8, slice_shape=[4, 4, 3, 3])
    with pytest.raises(ValueError, match="CSG network"):
        OriginalCifarResNet(floor)


def _groups(found: list[BenchCase]) -> dict[str, list[BenchCase]]:
    groups: dict[str, list[BenchCase]] = {}
    for case in found:
        groups.setdefault(case.group, []).append(case)
    return groups


def test_cases_cover_the_fixed_shapes_each_with_original_and_floor():
    found = cases(quick=False)
    assert all(isinstance(case, BenchCase) and case.suite == "associative" for case in found)
    groups = _groups(found)
    layer_shapes = set()
    for members in groups.values():
        assert [case.role for case in members] == ["ours", "original", "floor"]
        assert len({tuple(sorted(case.shape.items())) for case in members}) == 1
        assert [case.weight_build is not None for case in members] == [True, True, False]
        shape = members[0].shape
        if "depth" in shape:
            assert (shape["depth"], shape["batch"]) == (20, 128)
        else:
            layer_shapes.add((shape["batch"], shape["in"], shape["out"], shape["kernel"]))
            assert shape["size"] == 32
    assert layer_shapes == {(b, c, c, 3) for b in (64, 128) for c in (32, 64)}
    assert len(groups) == 5
    quick = cases(quick=True)
    assert {case.shape["batch"] for case in quick} == {64, 32}
    assert len(_groups(quick)) == 3


def test_the_layer_builders_are_the_same_shape():
    ours = build_layer(12, 20, "ours", 72, [12, 12, 3, 3])
    floor = build_layer(12, 20, "floor")
    assert isinstance(floor, nn.Conv2d) and floor.bias is None
    assert floor.weight.shape == ours.spec.kernel(ours).shape == (20, 12, 3, 3)
    assert (floor.stride, floor.padding) == ((1, 1), (1, 1))
    assert isinstance(build_layer(12, 20, "original"), OriginalCSGConv)


@pytest.mark.parametrize("quick", [False, True])
def test_the_depth_sweep_is_well_formed(quick):
    (sweep,) = sweeps(quick)
    assert isinstance(sweep, Sweep) and sweep.suite == "associative" and sweep.key == "depth"
    depths = [case.shape["depth"] for case in sweep.cases]
    assert set(depths) == ({8, 20, 44} if quick else set(DEPTHS))
    assert DEPTHS == (8, 14, 20, 32, 44)
    assert all((depth - 2) % 6 == 0 for depth in depths)
    for depth in set(depths):
        members = [case for case in sweep.cases if case.shape["depth"] == depth]
        assert sorted(case.role for case in members) == ["original", "ours"]
    assert len({case.label for case in sweep.cases}) == 2
    assert {case.shape["batch"] for case in sweep.cases} == {32}
    assert all(case.weight_build is not None for case in sweep.cases)


def test_the_sweep_builds_every_kernel_of_the_smallest_network():
    """Depth 8: one block per stage, both of its convolutions generated, in either form."""
    (sweep,) = sweeps(quick=True)
    smallest = {case.role: case for case in sweep.cases if case.shape["depth"] == 8}
    batched = smallest["ours"].weight_build()()
    assert len(batched) == 3 and all(set(k) == {"code", "code2"} for k in batched.values())
    per_layer = smallest["original"].weight_build()()
    assert [k.shape for pair in per_layer for k in pair] == [
        (16, 16, 3, 3),
        (16, 16, 3, 3),
        (32, 16, 3, 3),
        (32, 32, 3, 3),
        (64, 32, 3, 3),
        (64, 64, 3, 3),
    ]
