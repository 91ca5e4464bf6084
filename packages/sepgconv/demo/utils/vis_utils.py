"""Figures of the kernels and feature maps of CK-G-CNN layers, for the demo notebooks.

Every ``visualize_*`` function returns a ``matplotlib.figure.Figure`` made without pyplot (no
global state, no window; the Agg canvas renders it on save) and writes a file only when ``path``
is given. Inputs may be tensors (any device, with or without grad) or arrays. Panels are added
row-major, so ``fig.axes[r * cols + c]`` is row r, column c, and each kernel or feature-map panel
holds one image (``ax.get_images()[0]``) with the plotted values.
"""

import math
from itertools import product

import matplotlib
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.colors import Colormap
from matplotlib.figure import Figure

__all__ = [
    "get_cmap",
    "group_coordinate_grids",
    "rotate_group_feature_map",
    "rotated_activations",
    "visualize_activations",
    "visualize_group_coordinate_grids",
    "visualize_group_factor_kernels",
    "visualize_group_kernels",
    "visualize_lifting_coordinate_grids",
    "visualize_lifting_kernels",
    "visualize_rotated_activations",
]

PANEL_INCHES = 1.6
KERNEL_CMAP = "RdBu_r"
ACTIVATION_CMAP = "viridis"


def get_cmap(n: int, name: str = "hsv") -> Colormap:
    """``name`` resampled to ``n`` colours: ``get_cmap(n)(i)`` is the RGBA colour of index i."""
    return matplotlib.colormaps[name].resampled(n)


def to_numpy(values) -> np.ndarray:
    """Tensor or array -> numpy array (detached, on the CPU)."""
    if isinstance(values, torch.Tensor):
        return values.detach().cpu().numpy()
    return np.asarray(values)


def near_square(n: int) -> tuple[int, int]:
    """(rows, cols) of a grid of at least n panels, as square as possible."""
    rows = max(1, math.floor(math.sqrt(n)))
    return rows, math.ceil(n / rows)


def new_figure(rows: int, cols: int) -> Figure:
    return Figure(figsize=(PANEL_INCHES * cols, PANEL_INCHES * rows), layout="constrained")


def add_panel(fig: Figure, rows: int, cols: int, index: int, **kwargs) -> Axes:
    """Panel ``index`` (row-major, from 0) of a rows × cols grid, without ticks."""
    ax = fig.add_subplot(rows, cols, index + 1, **kwargs)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def show_kernel(ax: Axes, image: np.ndarray, limit: float) -> None:
    """A kernel on the diverging scale [−limit, limit] shared by the figure (0 is white)."""
    ax.imshow(image, cmap=KERNEL_CMAP, vmin=-limit, vmax=limit)


def symmetric_limit(values: np.ndarray) -> float:
    limit = float(np.abs(values).max())
    return limit if limit > 0 else 1.0


def finish(fig: Figure, path) -> Figure:
    if path is not None:
        fig.savefig(path)
    return fig


def visualize_lifting_coordinate_grids(grids, path=None) -> Figure:
    """[N, 2, k, k] (``kernel.transform_grid_R2(elements)``) -> N panels: the kernel grid acted
    on by each g_a⁻¹, one dot per kernel pixel; × marks grid point [0, 0]."""
    grids = to_numpy(grids)
    n = grids.shape[0]
    rows, cols = near_square(n)
    limit = 1.1 * symmetric_limit(grids)
    fig = new_figure(rows, cols)
    for a, grid in enumerate(grids):
        ax = add_panel(fig, rows, cols, a)
        x, y = grid[0].ravel(), grid[1].ravel()
        ax.scatter(x, y, s=10, color="tab:orange")
        ax.scatter(x[:1], y[:1], marker="x", s=60, color="black")
        ax.set(xlim=(-limit, limit), ylim=(-limit, limit), aspect="equal", title=f"$g_{{{a}}}$")
    return finish(fig, path)


