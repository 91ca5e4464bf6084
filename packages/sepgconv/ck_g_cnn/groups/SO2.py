"""SO(2), the rotation group (exported as ``SE2``: the rotations of SE(2) = R² ⋊ SO(2)).

An ``nn.Module`` over ``paramlab.lie.SO2`` keeping the original's method names and the
``identity`` buffer. Elements are angles θ ∈ [0, 2π).
"""

from torch import Tensor

from ck_g_cnn.groups.group import Group
from paramlab import lie

__all__ = ["SO2"]


class SO2(Group):
    """Rotations: product (θ1 + θ2) mod 2π, inverse −θ, log θ, exp h mod 2π, R(θ), det 1."""

    def __init__(self) -> None:
        super().__init__(dimension=1, identity=[0.0])

    def product(self, g1: Tensor, g2: Tensor) -> Tensor:
        return lie.SO2.product(g1, g2)

    def inverse(self, g: Tensor) -> Tensor:
        return lie.SO2.inverse(g)

    def exponential_map(self, h: Tensor) -> Tensor:
        return lie.SO2.exp(h)

    def logarithmic_map(self, g: Tensor) -> Tensor:
        return lie.SO2.log(g)

    def representation(self, g: Tensor) -> Tensor:
        """[N] -> [N, 2, 2] rotation matrices."""
        return lie.SO2.representation(g)

    def determinant(self, m: Tensor) -> Tensor:
        return lie.SO2.determinant(m)

    def left_action_on_Rd(self, g: Tensor, x: Tensor) -> Tensor:
        """g [N], grid x [2, k, k] -> [N, 2, k, k]: R(θ_n) x."""
        return lie.SO2.act_on_grid(g, x)

    def left_action_on_H(self, g: Tensor, x: Tensor) -> Tensor:
        """g [N_out], x [N_in] -> [N_out, N_in]: (g_a + x_b) mod 2π."""
        return lie.SO2.act_on_H(g, x)

    def normalize(self, g: Tensor) -> Tensor:
        """θ/π − 1: [0, 2π) -> [−1, 1)."""
        return lie.SO2.normalize(g)

    def sample(self, num_elements: int, method: str = "discretise") -> Tensor:
        """[N] angles: 2πa/N ("discretise"), or that grid shifted by one random phase
        u·2π(N−1)/N², u ~ U[0, 1) drawn once from the global RNG ("uniform")."""
        device = self.identity.device
        if method == "discretise":
            return lie.SO2.discretise(int(num_elements), dtype=self.identity.dtype, device=device)
        if method == "uniform":
            return lie.SO2.uniform(int(num_elements), dtype=self.identity.dtype, device=device)
        raise ValueError(f"sampling method must be 'discretise' or 'uniform', got {method!r}")
