"""Seeding every random number generator a training run touches."""

import os
import random

import numpy as np
import torch

__all__ = ["seed_everything", "seed_worker"]


def seed_everything(seed: int, deterministic: bool = False) -> int:
    """Seed Python ``random``, NumPy's global RNG and torch (CPU and every CUDA device).

    ``deterministic=True`` also asks PyTorch for deterministic kernels
    (``torch.use_deterministic_algorithms``, cuDNN deterministic, no cuDNN benchmark; sets
    ``CUBLAS_WORKSPACE_CONFIG`` if unset); ``False`` switches that back off. Returns ``seed``.
    """
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed % 2**32)  # Python accepts 0 .. 2**32 - 1
    if deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(deterministic)
    torch.backends.cudnn.deterministic = deterministic
    torch.backends.cudnn.benchmark = False
    return seed


def seed_worker(worker_id: int) -> None:
    """``DataLoader(worker_init_fn=seed_worker)``: seed NumPy and ``random`` from torch's seed."""
    worker_seed = torch.initial_seed() % 2**32
    np.random.seed(worker_seed)
    random.seed(worker_seed)
