"""R², the translation group (not used by the layers: translations are handled by conv2d)."""

from torch import Tensor

from ck_g_cnn.groups.group import Group
from paramlab import lie

__all__ = ["R2"]


class R2(Group):
    """Translations of the plane over ``paramlab.lie.R2``; elements are vectors [..., 2]."""

    def __init__(self) -> None:
        super().__init__(dimension=2, identity=[0.0, 0.0])

    def product(self, g1: Tensor, g2: Tensor) -> Tensor:
        return lie.R2.product(g1, g2)

    def inverse(self, g: Tensor) -> Tensor:
        return lie.R2.inverse(g)

    def logarithmic_map(self, g: Tensor) -> Tensor:
        return lie.R2.log(g)

    def exponential_map(self, h: Tensor) -> Tensor:
        return lie.R2.exp(h)

    def determinant(self, m: Tensor) -> Tensor:
        return lie.R2.determinant(m)

    def left_action_on_Rd(self, g: Tensor, x: Tensor) -> Tensor:
        """g [N, 2], grid x [2, k, k] -> [N, 2, k, k]: x + g_n."""
        return lie.R2.act_on_grid(g, x)
