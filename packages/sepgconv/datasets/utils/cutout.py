"""Cutout (DeVries & Taylor, 2017): zero random square patches of a tensor image."""

import numpy as np
import torch

__all__ = ["Cutout"]


class Cutout:
    """(C, H, W) -> (C, H, W) with ``n_holes`` length×length squares (clipped at the border)
    zeroed at centres drawn from numpy's global RNG."""

    def __init__(self, n_holes: int, length: int) -> None:
        self.n_holes = n_holes
        self.length = length

    def __call__(self, img: torch.Tensor) -> torch.Tensor:
        h, w = img.size(1), img.size(2)
        mask = np.ones((h, w), np.float32)
        for _ in range(self.n_holes):
            y, x = np.random.randint(h), np.random.randint(w)
            y1, y2 = np.clip(y - self.length // 2, 0, h), np.clip(y + self.length // 2, 0, h)
            x1, x2 = np.clip(x - self.length // 2, 0, w), np.clip(x + self.length // 2, 0, w)
            mask[y1:y2, x1:x2] = 0.0
        return img * torch.from_numpy(mask).expand_as(img)
