"""Lifting convolution for Sim(2) with rotations and scales kept apart (for the ``+2d`` convs)."""

from torch import Tensor

from ck_g_cnn.groups import SO2xRplus
from ck_g_cnn.nn.conv.lifting_conv import LiftingConv

__all__ = ["LiftingConv2D"]


class LiftingConv2D(LiftingConv):
    """(B, C_in, H, W) -> ((B, C_out, Nr·Ns, H', W'), (θ [Nr], s [Ns])); the lifting kernel is
    evaluated on the rotation-major pair grid. Only Sim2."""

    def __init__(self, group, *args, **kwargs) -> None:
        if type(group) is not SO2xRplus:
            raise ValueError(
                f"LiftingConv2D does not support groups of dimensionality {group.dimension}."
            )
        super().__init__(group, *args, **kwargs)

    def forward(self, x: Tensor, sampled_group_elements=None):
        if sampled_group_elements is None:
            rotations, scales = self.group.sample(
                num_elements=self.num_group_elem, method=self.sampling_method, separable=True
            )
        else:
            rotations, scales = sampled_group_elements
        y = self.lift(x, self.group.pairs(rotations, scales))
        return y, (rotations, scales)
