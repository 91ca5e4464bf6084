"""The core's own cases: building PHC weights and complex convolutions through real ops."""

from __future__ import annotations

from functools import partial

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from paramlab.bench.cases import BenchCase, forward_backward
from paramlab.complex import complex_bilinear, complex_block_weight
from paramlab.kron import kron_sum, kron_sum_sequential

__all__ = ["broadcast_then_sum", "cases"]


def broadcast_then_sum(A: Tensor, Fs: Tensor) -> Tensor:
    """The original HyperNets weight: materialise the (n, n·O', n·I', *k) product, then sum."""
    n, out_sub, in_sub, *kernel = Fs.shape
    ones = (1,) * len(kernel)
    product = A.reshape(n, n, 1, n, 1, *ones) * Fs.reshape(n, 1, out_sub, 1, in_sub, *kernel)
    return product.reshape(n, n * out_sub, n * in_sub, *kernel).sum(dim=0)


def _weight_step(build, A: Tensor, Fs: Tensor):
    def step() -> None:
        torch.autograd.grad(build(A, Fs).sum(), (A, Fs))

    return step


def _kron_cases(quick: bool) -> list[BenchCase]:
    channels = 64
    cases = []
    for n in (4,) if quick else (2, 4, 8, 16):
        group = f"PHC weight build, {channels}→{channels} 3x3, n={n}"
        shape = {"n": n, "in": channels, "out": channels, "kernel": 3}

        def tensors(n=n):
            gen = torch.Generator().manual_seed(0)
            A = torch.randn(n, n, n, generator=gen, requires_grad=True)
            Fs = torch.randn(
                n, channels // n, channels // n, 3, 3, generator=gen, requires_grad=True
            )
            return A, Fs

        for label, role, build in (
            ("kron_sum (einsum)", "ours", kron_sum),
            ("kron_sum_sequential", "ours", kron_sum_sequential),
            ("broadcast-then-sum", "original", broadcast_then_sum),
        ):
            cases.append(
                BenchCase(
                    suite="core",
                    group=group,
                    label=label,
                    role=role,
                    setup=lambda build=build, tensors=tensors: _weight_step(build, *tensors()),
                    weight_build=lambda build=build, tensors=tensors: partial(build, *tensors()),
                    shape=shape,
                )
            )
    return cases


class _ComplexConv(nn.Module):
    """Complex 3x3 conv on (Re, Im) pairs through one of paramlab.complex's forms."""

    def __init__(self, channels: int, form: str):
        super().__init__()
        self.form = form
        self.w_re = nn.Parameter(torch.randn(channels, channels, 3, 3) * 0.05)
        self.w_im = nn.Parameter(torch.randn(channels, channels, 3, 3) * 0.05)

    def forward(self, x_re: Tensor, x_im: Tensor) -> Tensor:
        if self.form == "native":
            return F.conv2d(
                torch.complex(x_re, x_im), torch.complex(self.w_re, self.w_im), padding=1
            )
        if self.form == "block":
            weight = complex_block_weight(self.w_re, self.w_im)
            return F.conv2d(torch.cat([x_re, x_im], dim=1), weight, padding=1)
        y_re, y_im = complex_bilinear(
            partial(F.conv2d, padding=1), x_re, x_im, self.w_re, self.w_im, method=self.form
        )
        return torch.cat([y_re, y_im], dim=1)


def _complex_cases(quick: bool) -> list[BenchCase]:
    cases = []
    for batch in (64,) if quick else (64, 128):
        for channels in (32,) if quick else (32, 64):
            group = f"complex conv {channels}→{channels} (complex) 3x3, B{batch}, 32x32"
            shape = {"batch": batch, "in": channels, "out": channels, "kernel": 3, "size": 32}

            def inputs(batch=batch, channels=channels):
                gen = torch.Generator().manual_seed(0)
                return [torch.randn(batch, channels, 32, 32, generator=gen) for _ in range(2)]

            def floor_step(batch=batch, channels=channels):
                conv = nn.Conv2d(2 * channels, 2 * channels, 3, padding=1, bias=False)
                return forward_backward(conv, torch.cat(inputs(batch, channels), dim=1))

            cases.append(
                BenchCase("core", group, "nn.Conv2d, equal FLOPs", "floor", floor_step, shape=shape)
            )
            for form, role in (
                ("four", "ours"),
                ("gauss", "ours"),
                ("block", "ours"),
                ("native", "peer"),
            ):
                label = "torch native complex" if form == "native" else f"paramlab {form}"
                cases.append(
                    BenchCase(
                        "core",
                        group,
                        label,
                        role,
                        lambda form=form, channels=channels, inputs=inputs: forward_backward(
                            _ComplexConv(channels, form), *inputs()
                        ),
                        shape=shape,
                    )
                )
    return cases


def cases(quick: bool) -> list[BenchCase]:
    """All core cases; ``quick`` keeps one shape per comparison."""
    return _kron_cases(quick) + _complex_cases(quick)
