"""Scaling sweeps: time and peak memory along one shape key, a table and a PNG plot each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from paramlab.bench.cases import Sweep
from paramlab.bench.memory import allocation_profile
from paramlab.bench.timing import time_interleaved
from paramlab.train import progress
from paramlab.train.metrics import MissingExtraError

__all__ = ["SweepPoint", "plot_sweep", "run_sweep", "sweep_markdown", "sweep_slug"]


@dataclass(frozen=True)
class SweepPoint:
    """One case of a sweep: its label, the swept value, median time and peak memory."""

    label: str
    value: float
    median_ms: float
    iqr_ms: float
    peak_bytes: int
    memory_of: str


def run_sweep(
    sweep: Sweep, threads: int, min_run_time: float, show_progress: bool | None = None
) -> list[SweepPoint]:
    """Time every case (the cases at one value in alternation) and measure the peak of its
    weight build, else of one step."""
    by_value: dict[float, list] = {}
    for case in sweep.cases:
        by_value.setdefault(case.shape[sweep.key], []).append(case)
    points = {}
    for members in progress(list(by_value.values()), desc=sweep.name, enabled=show_progress):
        steps = [case.setup() for case in members]
        timings = time_interleaved(steps, threads, min_run_time)
        for case, step, timing in zip(members, steps, timings, strict=True):
            if case.weight_build is not None:
                peak, memory_of = allocation_profile(case.weight_build()).peak_bytes, "weight build"
            else:
                peak, memory_of = allocation_profile(step).peak_bytes, "step"
            points[id(case)] = SweepPoint(
                label=case.label,
                value=case.shape[sweep.key],
                median_ms=timing.median * 1e3,
                iqr_ms=timing.iqr * 1e3,
                peak_bytes=peak,
                memory_of=memory_of,
            )
        del steps
    return [points[id(case)] for case in sweep.cases]


def sweep_slug(sweep: Sweep) -> str:
    """A file-name stem for the sweep: suite and name, lower case, dashes."""
    return re.sub(r"[^a-z0-9]+", "-", f"scaling {sweep.suite} {sweep.name}".lower()).strip("-")


def plot_sweep(sweep: Sweep, points: list[SweepPoint], path: Path) -> Path:
    """Median ms (left) and peak MiB (right) against ``shape[key]``, one line per label."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise MissingExtraError("the scaling plots", "matplotlib", "bench") from error

    figure, (time_axes, memory_axes) = plt.subplots(1, 2, figsize=(10, 4), dpi=110)
    for label in dict.fromkeys(p.label for p in points):
        mine = sorted((p for p in points if p.label == label), key=lambda p: p.value)
        values = [p.value for p in mine]
        time_axes.plot(values, [p.median_ms for p in mine], marker="o", label=label)
        memory_axes.plot(values, [p.peak_bytes / 2**20 for p in mine], marker="o", label=label)
    memory_of = " / ".join(dict.fromkeys(p.memory_of for p in points))
    for axes, ylabel in (
        (time_axes, "median ms (forward + backward)"),
        (memory_axes, f"peak MiB ({memory_of})"),
    ):
        axes.set_xlabel(sweep.key)
        axes.set_ylabel(ylabel)
        axes.set_yscale("log")
        axes.grid(True, which="both", alpha=0.3)
    time_axes.legend(fontsize=8, loc="best")
    figure.suptitle(f"{sweep.suite}: {sweep.name}")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path


def sweep_markdown(sweep: Sweep, points: list[SweepPoint], image: str | None) -> str:
    """A small table (value × label) of median ms and peak MiB, with the plot linked."""
    labels = list(dict.fromkeys(p.label for p in points))
    values = sorted(dict.fromkeys(p.value for p in points))
    by_key = {(p.label, p.value): p for p in points}
    memory_of = " / ".join(dict.fromkeys(p.memory_of for p in points))
    lines = [f"##### {sweep.suite}: {sweep.name}", ""]
    if image is not None:
        lines += [f"![{sweep.suite}: {sweep.name}]({image})", ""]
    lines += [
        f"Median ms of a forward and backward pass; peak MiB of the {memory_of}.",
        "",
        f"| {sweep.key} | " + " | ".join(labels) + " |",
        "|---:|" + "---:|" * len(labels),
    ]
    for value in values:
        cells = []
        for label in labels:
            point = by_key.get((label, value))
            cells.append(
                "—"
                if point is None
                else f"{point.median_ms:.2f} ms, {point.peak_bytes / 2**20:.2f} MiB"
            )
        lines.append(f"| {value:g} | " + " | ".join(cells) + " |")
    return "\n".join(lines + [""])
