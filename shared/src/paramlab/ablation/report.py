"""Ablation results side by side: a table, a CSV, a JSON file and an accuracy/parameters plot."""

from __future__ import annotations

import csv
import json
import statistics
from pathlib import Path

from paramlab.train import MissingExtraError

__all__ = ["plot_accuracy_vs_parameters", "summarize", "to_markdown", "write_summary"]

COLUMNS = [
    "method",
    "package",
    "parameters",
    "accuracy_mean",
    "accuracy_std",
    "seeds",
    "seconds_per_epoch",
    "images_per_second",
    "peak_training_mib",
]


def _mean(values):
    values = [v for v in values if v is not None]
    return statistics.fmean(values) if values else None


def summarize(results: list[dict]) -> list[dict]:
    """One row per method (in first-seen order): means over seeds, accuracy std (0 for 1 seed)."""
    by_method: dict[str, list[dict]] = {}
    for result in results:
        by_method.setdefault(result["method"], []).append(result)
    rows = []
    for method, runs in by_method.items():
        accuracies = [r["test_accuracy"] for r in runs]
        rows.append(
            {
                "method": method,
                "package": runs[0]["package"],
                "parameters": runs[0]["trainable_parameters"],
                "accuracy_mean": statistics.fmean(accuracies),
                "accuracy_std": statistics.stdev(accuracies) if len(accuracies) > 1 else 0.0,
                "seeds": len(runs),
                "seconds_per_epoch": _mean(r["seconds_per_epoch"] for r in runs),
                "images_per_second": _mean(r["inference_images_per_second"] for r in runs),
                "peak_training_mib": _mean(r["peak_training_bytes"] / 2**20 for r in runs),
            }
        )
    return rows


def _fmt(value, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def to_markdown(rows: list[dict]) -> str:
    lines = [
        "| method | package | parameters | test accuracy % | s / epoch | images / s "
        "| peak training MiB |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        accuracy = f"{100 * row['accuracy_mean']:.2f} ± {100 * row['accuracy_std']:.2f}"
        lines.append(
            f"| {row['method']} | {row['package']} | {row['parameters']:,} | {accuracy} "
            f"| {_fmt(row['seconds_per_epoch'], '.2f')} | {_fmt(row['images_per_second'], ',.0f')} "
            f"| {_fmt(row['peak_training_mib'], '.1f')} |"
        )
    return "\n".join(lines)


def write_summary(rows: list[dict], results: list[dict], out: Path) -> tuple[Path, Path]:
    """``results.csv`` (one row per method) and ``results.json`` (rows and every run)."""
    out.mkdir(parents=True, exist_ok=True)
    csv_path, json_path = out / "results.csv", out / "results.json"
    with open(csv_path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    json_path.write_text(json.dumps({"methods": rows, "runs": results}, indent=2) + "\n")
    return csv_path, json_path


def plot_accuracy_vs_parameters(rows: list[dict], path: Path, title: str) -> Path:
    """Test accuracy (mean ± std over seeds) against trainable parameters, one marker each."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise MissingExtraError("the ablation plot", "matplotlib", "ablation") from error

    markers = "osD^v<>pPX*h"
    packages = list(dict.fromkeys(row["package"] for row in rows))
    colors = plt.get_cmap("tab10")
    figure, axes = plt.subplots(figsize=(9, 4.5), dpi=120)
    seen: dict[str, int] = {}
    for row in rows:
        # one color per package, one marker per method within it
        index = seen.get(row["package"], 0)
        seen[row["package"]] = index + 1
        axes.errorbar(
            row["parameters"],
            100 * row["accuracy_mean"],
            yerr=100 * row["accuracy_std"],
            marker=markers[index % len(markers)],
            color=colors(packages.index(row["package"]) % 10),
            markersize=8,
            capsize=4,
            linestyle="none",
            label=row["method"],
        )
    axes.set_xscale("log")
    axes.set_xlabel("trainable parameters")
    axes.set_ylabel("test accuracy (%)")
    axes.set_title(title)
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5))
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path
