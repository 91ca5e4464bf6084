"""CIFAR ResNet-20, ordinary (org) and with a CSG, trained by the original main.py on the
embedded digits (32x32, 3 channels) for a short schedule; prints parameters and test accuracy.

    python reproduce.py [--iter 2] [--lr 0.1]

Each run is ``python Implementations/CIFAR10/main.py --lr LR --iter ITER --min_epochs 1
--model resnet20[_org] --dataset digits`` (phases of ITER, ITER/2, ITER/4 epochs, at least one)
in a fresh working directory, so ./checkpoint and ./results are those of the run.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from paramlab.data import digits_path

HERE = Path(__file__).resolve().parent
MAIN = HERE / "Implementations" / "CIFAR10" / "main.py"


def data_root() -> Path:
    """The root holding digits/digits.npz: the usual resolution, else this checkout's datasets/."""
    if digits_path().is_file():
        return digits_path().parents[1]
    return HERE.parents[1] / "datasets"


def train(model: str, args: argparse.Namespace) -> tuple[int, float, float]:
    with tempfile.TemporaryDirectory() as workdir:
        command = [sys.executable, str(MAIN), "--model", model, "--dataset", "digits"]
        command += ["--data_root", str(data_root()), "--lr", str(args.lr), "--iter", str(args.iter)]
        command += ["--min_epochs", "1", "--seed", str(args.seed), "--workers", "0"]
        print("$", " ".join(command[1:]), flush=True)
        done = subprocess.run(command, cwd=workdir, capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
            raise SystemExit(f"main.py --model {model} failed with exit code {done.returncode}")
        params = int(re.search(r"NUMBER OF TRAINABLE PARAMETERS: (\d+)", done.stdout).group(1))
        accs = (Path(workdir) / "results" / "test_acc.txt").read_text().split("; ")[:-1]
        accs = [float(a) for a in accs]
        per_epoch = ", ".join(f"{a:.2f}" for a in accs)
        print(f"  epochs {len(accs)}, test accuracy per epoch: {per_epoch}")
        return params, accs[-1], max(accs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iter", type=int, default=2, help="epochs of the first phase")
    parser.add_argument("--lr", type=float, default=0.1, help="initial learning rate")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    rows = [(name, *train(name, args)) for name in ("resnet20_org", "resnet20")]
    print()
    print(f"{'model':<14}{'parameters':>12}{'final test acc %':>18}{'best test acc %':>17}")
    for name, params, final, best in rows:
        print(f"{name:<14}{params:>12,}{final:>18.2f}{best:>17.2f}")
    ratio = rows[0][1] / rows[1][1]
    print(f"\nCSG ResNet-20 (CODE_SIZE 72, SLICE_SHAPE [12,12,3,3]): {ratio:.2f}x fewer parameters")
    print("spec / paper counts: 269,722 vs 115,426 (2.34x); CIFAR-10 accuracy is not run here")


if __name__ == "__main__":
    main()
