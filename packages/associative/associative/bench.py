"""associative's cases for ``paramlab bench``, forward and backward passes timed against the
dense floor and against the original's per-layer kernel generation, restated here as reference
code (:func:`original_kernel`, :class:`OriginalCSGConv`, :class:`OriginalCifarResNet`):

* one generated 3x3 convolution (``CSGConv2d``, CSG 72 / ``[12, 12, 3, 3]``, the CIFAR ResNet
  default) at 32→32 and 64→64, batch 64 and 128, 32x32 input, against ``nn.Conv2d`` of the same
  shape, with the tensor memory of building its kernel;
* the CIFAR ResNet-20 at batch 128: all kernels from one matmul of the stacked codes (ours)
  against the same network with its kernels as plain convs (the floor);
* the sweep over depth (8 to 44) of the CSG ResNet: ours against the per-layer original, time
  and the memory of generating every kernel of the network.
"""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from paramlab.bench import BenchCase, Sweep, forward_backward

from .csg import CSG, CSGConv2d
from .export import export_plain
from .models.cifar_resnet import CODE_SIZE, SLICE_SHAPE, CifarResNet, ResNetBasicblock

__all__ = [
    "DEPTHS",
    "OriginalCSGConv",
    "OriginalCifarResNet",
    "build_layer",
    "build_resnet",
    "cases",
    "original_kernel",
    "sweeps",
]

SUITE = "associative"
SIZE = 32
DEPTHS = (8, 14, 20, 32, 44)
_CSG_NAME = f"code {CODE_SIZE}, slices {'x'.join(str(s) for s in SLICE_SHAPE)}"


def original_kernel(
    csg: nn.Linear,
    code: Tensor,
    in_filters: int,
    out_filters: int,
    filter_size: int,
    slice_shape: Sequence[int],
) -> Tensor:
    """The kernel as the original block's forward builds it, one layer at a time:
    ``CSG(code)`` (n_slices, S0*S1*kh*kw) viewed as
    (ceil(O/S0)*S0, ceil(I/S1)*S1, kh, kw) and cropped to (O, I, k, k)."""
    s0, s1, kh, kw = slice_shape
    kernel = csg(code).view(
        int(math.ceil(out_filters / s0) * s0), int(math.ceil(in_filters / s1) * s1), kh, kw
    )
    return kernel[:out_filters, :in_filters, :filter_size, :filter_size]


class OriginalCSGConv(nn.Module):
    """The original's generated convolution: (B, I, H, W) -> (B, O, H', W'),
    ``conv2d(x, original_kernel(CSG, code, ...), stride, padding)``. Takes the shared ``CSG``
    and a copy of the code of ``layer`` (a :class:`CSGConv2d` without bias)."""

    def __init__(self, layer: CSGConv2d) -> None:
        super().__init__()
        if layer.bias is not None:
            raise ValueError("OriginalCSGConv restates the original's bias-free convolution")
        self.CSG = layer.CSG
        self.code = nn.Parameter(layer.code.detach().clone())
        self.spec = layer.spec

    def build_weight(self) -> Tensor:
        s = self.spec
        return original_kernel(
            self.CSG, self.code, s.in_channels, s.out_channels, s.kernel_size, self.CSG.slice_shape
        )

    def forward(self, x: Tensor) -> Tensor:
        s = self.spec
        return F.conv2d(x, self.build_weight(), padding=s.padding, stride=s.stride)


class OriginalCifarResNet(nn.Module):
    """The original CIFAR ResNet forward over the modules of a CSG ``CifarResNet`` (the same
    parameters): every basic block generates its two kernels itself with
    :func:`original_kernel`, one ``CSG`` call per layer. (B, 3, 32, 32) -> (B, classes)."""

    def __init__(self, net: CifarResNet) -> None:
        super().__init__()
        if net.CSG is None:
            raise ValueError("OriginalCifarResNet needs a CSG network, got an org one")
        self.net = net

    def _blocks(self) -> list[ResNetBasicblock]:
        net = self.net
        return [block for stage in (net.stage_1, net.stage_2, net.stage_3) for block in stage]

    @staticmethod
    def _kernels(block: ResNetBasicblock) -> tuple[Tensor, Tensor]:
        shape = block.CSG.slice_shape
        return (
            original_kernel(block.CSG, block.code, block.in_filters, block.out_filters, 3, shape),
            original_kernel(
                block.CSG, block.code2, block.in_filters2, block.out_filters2, 3, shape
            ),
        )

    def build_kernels(self) -> list[tuple[Tensor, Tensor]]:
        """Every block's two kernels, generated layer by layer (and all kept, as the original
        keeps them on its blocks)."""
        return [self._kernels(block) for block in self._blocks()]

    def forward(self, x: Tensor) -> Tensor:
        net = self.net
        x = F.relu(net.bn_1(net.conv_1_3x3(x)), inplace=True)
        for block in self._blocks():
            kernel1, kernel2 = self._kernels(block)
            out = F.conv2d(x, kernel1, padding=1, stride=block.stride)
            out = F.relu(block.bn_a(out), inplace=True)
            out = block.bn_b(F.conv2d(out, kernel2, padding=1, stride=1))
            residual = x if block.downsample is None else block.downsample(x)
            x = F.relu(residual + out, inplace=True)
        x = net.avgpool(x)
        return net.classifier(x.view(x.size(0), -1))


