"""``paramlab ablate``: every installed parameterization in one backbone, same data and budget."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from paramlab.ablation.budget import width_for_budget
from paramlab.ablation.data import DATASETS
from paramlab.ablation.registry import available
from paramlab.ablation.report import (
    plot_accuracy_vs_parameters,
    summarize,
    to_markdown,
    write_summary,
)
from paramlab.ablation.runner import RunConfig, run_dir, run_one
from paramlab.markdown import update_marked_section
from paramlab.train import progress, select_device

__all__ = ["main"]

DEFAULTS = RunConfig(method="", seed=0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paramlab ablate",
        description="Train every installed parameterization inside one ResNet backbone with the "
        "same data, optimizer, schedule and seeds, and compare them.",
    )
    add = parser.add_argument
    add("--list", action="store_true", help="print the installed parameterizations and exit")
    add("--methods", help="comma-separated names (default: every installed one)")
    add("--dataset", default=DEFAULTS.dataset, choices=sorted(DATASETS))
    add("--epochs", type=int, default=DEFAULTS.epochs)
    add("--seeds", type=int, default=2, help="number of seeds (0, 1, ...)")
    add("--budget-params", type=int, help="scale each method's width to about N parameters")
    add("--depth", type=int, default=DEFAULTS.depth, help="ResNet depth 6k+2 (8, 14, 20, ...)")
    add("--width", type=int, default=DEFAULTS.width, help="first-stage width (without a budget)")
    add("--batch-size", type=int, default=DEFAULTS.batch_size, help="per process")
    add("--lr", type=float, default=DEFAULTS.lr)
    add("--image-size", type=int, default=DEFAULTS.image_size, help="digits are resized to it")
    add("--out", type=Path, default=Path("runs/ablation"), help="runs, checkpoints, results")
    add("--data_root", help="data root (else $PARAMLAB_DATA, else the repository's datasets/)")
    add("--device", default="auto", help="cpu, cuda, mps or auto")
    add("--launcher", choices=["none", "torchrun"], default="none")
    add("--nproc-per-node", type=int, default=2, help="processes per run with --launcher torchrun")
    add("--figure", type=Path, help="where to save the plot (default: <out>/accuracy.png)")
    add("--readme", type=Path, help="write the table and the plot into this file's section")
    add("--no-progress", action="store_true")
    return parser


def _list(methods) -> int:
    width = max(len(name) for name in methods)
    for name, method in methods.items():
        print(f"{name:<{width}}  {method.package:<22}  {method.summary}")
    return 0


def _launch_torchrun(config: RunConfig, args) -> None:
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        f"--nproc_per_node={args.nproc_per_node}",
        "-m",
        "paramlab.ablation.worker",
        "--config",
        json.dumps(asdict(config)),
        "--out",
        str(args.out),
        "--device",
        args.device,
    ]
    if args.data_root:
        command += ["--data_root", args.data_root]
    completed = subprocess.run(command)
    if completed.returncode:
        raise SystemExit(
            f"paramlab ablate: the torchrun run of {config.method} (seed {config.seed}) failed "
            f"with exit code {completed.returncode}; finished runs are kept in {args.out}, "
            "run the same command again to resume"
        )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    methods = available()
    if args.list:
        return _list(methods)
    names = [n.strip() for n in args.methods.split(",") if n.strip()] if args.methods else None
    unknown = sorted(set(names or []) - set(methods))
    if unknown:
        raise SystemExit(
            f"paramlab ablate: not installed: {', '.join(unknown)}; installed: {', '.join(methods)}"
        )
    if args.epochs < 1 or args.seeds < 1:
        raise SystemExit("paramlab ablate: --epochs and --seeds must be at least 1")
    selected = [methods[name] for name in (names or methods)]
    device = select_device(args.device)
    base = RunConfig(
        method="",
        seed=0,
        dataset=args.dataset,
        epochs=args.epochs,
        depth=args.depth,
        width=args.width,
        batch_size=args.batch_size,
        lr=args.lr,
        image_size=args.image_size,
    )
    plan = []
    for method in selected:
        width = width_for_budget(method, base, args.budget_params) if args.budget_params else None
        for seed in range(args.seeds):
            fields = {**asdict(base), "method": method.name, "seed": seed}
            plan.append((method, RunConfig(**{**fields, "width": width or base.width})))

    show = False if args.no_progress else None
    results = []
    for method, config in progress(plan, desc="ablation", enabled=show):
        done = run_dir(args.out, config.method, config.seed) / "result.json"
        if args.launcher == "torchrun" and not done.is_file():
            _launch_torchrun(config, args)
        results.append(
            run_one(method, config, args.out, args.data_root, device, show_progress=show)
        )

    rows = summarize(results)
    table = to_markdown(rows)
    csv_path, json_path = write_summary(rows, results, args.out)
    figure = args.figure or args.out / "accuracy.png"
    title = f"{args.dataset}, ResNet-{args.depth}, {args.epochs} epochs, {args.seeds} seeds"
    plot_accuracy_vs_parameters(rows, figure, title)
    if args.readme is not None:
        image = figure.resolve().relative_to(args.readme.resolve().parent)
        update_marked_section(args.readme, "ablation", f"{table}\n\n![{title}]({image.as_posix()})")
    print(table)
    print(f"wrote {csv_path}, {json_path} and {figure}")
    return 0