def group_coordinate_grids(kernel, grid_H, sampled_group_elements) -> torch.Tensor:
    """The coordinates a group kernel's nets see: [N_out, 2 + d_H, N_in, k, k] with channels
    (g_a⁻¹·p, log(g_a⁻¹ h_b)) for output element g_a and input element h_b, from a full or
    factorised kernel (``GroupConv(...).kernel``, ``GroupConvSeparable(...).kernel``, …)."""
    spatial = kernel.transform_grid_R2(sampled_group_elements)
    group = kernel.group_coordinates(grid_H, sampled_group_elements)
    n_out, n_in, d = group.shape
    k = spatial.shape[-1]
    spatial = spatial[:, :, None].expand(n_out, 2, n_in, k, k)
    group = group.permute(0, 2, 1)[..., None, None].expand(n_out, d, n_in, k, k)
    return torch.cat((spatial, group), dim=1)


def visualize_group_coordinate_grids(grids, path=None) -> Figure:
    """[N_out, 2 + d_H, N_in, k, k] -> N_out 3-D panels: the transformed spatial grid (x, y)
    against the first group coordinate (z), one colour per input element b; × marks [0, 0]."""
    grids = to_numpy(grids)
    n_out, _, n_in = grids.shape[:3]
    rows, cols = near_square(n_out)
    colours = get_cmap(n_in + 1)
    fig = new_figure(rows, cols)
    for a, grid in enumerate(grids):
        ax = add_panel(fig, rows, cols, a, projection="3d")
        ax.set_zticks([])
        for b in range(n_in):
            x, y, z = (grid[axis, b].ravel() for axis in range(3))
            ax.scatter(x, y, z, s=4, color=colours(b))
            ax.scatter(x[:1], y[:1], z[:1], marker="x", s=40, color=colours(b))
        ax.set_title(f"$g_{{{a}}}$")
    return finish(fig, path)


def visualize_lifting_kernels(kernels, path=None) -> Figure:
    """[C_out, N, C_in, k, k] (``LiftingConv(...).kernel.sample(elements)``, or K_R of a
    separable kernel) -> C_out·C_in rows (o-major) × N columns: panel (o·C_in + i, a) is
    K[o, a, i], all on one colour scale."""
    kernels = to_numpy(kernels)
    c_out, n, c_in = kernels.shape[:3]
    rows = c_out * c_in
    limit = symmetric_limit(kernels)
    fig = new_figure(rows, n)
    for index, (o, i, a) in enumerate(product(range(c_out), range(c_in), range(n))):
        ax = add_panel(fig, rows, n, index)
        show_kernel(ax, kernels[o, a, i], limit)
        if o == i == 0:
            ax.set_title(f"$g_{{{a}}}$")
        if a == 0:
            ax.set_ylabel(f"out {o}, in {i}")
    return finish(fig, path)


def visualize_group_kernels(kernels, out_channel=0, in_channel=0, path=None) -> Figure:
    """[C_out, N_out, C_in, N_in, k, k] (``GroupConv(...).kernel.sample(grid_H, elements)``) ->
    N_out rows × N_in columns for one channel pair: panel (a, b) is K[out_channel, a,
    in_channel, b], the k×k kernel from input element h_b to output element g_a."""
    kernels = to_numpy(kernels)[out_channel, :, in_channel]
    n_out, n_in = kernels.shape[:2]
    limit = symmetric_limit(kernels)
    fig = new_figure(n_out, n_in)
    for index, (a, b) in enumerate(product(range(n_out), range(n_in))):
        ax = add_panel(fig, n_out, n_in, index)
        show_kernel(ax, kernels[a, b], limit)
        if a == 0:
            ax.set_title(f"$h_{{{b}}}$")
        if b == 0:
            ax.set_ylabel(f"$g_{{{a}}}$")
    return finish(fig, path)


