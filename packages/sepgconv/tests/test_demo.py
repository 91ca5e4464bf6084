"""The demo: the figures of ``demo/utils/vis_utils.py`` hold exactly the grids, kernels and
feature maps the layers compute, the rotated-input figure shows the cyclic shift of the group
axis, and both notebooks are nbformat 4 files whose code cells run in order from ``demo/``."""

import ast
import json
import math
import re
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest
import torch
from ck_g_cnn.groups import SE2, Rplus, Sim2
from ck_g_cnn.nn.conv import GroupConv, GroupConvSeparable, LiftingConv
from demo.utils import vis_utils
from matplotlib.figure import Figure

DEMO_DIR = Path(__file__).resolve().parents[1] / "demo"
NOTEBOOKS = ("visualizing_kernels", "visualizing_activations")


def conv_options(group, num_group_elem, kernel_size=5):
    return dict(
        group=group,
        kernel_size=kernel_size,
        num_group_elem=num_group_elem,
        ck_net_num_hidden=1,
        ck_net_hidden_size=16,
        ck_net_implementation="SIREN",
        ck_net_first_omega_0=10.0,
        ck_net_omega_0=10.0,
        sampling_method="discretise",
        stride=1,
        padding=True,
    )


def image(ax) -> np.ndarray:
    """The values plotted in a panel's (single) image."""
    (picture,) = ax.get_images()
    return np.asarray(picture.get_array())


def assert_panels(fig, expected, atol=0.0):
    """Panel j of ``fig`` shows ``expected[j]`` (a sequence of 2-D tensors)."""
    assert len(fig.axes) == len(expected)
    for ax, values in zip(fig.axes, expected, strict=True):
        np.testing.assert_allclose(image(ax), values.detach().numpy(), rtol=0, atol=atol)


GROUPS = {
    "SE2": (SE2, 8),
    "R2xRplus": (lambda: Rplus(1.74), 3),
    "Sim2": (lambda: Sim2(1.74), [4, 2]),
}


@pytest.mark.parametrize("name", GROUPS)
def test_lifting_coordinate_grids_show_the_transformed_kernel_grid(name):
    make_group, num = GROUPS[name]
    torch.manual_seed(0)
    conv = LiftingConv(in_channels=1, out_channels=1, **conv_options(make_group(), num))
    elements = conv.sample_elements()
    grids = conv.kernel.transform_grid_R2(elements)
    fig = vis_utils.visualize_lifting_coordinate_grids(grids)
    assert len(fig.axes) == len(elements)
    for ax, grid in zip(fig.axes, grids, strict=True):
        expected = torch.stack((grid[0].flatten(), grid[1].flatten()), dim=-1)
        np.testing.assert_array_equal(ax.collections[0].get_offsets(), expected.numpy())


def test_se2_coordinate_grids_are_the_grid_rotated_by_the_inverse_elements():
    conv = LiftingConv(in_channels=1, out_channels=1, **conv_options(SE2(), 8, kernel_size=3))
    elements = conv.sample_elements()
    fig = vis_utils.visualize_lifting_coordinate_grids(conv.kernel.transform_grid_R2(elements))
    lin = torch.linspace(-1, 1, 3)
    x, y = lin[:, None].expand(3, 3).flatten(), lin[None, :].expand(3, 3).flatten()
    for ax, theta in zip(fig.axes, elements.tolist(), strict=True):  # R(−θ) (x, y)
        c, s = math.cos(theta), math.sin(theta)
        expected = torch.stack((c * x + s * y, -s * x + c * y), dim=-1)
        np.testing.assert_allclose(ax.collections[0].get_offsets(), expected, atol=1e-6)


