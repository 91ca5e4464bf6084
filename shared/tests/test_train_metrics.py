"""MetricsLogger: CSV always (growing header, resume), TensorBoard / wandb only when asked."""

import sys
import types

import numpy as np
import pytest
import torch

from paramlab.train import MetricsLogger, MissingExtraError, read_metrics_csv


def test_csv_rows_and_growing_header(tmp_path):
    with MetricsLogger(tmp_path) as logger:
        logger.log({"loss": torch.tensor(0.5), "lr": 0.1}, step=10)
        logger.log({"loss": np.float32(0.25), "accuracy": 0.75}, step=20)
        logger.log({"lr": 0.05, "note": "cosine"}, step=30)
    lines = (tmp_path / "metrics.csv").read_text().splitlines()
    assert lines[0] == "step,loss,lr,accuracy,note"
    assert lines[1:] == ["10,0.5,0.1,,", "20,0.25,,0.75,", "30,,0.05,,cosine"]
    assert read_metrics_csv(tmp_path / "metrics.csv")[1]["accuracy"] == "0.75"


def test_new_run_replaces_append_keeps_and_drop_after(tmp_path):
    with MetricsLogger(tmp_path) as logger:
        for step in (1, 2, 3):
            logger.log({"loss": step / 10}, step=step)
    with MetricsLogger(tmp_path, append=True) as logger:
        logger.drop_after(2)
        logger.log({"loss": 0.33, "extra": 1}, step=3)
    rows = read_metrics_csv(tmp_path / "metrics.csv")
    assert [(r["step"], r["loss"], r["extra"]) for r in rows] == [
        ("1", "0.1", ""),
        ("2", "0.2", ""),
        ("3", "0.33", "1"),
    ]
    with MetricsLogger(tmp_path) as logger:
        logger.log({"loss": 9.0}, step=1)
    assert read_metrics_csv(tmp_path / "metrics.csv") == [{"step": "1", "loss": "9.0"}]


def test_disabled_logger_writes_nothing(tmp_path):
    with MetricsLogger(tmp_path / "rank1", enabled=False, tensorboard=True) as logger:
        logger.log({"loss": 1.0}, step=1)
    assert not (tmp_path / "rank1").exists()


def test_tensorboard_missing_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)
    with pytest.raises(MissingExtraError) as info:
        MetricsLogger(tmp_path, tensorboard=True)
    assert "TensorBoard logging was requested" in str(info.value)
    assert "pip install 'paramlab-shared[tensorboard]'" in str(info.value)


def test_tensorboard_writes_events(tmp_path):
    pytest.importorskip("tensorboard")
    with MetricsLogger(tmp_path, tensorboard=True) as logger:
        logger.log({"loss": 1.0, "name": "skip-me"}, step=1)
    assert list(tmp_path.glob("events.out.tfevents.*"))
    assert (tmp_path / "metrics.csv").is_file()


class FakeWandb(types.ModuleType):
    """Records what the logger asks of wandb."""

    def __init__(self) -> None:
        super().__init__("wandb")
        self.calls = []

    def init(self, **kwargs):
        self.calls.append(("init", kwargs))
        return self

    def log(self, values, step):
        self.calls.append(("log", values, step))

    def finish(self):
        self.calls.append(("finish",))


def test_wandb_is_offline_by_default(tmp_path, monkeypatch):
    fake = FakeWandb()
    monkeypatch.setitem(sys.modules, "wandb", fake)
    monkeypatch.delenv("WANDB_MODE", raising=False)
    with MetricsLogger(tmp_path, wandb=True, wandb_project="proj", config={"lr": 1}) as logger:
        logger.log({"loss": 0.5}, step=3)
    (kind, kwargs), log_call, finish = fake.calls
    assert kind == "init" and kwargs["mode"] == "offline" and kwargs["project"] == "proj"
    assert kwargs["config"] == {"lr": 1} and kwargs["dir"] == str(tmp_path)
    assert log_call == ("log", {"loss": 0.5}, 3) and finish == ("finish",)
    monkeypatch.setenv("WANDB_MODE", "disabled")
    MetricsLogger(tmp_path, wandb="auto").close()
    assert fake.calls[3][1]["mode"] == "disabled"


def test_wandb_missing(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "wandb", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'paramlab-shared\[wandb\]'"):
        MetricsLogger(tmp_path, wandb=True)
    with MetricsLogger(tmp_path, wandb="auto") as logger:  # what --no_wandb=False maps to
        logger.log({"loss": 1.0}, step=1)
    assert logger.wandb_run is None and (tmp_path / "metrics.csv").is_file()
    with pytest.raises(ValueError, match="wandb='yes'"):
        MetricsLogger(tmp_path, wandb="yes")
