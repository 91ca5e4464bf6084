"""DCN's MusicNet callbacks: average precision and log-loss on the evaluation sets, JSON-lines
logging, per-epoch checkpoints.

The metric is DCN's ``average_precision_score(y.flatten(), p.flatten())``: average precision
micro-averaged over every (window, note) pair, ``AP = Σ_k (R_k − R_{k−1}) P_k`` over the
distinct score thresholds in decreasing order (tied scores form one threshold), with ``P_k`` and
``R_k`` the precision and recall of "score ≥ threshold k" and ``R_0 = 0`` — the non-interpolated
definition scikit-learn uses.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from paramlab.train import save_checkpoint

__all__ = [
    "JsonlLogger",
    "Performance",
    "SaveLastModel",
    "average_precision",
    "evaluate",
    "predict_logits",
]


def average_precision(y_true, scores) -> float:
    """Micro-averaged average precision of the flattened ``scores`` against binary ``y_true``.

    ``nan`` when ``y_true`` holds no positive (precision-recall is undefined there).
    """
    y = np.asarray(y_true, dtype=np.float64).ravel()
    s = np.asarray(scores, dtype=np.float64).ravel()
    if y.shape != s.shape:
        raise ValueError(f"y_true has {y.size} values and scores {s.size}; they must match")
    positives = y.sum()
    if positives == 0:
        return math.nan
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s)), s.size - 1]  # last index of each distinct score
    true_pos = np.cumsum(y)[last]
    precision = true_pos / (last + 1)
    recall = true_pos / positives
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


@torch.no_grad()
def predict_logits(model: nn.Module, x: Tensor, batch_size: int, device) -> Tensor:
    """The model's 84 logits for every row of ``x``, in batches, on the CPU."""
    model.eval()
    batches = range(0, len(x), batch_size)
    return torch.cat([model(x[i : i + batch_size].to(device)).float().cpu() for i in batches])


def evaluate(
    model: nn.Module, x: Tensor, y: Tensor, batch_size: int, device
) -> tuple[float, float]:
    """``(average precision, log-loss)`` of the model's sigmoid outputs on ``(x, y)``.

    The log-loss is the mean binary cross-entropy over every (window, note) pair (DCN:
    ``log_loss(y.flatten(), p.flatten())``), computed from the logits.
    """
    logits = predict_logits(model, x, batch_size, device)
    loss = F.binary_cross_entropy_with_logits(logits, y.float()).item()
    return average_precision(y.numpy(), torch.sigmoid(logits).numpy()), loss


class JsonlLogger:
    """Appends one JSON object per line to a gzip file (DCN: ``mimir.Logger``)."""

    def __init__(self, filename: str | os.PathLike) -> None:
        self.filename = Path(filename)
        self.filename.parent.mkdir(parents=True, exist_ok=True)

    def log(self, record: dict) -> None:
        with gzip.open(self.filename, "at", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")

    def read(self) -> list[dict]:
        with gzip.open(self.filename, "rt", encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]


class Performance:
    """Mean seconds per training step and per batch load of an epoch (DCN's ``Performance``)."""

    def __init__(self, logger: JsonlLogger) -> None:
        self.logger = logger
        self.step_times: list[float] = []
        self.load_times: list[float] = []
        self._mark = time.perf_counter()

    def epoch_begin(self) -> None:
        self.step_times, self.load_times = [], []
        self._mark = time.perf_counter()

    def loaded(self) -> None:
        now = time.perf_counter()
        self.load_times.append(now - self._mark)
        self._mark = now

    def trained(self) -> None:
        now = time.perf_counter()
        self.step_times.append(now - self._mark)
        self._mark = now

    def epoch_end(self, epoch: int) -> None:
        self.logger.log({"epoch": epoch, "train_function_time": float(np.mean(self.step_times))})
        self.logger.log({"epoch": epoch, "load_data_time": float(np.mean(self.load_times))})


class SaveLastModel:
    """Checkpoint every ``period`` epochs to ``workdir/chkpts/model{name}_checkpoint{epoch:06d}.pt``
    and point the symlink ``chkpts/model_checkpoint.pt`` at it (replaced atomically)."""

    def __init__(self, workdir: str | os.PathLike, period: int = 10, name: str = "") -> None:
        self.chkptsdir = Path(workdir) / "chkpts"
        self.chkptsdir.mkdir(parents=True, exist_ok=True)
        self.period = period
        self.name = name
        self.link = self.chkptsdir / "model_checkpoint.pt"

    def epoch_end(self, epoch: int, state: dict) -> Path | None:
        if (epoch + 1) % self.period:
            return None
        base = f"model{self.name}_checkpoint{epoch + 1:06d}.pt"
        path = save_checkpoint(self.chkptsdir / base, {**state, "initialEpoch": epoch + 1})
        temporary = self.link.with_name(self.link.name + ".rename")
        temporary.unlink(missing_ok=True)
        os.symlink(base, temporary)
        os.replace(temporary, self.link)
        return path
