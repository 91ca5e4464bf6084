"""sepgconv's cases for ``paramlab bench`` (entry point ``paramlab.bench``).

Three comparisons, all SE(2) with discretised rotations:

- the README model (``ckgresnet``, hidden sizes 32, 32, 64, 8 rotations, 7×7 kernels, 28×28
  digits) at batch 8, ``separable`` and ``nonseparable``: a training step (forward, cross
  entropy, backward) of ours against the original's algorithm and against a dense CNN of the
  same widths (the floor);
- one group conv layer at the fixed shapes of the bench (3×3, 32→32 and 64→64 channels,
  32×32 input, batch 64; batch 128 at 32→32 only) against ``nn.Conv2d`` of the same
  feature-map tensor: C channels of the dense layer are C/4 channels × 4 rotations of the
  group layer;
- a sweep over the number of rotations N.

"Original" is the original's algorithm restated here, used only for timing: per conv, the
kernel nets evaluated on the materialised coordinate lists, the kernels reordered with the
original's chain of transposes, and the original's conv path (the 1×1 mixing conv and the
depthwise k×k conv on contiguous feature maps, kernel-size-1 depthwise convs through the
grouped conv). It gives the same outputs as ours (``tests/test_bench.py``).
"""

from __future__ import annotations

import copy
from functools import partial

import torch
import torch.nn.functional as F
from torch import Tensor, nn

import ck_g_cnn.nn.functional as gF
from ck_g_cnn.groups import SE2
from ck_g_cnn.nn import CKGResNet
from ck_g_cnn.nn.ck_g_resnet import final_kernel_size
from ck_g_cnn.nn.conv import GroupConv, GroupConvSeparable, LiftingConv
from paramlab.bench import BenchCase, Sweep, forward_backward

__all__ = [
    "LAYER_SHAPES",
    "README_SE2",
    "DenseResNet",
    "OriginalGroupConv",
    "OriginalLifting",
    "cases",
    "group_conv_layer",
    "original_variant",
    "readme_model",
    "sweeps",
    "train_step",
]

SUITE = "sepgconv"

# The README's SE2 command (run_experiment.py flags) as CKGResNet arguments.
README_SE2 = dict(
    in_channels=1,
    out_channels=10,
    spatial_in_size=28,
    kernel_size=7,
    bias=False,
    padding=True,
    hidden_sizes=[32, 32, 64],
    ck_net_num_hidden=1,
    ck_net_hidden_size=64,
    ck_net_implementation="SIREN",
    ck_net_first_omega_0=10.0,
    ck_net_omega_0=10.0,
    stride=1,
    dropout=0,
    sampling_method="discretise",
    pooling=True,
    normalisation="batchnorm",
    widen_factor=1,
)


def readme_model(implementation: str, num_group_elem: int = 8, seed: int = 0, **changes):
    """The README SE2 ``ckgresnet`` with ``implementation`` ("separable", "nonseparable")."""
    torch.manual_seed(seed)
    options = {**README_SE2, **changes}
    return CKGResNet(
        group=SE2(), implementation=implementation, num_group_elem=num_group_elem, **options
    )


# ------------------------------------------------------------------- the original's algorithm


def _rotated_grid(kernel: nn.Module, elements: Tensor) -> Tensor:
    """h_a⁻¹ acting on the kernel's grid: [N, 2, k(i), k(j)]."""
    group = kernel.group
    return group.left_action_on_Rd(group.inverse(elements), kernel.grid_R2)


def _disc(grid: Tensor) -> Tensor:
    """The hard disc of the SE2 kernels, read at grid index (i, j) = (row, col): [N, k, k]."""
    return gF.circular_mask(grid, max_rel_dist=1.0)


def _relative_angles(kernel: nn.Module, grid_H: Tensor, elements: Tensor) -> Tensor:
    """Normalised log(h_a⁻¹ h_b): [N_out, N_in]."""
    group = kernel.group
    return group.normalize(
        group.logarithmic_map(group.left_action_on_H(group.inverse(elements), grid_H))
    )


