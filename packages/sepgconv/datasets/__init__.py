"""Dataset loaders and makers of the experiments (run from the package folder)."""

from datasets.dataset import (
    ImplementedDatasets,
    get_dataloader,
    get_dataset,
    get_imsize,
    get_num_in_channels,
    get_num_out_channels,
)

__all__ = [
    "ImplementedDatasets",
    "get_dataloader",
    "get_dataset",
    "get_imsize",
    "get_num_in_channels",
    "get_num_out_channels",
]
