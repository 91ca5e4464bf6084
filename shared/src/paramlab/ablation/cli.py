"""``paramlab ablate``: every installed parameterization in one backbone, same data and budget."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict
from pathlib import Path

import torch

from paramlab.ablation.budget import width_for_budget
from paramlab.ablation.data import DATASETS
from paramlab.ablation.registry import available
from paramlab.ablation.report import (
    plot_accuracy_vs_parameters,
    summarize,
    to_markdown,
    write_summary,
)
from paramlab.ablation.runner import OPTIMIZERS, RunConfig, RunConfigError, run_dir, run_one
from paramlab.bench.report import machine_info
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
    add("--optimizer", default=DEFAULTS.optimizer, choices=OPTIMIZERS)
    add("--lr", type=float, default=DEFAULTS.lr, help="peak rate of the one-cycle schedule")
    add("--weight-decay", type=float, default=DEFAULTS.weight_decay)
    add("--image-size", type=int, default=DEFAULTS.image_size, help="digits are resized to it")
    add("--out", type=Path, default=Path("runs/ablation"), help="runs, checkpoints, results")
    add("--data_root", help="data root (else $PARAMLAB_DATA, else the repository's datasets/)")
    add("--device", default="auto", help="cpu, cuda, mps or auto")
    add("--launcher", choices=["none", "torchrun"], default="none")
    add("--nproc-per-node", type=int, default=2, help="processes per run with --launcher torchrun")
    add(
        "--jobs",
        type=int,
        default=1,
        help="runs trained at once, each in its own process (one bar over the runs and a line "
        "per finished run; the per-epoch bars only with 1)",
    )
    add("--threads", type=int, help="torch threads per run (default: the CPU cores / --jobs)")
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


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _run_in_worker(name: str, config: RunConfig, out: Path, data_root, device) -> dict:
    """One run inside a ``--jobs`` worker; the method travels by name (factories are closures)."""
    return run_one(available()[name], config, out, data_root, device, show_progress=False)


def _finished(bar, result: dict) -> None:
    seconds = result["seconds_per_epoch"]
    timing = "" if seconds is None else f", {seconds:.2f} s/epoch"
    bar.write(
        f"{result['method']} seed {result['config']['seed']}: "
        f"test accuracy {100 * result['test_accuracy']:.2f}%{timing}"
    )


def _run_serial(plan, args, device, show) -> list[dict]:
    results = []
    bar = progress(plan, desc="ablation", enabled=show)
    for method, config in bar:
        done = run_dir(args.out, config.method, config.seed) / "result.json"
        if args.launcher == "torchrun" and not done.is_file():
            _launch_torchrun(config, args)
        results.append(
            run_one(method, config, args.out, args.data_root, device, show_progress=show)
        )
        _finished(bar, results[-1])
    return results


def _run_parallel(plan, args, device, show, threads: int) -> list[dict]:
    """``--jobs`` worker processes (spawned, ``threads`` torch threads each) train the runs
    that are not done yet; each run still owns its folder, so resuming works as in one process.
    Runs under way when one fails are finished and kept, queued ones are not started."""
    results: dict[int, dict] = {}
    bar = progress(None, desc="ablation", enabled=show, total=len(plan))
    pool = ProcessPoolExecutor(
        args.jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=torch.set_num_threads,
        initargs=(threads,),
    )
    try:
        futures = {}
        for index, (method, config) in enumerate(plan):
            if (run_dir(args.out, config.method, config.seed) / "result.json").is_file():
                results[index] = run_one(method, config, args.out, args.data_root, device)
                bar.update()
                continue
            future = pool.submit(
                _run_in_worker, method.name, config, args.out, args.data_root, device
            )
            futures[future] = index
        while futures:
            done, _ = wait(futures, return_when=FIRST_COMPLETED)
            for future in done:
                index = futures.pop(future)
                results[index] = future.result()
                bar.update()
                _finished(bar, results[index])
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        bar.close()
    return [results[index] for index in range(len(plan))]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _recipe(args, base: RunConfig, results: list[dict], trained: set, seconds: float) -> str:
    """The recipe, what the runs cost when they were trained (CPU time, as a rerun that only
    resumes keeps it), and what this command took, written above the table so that the numbers
    are never read without it."""
    if args.budget_params:
        size = f"widths scaled to about {args.budget_params:,} parameters"
    else:
        size = f"width {base.width}"
    seeds = "seed 0" if args.seeds == 1 else f"seeds 0–{args.seeds - 1}"
    mine = sum((r["method"], r["config"]["seed"]) in trained for r in results)
    cpu_seconds = sum(r.get("cpu_seconds", 0.0) for r in results)
    threads = sorted({r.get("threads", torch.get_num_threads()) for r in results})
    per_run = (
        _count(threads[0], "torch thread")
        if len(threads) == 1
        else f"{'/'.join(map(str, threads))} torch threads"
    )
    load = (
        f", load average {os.getloadavg()[0]:.1f} at the end" if hasattr(os, "getloadavg") else ""
    )
    return (
        f"{args.dataset} at {base.image_size} px, ResNet-{base.depth}, {size}; "
        f"{base.optimizer} with a one-cycle schedule peaking at lr {base.lr:g}, weight decay "
        f"{base.weight_decay:g}, batch {base.batch_size}, {_count(base.epochs, 'epoch')}, {seeds}. "
        f"The {len(results)} runs took {cpu_seconds:.0f} CPU-seconds to train and measure "
        f"({per_run} each); this command trained {mine} of "
        f"them in {seconds:.0f} s wall time on {machine_info(threads[0])['cpu']} "
        f"({_cores()} cores{load}), {_count(args.jobs, 'run')} at a time."
    )


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
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
    if args.epochs < 1 or args.seeds < 1 or args.jobs < 1:
        raise SystemExit("paramlab ablate: --epochs, --seeds and --jobs must be at least 1")
    if args.jobs > 1 and args.launcher == "torchrun":
        raise SystemExit(
            "paramlab ablate: --jobs trains single-process runs side by side; with --launcher "
            "torchrun every run already uses --nproc-per-node processes"
        )
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
        optimizer=args.optimizer,
        lr=args.lr,
        weight_decay=args.weight_decay,
        image_size=args.image_size,
    )
    plan = []
    for method in selected:
        width = width_for_budget(method, base, args.budget_params) if args.budget_params else None
        for seed in range(args.seeds):
            fields = {**asdict(base), "method": method.name, "seed": seed}
            plan.append((method, RunConfig(**{**fields, "width": width or base.width})))
    pending = {
        (config.method, config.seed)
        for _, config in plan
        if not (run_dir(args.out, config.method, config.seed) / "result.json").is_file()
    }

    show = False if args.no_progress else None
    threads = args.threads or (
        max(1, _cores() // args.jobs) if args.jobs > 1 else torch.get_num_threads()
    )
    previous_threads = torch.get_num_threads()
    try:
        if args.jobs > 1:
            results = _run_parallel(plan, args, device, show, threads)
        else:
            torch.set_num_threads(threads)
            results = _run_serial(plan, args, device, show)
    except RunConfigError as error:
        raise SystemExit(f"paramlab ablate: {error}") from error
    finally:
        torch.set_num_threads(previous_threads)

    rows = summarize(results)
    table = to_markdown(rows)
    csv_path, json_path = write_summary(rows, results, args.out)
    figure = args.figure or args.out / "accuracy.png"
    budget = f", about {args.budget_params:,} parameters" if args.budget_params else ""
    title = f"{args.dataset}, ResNet-{args.depth}{budget}, {args.epochs} epochs, {args.seeds} seeds"
    plot_accuracy_vs_parameters(rows, figure, title)
    seconds = time.perf_counter() - started
    recipe = _recipe(args, base, results, pending, seconds)
    if args.readme is not None:
        image = figure.resolve().relative_to(args.readme.resolve().parent)
        section = f"{recipe}\n\n{table}\n\n![{title}]({image.as_posix()})"
        update_marked_section(args.readme, "ablation", section)
    print(table)
    print(recipe)
    print(f"wrote {csv_path}, {json_path} and {figure}")
    return 0