def original_lifting_kernel(kernel: nn.Module, elements: Tensor) -> Tensor:
    """[C_out, N, C_in, k, k]: the net on the transposed, flattened rotated grid."""
    grid = _rotated_grid(kernel, elements)
    n, k = grid.shape[0], kernel.kernel_size
    values = kernel.cknet(grid.transpose(1, -1).reshape(-1, 2))
    kernels = values.view(n, k, k, kernel.out_channels, kernel.in_channels)
    kernels = kernels.transpose(0, 1).transpose(0, 3).transpose(2, 4)
    return kernels * _disc(grid)[None, :, None]


def original_full_kernel(kernel: nn.Module, grid_H: Tensor, elements: Tensor) -> Tensor:
    """[C_out, N_out, C_in, N_in, k, k]: (rotated point, relative angle) for every pair,
    materialised with ``repeat`` as a [N_out, 3, N_in, k, k] grid, then flattened."""
    grid = _rotated_grid(kernel, elements)
    n_out, n_in, k = grid.shape[0], grid_H.shape[0], kernel.kernel_size
    angles = _relative_angles(kernel, grid_H, elements)
    coordinates = torch.cat(
        (
            grid[:, :, None].repeat(1, 1, n_in, 1, 1),
            angles[:, None, :, None, None].repeat(1, 1, 1, k, k),
        ),
        dim=1,
    )
    flat = coordinates.transpose(1, 2).transpose(2, 3).transpose(3, 4).transpose(2, 3)
    values = kernel.cknet(flat.reshape(-1, 3))
    kernels = values.view(n_out, n_in, k, k, kernel.out_channels, kernel.in_channels)
    kernels = kernels.permute(4, 0, 5, 1, 2, 3)
    return kernels * _disc(grid)[None, :, None, None]


def original_separable_kernels(
    kernel: nn.Module, grid_H: Tensor, elements: Tensor
) -> tuple[Tensor, Tensor]:
    """(K_H [C_out, N_out, C_in, N_in, 1, 1], K_R [C_out, N_out, 1, k, k])."""
    grid = _rotated_grid(kernel, elements)
    n_out, n_in, k = grid.shape[0], grid_H.shape[0], kernel.kernel_size
    angles = _relative_angles(kernel, grid_H, elements)
    kernels_H = kernel.cknet_H(angles.reshape(-1, 1))
    kernels_H = kernels_H.view(n_out, n_in, kernel.out_channels, kernel.in_channels)
    kernels_H = kernels_H.transpose(0, 1).transpose(2, 3).transpose(0, 3)[..., None, None]
    kernels_R = kernel.cknet_Rn(grid.transpose(1, -1).reshape(-1, 2))
    kernels_R = kernels_R.view(n_out, k, k, kernel.out_channels, 1)
    kernels_R = kernels_R.transpose(1, 3).transpose(2, 4).transpose(0, 1)
    return kernels_H, kernels_R * _disc(grid)[None, :, None]


class OriginalLifting(nn.Module):
    """The original's SE2 lifting conv, sharing the kernel nets of ``conv`` (a LiftingConv)."""

    def __init__(self, conv: LiftingConv) -> None:
        super().__init__()
        self.conv = conv

    def forward(self, x: Tensor, sampled_group_elements: Tensor | None = None):
        conv = self.conv
        elements = (
            conv.sample_elements() if sampled_group_elements is None else sampled_group_elements
        )
        kernels = original_lifting_kernel(conv.kernel, elements)
        n, k = elements.shape[0], conv.kernel_size
        weight = kernels.reshape(conv.out_channels * n, conv.in_channels, k, k)
        y = F.conv2d(x, weight, padding=conv.padding, stride=conv.stride)
        return y.reshape(y.shape[0], conv.out_channels, n, *y.shape[-2:]), elements


