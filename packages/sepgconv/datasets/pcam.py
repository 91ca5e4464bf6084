"""PatchCamelyon: 96×96 colour histopathology patches, 2 classes, HDF5 files.

``pcam/camelyonpatch_level_2_split_{train,test}_{x,y}.h5`` under the data root, keys ``x``
(N × 96 × 96 × 3 uint8) and ``y`` (N × 1 × 1 × 1). Labels are returned as int64 scalars (the
original returned the (1, 1, 1) array).
"""

import os

import torch
from torch.utils.data import Dataset

from datasets._h5 import open_h5
from paramlab.data import DatasetNotFoundError

__all__ = ["PCamDataset"]

URL = "https://github.com/basveeling/pcam"


class PCamDataset(Dataset):
    """Items (``transform``(uint8 HWC image), int64 label); images are read lazily."""

    def __init__(self, root, train=True, transform=None) -> None:
        split = "train" if train else "test"
        paths = [
            os.path.join(str(root), "pcam", f"camelyonpatch_level_2_split_{split}_{part}.h5")
            for part in ("x", "y")
        ]
        for path in paths:
            if not os.path.isfile(path):
                raise DatasetNotFoundError(
                    "PCam", path, f"download the {split} x/y .h5 files listed at {URL}"
                )
        self.x = open_h5(paths[0])["x"]
        with open_h5(paths[1]) as handle:
            self.y = torch.from_numpy(handle["y"][:].reshape(-1)).long()
        self.len = len(self.y)
        self.transform = transform

    def __getitem__(self, item):
        img = self.x[item]
        if self.transform is not None:
            img = self.transform(img)
        return img, self.y[item]

    def __len__(self) -> int:
        return self.len
