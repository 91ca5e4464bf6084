#!/usr/bin/env python
"""DCN's MusicNet training: ``train.py MODEL_NAME [--in-memory] [--complex] [--model NAME]
[--epochs 200] [--fourier] [--stft] [--fast-load] [--local-data PATH]``.

Adam with DCN's step schedule on binary cross-entropy; every step takes one random 4096-sample
window from each training recording; 1000 steps per epoch. Before training and after every
epoch the validation and test sets are scored (average precision over all windows × 84 notes,
log-loss) into ``models/log_{MODEL_NAME}.jsonl.gz``; a checkpoint is written every epoch under
``models/chkpts/``. Exit code 2 when the data file is missing or unreadable.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from musicnet.callbacks import (  # noqa: E402
    JsonlLogger,
    Performance,
    SaveLastModel,
    evaluate,
)
from musicnet.dataset import MusicNet  # noqa: E402
from musicnet.models import MUSICNET_MODELS, get_model, lr_schedule  # noqa: E402

from paramlab.data import DatasetError, UnsafePickleError, resolve_data_root  # noqa: E402
from paramlab.train import seed_everything, select_device  # noqa: E402

WINDOW_SIZE = 4096
OUTPUT_SIZE = 84
DATA_FILE = "musicnet_11khz.npz"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="Train a DCN MusicNet model.")
    p.add_argument("model_name", help="Run name: the log is models/log_{MODEL_NAME}.jsonl.gz.")
    p.add_argument(
        "--in-memory",
        action="store_true",
        default=False,
        help="Load the data into memory (the only mode; accepted for DCN's commands).",
    )
    p.add_argument(
        "--complex",
        dest="complex_",
        action="store_true",
        default=False,
        help="Complex features: with --fourier the complex FFT instead of its modulus.",
    )
    p.add_argument("--model", default="shallow_convnet", choices=list(MUSICNET_MODELS))
    p.add_argument("--epochs", default=200, type=int)
    p.add_argument("--fourier", action="store_true", default=False, help="FFT of each window.")
    p.add_argument("--stft", action="store_true", default=False, help="STFT features (not here).")
    p.add_argument("--fast-load", action="store_true", default=False, help="6 train recordings.")
    p.add_argument(
        "--local-data",
        default=None,
        help=f"The resampled .npz (default: {DATA_FILE} in $PARAMLAB_DATA, else datasets/).",
    )
    extra = p.add_argument_group("extensions (the defaults are DCN's behaviour)")
    extra.add_argument("--steps-per-epoch", default=1000, type=int)
    extra.add_argument("--eval-windows", default=7500, type=int, help="Windows per recording.")
    extra.add_argument("--eval-batch-size", default=256, type=int)
    extra.add_argument("--seed", default=123, type=int, help="Window sampling and torch seed.")
    extra.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:1, mps.")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.stft:
        print("error: --stft is not implemented here; use --fourier", file=sys.stderr)
        return 2
    local_data = Path(args.local_data or resolve_data_root() / DATA_FILE)
    seed_everything(args.seed)
    device = select_device(args.device)
    print(".. loading train data")
    dataset = MusicNet(
        local_data,
        complex_=args.complex_,
        fourier=args.fourier,
        fast_load=args.fast_load,
        rng=np.random.RandomState(args.seed),
        window_size=WINDOW_SIZE,
        output_size=OUTPUT_SIZE,
        pos_per_file=args.eval_windows,
    )
    try:
        dataset.load()
        eval_sets = {name: dataset.eval_set(name) for name in ("valid", "test")}
    except (DatasetError, UnsafePickleError, ModuleNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(
        ".. train data loaded:",
        ", ".join(
            f"{name} {len(data)} recordings"
            for name, data in (
                ("train", dataset.train_data),
                ("valid", dataset.valid_data),
                ("test", dataset.test_data),
            )
        ),
    )

    print(".. building model")
    model = get_model(args.model, dataset.feature_dim).to(device)
    print(model)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print(f".. parameters: {trainable / 1e6:03.2f}M")

    workdir = Path("models")
    logger = JsonlLogger(workdir / f"log_{args.model_name}.jsonl.gz")
    saver = SaveLastModel(workdir, 1, name=args.model)
    performance = Performance(logger)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr_schedule(0))

    def validate(epoch: int) -> None:
        for name, (x, y) in eval_sets.items():
            if len(x) == 0:
                continue
            ap, loss = evaluate(model, x, y, args.eval_batch_size, device)
            logger.log({"epoch": epoch, f"{name}_avg_precision": ap, f"{name}_loss": loss})
            print(f"epoch {epoch}: {name} average precision {ap:.4f}, loss {loss:.4f}")

    print(".. start training")
    validate(0)
    batches = dataset.train_iterator()
    for epoch in range(args.epochs):
        for group in optimizer.param_groups:
            group["lr"] = lr_schedule(epoch)
        model.train()
        losses = []
        performance.epoch_begin()
        for _ in range(args.steps_per_epoch):
            x, y = next(batches)
            performance.loaded()
            loss = F.binary_cross_entropy_with_logits(model(x.to(device)), y.to(device))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            performance.trained()
        logger.log({"epoch": epoch + 1, "train_loss": float(np.mean(losses))})
        print(f"epoch {epoch + 1}: train loss {np.mean(losses):.4f}")
        validate(epoch + 1)
        saver.epoch_end(epoch, {"model": model.state_dict(), "optimizer": optimizer.state_dict()})
        performance.epoch_end(epoch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
