"""DDP on CPU: torchrun with 2 processes == one process with the same global batch.

Run as a script by torchrun (``python -m torch.distributed.run ... test_train_distributed.py
OUT``), this file is the worker; under pytest it launches that job and checks the result.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn
from torch.utils.data import TensorDataset

from paramlab.train import (
    DistInfo,
    MetricsLogger,
    cleanup,
    fit,
    init_distributed,
    load_checkpoint,
    make_loader,
    read_metrics_csv,
    wrap_model,
)

GLOBAL_BATCH, EPOCHS = 16, 2


def blobs() -> TensorDataset:
    generator = torch.Generator().manual_seed(0)
    labels = torch.arange(96) % 3
    points = torch.randn(96, 5, generator=generator) + labels[:, None].float()
    return TensorDataset(points, labels)


def train(out: Path, info: DistInfo) -> nn.Module:
    """Same seed on every rank; DDP broadcasts rank 0's initial weights anyway."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 32), nn.Tanh(), nn.Linear(32, 3))
    ddp_model = wrap_model(model, info)
    optimizer = torch.optim.SGD(ddp_model.parameters(), lr=0.2, momentum=0.9)
    loader = make_loader(blobs(), GLOBAL_BATCH // info.world_size, seed=3, dist=info)
    with MetricsLogger(out, enabled=info.is_main) as logger:
        fit(
            ddp_model,
            optimizer,
            loader,
            epochs=EPOCHS,
            checkpoint_path=out / "ckpt.pt",
            logger=logger,
            dist=info,
            show_progress=False,
        )
    return model


def worker(out: Path) -> None:
    info = init_distributed(device="cpu")
    try:
        model = train(out, info)
        torch.save(model.state_dict(), out / f"rank{info.rank}.pt")
        with open(out / f"info{info.rank}.txt", "w") as handle:
            handle.write(f"{info.rank} {info.world_size} {info.local_rank} {info.backend}")
    finally:
        cleanup()


def test_torchrun_two_processes_match_single_process(tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node=2",
        __file__,
        str(tmp_path),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]

    infos = sorted((tmp_path / f"info{r}.txt").read_text() for r in range(2))
    assert infos == ["0 2 0 gloo", "1 2 1 gloo"]
    rank0 = torch.load(tmp_path / "rank0.pt", weights_only=True)
    rank1 = torch.load(tmp_path / "rank1.pt", weights_only=True)
    for name in rank0:
        assert torch.equal(rank0[name], rank1[name]), name

    checkpoint = load_checkpoint(tmp_path / "ckpt.pt")
    assert sorted(checkpoint["model"]) == sorted(rank0)  # no "module." prefix
    assert checkpoint["step"] == EPOCHS * 96 // GLOBAL_BATCH
    assert len(read_metrics_csv(tmp_path / "metrics.csv")) == EPOCHS

    single = train(tmp_path / "single", DistInfo()).state_dict()
    initial = nn.Sequential(nn.Linear(5, 32), nn.Tanh(), nn.Linear(32, 3))
    for name in single:
        torch.testing.assert_close(rank0[name], single[name], rtol=1e-5, atol=1e-6)
    moved = max((single[n] - initial.state_dict()[n]).abs().max() for n in single)
    assert moved > 0.05  # training did change the weights, so agreement is meaningful


def test_single_process_without_torchrun(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    info = init_distributed()
    assert info == DistInfo() and info.is_main and not info.distributed
    assert wrap_model(nn.Linear(2, 2), info).__class__ is nn.Linear


def test_missing_rendezvous_variables(monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.delenv("MASTER_ADDR", raising=False)
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("LOCAL_RANK", "0")
    with pytest.raises(RuntimeError, match="MASTER_ADDR not set: launch with torchrun"):
        init_distributed()


if __name__ == "__main__":
    worker(Path(sys.argv[1]))
