"""Checkpoints: atomic writes, crash safety, and refusing pickled objects."""

import argparse
import os

import numpy as np
import pytest
import torch

import paramlab.train.checkpoint as checkpoint_module
from paramlab.train import CheckpointError, load_checkpoint, save_checkpoint


def sample_state(value: float) -> dict:
    return {
        "model": {"weight": torch.full((3, 2), value), "bias": torch.zeros(3)},
        "epoch": 2,
        "metrics": {"accuracy": 0.5, "name": "x", "history": [1, 2.5, None]},
        "shape": torch.Size([3, 2]),
        "dtype": torch.float16,
    }


class Payload:
    """Unpickling an instance runs os.makedirs(marker): proof that code would be executed."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.makedirs, (self.marker,))


def test_round_trip(tmp_path):
    path = save_checkpoint(tmp_path / "sub" / "ckpt.pt", sample_state(1.5))
    loaded = load_checkpoint(path)
    assert torch.equal(loaded["model"]["weight"], torch.full((3, 2), 1.5))
    assert loaded["metrics"] == {"accuracy": 0.5, "name": "x", "history": [1, 2.5, None]}
    assert loaded["shape"] == torch.Size([3, 2]) and loaded["dtype"] is torch.float16
    assert [p.name for p in path.parent.iterdir()] == ["ckpt.pt"]


def test_permissions_follow_umask(tmp_path):
    old = os.umask(0o022)
    try:
        path = save_checkpoint(tmp_path / "ckpt.pt", sample_state(1.0))
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_crash_during_write_keeps_previous_checkpoint(tmp_path, monkeypatch):
    path = save_checkpoint(tmp_path / "ckpt.pt", sample_state(1.0))
    before = path.read_bytes()
    real_save = torch.save

    def dies_halfway(obj, handle, *args, **kwargs):
        real_save(obj, handle, *args, **kwargs)
        handle.truncate(handle.tell() // 2)
        raise KeyboardInterrupt("killed mid-write")

    monkeypatch.setattr(checkpoint_module.torch, "save", dies_halfway)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(path, sample_state(2.0))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.pt"]
    assert torch.equal(load_checkpoint(path)["model"]["weight"], torch.full((3, 2), 1.0))


def test_crash_before_replace_keeps_previous_checkpoint(tmp_path, monkeypatch):
    path = save_checkpoint(tmp_path / "ckpt.pt", sample_state(1.0))

    def no_disk(*args):
        raise OSError("disk full")

    monkeypatch.setattr(checkpoint_module.os, "fsync", no_disk)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(path, sample_state(2.0))
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.pt"]
    assert torch.equal(load_checkpoint(path)["model"]["weight"], torch.full((3, 2), 1.0))


def test_pickled_object_is_refused_and_never_executed(tmp_path):
    marker = tmp_path / "code-was-executed"
    path = tmp_path / "evil.pt"
    torch.save({"model": {"w": torch.ones(2)}, "payload": Payload(str(marker))}, path)
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(path)
    message = str(info.value)
    assert str(path) in message
    assert "non-tensor Python objects" in message
    assert "makedirs" in message
    assert not marker.exists()


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_damaged_checkpoint(tmp_path, damage):
    path = save_checkpoint(tmp_path / "ckpt.pt", sample_state(1.0))
    damaged = {
        "truncate": path.read_bytes()[:200],
        "garbage": b"hello, not a checkpoint",
        "empty": b"",
    }[damage]
    path.write_bytes(damaged)
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(path)
    assert f"cannot read checkpoint {path}: truncated, damaged" in str(info.value)


def test_missing_checkpoint(tmp_path):
    with pytest.raises(FileNotFoundError, match="checkpoint not found"):
        load_checkpoint(tmp_path / "nope.pt")


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ({"metrics": {"acc": np.float64(0.9)}}, "state['metrics']['acc'] is a numpy.float64"),
        ({"args": argparse.Namespace(lr=0.1)}, "state['args'] is a argparse.Namespace"),
        ({"items": [1, object()]}, "state['items'][1] is a builtins.object"),
    ],
)
def test_save_refuses_what_load_would_refuse(tmp_path, value, where):
    with pytest.raises(TypeError, match=where.replace("[", r"\[").replace("]", r"\]")):
        save_checkpoint(tmp_path / "ckpt.pt", value)
    assert list(tmp_path.iterdir()) == []


def test_non_dict_checkpoint_is_refused(tmp_path):
    path = tmp_path / "list.pt"
    torch.save([torch.ones(1)], path)
    with pytest.raises(CheckpointError, match="holds a list, expected a dict"):
        load_checkpoint(path)
