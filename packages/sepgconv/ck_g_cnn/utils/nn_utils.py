"""Seeding and test-time group resolution."""

import os
import random

import numpy as np
import torch

__all__ = ["fix_seed", "set_group_elem"]


def fix_seed(seed: int = 42) -> None:
    """Seed python, torch (CPU and CUDA), numpy and PYTHONHASHSEED."""
    random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    np.random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)


def set_group_elem(model: torch.nn.Module, num_elements) -> None:
    """Set the number of sampled group elements of every lifting/group conv of ``model``."""
    from ck_g_cnn.nn.conv import ContinuousKernelGroupConv

    for module in model.modules():
        if isinstance(module, ContinuousKernelGroupConv):
            module.num_group_elem = num_elements
