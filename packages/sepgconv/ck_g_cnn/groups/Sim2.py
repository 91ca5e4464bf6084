"""SO(2) × R⁺, the rotation-dilation group (exported as ``Sim2``: Sim(2) = R² ⋊ (SO(2) × R⁺)).

An ``nn.Module`` over ``paramlab.lie.SO2xRplus`` keeping the original's method names, the
``identity`` buffer and the submodules ``SO2`` and ``Rplus`` (their buffers are in the original
state dicts). Elements are pairs [θ, s]. Kept from the original: ``determinant`` returns s (the
Jacobian of an isotropic 2-D dilation is s²), scales are always discretised.
"""

from torch import Tensor

from ck_g_cnn.groups.group import Group
from ck_g_cnn.groups.Rplus import Rplus
from ck_g_cnn.groups.SO2 import SO2
from paramlab import lie

__all__ = ["SO2xRplus"]


class SO2xRplus(Group):
    """Rotation-dilation group with submodules ``SO2`` and ``Rplus(max_scale)``."""

    def __init__(self, max_scale: float = 3.0) -> None:
        super().__init__(dimension=2, identity=[0.0, 1.0])
        self.SO2 = SO2()
        self.Rplus = Rplus(max_scale=max_scale)

    @property
    def max_scale(self) -> float:
        return self.Rplus.max_scale

    def product(self, g1: Tensor, g2: Tensor) -> Tensor:
        return lie.SO2xRplus.product(g1, g2, max_scale=self.max_scale)

    def inverse(self, g: Tensor) -> Tensor:
        return lie.SO2xRplus.inverse(g)

    def exponential_map(self, h: Tensor) -> Tensor:
        return lie.SO2xRplus.exp(h)

    def logarithmic_map(self, g: Tensor) -> Tensor:
        return lie.SO2xRplus.log(g)

    def representation(self, g: Tensor) -> Tensor:
        """[N, 2] -> [N, 2, 2]: s R(θ)."""
        return lie.SO2xRplus.representation(g)

    def determinant(self, m: Tensor) -> Tensor:
        """s (the original's value; the 2-D Jacobian would be s²)."""
        return lie.SO2xRplus.determinant(m, original=True)

    def left_action_on_Rd(self, g: Tensor, x: Tensor) -> Tensor:
        """g [N, 2], grid x [2, k, k] -> [N, 2, k, k]: s_n R(θ_n) x."""
        return lie.SO2xRplus.act_on_grid(g, x)

    def left_action_on_H(self, g: Tensor, x: Tensor) -> Tensor:
        """g [N_out, 2], x [N_in, 2] -> [N_out, N_in, 2]."""
        return lie.SO2xRplus.act_on_H(g, x)

    def normalize(self, g: Tensor) -> Tensor:
        """Maps the angle component to [−1, 1); ln s is left as it is."""
        return lie.SO2xRplus.normalize(g)

    def pairs(self, rotations: Tensor, scales: Tensor) -> Tensor:
        """([Nr], [Ns]) -> [Nr·Ns, 2], rotation-major (row r·Ns + t holds (θ_r, s_t))."""
        return lie.SO2xRplus.pairs(rotations, scales)

    def sample(self, num_elements, method: str = "discretise", separable: bool = False):
        """Rotations with ``method``, scales always discretised; ``num_elements`` is [Nr, Ns] or
        an int N (Nr = Ns = N). Returns the pair grid [Nr·Ns, 2], or (θ [Nr], s [Ns]) when
        ``separable``."""
        if isinstance(num_elements, (list, tuple)):
            num_elements = [int(n) for n in num_elements]
        else:
            num_elements = int(num_elements)
        device = self.identity.device
        if method == "discretise":
            sampler = lie.SO2xRplus.discretise
        elif method == "uniform":
            sampler = lie.SO2xRplus.uniform
        else:
            raise ValueError(f"sampling method must be 'discretise' or 'uniform', got {method!r}")
        return sampler(
            num_elements,
            self.max_scale,
            separable=separable,
            dtype=self.identity.dtype,
            device=device,
        )
