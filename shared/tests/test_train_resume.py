"""Resume: N steps straight == N/2 steps + restart with fresh objects + N/2 steps, bit for bit."""

import random

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import Dataset

from paramlab.train import (
    MetricsLogger,
    capture_rng_state,
    fit,
    load_checkpoint,
    make_loader,
    read_metrics_csv,
    restore_rng_state,
)

EPOCHS, STEPS_PER_EPOCH = 3, 10  # 80 samples / batch 8


class NoisyBlobs(Dataset):
    """Two-class Gaussian blobs; every __getitem__ adds fresh noise from the global torch RNG."""

    def __init__(self) -> None:
        generator = torch.Generator().manual_seed(0)
        self.targets = torch.arange(80) % 2
        self.data = torch.randn(80, 6, generator=generator) + 2.0 * self.targets[:, None]

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int):
        return self.data[index] + 0.1 * torch.randn(6), self.targets[index]


def build(seed: int = 0, interval: str = "epoch"):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 2))
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)
    if interval == "epoch":
        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    else:
        total = EPOCHS * STEPS_PER_EPOCH
        scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, 0.05, total_steps=total)
    loader = make_loader(NoisyBlobs(), batch_size=8, shuffle=True, seed=5)
    return model, optimizer, scheduler, loader


def run(out, max_steps=None, resume=False, seed=0, interval="epoch"):
    model, optimizer, scheduler, loader = build(seed, interval)
    with MetricsLogger(out, append=resume) as logger:
        record = fit(
            model,
            optimizer,
            loader,
            epochs=EPOCHS,
            scheduler=scheduler,
            scheduler_interval=interval,
            eval_loader=make_loader(NoisyBlobs(), batch_size=40, shuffle=False),
            checkpoint_path=out / "ckpt.pt",
            resume=resume,
            logger=logger,
            max_steps=max_steps,
            show_progress=False,
        )
    return model, optimizer, record


@pytest.mark.parametrize(
    ("first_half", "interval"),
    [(15, "epoch"), (10, "epoch"), (15, "step")],  # mid-epoch, at an epoch boundary
)
def test_resume_is_bit_identical(tmp_path, first_half, interval):
    total = EPOCHS * STEPS_PER_EPOCH
    straight, straight_optimizer, straight_record = run(tmp_path / "straight", interval=interval)

    _, _, partial = run(tmp_path / "resumed", max_steps=first_half, interval=interval)
    assert partial["step"] == first_half
    state = load_checkpoint(tmp_path / "resumed" / "ckpt.pt")
    assert (state["epoch"], state["batch_in_epoch"]) == divmod(first_half, STEPS_PER_EPOCH)

    torch.manual_seed(1234)  # the restart must not depend on the RNG state it finds
    resumed, resumed_optimizer, resumed_record = run(
        tmp_path / "resumed", resume=True, seed=99, interval=interval
    )
    assert resumed_record["step"] == straight_record["step"] == total
    for name, tensor in straight.state_dict().items():
        assert torch.equal(tensor, resumed.state_dict()[name]), name
    for a, b in zip(
        straight_optimizer.state_dict()["state"].values(),
        resumed_optimizer.state_dict()["state"].values(),
        strict=True,
    ):
        assert all(torch.equal(a[key], b[key]) for key in a)

    straight_rows = read_metrics_csv(tmp_path / "straight" / "metrics.csv")
    resumed_rows = read_metrics_csv(tmp_path / "resumed" / "metrics.csv")
    assert len(straight_rows) == len(resumed_rows) == EPOCHS
    for a, b in zip(straight_rows, resumed_rows, strict=True):
        assert {k: v for k, v in a.items() if k != "seconds"} == {
            k: v for k, v in b.items() if k != "seconds"
        }


def test_resume_without_restoring_rng_differs(tmp_path, monkeypatch):
    """The check above has teeth: skipping the RNG restore changes the weights."""
    straight, _, _ = run(tmp_path / "straight")
    run(tmp_path / "resumed", max_steps=15)
    import paramlab.train.state as state_module

    monkeypatch.setattr(state_module, "restore_rng_state", lambda state: None)
    torch.manual_seed(1234)
    resumed, _, _ = run(tmp_path / "resumed", resume=True)
    assert not torch.equal(straight[0].weight, resumed[0].weight)


def test_rng_state_round_trip():
    random.seed(1)
    np.random.seed(2)
    torch.manual_seed(3)
    random.gauss(0, 1)
    np.random.standard_normal()
    state = capture_rng_state()
    expected = (random.random(), random.gauss(0, 1), np.random.standard_normal(3), torch.rand(3))
    random.seed(10)
    np.random.seed(20)
    torch.manual_seed(30)
    restore_rng_state(state)
    got = (random.random(), random.gauss(0, 1), np.random.standard_normal(3), torch.rand(3))
    assert got[:2] == expected[:2]
    assert np.array_equal(got[2], expected[2]) and torch.equal(got[3], expected[3])


def test_scheduler_interval_is_checked():
    model, optimizer, scheduler, loader = build()
    with pytest.raises(ValueError, match="scheduler_interval='batch' must be 'epoch' or 'step'"):
        fit(model, optimizer, loader, epochs=1, scheduler=scheduler, scheduler_interval="batch")