def visualize_group_factor_kernels(kernels_H, path=None) -> Figure:
    """K_H [C_out, N_out, C_in, N_in(, 1, 1)] of a separable kernel -> C_out rows × C_in
    columns: panel (o, i) is the N_out × N_in matrix K_H[o, :, i, :] (rows: output element g_a,
    columns: input element h_b), all on one colour scale."""
    kernels_H = to_numpy(kernels_H)
    kernels_H = kernels_H.reshape(kernels_H.shape[:4])
    c_out, _, c_in = kernels_H.shape[:3]
    limit = symmetric_limit(kernels_H)
    fig = new_figure(c_out, c_in)
    for index, (o, i) in enumerate(product(range(c_out), range(c_in))):
        ax = add_panel(fig, c_out, c_in, index)
        show_kernel(ax, kernels_H[o, :, i], limit)
        ax.set_title(f"out {o}, in {i}")
    return finish(fig, path)


def visualize_activations(acts, channel_idx=0, sample_idx=0, path=None) -> Figure:
    """[B, C, N, H, W] -> N panels: the feature map of one sample and channel at each group
    element g_a, all on one colour scale."""
    acts = to_numpy(acts)[sample_idx, channel_idx]
    n = acts.shape[0]
    rows, cols = near_square(n)
    fig = new_figure(rows, cols)
    for a in range(n):
        ax = add_panel(fig, rows, cols, a)
        ax.imshow(acts[a], cmap=ACTIVATION_CMAP, vmin=acts.min(), vmax=acts.max())
        ax.set_title(f"channel {channel_idx}, $g_{{{a}}}$")
    return finish(fig, path)


def rotated_activations(features, x: torch.Tensor, k: int = 1):
    """(features(x), features(rot90^k x)) without gradients; ``features`` maps an image batch
    [B, C_in, H, W] to feature maps on the group [B, C, N, H', W']."""
    with torch.no_grad():
        return features(x), features(torch.rot90(x, k, dims=(-2, -1)))


def rotate_group_feature_map(acts, k: int = 1) -> np.ndarray:
    """[B, C, N, H, W] -> the same maps rotated by k·90° as the SE(2) layers rotate them, for N
    discretised rotations with 4 | k·N: rot90^k of the plane after a cyclic shift of the group
    axis by −k·N/4 elements, so that f(rot x) = ``rotate_group_feature_map(f(x), k)``."""
    acts = to_numpy(acts)
    n = acts.shape[2]
    if (k * n) % 4:
        raise ValueError(
            f"a rotation by k·90° with k={k} shifts N={n} rotations only when 4 divides k·N"
        )
    return np.rot90(np.roll(acts, -(k * n // 4), axis=2), k, axes=(-2, -1))


def visualize_rotated_activations(
    acts, acts_rot, k: int = 1, channel_idx=0, sample_idx=0, path=None
) -> Figure:
    """[B, C, N, H, W] for x and for rot90^k x -> 3 rows × N columns, on one colour scale:
    f(x), f(rot x), and f(x) rotated with the cyclic shift of the group axis
    (``rotate_group_feature_map``); the last two rows agree for an equivariant layer."""
    rows = (
        to_numpy(acts)[sample_idx, channel_idx],
        to_numpy(acts_rot)[sample_idx, channel_idx],
        rotate_group_feature_map(acts, k)[sample_idx, channel_idx],
    )
    labels = ("$f(x)$", f"$f(r^{k} x)$", f"$r^{k} f(x)$, shifted")
    low, high = min(r.min() for r in rows), max(r.max() for r in rows)
    n = rows[0].shape[0]
    fig = new_figure(3, n)
    for index, (row, a) in enumerate(product(range(3), range(n))):
        ax = add_panel(fig, 3, n, index)
        ax.imshow(rows[row][a], cmap=ACTIVATION_CMAP, vmin=low, vmax=high)
        if row == 0:
            ax.set_title(f"$g_{{{a}}}$")
        if a == 0:
            ax.set_ylabel(labels[row])
    return finish(fig, path)
