"""Galaxy10 (SDSS): 21,785 colour galaxy images 69×69 in 10 classes, one HDF5 file.

``Galaxy10/Galaxy10.h5`` under the data root with datasets ``ans`` (labels) and ``images``
(N × 69 × 69 × 3 uint8). The first ⌊0.8 N⌋ images (file order) are the train split.
"""

import math
import os

import torch
from torch.utils.data import Dataset

from datasets._h5 import open_h5
from paramlab.data import DatasetNotFoundError

__all__ = ["Galaxy10Dataset"]

URL = "http://astro.utoronto.ca/~bovy/Galaxy10/Galaxy10.h5"


class Galaxy10Dataset(Dataset):
    """Items (``transform``(uint8 HWC image), int64 label)."""

    def __init__(self, root, train=True, transform=None) -> None:
        path = os.path.join(str(root), "Galaxy10", "Galaxy10.h5")
        if not os.path.isfile(path):
            raise DatasetNotFoundError(
                "Galaxy10", path, f"download Galaxy10.h5 from {URL} into that folder"
            )
        with open_h5(path) as handle:
            labels, images = handle["ans"], handle["images"]
            split = int(math.floor(0.8 * len(images)))
            part = slice(None, split) if train else slice(split, None)
            self.x = images[part]
            self.y = torch.from_numpy(labels[part]).long()
        self.len = len(self.x)
        self.transform = transform

    def __getitem__(self, item):
        img = self.x[item]
        if self.transform is not None:
            img = self.transform(img)
        return img, self.y[item]

    def __len__(self) -> int:
        return self.len
