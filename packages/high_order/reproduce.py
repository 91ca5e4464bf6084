"""Short reproduction of the original README's experiments on CPU, with no download.

Runs the original entry scripts with their flags (shortened schedules):

1. ``examples/function_example.py``: one input, one output, discontinuous vs continuous vs
   polynomial vs Fourier links fitting 0.5·cos(1.5π/(|x| + 0.25)); four PNG figures.
2. ``examples/xor.py``: XOR with continuous, discontinuous, polynomial and 2-d polynomial
   links; one PNG figure per layer type.
3. ``examples/invariant_mnist.py`` on the embedded digits with p-refinement n = 2 → 3 → 4.
4. ``examples/mnist.py`` (high-order convolutions) on the embedded digits for a few steps.

Prints every model's final loss and the test loss/accuracy; figures and Hydra run folders go
to ``outputs/reproduce/`` (``--out`` to change). About 3 minutes of CPU time (longer on a
busy machine).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(script: str, overrides: list[str], out: Path, name: str) -> str:
    """Run one example with Hydra overrides; return its output (also echoed when it fails)."""
    command = [
        sys.executable,
        f"examples/{script}",
        *overrides,
        f"hydra.run.dir={out / 'runs' / name}",
    ]
    env = {
        **os.environ,
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "2"),
        "MPLBACKEND": "Agg",
    }
    start = time.time()
    done = subprocess.run(command, cwd=HERE, env=env, capture_output=True, text=True)
    print(f"$ python examples/{script} {' '.join(overrides)}   [{time.time() - start:.0f} s]")
    if done.returncode != 0:
        print(done.stdout[-4000:], done.stderr[-4000:])
        raise SystemExit(f"{script} failed with exit code {done.returncode}")
    return done.stdout


def summary(text: str, pattern: str) -> None:
    for line in text.splitlines():
        if re.search(pattern, line):
            print("   ", line.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="outputs/reproduce", help="folder for figures and runs")
    parser.add_argument("--function_epochs", type=int, default=1)
    parser.add_argument("--xor_epochs", type=int, default=5)
    parser.add_argument("--mnist_epochs", type=int, default=4)
    args = parser.parse_args()
    out = (HERE / args.out).resolve()
    figures = out / "figures"

    print(
        "== 1. Function approximation (README figures: discontinuous, continuous, polynomial, "
        "Fourier), 5 segments, optimizer sophia"
    )
    text = run(
        "function_example.py",
        [f"epochs={args.function_epochs}", "segments=5", "plot=false", f"save_dir={figures}"],
        out,
        "function",
    )
    summary(text, r"^function ")

    print("== 2. XOR, 2 segments, optimizer sophia")
    for layer_type in ["continuous", "discontinuous", "polynomial", "polynomial_2d"]:
        text = run(
            "xor.py",
            [
                f"layer_type={layer_type}",
                f"epochs={args.xor_epochs}",
                "optimizer=sophia",
                "plot=false",
                f"save_dir={figures}",
            ],
            out,
            f"xor_{layer_type}",
        )
        summary(text, r"^xor ")

    print(
        "== 3. invariant_mnist on the embedded digits with p-refinement n = 2 -> 3 -> 4 "
        "(continuous links, adam lr 0.01)"
    )
    text = run(
        "invariant_mnist.py",
        [
            "dataset=digits",
            "mlp.p_refine=true",
            "mlp.layer_type=continuous",
            "mlp.n=2",
            "mlp.target_n=4",
            f"max_epochs={args.mnist_epochs}",
            "batch_size=32",
            "optimizer=adam",
            "optimizer.lr=0.01",
            "accelerator=cpu",
        ],
        out,
        "invariant_mnist",
    )
    summary(text, r"Training order|^result|test_acc|test_loss")

    print(
        "== 4. mnist (continuous2d convolutions n=3, 2 segments) on the embedded digits, 30 steps"
    )
    text = run(
        "mnist.py",
        ["dataset=digits", "max_epochs=1", "limit_train_batches=30", "accelerator=cpu"],
        out,
        "mnist",
    )
    summary(text, r"^result")
    print(f"figures: {sorted(p.name for p in figures.glob('*.png'))} in {figures}")


if __name__ == "__main__":
    main()
