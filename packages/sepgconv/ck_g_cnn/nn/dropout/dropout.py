"""Element-wise dropout on (x, grid_H) pairs."""

from torch import Tensor, nn

__all__ = ["Dropout"]


class Dropout(nn.Module):
    """(x, grid_H) -> (dropout(x), grid_H); wraps ``nn.Dropout`` as ``dropout``."""

    def __init__(self, p: float) -> None:
        super().__init__()
        self.dropout = nn.Dropout(p)

    def forward(self, x: Tensor, grid_H):
        return self.dropout(x), grid_H
