"""A small supervised training loop built on the runtime: resumable, DDP-aware, logged.

``fit`` runs epochs of ``train_step`` over a loader, evaluates, logs one row per epoch, and
writes a training-state checkpoint after every epoch (rank 0 only). ``max_steps`` stops early and
checkpoints mid-epoch; ``resume=True`` continues from the checkpoint so that, on CPU with loaders
from ``make_loader`` and ``num_workers=0``, the final weights are bit-identical to an
uninterrupted run.
"""

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader

from paramlab.train.checkpoint import load_checkpoint, save_checkpoint
from paramlab.train.distributed import DistInfo, barrier
from paramlab.train.loader import set_loader_epoch
from paramlab.train.metrics import MetricsLogger
from paramlab.train.progress import progress
from paramlab.train.state import capture_training_state, restore_training_state

__all__ = ["evaluate", "fit", "train_step"]

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def _correct(outputs: torch.Tensor, targets: torch.Tensor) -> int | None:
    """Number of argmax hits for (B, K) logits and (B,) integer labels, else None."""
    if outputs.ndim == 2 and targets.ndim == 1 and not targets.is_floating_point():
        return int((outputs.argmax(dim=1) == targets).sum())
    return None


def train_step(
    model: nn.Module,
    batch: tuple[torch.Tensor, torch.Tensor],
    optimizer: torch.optim.Optimizer,
    loss_fn: LossFn = F.cross_entropy,
    device: torch.device | str = "cpu",
) -> tuple[float, int | None, int]:
    """One optimizer step on ``(inputs, targets)``; returns (loss, correct or None, batch size)."""
    inputs, targets = batch[0].to(device), batch[1].to(device)
    optimizer.zero_grad(set_to_none=True)
    outputs = model(inputs)
    loss = loss_fn(outputs, targets)
    loss.backward()
    optimizer.step()
    return loss.item(), _correct(outputs.detach(), targets), len(targets)


@torch.no_grad()
def evaluate(
    model: nn.Module,
    loader: DataLoader,
    loss_fn: LossFn = F.cross_entropy,
    device: torch.device | str = "cpu",
    show_progress: bool | None = False,
) -> dict[str, float]:
    """Mean ``loss`` (and ``accuracy`` in [0, 1] for classification) over ``loader``, eval mode.

    Evaluates this process's share of the loader only; run it on a non-distributed loader
    (e.g. on rank 0) for whole-set numbers.
    """
    was_training = model.training
    model.eval()
    total_loss, total_correct, count, classification = 0.0, 0, 0, True
    for inputs, targets in progress(loader, desc="eval", enabled=show_progress):
        inputs, targets = inputs.to(device), targets.to(device)
        outputs = model(inputs)
        total_loss += loss_fn(outputs, targets).item() * len(targets)
        correct = _correct(outputs, targets)
        classification = classification and correct is not None
        total_correct += correct or 0
        count += len(targets)
    model.train(was_training)
    results = {"loss": total_loss / max(count, 1)}
    if classification and count:
        results["accuracy"] = total_correct / count
    return results


def fit(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    train_loader: DataLoader,
    *,
    epochs: int,
    device: torch.device | str = "cpu",
    loss_fn: LossFn = F.cross_entropy,
    scheduler: Any = None,
    scheduler_interval: str = "epoch",
    eval_loader: DataLoader | None = None,
    checkpoint_path: str | Path | None = None,
    resume: bool = False,
    logger: MetricsLogger | None = None,
    show_progress: bool | None = None,
    dist: DistInfo | None = None,
    max_steps: int | None = None,
    on_epoch_end: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Train for ``epochs``; returns the last epoch's record.

    ``scheduler`` is stepped after every epoch, or after every optimizer step when
    ``scheduler_interval="step"`` (e.g. ``OneCycleLR``).

    Per epoch, logs ``epoch``, ``train_loss``, ``train_accuracy``, ``lr``, ``eval_loss``,
    ``eval_accuracy`` (when ``eval_loader``) and ``seconds`` at the global step, then checkpoints
    to ``checkpoint_path``. ``resume=True`` restores model, optimizer, scheduler, RNG and
    position from ``checkpoint_path`` when it exists. The record also carries ``epoch`` (epochs
    completed), ``step`` and ``stopped_early`` (``max_steps`` reached mid-run).
    ``on_epoch_end(record)`` runs on rank 0 after each epoch (e.g. to print a line).
    """
    if scheduler_interval not in ("epoch", "step"):
        raise ValueError(f"scheduler_interval={scheduler_interval!r} must be 'epoch' or 'step'")
    dist = dist or DistInfo()
    epoch, step, batch_in_epoch, record = 0, 0, 0, {}
    sums = {"loss": 0.0, "correct": 0, "seen": 0, "classification": True}
    if resume and checkpoint_path is not None and Path(checkpoint_path).is_file():
        restored = restore_training_state(
            load_checkpoint(checkpoint_path), model, optimizer, scheduler
        )
        epoch, step = restored["epoch"], restored["step"]
        batch_in_epoch, record = restored["batch_in_epoch"], restored["metrics"]
        sums.update(restored["extra"].get("epoch_sums", {}))
        if logger is not None:
            logger.drop_after(step)

    def checkpoint() -> None:
        if checkpoint_path is not None and dist.is_main:
            state = capture_training_state(
                model,
                optimizer,
                scheduler,
                epoch=epoch,
                step=step,
                batch_in_epoch=batch_in_epoch,
                metrics=record,
                extra={"epoch_sums": dict(sums)},
            )
            save_checkpoint(checkpoint_path, state)
        barrier(dist)

    model.train()
    while epoch < epochs:
        started = time.perf_counter()
        set_loader_epoch(train_loader, epoch, batch_in_epoch)
        enabled = show_progress if dist.is_main else False
        bar = progress(train_loader, desc=f"epoch {epoch + 1}/{epochs}", enabled=enabled)
        batches, left = iter(bar), len(train_loader)
        while left and not (max_steps is not None and step >= max_steps):
            loss, correct, size = train_step(model, next(batches), optimizer, loss_fn, device)
            step, batch_in_epoch, left = step + 1, batch_in_epoch + 1, left - 1
            if scheduler is not None and scheduler_interval == "step":
                scheduler.step()
            sums["loss"] += loss * size
            sums["seen"] += size
            sums["correct"] += correct or 0
            sums["classification"] = sums["classification"] and correct is not None
            bar.set_postfix(loss=f"{loss:.4f}", refresh=False)
        if left:
            bar.close()
            checkpoint()
            return {**record, "epoch": epoch, "step": step, "stopped_early": True}
        bar.close()
        lr = optimizer.param_groups[0]["lr"]
        if scheduler is not None and scheduler_interval == "epoch":
            scheduler.step()
        seen = max(sums["seen"], 1)
        record = {"epoch": epoch + 1, "lr": lr, "train_loss": sums["loss"] / seen}
        if sums["classification"]:
            record["train_accuracy"] = sums["correct"] / seen
        if eval_loader is not None:
            for name, value in evaluate(model, eval_loader, loss_fn, device).items():
                record[f"eval_{name}"] = value
            model.train()
        record["seconds"] = time.perf_counter() - started
        if logger is not None and dist.is_main:
            logger.log(record, step)
        if on_epoch_end is not None and dist.is_main:
            on_epoch_end(record)
        epoch, batch_in_epoch = epoch + 1, 0
        sums = {"loss": 0.0, "correct": 0, "seen": 0, "classification": True}
        checkpoint()
    return {**record, "epoch": epoch, "step": step, "stopped_early": False}
