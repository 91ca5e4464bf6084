"""Benchmark results as a markdown table and a JSON file, with the machine they came from."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

__all__ = ["BenchResult", "machine_info", "to_markdown", "write_reports"]


@dataclass(frozen=True)
class BenchResult:
    """One case's measurement; ratios are to the group's floor, original and first peer (None
    if absent)."""

    suite: str
    group: str
    label: str
    role: str
    median_ms: float
    iqr_ms: float
    repeats: int
    vs_floor: float | None
    vs_original: float | None
    vs_peer: float | None
    weight_peak_bytes: int | None
    shape: dict


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info(threads: int) -> dict:
    """What the numbers were measured on."""
    return {
        "cpu": _cpu_name(),
        "cores": os.cpu_count(),
        "threads": threads,
        "torch": torch.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def _mib(value: int | None) -> str:
    return "—" if value is None else f"{value / 2**20:.2f}"


def to_markdown(results: list[BenchResult], machine: dict) -> str:
    """One table per suite: time, spread, ratios and weight-build memory per case."""
    lines = [
        f"Measured on {machine['cpu']} ({machine['cores']} cores, {machine['threads']} torch "
        f"threads), torch {machine['torch']}, Python {machine['python']}. Times are the median "
        "of a forward and backward pass (IQR beside it); ratios are to the dense floor and to "
        "the original algorithm and to the published peer in the same group (below 1: faster).",
        "",
    ]
    for suite in dict.fromkeys(r.suite for r in results):
        lines += [
            f"#### {suite}",
            "",
            "| group | implementation | role | median ms | IQR ms | × floor | × original "
            "| × peer | weight build peak MiB |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for r in (r for r in results if r.suite == suite):
            lines.append(
                f"| {r.group} | {r.label} | {r.role} | {r.median_ms:.2f} | {r.iqr_ms:.2f} "
                f"| {_ratio(r.vs_floor)} | {_ratio(r.vs_original)} | {_ratio(r.vs_peer)} "
                f"| {_mib(r.weight_peak_bytes)} |"
            )
        lines.append("")
    return "\n".join(lines)


def write_reports(
    results: list[BenchResult],
    machine: dict,
    out_dir: Path,
    appendix: str = "",
    scaling: list[dict] | None = None,
) -> tuple[Path, Path]:
    """Write ``results.md`` and ``results.json`` into ``out_dir``; returns their paths.

    ``appendix`` (markdown) follows the table; ``scaling`` is stored under its own JSON key.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    markdown, data = out_dir / "results.md", out_dir / "results.json"
    text = to_markdown(results, machine)
    markdown.write_text(text + ("\n" + appendix if appendix else "") + "\n")
    payload = {"machine": machine, "results": [asdict(r) for r in results]}
    if scaling is not None:
        payload["scaling"] = scaling
    data.write_text(json.dumps(payload, indent=2) + "\n")
    return markdown, data
