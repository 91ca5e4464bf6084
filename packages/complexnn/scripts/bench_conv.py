#!/usr/bin/env python
"""Forward + backward time of the complex convolutions in every ``impl`` (spec §14), as a ratio
to ``impl='native'`` (torch's complex convolution); not a test.

    python scripts/bench_conv.py [--rounds 25] [--threads 1] [--dtype complex64 complex128]

Each row times the five ``impl`` values of one layer on one input, interleaved round by round
(``paramlab.bench.time_interleaved``), so a load change on a shared machine hits all of them alike;
the median over the rounds is reported. ``nox -s bench`` times the spec's three ComplexConv2d
shapes against the real conv of equal FLOPs and against complexPyTorch.
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
from complexnn.conv import (  # noqa: E402
    CONV_IMPLS,
    ComplexConv1d,
    ComplexConv2d,
    ComplexConvTranspose2d,
)

from paramlab.bench import forward_backward  # noqa: E402
from paramlab.bench.timing import time_interleaved  # noqa: E402

BATCH = 32
# (label, layer class, in, out, kernel, stride, padding, spatial shape)
LAYERS = [
    ("ComplexConv2d 16→16 3x3 @32x32", ComplexConv2d, 16, 16, 3, 1, 1, (32, 32)),
    ("ComplexConv2d 32→32 3x3 @16x16", ComplexConv2d, 32, 32, 3, 1, 1, (16, 16)),
    ("ComplexConv2d 64→64 3x3 @8x8", ComplexConv2d, 64, 64, 3, 1, 1, (8, 8)),
    ("ComplexConvTranspose2d 32→32 3x3 @16x16", ComplexConvTranspose2d, 32, 32, 3, 1, 1, (16, 16)),
    ("ComplexConv1d 32→32 k3 @512", ComplexConv1d, 32, 32, 3, 1, 1, (512,)),
    ("ComplexConv2d 3→12 3x3 @32x32 (DCN stem)", ComplexConv2d, 3, 12, 3, 1, 1, (32, 32)),
    ("ComplexConv1d 1→16 k6 s2 @4096 (MusicNet)", ComplexConv1d, 1, 16, 6, 2, 0, (4096,)),
    ("ComplexConvTranspose2d 4→16 3x3 @16x16", ComplexConvTranspose2d, 4, 16, 3, 1, 1, (16, 16)),
]
DTYPES = {
    "complex64": (torch.complex64, torch.float32),
    "complex128": (torch.complex128, torch.float64),
}


def rows(dtype_names: list[str], rounds: int, threads: int, min_run_time: float):
    for name in dtype_names:
        dtype, real = DTYPES[name]
        for label, cls, c_in, c_out, k, stride, padding, spatial in LAYERS:
            gen = torch.Generator().manual_seed(0)
            x = torch.randn(BATCH, c_in, *spatial, dtype=dtype, generator=gen).requires_grad_()
            steps = []
            for impl in CONV_IMPLS:
                torch.manual_seed(0)
                layer = cls(c_in, c_out, k, stride=stride, padding=padding, impl=impl, dtype=real)
                steps.append(forward_backward(layer, x))
            timings = time_interleaved(
                steps, threads, min_run_time, max_rounds=rounds, min_rounds=rounds
            )
            native = timings[CONV_IMPLS.index("native")].median
            yield label, name, native, [t.median / native for t in timings]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--min-run-time", type=float, default=2.0, help="seconds per impl")
    parser.add_argument("--dtype", nargs="+", default=list(DTYPES), choices=list(DTYPES))
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(f"batch {BATCH}, fwd+bwd, {args.threads} thread(s), median of {args.rounds} rounds")
    print("| layer | dtype | native ms | " + " | ".join(CONV_IMPLS) + " |")
    print("|---|---|---:|" + "---:|" * len(CONV_IMPLS))
    for label, name, native, ratios in rows(
        args.dtype, args.rounds, args.threads, args.min_run_time
    ):
        cells = " | ".join(f"{r:.2f}" for r in ratios)
        print(f"| {label} | {name} | {native * 1e3:.1f} | {cells} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
