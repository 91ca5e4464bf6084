"""One ablation run: train a method on the backbone for one seed, measure it, save the result.

Each run owns ``<out>/runs/<method>/seed<seed>/``: ``config.json`` (the recipe it was started
with), ``checkpoint.pt`` (after every epoch, atomic), ``metrics.csv`` and, when finished,
``result.json``. A run with a ``result.json`` is done and is never repeated; an interrupted one
resumes from its checkpoint. A folder holding a run of another recipe is never reused or
overwritten: the run stops with :class:`RunConfigError`.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from paramlab.ablation.backbone import ResNetBackbone
from paramlab.ablation.data import DATASETS, load_dataset
from paramlab.ablation.registry import Parameterization
from paramlab.bench.memory import allocation_profile
from paramlab.train import (
    DistInfo,
    MetricsLogger,
    evaluate,
    fit,
    make_loader,
    read_metrics_csv,
    seed_everything,
    unwrap_model,
    wrap_model,
)

__all__ = [
    "OPTIMIZERS",
    "RunConfig",
    "RunConfigError",
    "count_trainable",
    "make_optimizer",
    "run_dir",
    "run_one",
]


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines a run; identical across methods except ``method``/``width``."""

    method: str
    seed: int
    dataset: str = "digits"
    epochs: int = 10
    depth: int = 8
    width: int = 16
    batch_size: int = 64
    optimizer: str = "adamw"
    lr: float = 3e-3
    weight_decay: float = 5e-4
    image_size: int = 8


OPTIMIZERS = ("adamw", "sgd")


def make_optimizer(config: RunConfig, parameters) -> torch.optim.Optimizer:
    """``adamw`` (AdamW) or ``sgd`` (Nesterov momentum 0.9) at ``config.lr`` and
    ``config.weight_decay``; the one-cycle schedule sets the rate of every step."""
    if config.optimizer == "adamw":
        return torch.optim.AdamW(parameters, lr=config.lr, weight_decay=config.weight_decay)
    if config.optimizer == "sgd":
        return torch.optim.SGD(
            parameters,
            lr=config.lr,
            momentum=0.9,
            weight_decay=config.weight_decay,
            nesterov=True,
        )
    raise ValueError(f"optimizer={config.optimizer!r} must be one of {', '.join(OPTIMIZERS)}")


class RunConfigError(RuntimeError):
    """A run folder already holds a run started with another configuration."""


def run_dir(out: Path, method: str, seed: int) -> Path:
    return Path(out) / "runs" / method / f"seed{seed}"


def count_trainable(model: torch.nn.Module) -> int:
    """Trainable scalars, each shared parameter (e.g. a network-wide generator) counted once."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def build_model(method: Parameterization, config: RunConfig) -> ResNetBackbone:
    channels, classes = DATASETS[config.dataset]
    return ResNetBackbone(method, config.depth, config.width, channels, classes)


def _write_json_atomic(path: Path, payload: dict) -> None:
    descriptor, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(descriptor, "w") as handle:
        json.dump(payload, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


def _check_config(folder: Path, saved: dict | None, config: RunConfig) -> None:
    """Stop unless the configuration saved in ``folder`` (if any) is ``config``."""
    current = asdict(config)
    if saved is None or saved == current:
        return
    changed = sorted(key for key in {**saved, **current} if saved.get(key) != current.get(key))
    details = ", ".join(f"{k}: {saved.get(k)!r} there, {current.get(k)!r} now" for k in changed)
    raise RunConfigError(
        f"{folder} holds a run of another configuration ({details}); pass another --out "
        "or move that folder away"
    )


@torch.no_grad()
def _throughput(model: torch.nn.Module, images: torch.Tensor, device: torch.device) -> float:
    """Images per second of eval-mode inference, the better of two passes after a warm-up."""
    model.eval()
    batches = images.to(device).split(256)
    model(batches[0])
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        for batch in batches:
            model(batch)
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        best = min(best, time.perf_counter() - started)
    return len(images) / best


def _peak_training_bytes(model, images, labels, device) -> int:
    """Tensor memory of one training step (forward, loss, backward) on one batch."""
    model.train()

    def step():
        F.cross_entropy(model(images.to(device)), labels.to(device)).backward()

    peak = allocation_profile(step, device=device).peak_bytes
    model.zero_grad(set_to_none=True)
    return peak


def run_one(
    method: Parameterization,
    config: RunConfig,
    out: Path,
    data_root=None,
    device: torch.device | str = "cpu",
    dist: DistInfo | None = None,
    show_progress: bool | None = None,
) -> dict:
    """Train, evaluate and measure one (method, seed); returns (and on rank 0 saves) the result.

    A finished run's saved result is returned as is.
    """
    dist = dist or DistInfo()
    device = torch.device(device)
    folder = run_dir(out, config.method, config.seed)
    result_path, config_path = folder / "result.json", folder / "config.json"
    if result_path.is_file():
        result = json.loads(result_path.read_text())
        _check_config(folder, result.get("config"), config)
        return result
    if config_path.is_file():
        _check_config(folder, json.loads(config_path.read_text()), config)
    elif dist.is_main:
        folder.mkdir(parents=True, exist_ok=True)
        _write_json_atomic(config_path, asdict(config))
    started, started_cpu = time.perf_counter(), time.process_time()

    seed_everything(config.seed)
    train = load_dataset(config.dataset, "train", data_root, config.image_size)
    test = load_dataset(config.dataset, "test", data_root, config.image_size)
    model = build_model(method, config).to(device)
    trainable = count_trainable(model)
    net = wrap_model(model, dist)
    optimizer = make_optimizer(config, net.parameters())
    loader = make_loader(train, config.batch_size, seed=config.seed, dist=dist)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=config.lr, total_steps=config.epochs * len(loader)
    )
    logger = MetricsLogger(folder, append=True, enabled=dist.is_main, config=asdict(config))
    with logger:
        fit(
            net,
            optimizer,
            loader,
            epochs=config.epochs,
            device=device,
            scheduler=scheduler,
            scheduler_interval="step",
            checkpoint_path=folder / "checkpoint.pt",
            resume=True,
            logger=logger,
            show_progress=show_progress,
            dist=dist,
        )
    if not dist.is_main:
        return {}

    model = unwrap_model(net)
    test_loader = make_loader(test, 256, shuffle=False)
    accuracy = evaluate(model, test_loader, device=device)["accuracy"]
    rows = read_metrics_csv(folder / "metrics.csv")
    seconds = [float(row["seconds"]) for row in rows if row.get("seconds")]
    images = test.data if hasattr(test, "data") and torch.is_tensor(test.data) else None
    if images is None:
        images = torch.stack([test[i][0] for i in range(len(test))])
    first_batch = next(iter(make_loader(train, config.batch_size, seed=config.seed)))
    result = {
        "method": method.name,
        "package": method.package,
        "summary": method.summary,
        "config": asdict(config),
        "world_size": dist.world_size,
        "threads": torch.get_num_threads(),
        "trainable_parameters": trainable,
        "test_accuracy": accuracy,
        "seconds_per_epoch": sum(seconds) / len(seconds) if seconds else None,
        "inference_images_per_second": _throughput(model, images, device),
        "peak_training_bytes": _peak_training_bytes(model, *first_batch, device),
    }
    # this session's share of the run (a resumed run counts from where it resumed)
    result["wall_seconds"] = time.perf_counter() - started
    result["cpu_seconds"] = time.process_time() - started_cpu
    _write_json_atomic(result_path, result)
    return result