class OriginalGroupConv(nn.Module):
    """The original's SE2 ``nonseparable`` or ``separable`` group conv, sharing the kernel nets
    of ``conv``. The kernel is built from (input grid, output elements) swapped, as the
    original does (the same with discretised elements)."""

    def __init__(self, conv: GroupConv | GroupConvSeparable) -> None:
        super().__init__()
        self.conv = conv
        self.separable = isinstance(conv, GroupConvSeparable)

    def forward(self, x: Tensor, grid_H: Tensor, sampled_group_elements: Tensor | None = None):
        conv = self.conv
        elements = (
            conv.sample_elements() if sampled_group_elements is None else sampled_group_elements
        )
        n_out, n_in, k = elements.shape[0], grid_H.shape[0], conv.kernel_size
        channels = conv.out_channels * n_out
        x = x.reshape(x.shape[0], conv.in_channels * n_in, *x.shape[-2:])
        if self.separable:
            kernels_H, kernels_R = original_separable_kernels(conv.kernel, elements, grid_H)
            y = F.conv2d(x, kernels_H.reshape(channels, conv.in_channels * n_in, 1, 1))
            y = F.conv2d(
                y,
                kernels_R.reshape(channels, 1, k, k),
                padding=conv.padding,
                stride=conv.stride,
                groups=channels,
            )
        else:
            kernels = original_full_kernel(conv.kernel, elements, grid_H)
            weight = kernels.reshape(channels, conv.in_channels * n_in, k, k)
            y = F.conv2d(x, weight, padding=conv.padding, stride=conv.stride)
        return y.reshape(y.shape[0], conv.out_channels, n_out, *y.shape[-2:]), elements


def original_variant(model: nn.Module) -> nn.Module:
    """A copy of an SE2 ``separable`` / ``nonseparable`` model (or conv) whose lifting and
    group convs run the original's algorithm on the same parameters."""
    model = copy.deepcopy(model)
    if isinstance(model, (LiftingConv, GroupConv, GroupConvSeparable)):
        return _original_module(model)
    for name, module in list(model.named_modules()):
        if isinstance(module, (LiftingConv, GroupConv, GroupConvSeparable)):
            parent_name, _, child = name.rpartition(".")
            setattr(model.get_submodule(parent_name), child, _original_module(module))
    return model


def _original_module(conv: nn.Module) -> nn.Module:
    if not isinstance(conv.group, SE2):
        raise ValueError(f"the original's reference covers SE2 only, got {type(conv.group)}")
    if isinstance(conv, LiftingConv):
        return OriginalLifting(conv)
    return OriginalGroupConv(conv)


# --------------------------------------------------------------------------------- the floor


class _DenseBlock(nn.Module):
    """GroupConvBlock without the group axis: conv, BN, ReLU, conv, BN, ReLU, + shortcut."""

    def __init__(self, c_in: int, c_out: int, kernel_size: int) -> None:
        super().__init__()
        pad = kernel_size // 2
        self.conv_1 = nn.Conv2d(c_in, c_in, kernel_size, padding=pad, bias=False)
        self.norm_1 = nn.BatchNorm2d(c_in)
        self.conv_2 = nn.Conv2d(c_in, c_out, kernel_size, padding=pad, bias=False)
        self.norm_2 = nn.BatchNorm2d(c_out)
        self.skip = nn.Conv2d(c_in, c_out, 1, bias=False) if c_in != c_out else nn.Identity()

    def forward(self, x: Tensor) -> Tensor:
        y = F.relu(self.norm_1(self.conv_1(x)))
        y = F.relu(self.norm_2(self.conv_2(y)))
        return F.relu(y + self.skip(x))


