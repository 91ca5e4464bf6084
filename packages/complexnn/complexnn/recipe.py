"""DCN's CIFAR/SVHN training recipe (``scripts/training.py``) on PyTorch.

* loss: cross-entropy ``+ l2·Σw²`` over every conv kernel and the classifier kernel (not BN, not
  biases), ``l2 = 1e-4`` unless ``--l2`` is given (``--l1`` adds ``l1·Σ|w|``); the penalty is part
  of the loss, so global-norm clipping (``--clipnorm``) sees it, as in Keras;
* optimizers: ``nag`` (SGD, Nesterov momentum, default), ``sgd``, ``adam``, ``rmsprop``; Keras'
  time decay ``lr_t = lr / (1 + decay·iterations)``;
* schedule ``default`` (per epoch): 0.01 for 10 warm-up epochs, 0.1 until 100, 0.01 until 120,
  0.001 until 150, then 0.0001; any other ``--schedule`` keeps ``--lr``;
* per epoch: train, validation and test loss/accuracy; ``chkpts/ModelChkpt{epoch:06d}.pt`` every
  10 epochs and at the last epoch, with ``chkpts/ModelChkpt.pt`` an atomically replaced symlink to
  the newest; ``best/Bestmodel_{epoch:06d}_{acc:.4f}_{loss:.4f}.pt`` whenever the *validation*
  accuracy improves (DCN selects by training accuracy); the six history files
  (``train_loss.txt`` …) and ``metrics.jsonl`` in the workdir.
"""

from __future__ import annotations

import json
import logging
import math
import os
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from paramlab.train import (
    capture_training_state,
    load_checkpoint,
    restore_training_state,
    save_checkpoint,
)

from .datasets import DCNData, augment

__all__ = [
    "HISTORY_KEYS",
    "lr_schedule",
    "make_optimizer",
    "regularization",
    "evaluate",
    "fit",
]

HISTORY_KEYS = ("train_loss", "train_acc", "val_loss", "val_acc", "test_loss", "test_acc")
CHECKPOINT_LINK = "ModelChkpt.pt"
LOG = logging.getLogger("train")


def lr_schedule(epoch: int) -> float:
    """DCN's default step schedule (``epoch`` counted from 0)."""
    if epoch < 10:
        return 0.01
    if epoch < 100:
        return 0.1
    if epoch < 120:
        return 0.01
    if epoch < 150:
        return 0.001
    return 0.0001


def base_lr(args, epoch: int) -> float:
    return lr_schedule(epoch) if args.schedule == "default" else args.lr


def make_optimizer(args, model: nn.Module) -> torch.optim.Optimizer:
    """The optimizer of ``--optimizer`` (weight decay is in the loss, not here)."""
    params = model.parameters()
    if args.optimizer in ("sgd", "nag"):
        return torch.optim.SGD(
            params, lr=args.lr, momentum=args.momentum, nesterov=args.optimizer == "nag"
        )
    if args.optimizer == "adam":
        return torch.optim.Adam(params, lr=args.lr, betas=(args.beta1, args.beta2))
    if args.optimizer == "rmsprop":
        return torch.optim.RMSprop(params, lr=args.lr, alpha=0.9, eps=1e-7)
    raise ValueError(f"optimizer={args.optimizer!r} must be one of sgd, nag, adam, rmsprop")


def regularization(model: nn.Module, l2: float, l1: float = 0.0) -> Tensor:
    """``l2·Σw² + l1·Σ|w|`` over ``model.weight_decay_parameters()``."""
    params = model.weight_decay_parameters()
    total = params[0].new_zeros(())
    if l2:
        total = total + l2 * sum(p.square().sum() for p in params)
    if l1:
        total = total + l1 * sum(p.abs().sum() for p in params)
    return total


