"""The benchmark's reference of the original algorithm gives our outputs and gradients; the
floor has the model's widths; the cases and sweep are well formed."""

import pytest
import torch
from ck_g_cnn import bench
from ck_g_cnn.nn.conv import GroupConvSeparable

from paramlab.bench import BenchCase, Sweep
from paramlab.testing import assert_close_scaled

TINY = dict(hidden_sizes=[4, 4, 8], kernel_size=5)


def outputs_and_grads(model, x):
    model.zero_grad()
    torch.manual_seed(5)  # the head's dropout mask
    y = model(x)
    y.square().sum().backward()
    return y.detach(), torch.cat([p.grad.flatten() for p in model.parameters()])


@pytest.mark.parametrize("implementation", ["separable", "nonseparable"])
def test_original_reference_equals_ours(implementation):
    model = bench.readme_model(implementation, num_group_elem=4, **TINY)
    reference = bench.original_variant(model)
    assert not any(isinstance(m, bench.OriginalGroupConv) for m in model.modules())
    assert sum(isinstance(m, bench.OriginalGroupConv) for m in reference.modules()) == 6
    x = torch.randn(3, 1, 28, 28, generator=torch.Generator().manual_seed(2))
    ours, our_grads = outputs_and_grads(model, x)
    theirs, their_grads = outputs_and_grads(reference, x)
    assert_close_scaled(theirs, ours, rtol=1e-5)
    assert_close_scaled(their_grads, our_grads, rtol=1e-4)
    model.eval(), reference.eval()
    with torch.no_grad():
        assert_close_scaled(reference(x), model(x), rtol=1e-5)


@pytest.mark.parametrize("implementation", ["separable", "nonseparable"])
def test_original_reference_layer_with_distinct_elements(implementation):
    """Distinct input and output elements: the reference keeps the original's swapped
    (input grid, output elements) argument order, as our default does."""
    layer = bench.group_conv_layer(implementation, channels=3, num_group_elem=4, kernel_size=5)
    reference = bench.original_variant(layer)
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(2, 3, 4, 9, 9, generator=gen)
    grid_in, grid_out = torch.rand(4, generator=gen) * 6, torch.rand(4, generator=gen) * 6
    ours, elements = layer(x, grid_in, grid_out)
    theirs, their_elements = reference(x, grid_in, grid_out)
    assert torch.equal(elements, their_elements)
    assert_close_scaled(theirs, ours, rtol=1e-5)


def test_original_reference_rejects_other_groups(build):
    model = build.tiny_resnet("Sim2", "separable", [4, 2])
    with pytest.raises(ValueError, match="SE2 only"):
        bench.original_variant(model)


def test_dense_floor_has_the_model_widths():
    model = bench.readme_model("separable")
    floor = bench.DenseResNet()
    lifting = model.lifting.kernel
    convs = [m for m in floor.modules() if isinstance(m, torch.nn.Conv2d)]
    assert convs[0].weight.shape == (32, 1, 7, 7)
    assert (lifting.out_channels, lifting.in_channels) == (32, 1)
    group_convs = [m for m in model.modules() if isinstance(m, GroupConvSeparable)]
    assert [(c.out_channels, c.in_channels, c.kernel_size) for c in group_convs] == [
        (m.out_channels, m.in_channels, m.kernel_size[0]) for m in convs[1:]
    ]
    assert floor(torch.randn(2, 1, 28, 28)).shape == (2, 10)


def test_cases_and_sweep_are_well_formed():
    found = bench.cases(quick=True)
    assert all(isinstance(case, BenchCase) and case.suite == "sepgconv" for case in found)
    groups = {}
    for case in found:
        groups.setdefault(case.group, set()).add(case.role)
    assert len(groups) == 6 and all({"ours", "original", "floor"} <= r for r in groups.values())
    for case in found:
        if "group conv" in case.group and case.role != "floor":
            nonseparable = "nonseparable" in case.group
            assert case.label.startswith("GroupConv,") == nonseparable, (case.group, case.label)
    nonseparable_original = next(
        c for c in found if "nonseparable group conv" in c.group and c.role == "original"
    )
    assert nonseparable_original.weight_build()().shape[:2] == (8, 4)
    (sweep,) = bench.sweeps(quick=True)
    assert isinstance(sweep, Sweep) and sorted({c.shape["n"] for c in sweep.cases}) == [2, 4, 8]
    smallest = next(c for c in sweep.cases if c.shape["n"] == 2 and c.role == "original")
    smallest.setup()()
    assert smallest.weight_build()()[1].shape == (8, 2, 1, 3, 3)
