"""Base class of the matrix Lie groups H acting on the plane (G = R² ⋊ H)."""

import torch
from torch import nn

__all__ = ["Group"]


class Group(nn.Module):
    """A Lie group H with a ``dimension`` and an ``identity`` buffer.

    The buffer is the only state: it fixes the device and dtype of sampled elements and is part
    of every state_dict that holds the group (one copy per module path that registers it).
    """

    def __init__(self, dimension: int, identity: list[float]) -> None:
        super().__init__()
        self.dimension = dimension
        self.register_buffer("identity", torch.tensor(identity, dtype=torch.float32))

    def extra_repr(self) -> str:
        return f"dimension={self.dimension}"
