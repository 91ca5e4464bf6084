"""Complex vs real DCN ResNet on the embedded digits, side by side.

Runs ``scripts/run.py train`` (DCN's flags) twice, ``--model complex`` and ``--model real``,
on the embedded UCI digits (``--dataset digits``, at their native 8x8) for a short schedule,
then prints the test accuracy of each: at the last epoch and at the epoch of best validation
accuracy. The numbers are a smoke-scale comparison, not the paper's CIFAR/SVHN results.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
COMMON = [
    "--dataset",
    "digits",
    "--sf",
    "3",
    "--nb",
    "1",
    "-n",
    "6",
    "--image-size",
    "8",
    "--schedule",
    "constant",
    "--lr",
    "0.05",
    "--no-flip",
    "-s",
    "0",
]


def run(model: str, workdir: Path) -> dict:
    command = [
        sys.executable,
        str(HERE / "scripts" / "run.py"),
        "train",
        "--model",
        model,
        "-w",
        str(workdir),
        *COMMON,
    ]
    print("$ python", " ".join(command[1:]), flush=True)
    start = time.time()
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout:
            if "train_loss:" in line or "# of Parameters" in line:
                print("   ", line.split("] ", 1)[-1].rstrip(), flush=True)
    if process.returncode:
        raise SystemExit(f"scripts/run.py train --model {model} failed ({process.returncode})")
    val = np.atleast_1d(np.loadtxt(workdir / "val_acc.txt"))
    test = np.atleast_1d(np.loadtxt(workdir / "test_acc.txt"))
    entry = (workdir / "logs" / "entry.txt").read_text()
    params = entry.split("# of Parameters (trainable):")[1].split()[0]
    best = int(np.argmax(val))
    return {
        "params": params,
        "last": test[-1],
        "best_val_epoch": best + 1,
        "at_best_val": test[best],
        "seconds": time.time() - start,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        results = {model: run(model, Path(tmp) / model) for model in ("complex", "real")}
    print()
    print("DCN ResNet on the embedded digits (8x8, sf=3, nb=1, 6 epochs, constant LR 0.05)")
    print(
        f"{'model':<8} {'params':>8} {'test acc (last)':>16} {'test acc @ best val':>20} "
        f"{'time [s]':>9}"
    )
    for model, r in results.items():
        print(
            f"{model:<8} {r['params']:>8} {r['last']:>16.4f} "
            f"{r['at_best_val']:>14.4f} (ep {r['best_val_epoch']}) {r['seconds']:>9.0f}"
        )


if __name__ == "__main__":
    main()
