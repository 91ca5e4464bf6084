"""``paramlab bench``: time every case, compare with its floor and original, write the reports."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import torch

from paramlab.bench.cases import BenchCase, discover_cases
from paramlab.bench.memory import allocation_profile
from paramlab.bench.report import BenchResult, machine_info, to_markdown, write_reports
from paramlab.bench.timing import time_step
from paramlab.markdown import update_marked_section
from paramlab.train import progress

__all__ = ["main", "run_cases"]


def run_cases(
    cases: list[BenchCase], threads: int, min_run_time: float, show_progress: bool | None = None
) -> list[BenchResult]:
    """Time each case, measure its weight build, and relate it to its group's floor/original."""
    torch.set_num_threads(threads)
    measured = []
    for case in progress(cases, desc="bench", enabled=show_progress):
        timing = time_step(case.setup(), threads=threads, min_run_time=min_run_time)
        peak = None
        if case.weight_build is not None:
            peak = allocation_profile(case.weight_build()).peak_bytes
        measured.append((case, timing, peak))

    reference: dict[tuple[str, str, str], float] = {}
    for case, timing, _ in measured:
        if case.role in ("floor", "original"):
            reference.setdefault((case.suite, case.group, case.role), timing.median)

    def ratio(case: BenchCase, median: float, role: str) -> float | None:
        base = reference.get((case.suite, case.group, role))
        return None if base is None or case.role == role else median / base

    return [
        BenchResult(
            suite=case.suite,
            group=case.group,
            label=case.label,
            role=case.role,
            median_ms=timing.median * 1e3,
            iqr_ms=timing.iqr * 1e3,
            repeats=timing.repeats,
            vs_floor=ratio(case, timing.median, "floor"),
            vs_original=ratio(case, timing.median, "original"),
            weight_peak_bytes=peak,
            shape=case.shape,
        )
        for case, timing, peak in measured
    ]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paramlab bench",
        description="Time every parameterization against its dense floor and its original.",
    )
    parser.add_argument("--out", type=Path, default=Path("bench"), help="folder for the reports")
    parser.add_argument("--quick", action="store_true", help="one shape per comparison")
    parser.add_argument("--suite", action="append", help="only this suite (repeatable)")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--min-run-time", type=float, default=1.0, help="seconds per case")
    parser.add_argument("--readme", type=Path, help="also write the table into this file")
    parser.add_argument("--no-progress", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.threads < 1 or args.min_run_time <= 0:
        raise SystemExit("paramlab bench: --threads must be ≥ 1 and --min-run-time > 0")
    cases = discover_cases(args.quick, set(args.suite) if args.suite else None)
    if not cases:
        raise SystemExit(f"paramlab bench: no cases for suites {args.suite}")
    results = run_cases(
        cases, args.threads, args.min_run_time, show_progress=False if args.no_progress else None
    )
    machine = machine_info(args.threads)
    markdown_path, json_path = write_reports(results, machine, args.out)
    table = to_markdown(results, machine)
    if args.readme is not None:
        update_marked_section(args.readme, "bench", table)
    print(table)
    print(f"wrote {markdown_path} and {json_path}")
    return 0
