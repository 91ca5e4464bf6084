"""Benchmark cases of ``paramlab bench`` (entry point ``paramlab.bench``): ``ComplexConv2d`` in
each ``impl`` against the real conv of equal FLOPs and against complexPyTorch's
``ComplexConv2d`` (when that library is installed; otherwise its case is not offered).

Shapes (spec §14): batch 32 with 16→16 complex channels at 32x32, 32→32 at 16x16 and 64→64 at
8x8; 3x3 kernels, padding 1, no bias. A complex conv with C complex channels does the work of
a real conv with 2C→2C channels (four real C→C products), which is the floor. Every case times a
forward and backward pass on an input that requires a gradient.
"""

from __future__ import annotations

import importlib.util

import torch
from torch import Tensor, nn

from complexnn.conv import CONV_IMPLS, ComplexConv2d
from paramlab.bench import BenchCase, forward_backward

__all__ = [
    "SHAPES",
    "build_floor",
    "build_ours",
    "build_peer",
    "cases",
    "complex_input",
    "peer_available",
    "real_input",
]

SUITE = "complexnn"
BATCH = 32
# (complex channels, spatial size)
SHAPES = ((16, 32), (32, 16), (64, 8))


def complex_input(batch: int, channels: int, size: int) -> Tensor:
    """A seeded complex64 input (B, C, H, W) that requires a gradient."""
    gen = torch.Generator().manual_seed(0)
    parts = torch.randn(2, batch, channels, size, size, generator=gen)
    return torch.complex(parts[0], parts[1]).requires_grad_()


def build_ours(channels: int, impl: str) -> ComplexConv2d:
    torch.manual_seed(0)
    return ComplexConv2d(channels, channels, 3, padding=1, bias=False, impl=impl)


def build_floor(channels: int) -> nn.Conv2d:
    """The real conv of equal FLOPs: 2C→2C channels (4·C² products per tap, as the complex
    conv's four real C→C products)."""
    torch.manual_seed(0)
    return nn.Conv2d(2 * channels, 2 * channels, 3, padding=1, bias=False)


def real_input(x: Tensor) -> Tensor:
    """(B, C, H, W) complex -> (B, 2C, H, W) real [Re | Im], the floor's input."""
    return torch.cat([x.real, x.imag], dim=1)


def build_peer(layer: ComplexConv2d) -> nn.Module:
    """complexPyTorch's ComplexConv2d holding ``layer``'s kernel (conv_r = Re, conv_i = Im)."""
    from complexPyTorch.complexLayers import ComplexConv2d as PeerComplexConv2d

    peer = PeerComplexConv2d(layer.in_channels, layer.out_channels, 3, padding=1, bias=False)
    with torch.no_grad():
        peer.conv_r.weight.copy_(layer.weight_real)
        peer.conv_i.weight.copy_(layer.weight_imag)
    return peer


def peer_available() -> bool:
    return importlib.util.find_spec("complexPyTorch") is not None


def cases(quick: bool) -> list[BenchCase]:
    """Floor, every ``impl`` (``'auto'``, the default, included) and (if installed)
    complexPyTorch for each shape of spec §14.

    The shapes are small, so ``quick`` keeps them all.
    """
    found = []
    for channels, size in SHAPES:
        group = f"ComplexConv2d {channels}→{channels} (complex) 3x3, B{BATCH}, {size}x{size}"
        shape = {"batch": BATCH, "in": channels, "out": channels, "kernel": 3, "size": size}

        def floor(channels=channels, size=size):
            x = complex_input(BATCH, channels, size).detach()
            return forward_backward(build_floor(channels), real_input(x).requires_grad_())

        found.append(BenchCase(SUITE, group, "nn.Conv2d, equal FLOPs", "floor", floor, shape=shape))
        for impl in CONV_IMPLS:
            found.append(
                BenchCase(
                    SUITE,
                    group,
                    f"ComplexConv2d impl={impl!r}",
                    "ours",
                    lambda impl=impl, channels=channels, size=size: forward_backward(
                        build_ours(channels, impl), complex_input(BATCH, channels, size)
                    ),
                    shape=shape,
                )
            )
        if peer_available():
            found.append(
                BenchCase(
                    SUITE,
                    group,
                    "complexPyTorch ComplexConv2d",
                    "peer",
                    lambda channels=channels, size=size: forward_backward(
                        build_peer(build_ours(channels, "native")),
                        complex_input(BATCH, channels, size),
                    ),
                    shape=shape,
                )
            )
    return found