@torch.no_grad()
def evaluate(
    model: nn.Module, x: Tensor, y: Tensor, batch_size: int, device
) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``model`` (eval mode) on ``(x, y)``."""
    model.eval()
    loss_sum, correct = 0.0, 0
    for start in range(0, len(y), batch_size):
        xb = x[start : start + batch_size].to(device)
        yb = y[start : start + batch_size].to(device)
        logits = model(xb)
        loss_sum += F.cross_entropy(logits, yb, reduction="sum").item()
        correct += (logits.argmax(1) == yb).sum().item()
    return loss_sum / len(y), correct / len(y)


def _save_periodic(workdir: Path, state: dict, epoch: int) -> Path:
    folder = workdir / "chkpts"
    name = f"ModelChkpt{epoch:06d}.pt"
    path = save_checkpoint(folder / name, state)
    link = folder / CHECKPOINT_LINK
    temporary = folder / (CHECKPOINT_LINK + ".rename")
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(name, temporary)
    os.replace(temporary, link)
    return path


def _write_histories(workdir: Path, history: dict[str, list[float]]) -> None:
    for key in HISTORY_KEYS:
        np.savetxt(workdir / f"{key}.txt", np.asarray(history[key], dtype=np.float64))


def fit(args, model: nn.Module, data: DCNData, device, workdir: str | Path) -> dict:
    """Train ``model`` for ``args.num_epochs`` epochs with DCN's recipe, resuming from
    ``workdir/chkpts/ModelChkpt.pt`` when it exists. Returns the history dict."""
    workdir = Path(workdir)
    entry = logging.getLogger("entry")
    model.to(device)
    optimizer = make_optimizer(args, model)
    l2 = args.l2 if args.l2 > 0 else 1e-4
    history: dict[str, list[float]] = {key: [] for key in HISTORY_KEYS}
    best_acc, start_epoch, step = -math.inf, 0, 0
    link = workdir / "chkpts" / CHECKPOINT_LINK
    if link.exists():
        entry.info("Reloading a model from %s ...", link)
        counters = restore_training_state(load_checkpoint(link), model, optimizer)
        start_epoch, step = counters["epoch"], counters["step"]
        history = {key: list(counters["metrics"][key]) for key in HISTORY_KEYS}
        best_acc = counters["metrics"]["best_acc"]
        entry.info("Training will restart at epoch %5d.", start_epoch + 1)
    n_train = len(data.y_train)
    steps_per_epoch = (n_train + args.batch_size - 1) // args.batch_size
    if args.max_steps:
        steps_per_epoch = min(steps_per_epoch, args.max_steps)
    generator = torch.Generator()
    for epoch in range(start_epoch, args.num_epochs):
        generator.manual_seed((args.seed + epoch) % 2**63)  # same order whether resumed or not
        lr = base_lr(args, epoch)
        if args.schedule == "default" and epoch in (0, 10, 100, 120, 150):
            LOG.info("Current learning rate value is %s", lr)
        model.train()
        order = torch.randperm(n_train, generator=generator)
        loss_sum, correct, seen = 0.0, 0, 0
        for batch in range(steps_per_epoch):
            index = order[batch * args.batch_size : (batch + 1) * args.batch_size]
            xb = augment(data.x_train[index], flip=not args.no_flip, generator=generator)
            xb, yb = xb.to(device), data.y_train[index].to(device)
            for group in optimizer.param_groups:
                group["lr"] = lr / (1.0 + args.decay * step)
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            total = loss + regularization(model, l2, args.l1)
            optimizer.zero_grad(set_to_none=True)
            total.backward()
            if args.clipnorm > 0:
                nn.utils.clip_grad_norm_(model.parameters(), args.clipnorm)
            optimizer.step()
            step += 1
            loss_sum += loss.item() * len(yb)
            correct += (logits.argmax(1) == yb).sum().item()
            seen += len(yb)
        record = {"train_loss": loss_sum / seen, "train_acc": correct / seen}
        record["val_loss"], record["val_acc"] = evaluate(
            model, data.x_val, data.y_val, args.batch_size, device
        )
        record["test_loss"], record["test_acc"] = evaluate(
            model, data.x_test, data.y_test, args.batch_size, device
        )
        for key in HISTORY_KEYS:
            history[key].append(record[key])
        LOG.info(
            "Epoch %5d train_loss: %s, train_acc: %s, val_loss: %s, val_acc: %s, "
            "test_loss: %s, test_acc: %s",
            epoch + 1,
            *(record[key] for key in HISTORY_KEYS),
        )
        with open(workdir / "metrics.jsonl", "a") as handle:
            handle.write(json.dumps({"epoch": epoch + 1, "step": step, "lr": lr, **record}) + "\n")
        if record["val_acc"] > best_acc:
            best_acc = record["val_acc"]
            name = f"Bestmodel_{epoch + 1:06d}_{record['val_acc']:.4f}_{record['val_loss']:.4f}.pt"
            save_checkpoint(
                workdir / "best" / name, {"model": model.state_dict(), "epoch": epoch + 1}
            )
            LOG.info("Saved best model to %s at epoch %5d", workdir / "best" / name, epoch + 1)
        last = epoch + 1 == args.num_epochs
        if (epoch + 1) % args.chkpt_period == 0 or last:
            state = capture_training_state(
                model,
                optimizer,
                epoch=epoch + 1,
                step=step,
                metrics={**history, "best_acc": best_acc},
            )
            path = _save_periodic(workdir, state, epoch + 1)
            LOG.info("Saved checkpoint to %s at epoch %5d", path, epoch + 1)
    _write_histories(workdir, history)
    return history
