"""Benchmark cases of ``paramlab bench`` (entry point ``paramlab.bench``): PHC and quaternion
convolutions against the dense ``nn.Conv2d`` of the same shape and against the original
HyperNets weight construction (broadcast-then-sum, then a dense conv).

Every case times a forward and backward pass of one 3x3 layer (padding 1, no bias) on a
32x32 input that requires a gradient, as a hidden layer of a network does. ``weight_build``
measures the tensor memory of building the layer's weight once.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from paramlab.bench import BenchCase, Sweep, forward_backward
from paramlab.bench.core_cases import broadcast_then_sum
from phc.layers import PHConv2d
from phc.quaternion import QuaternionConv

__all__ = ["OriginalPHConv2d", "cases", "sweeps"]

SUITE = "phc"
SIZE = 32


class OriginalPHConv2d(nn.Module):
    """The original's PHC forward: the broadcast-then-sum weight (an n-times larger product
    summed over its first axis), then a dense conv. Parameters ``A`` (n, n, n) and ``F``
    (n, O/n, I/n, k, k), as in ``PHConv2d``."""

    def __init__(self, layer: PHConv2d) -> None:
        super().__init__()
        self.A = nn.Parameter(layer.A.detach().clone())
        self.F = nn.Parameter(layer.F.detach().clone())
        self.padding = layer.padding

    def build_weight(self) -> Tensor:
        return broadcast_then_sum(self.A, self.F)

    def forward(self, x: Tensor) -> Tensor:
        return F.conv2d(x, self.build_weight(), padding=self.padding)


def _input(batch: int, channels: int) -> Tensor:
    gen = torch.Generator().manual_seed(0)
    return torch.randn(batch, channels, SIZE, SIZE, generator=gen).requires_grad_()


def build_phc(channels: int, n: int, kind: str) -> nn.Module:
    """The layer of one PHC case: ``ours`` (einsum), ``sequential``, ``original`` or ``floor``."""
    torch.manual_seed(0)
    if kind == "floor":
        return nn.Conv2d(channels, channels, 3, padding=1, bias=False)
    kron = "sequential" if kind == "sequential" else "einsum"
    layer = PHConv2d(channels, channels, 3, padding=1, bias=False, n=n, kron=kron)
    return OriginalPHConv2d(layer) if kind == "original" else layer


def build_quaternion(channels: int) -> nn.Module:
    """The quaternion conv of the quaternion cases (NumPy-seeded, as the original draws)."""
    import numpy as np

    np.random.seed(0)
    return QuaternionConv(channels, channels, 3, stride=1, padding=1, bias=False)


_PHC_KINDS = (
    ("PHConv2d (einsum)", "ours", "ours"),
    ("PHConv2d (kron='sequential')", "ours", "sequential"),
    ("broadcast-then-sum + conv", "original", "original"),
    ("nn.Conv2d", "floor", "floor"),
)


def _phc_case(batch: int, channels: int, n: int, label: str, role: str, kind: str, group: str):
    shape = {"batch": batch, "in": channels, "out": channels, "kernel": 3, "size": SIZE, "n": n}

    def setup():
        return forward_backward(build_phc(channels, n, kind), _input(batch, channels))

    def weight_build():
        return build_phc(channels, n, kind).build_weight

    build = None if kind == "floor" else weight_build
    return BenchCase(SUITE, group, label, role, setup, weight_build=build, shape=shape)


def _quaternion_cases(batch: int, channels: int) -> list[BenchCase]:
    group = f"QuaternionConv {channels}→{channels} 3x3, B{batch}, {SIZE}x{SIZE}"
    shape = {"batch": batch, "in": channels, "out": channels, "kernel": 3, "size": SIZE}
    return [
        BenchCase(
            SUITE,
            group,
            "QuaternionConv (Hamilton block)",
            "ours",
            lambda: forward_backward(build_quaternion(channels), _input(batch, channels)),
            weight_build=lambda: build_quaternion(channels).build_weight,
            shape=shape,
        ),
        BenchCase(
            SUITE,
            group,
            "nn.Conv2d",
            "floor",
            lambda: forward_backward(build_phc(channels, 4, "floor"), _input(batch, channels)),
            shape=shape,
        ),
    ]


def cases(quick: bool) -> list[BenchCase]:
    """PHConv2d (n = 2, 4) and QuaternionConv at 32→32 and 64→64, batch 64 (and 128 unless
    ``quick``), each with its dense floor; PHC also with the original construction."""
    found = []
    for batch in (64,) if quick else (64, 128):
        for channels in (32, 64):
            for n in (2, 4):
                group = f"PHConv2d {channels}→{channels} 3x3 n={n}, B{batch}, {SIZE}x{SIZE}"
                kinds = _PHC_KINDS if not quick else [k for k in _PHC_KINDS if k[2] != "sequential"]
                found += [
                    _phc_case(batch, channels, n, label, role, kind, group)
                    for label, role, kind in kinds
                ]
            found += _quaternion_cases(batch, channels)
    return found


def sweeps(quick: bool) -> list[Sweep]:
    """PHConv2d 64→64 (batch 64, 32 when ``quick``) against n = 2, 4, 8, 16: ours and the
    original construction."""
    channels, batch = 64, 32 if quick else 64
    found = []
    for n in (2, 4, 8, 16):
        for label, role, kind in _PHC_KINDS[0:1] + _PHC_KINDS[2:3]:
            found.append(_phc_case(batch, channels, n, label, role, kind, group="n sweep"))
    return [Sweep(SUITE, f"PHConv2d {channels}→{channels} 3x3, B{batch}: n", "n", found)]
