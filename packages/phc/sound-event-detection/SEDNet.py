"""SEDNet models of the L3DAS21 Task 2 experiments (importable from this folder, as the original).

``Seldnet_vanilla``, ``Seldnet_augmented``, ``QSeldnet_augmented``, ``PHMSeldnet_augmented``,
``Full_PHMSeldnet_augmented`` and their ``Sednet_*`` spellings live in ``phc.sed.models``.
``python SEDNet.py`` prints every variant's parameter counts for 4, 8 and 16 input channels.
"""

import torch
from phc.sed.models import (
    ARCHITECTURES,
    Full_PHMSednet_augmented,
    Full_PHMSeldnet_augmented,
    PHMSednet_augmented,
    PHMSeldnet_augmented,
    QSednet_augmented,
    QSeldnet_augmented,
    Sednet_augmented,
    Sednet_vanilla,
    Seldnet_augmented,
    Seldnet_vanilla,
    build_sednet,
    count_parameters,
)

__all__ = [
    "Full_PHMSednet_augmented",
    "Full_PHMSeldnet_augmented",
    "PHMSednet_augmented",
    "PHMSeldnet_augmented",
    "QSednet_augmented",
    "QSeldnet_augmented",
    "Sednet_augmented",
    "Sednet_vanilla",
    "Seldnet_augmented",
    "Seldnet_vanilla",
    "count_parameters",
]


def test_model() -> None:
    """Print total and CNN parameter counts of every architecture (built on the meta device)."""
    for architecture, (_, n) in ARCHITECTURES.items():
        for channels in (4, 8, 16):
            if n is not None and channels % n:
                continue
            with torch.device("meta"):
                model = build_sednet(architecture, 4800, input_channels=channels)
            total = sum(p.numel() for p in model.parameters())
            cnn = count_parameters(model)
            print(f"{architecture:18s} C={channels:2d}: {total:9,d} (cnn {cnn:,d})")


if __name__ == "__main__":
    test_model()
