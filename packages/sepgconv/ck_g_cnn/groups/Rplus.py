"""R⁺, the dilation group truncated at ``max_scale`` (the group of R2xRplus).

An ``nn.Module`` over ``paramlab.lie.Rplus`` keeping the original's method names, the
``identity`` buffer and the clamped product. Elements are scales s > 0.
"""

import math

import numpy as np
from torch import Tensor

from ck_g_cnn.groups.group import Group
from paramlab import lie

__all__ = ["Rplus"]


class Rplus(Group):
    """Dilations: product clamp(s1·s2, 0, m), inverse 1/s, log ln s, exp e^h, det s².

    ``max_scale`` m is kept as the float32 value the original stored (a plain attribute, not in
    the state_dict)."""

    def __init__(self, max_scale: float = 3.0) -> None:
        super().__init__(dimension=1, identity=[1.0])
        if not float(max_scale) > 1.0:
            raise ValueError(f"max_scale must be > 1, got {max_scale}")
        self.max_scale = float(np.float32(max_scale))

    @property
    def log_max_scale(self) -> float:
        return math.log(self.max_scale)

    def product(self, g1: Tensor, g2: Tensor) -> Tensor:
        return lie.Rplus.product(g1, g2, max_scale=self.max_scale)

    def inverse(self, g: Tensor) -> Tensor:
        return lie.Rplus.inverse(g)

    def logarithmic_map(self, g: Tensor) -> Tensor:
        return lie.Rplus.log(g)

    def exponential_map(self, h: Tensor) -> Tensor:
        return lie.Rplus.exp(h)

    def representation(self, g: Tensor) -> Tensor:
        """[N] -> [N, 2, 2]: s I."""
        return lie.Rplus.representation(g)

    def determinant(self, m: Tensor) -> Tensor:
        return lie.Rplus.determinant(m)

    def left_action_on_Rd(self, g: Tensor, x: Tensor) -> Tensor:
        """g [N], grid x [2, k, k] -> [N, 2, k, k]: s_n x."""
        return lie.Rplus.act_on_grid(g, x)

    def left_action_on_H(self, g: Tensor, x: Tensor) -> Tensor:
        """g [N_out], x [N_in] -> [N_out, N_in]: g_a x_b (no clamp)."""
        return lie.Rplus.act_on_H(g, x)

    def sample(self, num_elements: int, method: str = "discretise") -> Tensor:
        """[N] scales exp(linspace(0, ln m, N)) ("discretise"); "uniform" adds one random offset
        u·ln(m)/N and wraps modulo m (never wraps: the original's quirk)."""
        device = self.identity.device
        if method == "discretise":
            return lie.Rplus.discretise(
                int(num_elements), self.max_scale, dtype=self.identity.dtype, device=device
            )
        if method == "uniform":
            return lie.Rplus.uniform(
                int(num_elements),
                self.max_scale,
                dtype=self.identity.dtype,
                device=device,
                original_wrap=True,
            )
        raise ValueError(f"sampling method must be 'discretise' or 'uniform', got {method!r}")

    def extra_repr(self) -> str:
        return f"dimension={self.dimension}, max_scale={self.max_scale}"
