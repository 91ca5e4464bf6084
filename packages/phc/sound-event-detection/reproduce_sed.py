"""Small L3DAS21 Task 2 comparison: PHC SEDNet (n=4) against the real SEDNet, on CPU.

Runs the original scripts with their flags on generated scenes (the embedded sound default):
``python -m phc.sed.make_scenes`` → ``preprocessing.py --task 2 --num_mics 1`` (4 channels) →
``train_baseline_task2.py`` for ``phmsednet_n4`` and ``sednet_augmented`` (in parallel, one CPU
thread each) → ``evaluate_baseline_task2.py`` (original metric, then ``--fixed_metric``), and
prints F-scores and parameter counts. The models keep the paper's structure, narrowed so that a
few CPU minutes suffice (``--cnn_filters [16,32,64,128] --pool_size [[4,2],[4,2],[2,2],[1,1]]``
keeps the GRU input of 1024; one GRU layer of 64, head of 128, no dropout), on scenes drawing
from 4 of the 14 classes; the paper-size parameter counts are printed too. Numbers on synthetic
scenes are not comparable with the paper's.

    python reproduce_sed.py [--num_scenes 40] [--duration 2] [--epochs 40] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import runpy
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
from phc.sed.models import build_sednet, count_parameters

HERE = Path(__file__).resolve().parent
ARCHITECTURES = ("phmsednet_n4", "sednet_augmented")
MODEL_FLAGS = [
    "--input_channels",
    "4",
    "--cnn_filters",
    "[16,32,64,128]",
    "--pool_size",
    "[[4,2],[4,2],[2,2],[1,1]]",
    "--rnn_size",
    "64",
    "--fc_size",
    "128",
    "--n_rnn",
    "1",
    "--dropout_perc",
    "0",
    "--use_cuda",
    "False",
]


def run(command: list[str], quiet: bool = True) -> str:
    """Run ``python <script> <flags>`` (or ``-m module``) in this process; return its stdout."""
    if command[0] == "-m":
        target, run_script = command[1], runpy.run_module
    else:
        target, run_script = str(HERE / command[0]), runpy.run_path
    print("$ python " + " ".join(command), flush=True)
    saved_argv, buffer = sys.argv, io.StringIO()
    sys.argv = [target, *command[2 if command[0] == "-m" else 1 :]]
    try:
        with contextlib.redirect_stdout(buffer) if quiet else contextlib.nullcontext():
            run_script(target, run_name="__main__")
    finally:
        sys.argv = saved_argv
    return buffer.getvalue()


def _metric(output: str, name: str) -> float:
    line = next(line for line in output.splitlines() if line.startswith(name + ":"))
    return float(line.split(":", 1)[1])


def _paths(processed: Path) -> list[str]:
    paths = []
    for flag, split in (("training", "train"), ("validation", "validation"), ("test", "test")):
        for kind in ("predictors", "target"):
            paths += [f"--{flag}_{kind}_path", str(processed / f"task2_{kind}_{split}.pkl")]
    return paths


def train_and_score(architecture: str, work: Path, epochs: int) -> dict:
    """Train one architecture, evaluate it with both metrics; its row of the table."""
    processed, folder = work / "processed", work / "RESULTS" / architecture
    begin = time.perf_counter()
    run(
        ["train_baseline_task2.py", *_paths(processed), "--architecture", architecture]
        + ["--epochs", str(epochs), "--lr", "0.003", "--batch_size", "4", "--fixed_seed", "True"]
        + ["--results_path", str(folder), "--checkpoint_dir", str(folder), *MODEL_FLAGS]
    )
    trained = time.perf_counter() - begin
    scores = {}
    for label, extra in (("original", []), ("fixed", ["--fixed_metric"])):
        output = run(
            ["evaluate_baseline_task2.py", "--architecture", architecture]
            + ["--model_path", str(folder / f"checkpoint_{architecture}")]
            + ["--predictors_path", str(processed / "task2_predictors_test.pkl")]
            + ["--target_path", str(processed / "task2_target_test.pkl")]
            + ["--results_path", str(folder / label), *MODEL_FLAGS, *extra]
        )
        scores[label] = _metric(output, "F score")
    with torch.device("meta"):
        small = build_sednet(
            architecture,
            320,
            input_channels=4,
            cnn_filters=[16, 32, 64, 128],
            pool_size=[[4, 2], [4, 2], [2, 2], [1, 1]],
            rnn_size=64,
            n_rnn=1,
            fc_size=128,
            dropout_perc=0.0,
        )
        full = build_sednet(architecture, 4800, input_channels=4)
    return {
        "params": sum(p.numel() for p in small.parameters()),
        "cnn_params": count_parameters(small),
        "paper_size_params": sum(p.numel() for p in full.parameters()),
        "paper_size_cnn_params": count_parameters(full),
        "F": scores["original"],
        "F_fixed": scores["fixed"],
        "train_seconds": trained,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num_scenes", type=int, default=40)
    parser.add_argument("--duration", type=float, default=2.0)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--num_classes", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=str, default=None, help="default: a temporary folder")
    parser.add_argument("--only", choices=ARCHITECTURES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="l3das_sed_"))
    if args.only:
        print(json.dumps(train_and_score(args.only, work, args.epochs)))
        return {}
    data, processed = work / "DATASETS" / "Task2", work / "processed"
    start = time.perf_counter()
    run(
        ["-m", "phc.sed.make_scenes", "--output_path", str(data), "--num_scenes"]
        + [str(args.num_scenes), "--duration", str(args.duration), "--seed", str(args.seed)]
        + ["--num_classes", str(args.num_classes)]
    )
    run(
        ["preprocessing.py", "--task", "2", "--input_path", str(data), "--output_path"]
        + [str(processed), "--num_mics", "1", "--frame_len", "100", "--file_size"]
        + [str(args.duration), "--sort_files"]
    )
    print(f"data ready in {time.perf_counter() - start:.1f} s", flush=True)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    jobs = {
        architecture: subprocess.Popen(
            [sys.executable, __file__, "--workdir", str(work), "--epochs", str(args.epochs)]
            + ["--only", architecture],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for architecture in ARCHITECTURES
    }
    rows = {}
    for architecture, job in jobs.items():
        output, _ = job.communicate()
        print(output.rsplit("\n", 2)[0])
        if job.returncode != 0:
            raise SystemExit(f"{architecture} failed (exit code {job.returncode})")
        rows[architecture] = json.loads(output.strip().splitlines()[-1])
    print(
        f"\nL3DAS21 Task 2 on {args.num_scenes} generated scenes of {args.duration:g} s "
        f"({args.num_classes} classes, 1 mic = 4 channels), {args.epochs} epochs, CPU"
    )
    header = (
        f"{'architecture':18s} {'params':>9s} {'cnn':>8s} {'F':>7s} {'F fixed':>8s} {'train s':>8s}"
    )
    print(header + "   paper-size params (cnn)")
    for architecture, row in rows.items():
        print(
            f"{architecture:18s} {row['params']:9,d} {row['cnn_params']:8,d} {row['F']:7.4f} "
            f"{row['F_fixed']:8.4f} {row['train_seconds']:8.1f}   "
            f"{row['paper_size_params']:,d} ({row['paper_size_cnn_params']:,d})"
        )
    print(f"total {time.perf_counter() - start:.1f} s; files in {work}")
    return rows


if __name__ == "__main__":
    main()
