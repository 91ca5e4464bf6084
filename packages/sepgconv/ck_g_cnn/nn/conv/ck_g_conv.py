"""Base of the lifting and group convolutions.

Feature maps on the group are [B, C, N, H, W] (N sampled elements; Sim(2): rotation-major
pairs). Every conv returns ``(y, elements_of_y)``. ``padding=True`` pads k//2 on both spatial
axes (never along the group axis).

Fix flags (all default False = the original's behaviour, see the package README):
``fix_argument_order`` (B4) builds group-conv kernels from the output elements as the paper
writes, instead of the original's swapped (input grid, output elements);
``fix_sim2_axes`` (B1) feeds untransposed coordinates to the non-separable R2xRplus/Sim2
kernels; ``fix_sim2_mask`` (B2) reads the Sim2 separable scale mask from the right entries;
``fix_unit_kernel_grid`` (B3) samples kernel-size-1 R2xRplus/Sim2 kernels at the origin.
A flag that does not concern a layer has no effect on it.
"""

import torch.nn.functional as F
from torch import Tensor, nn

import ck_g_cnn.nn.functional as gF
from ck_g_cnn.groups import SO2, Rplus, SO2xRplus

__all__ = ["FIX_FLAGS", "SAMPLING_METHODS", "ContinuousKernelGroupConv", "select_kernel"]

SAMPLING_METHODS = ("discretise", "uniform")
FIX_FLAGS = ("fix_argument_order", "fix_sim2_axes", "fix_sim2_mask", "fix_unit_kernel_grid")


def select_kernel(group: nn.Module, kernels: dict, layer: str) -> type:
    """The kernel class for the group's exact type (SE2 = SO2, R2xRplus = Rplus, Sim2)."""
    for group_type in (SO2, Rplus, SO2xRplus):
        if type(group) is group_type and group_type in kernels:
            return kernels[group_type]
    supported = ", ".join(t.__name__ for t in kernels)
    raise ValueError(f"{layer} supports the groups {supported}; got {type(group).__name__}")


class ContinuousKernelGroupConv(nn.Module):
    """Shared constructor state: channels, group (a registered submodule), number of elements,
    sampling method, kernel size, stride, padding, and the fix flags."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        group: nn.Module,
        num_group_elem,
        kernel_size: int,
        sampling_method: str,
        padding: bool,
        stride: int,
        fix_argument_order: bool = False,
        fix_sim2_axes: bool = False,
        fix_sim2_mask: bool = False,
        fix_unit_kernel_grid: bool = False,
    ) -> None:
        super().__init__()
        if in_channels < 1 or out_channels < 1:
            raise ValueError(
                f"in_channels={in_channels} and out_channels={out_channels} must be >= 1"
            )
        if sampling_method not in SAMPLING_METHODS:
            raise ValueError(
                f"sampling_method must be one of {SAMPLING_METHODS}, got {sampling_method!r}"
            )
        if stride < 1:
            raise ValueError(f"stride must be >= 1, got {stride}")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.group = group
        self.num_group_elem = num_group_elem
        self.sampling_method = sampling_method
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = (kernel_size // 2, kernel_size // 2) if padding else 0
        self.fix_argument_order = fix_argument_order
        self.fix_sim2_axes = fix_sim2_axes
        self.fix_sim2_mask = fix_sim2_mask
        self.fix_unit_kernel_grid = fix_unit_kernel_grid

    def sample_elements(self):
        """Fresh output elements (one global-RNG draw per call with "uniform")."""
        return self.group.sample(num_elements=self.num_group_elem, method=self.sampling_method)

    def kernel_arguments(self, grid_H: Tensor, sampled_group_elements: Tensor):
        """(input grid, output elements) handed to the kernel. The original passes them swapped
        (bug B4: identical when both are the same grid, as with "discretise")."""
        if self.fix_argument_order:
            return grid_H, sampled_group_elements
        return sampled_group_elements, grid_H

    @staticmethod
    def to_group_map(y: Tensor, out_channels: int, num_elements: int) -> Tensor:
        """[B, C·N, H, W] (channel-major) -> [B, C, N, H, W]."""
        return y.view(y.shape[0], out_channels, num_elements, y.shape[-2], y.shape[-1])

    def extra_repr(self) -> str:
        trainable = sum(p.numel() for p in self.parameters() if p.requires_grad)
        return (
            f"(num_elem) {self.num_group_elem}\n(kernel_size) {self.kernel_size}\n"
            f"(padding) {self.padding}\n(no_trainable_params) {trainable}"
        )


class GroupConvBase(ContinuousKernelGroupConv):
    """Group convolution G -> G with a kernel chosen by group type from ``kernels``.

    The kernel gets C_in input channels, or 1 when ``depthwise`` (the d/dg-separable variants,
    whose channel mixing is a separate ``ChannelProjection``). ``kernel_fixes`` names the fix
    flags the kernel class takes.
    """

    kernels: dict = {}
    kernel_fixes: tuple = ("fix_unit_kernel_grid",)
    depthwise = False

    def __init__(
        self,
        group,
        kernel_size,
        in_channels,
        out_channels,
        num_group_elem,
        ck_net_num_hidden,
        ck_net_hidden_size,
        ck_net_implementation,
        ck_net_first_omega_0,
        ck_net_omega_0,
        sampling_method,
        stride,
        padding=True,
        **fixes,
    ) -> None:
        super().__init__(
            in_channels,
            out_channels,
            group,
            num_group_elem,
            kernel_size,
            sampling_method,
            padding,
            stride,
            **fixes,
        )
        kernel_cls = select_kernel(group, self.kernels, type(self).__name__)
        self.kernel = kernel_cls(
            group=group,
            kernel_size=kernel_size,
            in_channels=1 if self.depthwise else in_channels,
            out_channels=out_channels,
            ck_net_num_hidden=ck_net_num_hidden,
            ck_net_hidden_size=ck_net_hidden_size,
            ck_net_implementation=ck_net_implementation,
            ck_net_first_omega_0=ck_net_first_omega_0,
            ck_net_omega_0=ck_net_omega_0,
            sampling_method=sampling_method,
            **{name: getattr(self, name) for name in self.kernel_fixes},
        )

    def dense_conv2d(self, x: Tensor, weight: Tensor) -> Tensor:
        """The layer's spatial conv with a full kernel [C_out·N_out, C_in·N_in, k, k]. SE(2)
        kernels of odd size ≥ 5 with padding k//2 are zero outside the inscribed disc and go
        through ``disc_conv2d`` (29 of 49 taps for k = 7; measured slower for k = 3)."""
        k = self.kernel_size
        if (
            self.kernel.zero_outside_disc
            and k % 2 == 1
            and k >= 5
            and self.padding == (k // 2, k // 2)
        ):
            return gF.disc_conv2d(x, weight, stride=self.stride)
        return F.conv2d(x, weight, padding=self.padding, stride=self.stride)
