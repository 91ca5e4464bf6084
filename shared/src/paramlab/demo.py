"""``python -m paramlab demo``: a small CNN learns the embedded UCI digits in a few seconds.

Exercises the runtime end to end: seeding, device selection, the digits loader, a resumable
loader, ``fit`` with a progress bar, CSV metrics and an atomic checkpoint in ``--out``; prints the
test accuracy. ``--resume`` continues from ``<out>/checkpoint.pt``.
"""

import argparse
import sys
import time
from pathlib import Path

import torch
from torch import nn

from paramlab.data import DatasetCorruptError, DatasetNotFoundError, load_embedded
from paramlab.train import (
    CheckpointError,
    DeviceUnavailableError,
    MetricsLogger,
    MissingExtraError,
    evaluate,
    fit,
    make_loader,
    seed_everything,
    select_device,
)

__all__ = ["build_demo_model", "build_parser", "main"]


def build_demo_model(size: int = 16, num_classes: int = 10) -> nn.Sequential:
    """(B, 1, size, size) -> (B, num_classes): two conv-ReLU-pool stages and an MLP head."""
    if size % 4:
        raise ValueError(f"size={size} must be divisible by 4")
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(32 * (size // 4) ** 2, 64),
        nn.ReLU(),
        nn.Dropout(0.2),
        nn.Linear(64, num_classes),
    )


def build_parser() -> argparse.ArgumentParser:
    """The demo's flags."""
    parser = argparse.ArgumentParser(
        prog="paramlab demo", description="Train a small CNN on the embedded UCI digits."
    )
    parser.add_argument("--epochs", type=int, default=8, help="training epochs (default 8)")
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3, help="Adam learning rate")
    parser.add_argument("--size", type=int, default=16, help="image side after resizing (px)")
    parser.add_argument("--dataset", choices=("digits", "digits_rot"), default="digits")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("runs/demo"), help="output folder")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:<i> or mps")
    parser.add_argument("--data_root", default=None, help="data root (else $PARAMLAB_DATA)")
    parser.add_argument("--resume", action="store_true", help="continue from <out>/checkpoint.pt")
    parser.add_argument(
        "--max_steps",
        type=int,
        default=None,
        help="stop (with a checkpoint) after this many optimizer steps; continue with --resume",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch CPU threads (default 1: the model is so small that more threads only add "
        "synchronisation; 0 keeps torch's default)",
    )
    parser.add_argument("--no_progress", action="store_true", help="no progress bars")
    parser.add_argument("--tensorboard", action="store_true", help="also log to TensorBoard")
    parser.add_argument("--wandb", action="store_true", help="also log to wandb (offline)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the demo; returns the exit code (0 ok, 1 on a data, device or checkpoint problem)."""
    args = build_parser().parse_args(argv)
    threads = torch.get_num_threads()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    try:
        return _run(args)
    finally:
        torch.set_num_threads(threads)


def _run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        seed_everything(args.seed)
        device = select_device(args.device)
        train_set, test_set = (
            load_embedded(args.dataset, split, root=args.data_root, size=args.size)
            for split in ("train", "test")
        )
        model = build_demo_model(args.size).to(device)
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
        train_loader = make_loader(train_set, args.batch_size, shuffle=True, seed=args.seed)
        test_loader = make_loader(test_set, 256, shuffle=False)
        parameters = sum(p.numel() for p in model.parameters())
        print(
            f"paramlab demo: {parameters:,}-parameter CNN on {args.dataset} "
            f"({len(train_set)} train / {len(test_set)} test, {args.size}x{args.size}) on {device}"
        )
        with MetricsLogger(
            args.out,
            tensorboard=args.tensorboard,
            wandb=args.wandb,
            wandb_project="paramlab-demo",
            config=vars(args) | {"out": str(args.out)},
            append=args.resume,
        ) as logger:
            record = fit(
                model,
                optimizer,
                train_loader,
                epochs=args.epochs,
                device=device,
                scheduler=scheduler,
                eval_loader=test_loader,
                checkpoint_path=args.out / "checkpoint.pt",
                resume=args.resume,
                max_steps=args.max_steps,
                logger=logger,
                show_progress=False if args.no_progress else None,
                on_epoch_end=lambda record: print(
                    f"epoch {record['epoch']:>3}/{args.epochs}  "
                    f"train loss {record['train_loss']:.4f}  "
                    f"test accuracy {100 * record['eval_accuracy']:.2f}%"
                ),
            )
        if record["stopped_early"]:
            print(f"stopped after {record['step']} steps; continue with --resume")
        result = evaluate(model, test_loader, device=device)
    except (
        DatasetNotFoundError,
        DatasetCorruptError,
        DeviceUnavailableError,
        CheckpointError,
        MissingExtraError,
    ) as error:
        print(f"paramlab demo: error: {error}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    print(
        f"test accuracy: {100 * result['accuracy']:.2f}% on {len(test_set)} digits "
        f"in {seconds:.1f} s (log {args.out / 'metrics.csv'}, checkpoint "
        f"{args.out / 'checkpoint.pt'})"
    )
    return 0
