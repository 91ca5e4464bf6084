"""``paramlab bench``: time every case, compare with its floor and original, write the reports."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import torch

from paramlab.bench.cases import BenchCase, Sweep, discover_cases, discover_sweeps
from paramlab.bench.memory import allocation_profile
from paramlab.bench.report import BenchResult, machine_info, to_markdown, write_reports
from paramlab.bench.scaling import (
    SweepPoint,
    plot_sweep,
    run_sweep,
    sweep_markdown,
    sweep_slug,
)
from paramlab.bench.timing import Timing, time_interleaved
from paramlab.markdown import update_marked_section
from paramlab.train import progress

__all__ = ["main", "run_cases", "run_scaling", "scaling_json", "scaling_markdown"]


def run_cases(
    cases: list[BenchCase], threads: int, min_run_time: float, show_progress: bool | None = None
) -> list[BenchResult]:
    """Time each case, measure its weight build, relate it to its group's floor/original/peer.

    The members of a group are timed in alternation (:func:`time_interleaved`), so the load of
    a shared machine affects them alike. A group with several peers is related to the first one
    listed.
    """
    torch.set_num_threads(threads)
    groups: dict[tuple[str, str], list[BenchCase]] = {}
    for case in cases:
        groups.setdefault((case.suite, case.group), []).append(case)
    timings: dict[int, Timing] = {}
    for members in progress(list(groups.values()), desc="bench", enabled=show_progress):
        steps = [case.setup() for case in members]
        group_timings = time_interleaved(steps, threads, min_run_time)
        for case, timing in zip(members, group_timings, strict=True):
            timings[id(case)] = timing
        del steps
    measured = []
    for case in cases:
        peak = None
        if case.weight_build is not None:
            peak = allocation_profile(case.weight_build()).peak_bytes
        measured.append((case, timings[id(case)], peak))

    reference: dict[tuple[str, str, str], float] = {}
    for case, timing, _ in measured:
        if case.role in ("floor", "original", "peer"):
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
            vs_peer=ratio(case, timing.median, "peer"),
            weight_peak_bytes=peak,
            shape=case.shape,
        )
        for case, timing, peak in measured
    ]


def run_scaling(
    sweeps: list[Sweep],
    out_dir: Path,
    threads: int,
    min_run_time: float,
    show_progress: bool | None = None,
) -> list[tuple[Sweep, list[SweepPoint], Path]]:
    """Run every sweep and save its plot as ``out_dir/<slug>.png``."""
    torch.set_num_threads(threads)
    done = []
    for sweep in sweeps:
        points = run_sweep(sweep, threads, min_run_time, show_progress=show_progress)
        done.append(
            (sweep, points, plot_sweep(sweep, points, out_dir / f"{sweep_slug(sweep)}.png"))
        )
    return done


def scaling_markdown(done: list[tuple[Sweep, list[SweepPoint], Path]], link_base: Path) -> str:
    """The "Scaling" section: each sweep's table and its plot linked relative to ``link_base``."""
    sections = ["### Scaling", ""]
    for sweep, points, image in done:
        link = Path(os.path.relpath(image, link_base)).as_posix()
        sections.append(sweep_markdown(sweep, points, link))
    return "\n".join(sections)


def scaling_json(done: list[tuple[Sweep, list[SweepPoint], Path]]) -> list[dict]:
    """One JSON object per sweep: suite, name, swept key, plot file and its points."""
    return [
        {
            "suite": sweep.suite,
            "name": sweep.name,
            "key": sweep.key,
            "plot": image.name,
            "points": [asdict(point) for point in points],
        }
        for sweep, points, image in done
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
    parser.add_argument(
        "--min-run-time", type=float, default=0.5, help="seconds of timed calls per case"
    )
    parser.add_argument("--readme", type=Path, help="also write the table into this file")
    parser.add_argument(
        "--scaling",
        action="store_true",
        help="also run the scaling sweeps and save a PNG plot of each beside results.md",
    )
    parser.add_argument(
        "--cases",
        action="append",
        default=[],
        metavar="MODULE:FUNCTION",
        help="also take cases from this provider (for packages used without installing them)",
    )
    parser.add_argument("--no-progress", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.threads < 1 or args.min_run_time <= 0:
        raise SystemExit("paramlab bench: --threads must be ≥ 1 and --min-run-time > 0")
    suites = set(args.suite) if args.suite else None
    cases = discover_cases(args.quick, suites, args.cases)
    sweeps = discover_sweeps(args.quick, suites, args.cases) if args.scaling else []
    if not cases and not sweeps:
        raise SystemExit(f"paramlab bench: no cases for suites {args.suite}")
    show = False if args.no_progress else None
    results = run_cases(cases, args.threads, args.min_run_time, show_progress=show)
    machine = machine_info(args.threads)
    appendix, scaling, readme_appendix = "", None, ""
    if sweeps:
        done = run_scaling(sweeps, args.out, args.threads, args.min_run_time, show)
        appendix, scaling = scaling_markdown(done, args.out), scaling_json(done)
        if args.readme is not None:
            readme_appendix = scaling_markdown(done, args.readme.parent)
    markdown_path, json_path = write_reports(results, machine, args.out, appendix, scaling)
    table = to_markdown(results, machine)
    if args.readme is not None:
        body = table + ("\n" + readme_appendix if readme_appendix else "")
        update_marked_section(args.readme, "bench", body)
    print(table)
    if appendix:
        print(appendix)
    print(f"wrote {markdown_path} and {json_path}")
    return 0
