"""Metrics logging: a CSV file always; TensorBoard and wandb when installed and asked for.

CSV format: ``<log_dir>/metrics.csv``, first column ``step``, then one column per metric name in
the order names first appeared. When a later ``log`` call brings a new name the file is
rewritten with the wider header (earlier rows get empty cells), so the file is always a valid
CSV with one header. wandb runs offline unless ``wandb_mode`` (or ``WANDB_MODE``) says otherwise;
``wandb="auto"`` uses it only if installed, which is what the originals' on-by-default wandb
becomes (``--no_wandb`` maps to ``wandb=False``).
"""

import csv
import importlib
import math
import os
from pathlib import Path
from typing import Any

import torch

__all__ = ["MetricsLogger", "MissingExtraError", "read_metrics_csv"]


class MissingExtraError(ImportError):
    """An optional feature was requested but its package is not installed."""

    def __init__(self, feature: str, package: str, extra: str) -> None:
        super().__init__(
            f"{feature} was requested but the '{package}' package is not installed; install it "
            f"with: pip install 'paramlab-shared[{extra}]'"
        )


def _import_optional(module: str, feature: str, package: str, extra: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise MissingExtraError(feature, package, extra) from error


def _installed(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def _plain(value: Any) -> Any:
    """Tensors and NumPy scalars -> Python numbers; other values unchanged."""
    if isinstance(value, torch.Tensor):
        return value.item()
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    return value


def read_metrics_csv(path: str | os.PathLike) -> list[dict[str, str]]:
    """Rows of a metrics CSV as dicts of strings (empty string for a missing value)."""
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


class MetricsLogger:
    """``log(metrics, step)`` to CSV (+ TensorBoard, + wandb); no-op when ``enabled=False``.

    Pass ``enabled=dist_info.is_main`` so that only rank 0 writes. ``append=True`` keeps the rows
    of an existing ``metrics.csv`` (for resumed runs; see ``drop_after``), else it is replaced.
    """

    def __init__(
        self,
        log_dir: str | os.PathLike,
        tensorboard: bool = False,
        wandb: bool | str = False,
        wandb_project: str | None = None,
        wandb_mode: str | None = None,
        run_name: str | None = None,
        config: dict[str, Any] | None = None,
        enabled: bool = True,
        append: bool = False,
        filename: str = "metrics.csv",
        wandb_kwargs: dict[str, Any] | None = None,
    ) -> None:
        if wandb not in (True, False, "auto"):
            raise ValueError(f"wandb={wandb!r} must be True, False or 'auto'")
        self.log_dir = Path(log_dir)
        self.csv_path = self.log_dir / filename
        self.enabled = enabled
        self.columns: list[str] = ["step"]
        self.rows: list[dict[str, Any]] = []
        self.tensorboard_writer = None
        self.wandb_run = None
        if not enabled:
            return
        self.log_dir.mkdir(parents=True, exist_ok=True)
        if append and self.csv_path.is_file():
            with open(self.csv_path, newline="") as handle:
                reader = csv.DictReader(handle)
                self.columns = list(reader.fieldnames or ["step"])
                self.rows = list(reader)
        self._rewrite()
        if tensorboard:
            module = _import_optional(
                "torch.utils.tensorboard", "TensorBoard logging", "tensorboard", "tensorboard"
            )
            self.tensorboard_writer = module.SummaryWriter(log_dir=str(self.log_dir))
        if wandb is True or (wandb == "auto" and _installed("wandb")):
            wandb_module = _import_optional("wandb", "wandb logging", "wandb", "wandb")
            self.wandb_run = wandb_module.init(
                project=wandb_project or "paramlab",
                name=run_name,
                config=config,
                dir=str(self.log_dir),
                mode=wandb_mode or os.environ.get("WANDB_MODE", "offline"),
                **(wandb_kwargs or {}),
            )

    def _rewrite(self) -> None:
        temporary = self.csv_path.with_name(f".{self.csv_path.name}.tmp")
        with open(temporary, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=self.columns, restval="")
            writer.writeheader()
            writer.writerows(self.rows)
        os.replace(temporary, self.csv_path)

    def log(self, metrics: dict[str, Any], step: int) -> None:
        """Record ``metrics`` (name -> number, tensor or string) at ``step``."""
        if not self.enabled:
            return
        values = {name: _plain(value) for name, value in metrics.items()}
        row = {"step": int(step), **values}
        new_columns = [name for name in values if name not in self.columns]
        self.rows.append(row)
        if new_columns:
            self.columns += new_columns
            self._rewrite()
        else:
            with open(self.csv_path, "a", newline="") as handle:
                csv.DictWriter(handle, fieldnames=self.columns, restval="").writerow(row)
        numbers = {
            name: value
            for name, value in values.items()
            if isinstance(value, int | float) and not isinstance(value, bool)
        }
        if self.tensorboard_writer is not None:
            for name, value in numbers.items():
                if math.isfinite(value):
                    self.tensorboard_writer.add_scalar(name, value, int(step))
        if self.wandb_run is not None:
            self.wandb_run.log(values, step=int(step))

    def drop_after(self, step: int) -> None:
        """Forget rows logged after ``step`` (a resumed run re-does them)."""
        if not self.enabled:
            return
        self.rows = [row for row in self.rows if int(row["step"]) <= step]
        self._rewrite()

    def close(self) -> None:
        """Flush and close TensorBoard and wandb (the CSV is always complete on disk)."""
        if self.tensorboard_writer is not None:
            self.tensorboard_writer.close()
            self.tensorboard_writer = None
        if self.wandb_run is not None:
            self.wandb_run.finish()
            self.wandb_run = None

    def __enter__(self) -> "MetricsLogger":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
