"""``paramlab demo``: reaches > 90% on the digits, writes its log and checkpoint, resumes."""

import os
import subprocess
import sys
from pathlib import Path

import torch

from paramlab.demo import build_demo_model, main
from paramlab.train import load_checkpoint, read_metrics_csv

DATA_ROOT = str(Path(__file__).resolve().parents[2] / "datasets")


def accuracy_from(output: str) -> float:
    line = next(line for line in output.splitlines() if line.startswith("test accuracy:"))
    return float(line.split()[2].rstrip("%"))


def test_demo_learns_the_digits(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["--epochs", "4", "--out", str(out), "--data_root", DATA_ROOT, "--seed", "1"])
    printed = capsys.readouterr().out
    assert code == 0
    assert accuracy_from(printed) > 90.0
    rows = read_metrics_csv(out / "metrics.csv")
    assert [row["epoch"] for row in rows] == ["1", "2", "3", "4"]
    assert float(rows[-1]["eval_accuracy"]) > 0.9
    state = load_checkpoint(out / "checkpoint.pt")
    assert state["epoch"] == 4 and state["step"] == 4 * 45
    model = build_demo_model(16)
    model.load_state_dict(state["model"])


def test_demo_resumes_in_a_new_process(tmp_path, capsys):
    common = ["--epochs", "2", "--data_root", DATA_ROOT, "--no_progress"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    first = subprocess.run(
        [sys.executable, "-m", "paramlab", "demo", *common, "--max_steps", "30"]
        + ["--out", str(tmp_path / "resumed")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert first.returncode == 0, first.stderr[-2000:]
    assert "stopped after 30 steps" in first.stdout
    assert main([*common, "--resume", "--out", str(tmp_path / "resumed")]) == 0
    assert main([*common, "--out", str(tmp_path / "straight")]) == 0
    capsys.readouterr()
    resumed = load_checkpoint(tmp_path / "resumed" / "checkpoint.pt")["model"]
    straight = load_checkpoint(tmp_path / "straight" / "checkpoint.pt")["model"]
    assert all(torch.equal(resumed[name], straight[name]) for name in straight)


def test_missing_data_is_a_clear_error(tmp_path, capsys):
    code = main(["--epochs", "1", "--out", str(tmp_path / "run"), "--data_root", str(tmp_path)])
    error = capsys.readouterr().err
    assert code == 1
    assert "dataset 'digits' not found" in error
    assert str(tmp_path / "digits" / "digits.npz") in error
    assert "Traceback" not in error
