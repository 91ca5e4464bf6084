"""associative's cases for ``paramlab bench``: a CSG ResNet-20, forward and backward, against
the same network with its kernels materialised as plain convs (the floor) and against the
original's per-layer kernel generation."""

from __future__ import annotations

import copy

import torch
from torch import nn

from paramlab.bench import BenchCase, forward_backward

from .export import export_plain
from .models.cifar_resnet import resnet20

__all__ = ["cases", "resnet20_variants"]


def resnet20_variants(seed: int = 0) -> dict[str, nn.Module]:
    """The same CSG ResNet-20 three ways: all kernels from one matmul of the stacked codes
    (ours), one generation per layer (the original's path), and plain convs (the floor)."""
    torch.manual_seed(seed)
    batched = resnet20()
    per_layer = copy.deepcopy(batched)
    per_layer.batched_generation = False
    return {"ours": batched, "original": per_layer, "floor": export_plain(batched)}


_LABELS = {
    "ours": "CSG ResNet-20, batched kernel generation",
    "original": "CSG ResNet-20, per-layer generation",
    "floor": "ResNet-20 with the kernels as plain convs",
}


def cases(quick: bool) -> list[BenchCase]:
    """Batch 128 (issue goal: ≤ 1.05× the plain network); ``quick`` uses batch 32."""
    batch = 32 if quick else 128
    group = f"CIFAR ResNet-20 (code 72, slices 12x12x3x3), B{batch}, 32x32"

    def setup(role: str):
        model = resnet20_variants()[role]
        images = torch.randn(batch, 3, 32, 32, generator=torch.Generator().manual_seed(1))
        return forward_backward(model, images)

    return [
        BenchCase(
            "associative",
            group,
            _LABELS[role],
            role,
            setup=lambda role=role: setup(role),
            shape={"batch": batch, "depth": 20},
        )
        for role in ("ours", "original", "floor")
    ]