@pytest.mark.parametrize("name", GROUPS)
def test_group_coordinate_grids_stack_the_spatial_and_group_coordinates(name):
    make_group, num = GROUPS[name]
    group = make_group()
    conv = GroupConv(in_channels=1, out_channels=1, **conv_options(group, num, kernel_size=3))
    elements = conv.sample_elements()
    grids = vis_utils.group_coordinate_grids(conv.kernel, elements, elements)
    n, d = len(elements), group.dimension
    assert grids.shape == (n, 2 + d, n, 3, 3)
    spatial = conv.kernel.transform_grid_R2(elements)
    relative = conv.kernel.group_coordinates(elements, elements)
    for b in range(n):
        torch.testing.assert_close(grids[:, :2, b], spatial, rtol=0, atol=0)
        torch.testing.assert_close(
            grids[:, 2:, b], relative[:, b, :, None, None].expand(n, d, 3, 3), rtol=0, atol=0
        )
    fig = vis_utils.visualize_group_coordinate_grids(grids)
    assert [ax.name for ax in fig.axes] == ["3d"] * n


def test_se2_group_coordinates_shift_cyclically_with_the_output_element():
    conv = GroupConv(in_channels=1, out_channels=1, **conv_options(SE2(), 4, kernel_size=3))
    elements = conv.sample_elements()
    grids = vis_utils.group_coordinate_grids(conv.kernel, elements, elements)
    a, b = torch.meshgrid(torch.arange(4), torch.arange(4), indexing="ij")
    torch.testing.assert_close(grids[:, 2, :, 1, 1], ((b - a) % 4) / 2 - 1.0)


def test_lifting_kernel_panels_are_the_sampled_kernels():
    torch.manual_seed(0)
    conv = LiftingConv(in_channels=2, out_channels=3, **conv_options(SE2(), 4))
    elements = conv.sample_elements()
    kernels = conv.kernel.sample(elements)  # [C_out, N, C_in, k, k]
    fig = vis_utils.visualize_lifting_kernels(kernels)
    expected = [kernels[o, a, i] for o in range(3) for i in range(2) for a in range(4)]
    assert_panels(fig, expected)


def test_group_kernel_panels_are_the_sampled_kernels_of_one_channel_pair():
    torch.manual_seed(0)
    conv = GroupConv(in_channels=2, out_channels=2, **conv_options(SE2(), 4))
    elements = conv.sample_elements()
    kernels = conv.kernel.sample(elements, elements)  # [C_out, N_out, C_in, N_in, k, k]
    fig = vis_utils.visualize_group_kernels(kernels, out_channel=1, in_channel=0)
    assert_panels(fig, [kernels[1, a, 0, b] for a in range(4) for b in range(4)])


def test_separable_factor_panels_are_the_sampled_factors():
    torch.manual_seed(0)
    conv = GroupConvSeparable(in_channels=2, out_channels=3, **conv_options(SE2(), 8))
    elements = conv.sample_elements()
    kernels_H, kernels_R = conv.kernel.sample(elements, elements)
    fig = vis_utils.visualize_group_factor_kernels(kernels_H)
    matrices = [kernels_H[o, :, i, :, 0, 0] for o in range(3) for i in range(2)]
    assert_panels(fig, matrices)
    for matrix in matrices:  # K_H depends on h_b − g_a only: each row is row 0 shifted
        for a in range(8):
            torch.testing.assert_close(matrix[a], torch.roll(matrix[0], a), rtol=0, atol=1e-5)
    fig = vis_utils.visualize_lifting_kernels(kernels_R)  # [C_out, N, 1, k, k]
    assert_panels(fig, [kernels_R[o, a, 0] for o in range(3) for a in range(8)])


def se2_features(num_group_elem):
    """A lifting conv followed by a separable group conv (SE2, discretised), in eval mode."""
    torch.manual_seed(0)
    options = conv_options(SE2(), num_group_elem)
    lifting = LiftingConv(in_channels=1, out_channels=3, **options).eval()
    gconv = GroupConvSeparable(in_channels=3, out_channels=3, **options).eval()

    def features(x):
        y, elements = lifting(x)
        return gconv(torch.relu(y), elements, elements)[0]

    return features