def build_layer(
    in_channels: int,
    out_channels: int,
    kind: str,
    code_size: int = CODE_SIZE,
    slice_shape: Sequence[int] = SLICE_SHAPE,
    stride: int = 1,
) -> nn.Module:
    """One 3x3 (padding 1, no bias) layer of the single-layer cases, seeded: ``ours``
    (``CSGConv2d``), ``original`` (:class:`OriginalCSGConv` of the same codes) or ``floor``
    (``nn.Conv2d``)."""
    torch.manual_seed(0)
    if kind == "floor":
        return nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
    layer = CSGConv2d(
        in_channels, out_channels, 3, stride=stride, padding=1, csg=CSG(code_size, slice_shape)
    )
    return OriginalCSGConv(layer) if kind == "original" else layer


def _weight_build(layer: nn.Module):
    if isinstance(layer, OriginalCSGConv):
        return layer.build_weight
    return lambda: layer.spec.kernel(layer)


def build_resnet(depth: int, kind: str, seed: int = 0, **csg_kwargs) -> nn.Module:
    """The CSG CIFAR ResNet of ``depth``, seeded, as ``ours`` (one matmul generates every
    kernel), ``original`` (:class:`OriginalCifarResNet`, per layer) or ``floor`` (its kernels
    exported as plain convs). The constructor's depth line is not printed."""
    torch.manual_seed(seed)
    with contextlib.redirect_stdout(io.StringIO()):
        net = CifarResNet(ResNetBasicblock, depth, 10, **csg_kwargs)
    if kind == "original":
        return OriginalCifarResNet(net)
    return export_plain(net) if kind == "floor" else net


def _network_weight_build(model: nn.Module):
    if isinstance(model, OriginalCifarResNet):
        return model.build_kernels
    return model.generate_kernels


def _images(batch: int, channels: int = 3, requires_grad: bool = False) -> Tensor:
    gen = torch.Generator().manual_seed(1)
    return torch.randn(batch, channels, SIZE, SIZE, generator=gen).requires_grad_(requires_grad)


_LAYER_KINDS = (
    ("CSGConv2d", "ours"),
    ("per-layer CSG(code), view, crop + conv", "original"),
    ("nn.Conv2d", "floor"),
)


def _layer_case(batch: int, channels: int, label: str, kind: str) -> BenchCase:
    group = f"CSGConv2d {channels}→{channels} 3x3 ({_CSG_NAME}), B{batch}, {SIZE}x{SIZE}"
    shape = {"batch": batch, "in": channels, "out": channels, "kernel": 3, "size": SIZE}

    def setup():
        layer = build_layer(channels, channels, kind)
        return forward_backward(layer, _images(batch, channels, requires_grad=True))

    def weight_build():
        return _weight_build(build_layer(channels, channels, kind))

    build = None if kind == "floor" else weight_build
    return BenchCase(SUITE, group, label, kind, setup, weight_build=build, shape=shape)


_NETWORK_LABELS = {
    "ours": "CSG {net}, kernels from one matmul",
    "original": "CSG {net}, per-layer generation (original)",
    "floor": "{net} with the kernels as plain convs",
}


def _network_case(batch: int, depth: int, kind: str, group: str, label: str) -> BenchCase:
    def setup():
        return forward_backward(build_resnet(depth, kind), _images(batch))

    def weight_build():
        return _network_weight_build(build_resnet(depth, kind))

    build = None if kind == "floor" else weight_build
    shape = {"batch": batch, "depth": depth, "size": SIZE}
    return BenchCase(SUITE, group, label, kind, setup, weight_build=build, shape=shape)


def cases(quick: bool) -> list[BenchCase]:
    """The single generated conv at 32→32 and 64→64, batch 64 (and 128 unless ``quick``),
    and the CSG ResNet-20 at batch 128 (issue goal: ≤ 1.05× the plain network; ``quick``: 32),
    each with the per-layer original and the dense floor."""
    found = [
        _layer_case(batch, channels, label, kind)
        for batch in ((64,) if quick else (64, 128))
        for channels in (32, 64)
        for label, kind in _LAYER_KINDS
    ]
    batch = 32 if quick else 128
    group = f"CIFAR ResNet-20 ({_CSG_NAME}), B{batch}, {SIZE}x{SIZE}"
    found += [
        _network_case(batch, 20, kind, group, label.format(net="ResNet-20"))
        for kind, label in _NETWORK_LABELS.items()
    ]
    return found


def sweeps(quick: bool) -> list[Sweep]:
    """The CSG CIFAR ResNet at depth 8, 14, 20, 32, 44 (``quick``: 8, 20, 44), batch 32:
    ours (one matmul) against the per-layer original; memory of generating every kernel."""
    batch = 32
    depths = (8, 20, 44) if quick else DEPTHS
    found = [
        _network_case(batch, depth, kind, "depth sweep", label.format(net="ResNet"))
        for depth in depths
        for kind, label in list(_NETWORK_LABELS.items())[:2]
    ]
    name = f"CSG CIFAR ResNet ({_CSG_NAME}), B{batch}: depth"
    return [Sweep(SUITE, name, "depth", found)]
