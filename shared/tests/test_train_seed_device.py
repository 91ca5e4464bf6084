"""Seeding and device selection."""

import random

import numpy as np
import pytest
import torch

import paramlab.train.device as device_module
from paramlab.train import DeviceUnavailableError, seed_everything, select_device


def draw():
    return random.random(), float(np.random.rand()), torch.rand(3)


def test_seed_everything_repeats_all_generators():
    seed_everything(7)
    first = draw()
    seed_everything(7)
    second = draw()
    seed_everything(8)
    third = draw()
    assert first[:2] == second[:2] and torch.equal(first[2], second[2])
    assert first[0] != third[0] and not torch.equal(first[2], third[2])


def test_deterministic_flag_toggles_torch():
    try:
        seed_everything(0, deterministic=True)
        assert torch.are_deterministic_algorithms_enabled()
        assert torch.backends.cudnn.deterministic and not torch.backends.cudnn.benchmark
    finally:
        seed_everything(0, deterministic=False)
    assert not torch.are_deterministic_algorithms_enabled()


@pytest.fixture
def no_accelerators(monkeypatch):
    monkeypatch.setattr(device_module.torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(device_module, "_mps_available", lambda: False)


def test_cpu_and_auto(no_accelerators):
    assert select_device("cpu") == torch.device("cpu")
    assert select_device("auto") == torch.device("cpu")
    assert select_device(" CPU ") == torch.device("cpu")


def test_auto_prefers_cuda(monkeypatch):
    monkeypatch.setattr(device_module.torch.cuda, "is_available", lambda: True)
    assert select_device() == torch.device("cuda")


@pytest.mark.parametrize("name", ["cuda", "cuda:1", "mps"])
def test_unavailable_device_is_a_clear_error(no_accelerators, name):
    with pytest.raises(DeviceUnavailableError, match=f"device '{name}' was requested but"):
        select_device(name)


@pytest.mark.parametrize("name", ["gpu", "cuda:x", "tpu"])
def test_unknown_device_name(name):
    with pytest.raises(ValueError, match="must be one of auto, cpu, cuda"):
        select_device(name)


def test_seeds_beyond_32_bits_leave_subprocesses_launchable(monkeypatch):
    import os
    import subprocess
    import sys

    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    seed_everything(0xE4223644E98B8E64)  # Deep Complex Networks' default seed
    assert 0 <= int(os.environ["PYTHONHASHSEED"]) < 2**32
    result = subprocess.run([sys.executable, "-c", "print('ok')"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
