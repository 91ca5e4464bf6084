"""The paper's claim in one screen: a PHC ResNet with n=4 has about 1/4 of the parameters of
its real counterpart at similar accuracy.

Runs the original entry script, ``image-classification/main.py``, with two TextArgs configs on
the embedded UCI digits (16x16, 8 epochs, SGD, the original cosine schedule):
``config_phmresnet20_digits.txt`` (PHC ResNet20, n=4, 4-channel input with the zero real
part) and ``config_resnet20_digits.txt`` (the real ResNet20, 3 channels). The two runs go in
parallel, one CPU thread each, in a temporary working directory (main.py writes
``checkpoints/`` there). Prints parameters and test accuracy side by side, then runs
``sound-event-detection/reproduce_sed.py`` (PHC SEDNet n=4 against the real SEDNet on
generated L3DAS21-format scenes).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT_DIR = HERE / "image-classification"
RUNS = [
    ("PHC ResNet20 (n=4)", "config_phmresnet20_digits.txt"),
    ("real ResNet20", "config_resnet20_digits.txt"),
]


def _launch(config: str, workdir: Path) -> subprocess.Popen:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    text_args = SCRIPT_DIR / "configs" / config
    return subprocess.Popen(
        [sys.executable, str(SCRIPT_DIR / "main.py"), f"--TextArgs={text_args}"],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _parse(output: str) -> tuple[int, float]:
    params = re.search(r"Number of parameters: (\d+)", output)
    accuracy = re.search(r"on the test images: ([\d.]+) %", output)
    if params is None or accuracy is None:
        raise RuntimeError(f"main.py did not finish as expected:\n{output}")
    return int(params.group(1)), float(accuracy.group(1))


def main() -> int:
    results = []
    with tempfile.TemporaryDirectory(prefix="phc-reproduce-") as tmp:
        jobs = []
        for label, config in RUNS:
            workdir = Path(tmp) / config.removesuffix(".txt")
            workdir.mkdir()
            jobs.append((label, config, _launch(config, workdir)))
        for label, config, job in jobs:
            output, _ = job.communicate()
            print(f"===== {label}: python main.py --TextArgs={config}")
            print("\n".join(line for line in output.splitlines() if line.startswith("[Epoch")))
            if job.returncode != 0:
                print(output)
                return job.returncode
            results.append((label, *_parse(output)))
    (phc_label, phc_params, phc_acc), (real_label, real_params, real_acc) = results
    print()
    print(f"{'model':<22}{'parameters':>12}{'test accuracy':>16}")
    for label, params, accuracy in results:
        print(f"{label:<22}{params:>12,}{accuracy:>15.2f}%")
    print(
        f"\nPHC / real parameters: {phc_params / real_params:.3f} (about 1/n = 0.25); "
        f"accuracy difference: {phc_acc - real_acc:+.2f} points "
        "(UCI digits test split, 360 images)"
    )
    print("\n===== L3DAS21 Task 2: python reproduce_sed.py (sound-event-detection/)", flush=True)
    sed = subprocess.run(
        [sys.executable, "reproduce_sed.py"], cwd=HERE / "sound-event-detection", check=False
    )
    return sed.returncode


if __name__ == "__main__":
    sys.exit(main())