@pytest.mark.parametrize("k", [1, 2, 3])
def test_rotated_input_panels_are_the_cyclically_shifted_activations(k):
    features = se2_features(4)
    x = torch.randn(2, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    acts, acts_rot = vis_utils.rotated_activations(features, x, k)
    fig = vis_utils.visualize_rotated_activations(acts, acts_rot, k, channel_idx=2, sample_idx=1)
    assert len(fig.axes) == 3 * 4
    # f(rot x) = rot90^k(f(x) with the group axis shifted by −k·N/4), measured on features(x)
    shifted = torch.rot90(torch.roll(features(x).detach(), -k, dims=2), k, dims=(-2, -1))
    scale = float(shifted.abs().max())
    first, rotated, predicted = (fig.axes[4 * row : 4 * row + 4] for row in range(3))
    for a in range(4):
        np.testing.assert_array_equal(image(first[a]), acts[1, 2, a].numpy())
        np.testing.assert_allclose(image(rotated[a]), shifted[1, 2, a], rtol=0, atol=1e-5 * scale)
        np.testing.assert_allclose(image(predicted[a]), shifted[1, 2, a], rtol=0, atol=1e-6)


def test_activation_panels_are_the_feature_maps_of_one_channel():
    acts = torch.randn(2, 3, 8, 6, 6)
    fig = vis_utils.visualize_activations(acts, channel_idx=1, sample_idx=1)
    assert_panels(fig, list(acts[1, 1]))


def test_a_rotation_off_the_element_grid_is_refused():
    with pytest.raises(ValueError, match="k=1 shifts N=6 rotations only when 4 divides k·N"):
        vis_utils.rotate_group_feature_map(torch.zeros(1, 1, 6, 4, 4), k=1)


def test_figures_are_written_only_to_a_given_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kernels = torch.randn(1, 4, 1, 3, 3)
    vis_utils.visualize_lifting_kernels(kernels)
    assert list(tmp_path.iterdir()) == []
    vis_utils.visualize_lifting_kernels(kernels, path=tmp_path / "kernels.png")
    assert (tmp_path / "kernels.png").read_bytes().startswith(b"\x89PNG")


def run_code_cells(notebook) -> list[int]:
    """Run the code cells in order in one namespace; a cell ending in an expression shows its
    value, as Jupyter does. Returns the number of panels of every Figure shown."""
    namespace = {"__name__": "__main__"}
    shown = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse("".join(cell["source"]))
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, "<cell>", "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
            if isinstance(value, Figure):
                shown.append(len(value.axes))
    return shown


# Panels of the figures each notebook shows, in order.
SHOWN_PANELS = {
    "visualizing_kernels": [8, 8, 2 * 8, 8 * 8, 2 * 2, 2 * 8],
    "visualizing_activations": [2, 3 * 4, 3 * 4],
}


def load_notebook(name):
    return json.loads((DEMO_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_nbformat_4_without_outputs(name):
    """The keys the nbformat 4.5 schema requires and allows, unique cell ids of its pattern,
    and no stored outputs."""
    notebook = load_notebook(name)
    assert set(notebook) == {"cells", "metadata", "nbformat", "nbformat_minor"}
    assert (notebook["nbformat"], notebook["nbformat_minor"]) == (4, 5)
    assert notebook["metadata"]["kernelspec"]["language"] == "python"
    cells = notebook["cells"]
    assert len({cell["id"] for cell in cells}) == len(cells)
    assert {cell["cell_type"] for cell in cells} == {"markdown", "code"}
    common = {"cell_type", "id", "metadata", "source"}
    for cell in cells:
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", cell["id"])
        assert cell["metadata"] == {} and all(isinstance(line, str) for line in cell["source"])
        if cell["cell_type"] == "code":
            assert set(cell) == common | {"outputs", "execution_count"}
            assert cell["outputs"] == [] and cell["execution_count"] is None
        else:
            assert set(cell) == common


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_code_cells_run_in_order_from_the_demo_folder(name, monkeypatch):
    """From demo/ with the package folder off sys.path: the notebook's first cell puts it back
    (demo/ and datasets/ are not installed), then every cell runs with the Agg backend."""
    matplotlib.use("Agg")
    package_dir = str(DEMO_DIR.parent)
    monkeypatch.chdir(DEMO_DIR)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != package_dir])
    assert run_code_cells(load_notebook(name)) == SHOWN_PANELS[name]
    assert sys.path[0] == package_dir