class DenseResNet(nn.Module):
    """The README ``ckgresnet`` with plain 2-D convs of the same widths and kernel sizes and no
    group axis (the floor): (B, C_in, H, W) -> (B, out_channels)."""

    def __init__(
        self, in_channels=1, out_channels=10, spatial_in_size=28, kernel_size=7, hidden_sizes=None
    ) -> None:
        super().__init__()
        sizes = list(hidden_sizes or README_SE2["hidden_sizes"])
        layers = [
            nn.Conv2d(in_channels, sizes[0], kernel_size, padding=kernel_size // 2, bias=False),
            nn.BatchNorm2d(sizes[0]),
            nn.ReLU(),
        ]
        for c_in, c_out in zip(sizes[:-1], sizes[1:], strict=True):
            layers += [_DenseBlock(c_in, c_out, kernel_size), nn.BatchNorm2d(c_out)]
            layers += [nn.MaxPool2d(2), nn.ReLU()]
        last = final_kernel_size(spatial_in_size, len(sizes), kernel_size)
        layers += [nn.Conv2d(sizes[-1], sizes[-1], last, bias=False), nn.BatchNorm2d(sizes[-1])]
        layers.append(nn.ReLU())
        self.layers = nn.Sequential(*layers)
        self.final_linear = nn.Sequential(
            nn.Linear(sizes[-1], 256, bias=False),
            nn.BatchNorm1d(256),
            nn.ReLU(True),
            nn.Dropout(0.3),
            nn.Linear(256, out_channels),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.final_linear(torch.amax(self.layers(x), dim=(-2, -1)))


# ------------------------------------------------------------------------------------- steps


def train_step(model: nn.Module, batch: int = 8, seed: int = 1):
    """A training step without the optimiser update: forward in train mode, cross entropy on
    random 28×28 digits and labels, gradients of every parameter."""
    gen = torch.Generator().manual_seed(seed)
    images = torch.randn(batch, 1, 28, 28, generator=gen)
    labels = torch.randint(0, 10, (batch,), generator=gen)
    params = [p for p in model.parameters() if p.requires_grad]
    model.train()

    def step() -> None:
        loss = F.cross_entropy(model(images), labels)
        torch.autograd.grad(loss, params)

    return step


def group_conv_layer(
    implementation: str,
    channels: int,
    num_group_elem: int,
    kernel_size: int = 3,
    seed: int = 0,
) -> nn.Module:
    """An SE2 group conv with ``channels`` channels per element (hidden width 64 kernel nets,
    padding k//2): "separable", "nonseparable" (ours), "original separable" or "original
    nonseparable"."""
    torch.manual_seed(seed)
    cls = GroupConv if implementation.endswith("nonseparable") else GroupConvSeparable
    conv = cls(
        group=SE2(),
        kernel_size=kernel_size,
        in_channels=channels,
        out_channels=channels,
        num_group_elem=num_group_elem,
        ck_net_num_hidden=1,
        ck_net_hidden_size=64,
        ck_net_implementation="SIREN",
        ck_net_first_omega_0=10.0,
        ck_net_omega_0=10.0,
        sampling_method="discretise",
        stride=1,
        padding=True,
    )
    return original_variant(conv) if implementation.startswith("original") else conv


def _layer_inputs(batch: int, channels: int, num_group_elem: int, size: int):
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(batch, channels, num_group_elem, size, size, generator=gen)
    return x.requires_grad_(), SE2().sample(num_group_elem)


# ------------------------------------------------------------------------------------- cases

_MODEL_ROLES = (
    ("ours", "CKGResNet (ours)"),
    ("original", "CKGResNet, the original's algorithm"),
    ("floor", "dense CNN of the same widths"),
)


def _model_cases(implementation: str, batch: int = 8) -> list[BenchCase]:
    group = (
        f"README SE2 ckgresnet {implementation}, N=8, 7x7, B{batch}, 28x28: "
        "train step (forward + backward)"
    )
    shape = {"batch": batch, "n": 8, "kernel": 7, "size": 28}

    def setup(role: str):
        model = readme_model(implementation)
        if role == "original":
            model = original_variant(model)
        elif role == "floor":
            torch.manual_seed(0)
            model = DenseResNet()
        return train_step(model, batch)

    return [
        BenchCase(SUITE, group, label, role, partial(setup, role), shape=shape)
        for role, label in _MODEL_ROLES
    ]


_LAYER_KINDS = (
    ("separable", "GroupConvSeparable (ours)", "ours"),
    ("nonseparable", "GroupConv, nonseparable (ours)", "ours"),
    ("original separable", "GroupConvSeparable, the original's algorithm", "original"),
)
_LAYER_GROUP_KINDS = {
    "separable": (_LAYER_KINDS[0], _LAYER_KINDS[2]),
    "nonseparable": (
        _LAYER_KINDS[1],
        ("original nonseparable", "GroupConv, the original's algorithm", "original"),
    ),
}


def _layer_case(batch, channels, n, kind, label, role, group, size=32, kernel_size=3):
    per_element = channels // n
    shape = {"batch": batch, "in": channels, "out": channels, "kernel": kernel_size}
    shape.update(size=size, n=n)

    def setup():
        layer = group_conv_layer(kind, per_element, n, kernel_size)
        return forward_backward(layer, *_layer_inputs(batch, per_element, n, size))

    def weight_build():
        layer = group_conv_layer(kind, per_element, n, kernel_size)
        grids = [layer_grid(n)] * 2
        if kind == "original separable":
            return partial(original_separable_kernels, layer.conv.kernel, *grids)
        if kind == "original nonseparable":
            return partial(original_full_kernel, layer.conv.kernel, *grids)
        return partial(layer.kernel.sample, *grids)

    return BenchCase(SUITE, group, label, role, setup, weight_build=weight_build, shape=shape)


def layer_grid(n: int) -> Tensor:
    """The N discretised rotations."""
    return SE2().sample(n)


def _floor_case(batch: int, channels: int, group: str, size: int = 32) -> BenchCase:
    shape = {"batch": batch, "in": channels, "out": channels, "kernel": 3, "size": size}

    def setup():
        torch.manual_seed(0)
        layer = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        gen = torch.Generator().manual_seed(0)
        x = torch.randn(batch, channels, size, size, generator=gen).requires_grad_()
        return forward_backward(layer, x)

    return BenchCase(SUITE, group, "nn.Conv2d", "floor", setup, shape=shape)


# Layer shapes (batch, channels).
LAYER_SHAPES = ((64, 32), (64, 64), (128, 32), (128, 64))


def cases(quick: bool) -> list[BenchCase]:
    """The README model steps (separable, nonseparable) and the SE2 group conv layers of
    ``LAYER_SHAPES`` (batch 64 only when ``quick``), 4 rotations."""
    found = _model_cases("separable") + _model_cases("nonseparable")
    n = 4
    for batch, channels in LAYER_SHAPES:
        if quick and batch != 64:
            continue
        for implementation, kinds in _LAYER_GROUP_KINDS.items():
            group = (
                f"SE2 {implementation} group conv {channels}→{channels} 3x3 = {channels // n} "
                f"channels × {n} rotations, B{batch}, 32x32"
            )
            found += [
                _layer_case(batch, channels, n, kind, label, role, group)
                for kind, label, role in kinds
            ]
            found.append(_floor_case(batch, channels, group))
    return found


def sweeps(quick: bool) -> list[Sweep]:
    """An SE2 group conv with 8 channels per element, 3x3, batch 16, 32x32, against the number
    of rotations N = 2, 4, 8, 16 (2, 4, 8 when ``quick``): separable and nonseparable (ours)
    and the original's separable algorithm."""
    channels, batch = 8, 16
    found = []
    for n in (2, 4, 8) if quick else (2, 4, 8, 16):
        for kind, label, role in _LAYER_KINDS:
            found.append(
                _layer_case(batch, channels * n, n, kind, label, role, group="rotations sweep")
            )
    name = f"SE2 group conv, {channels} channels per rotation, 3x3, B{batch}, 32x32: N"
    return [Sweep(SUITE, name, "n", found)]
