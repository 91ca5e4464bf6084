"""One kernel mechanism for every group: coordinates -> SIREN -> masks -> 1/det.

A kernel is sampled on transformed coordinates. For an output element h_a the spatial grid is
acted on by h_a⁻¹ (q = h_a⁻¹·p) and the group coordinate of input element h_b is
log(h_a⁻¹ h_b) (Sec. 4 of the paper: k(h_a⁻¹ x, h_a⁻¹ h_b)). Kernel pixel (r, c) — row r, col c
of a conv2d cross-correlation — is evaluated at p(r, c) = (lin[c], lin[r]), lin = linspace(−e, e, k)
(e = 1 for SE2, max_scale otherwise); the original's non-separable R2xRplus / Sim2 kernels use
the transposed p(r, c) = (lin[r], lin[c]) (bug B1, ``fix_sim2_axes``).

What differs between groups — grid extent, how the group coordinate is normalised, masks and
determinant factors — is a small *rule* class (``SE2Rules``, ``R2xRplusRules``, ``Sim2Rules``);
what differs between factorisations is a *role* class (``LiftingKernelBase``,
``GroupKernelFull``, ``GroupKernelFactorised``, ``GroupKernel2DBase``). The public kernel classes
of the original (``SE2LiftingKernel``, ``Sim2GroupKernelSeparable``, …) are role × rule.
Shapes: lifting [C_out, N, C_in, k, k]; group [C_out, N_out, C_in, N_in, k, k].
"""

import torch
from torch import Tensor, nn

import ck_g_cnn.nn.functional as gF
from ck_g_cnn.groups import SO2, Rplus, SO2xRplus
from ck_g_cnn.nn.ck import CKNetLinear

__all__ = [
    "GroupKernel",
    "GroupKernel2DBase",
    "GroupKernelFactorised",
    "GroupKernelFull",
    "LiftingKernelBase",
    "R2xRplusRules",
    "SE2Rules",
    "Sim2Rules",
]


class GroupKernel(nn.Module):
    """Base of all kernels: holds the group (a registered submodule, as in the original state
    dict), sizes, and the spatial grid ``grid_R2`` [2, k, k] (a non-persistent buffer):
    grid_R2[0, i, j] = lin[i], grid_R2[1, i, j] = lin[j]."""

    group_type: type = nn.Module
    spatial_extent_is_max_scale = False
    # True when every kernel value outside the disc inscribed in the k×k grid is exactly zero.
    zero_outside_disc = False

    def __init__(
        self,
        group: nn.Module,
        kernel_size: int,
        in_channels: int,
        out_channels: int,
        sampling_method: str,
        fix_unit_kernel_grid: bool = False,
    ) -> None:
        super().__init__()
        if not isinstance(group, self.group_type):
            raise ValueError(
                f"{type(self).__name__} needs a {self.group_type.__name__} group, "
                f"got {type(group).__name__}"
            )
        if kernel_size < 1:
            raise ValueError(f"kernel_size must be >= 1, got {kernel_size}")
        self.group = group
        self.kernel_size = kernel_size
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.sampling_method = sampling_method
        self.fix_unit_kernel_grid = fix_unit_kernel_grid
        self.register_buffer(
            "grid_R2", self._make_grid().to(group.identity.device), persistent=False
        )

    def _make_grid(self) -> Tensor:
        extent = self.group.max_scale if self.spatial_extent_is_max_scale else 1.0
        if self.kernel_size == 1 and (
            not self.spatial_extent_is_max_scale or self.fix_unit_kernel_grid
        ):
            return torch.zeros(2, 1, 1)
        # For kernel_size 1 and a scale group this is the single point (−m, −m) (bug B3).
        lin = torch.linspace(-extent, extent, self.kernel_size, dtype=torch.float32)
        return torch.stack(torch.meshgrid(lin, lin, indexing="ij"))

    def transform_grid_R2(self, elements: Tensor) -> Tensor:
        """[N(, d)] -> [N, 2, k, k]: h_a⁻¹ applied to grid_R2, indexed [a, :, i, j]."""
        return self.group.left_action_on_Rd(self.group.inverse(elements), self.grid_R2)

    @staticmethod
    def net_coordinates(transformed: Tensor, transposed: bool = False) -> Tensor:
        """[N, 2, k, k] -> [N, k, k, 2] indexed [a, r, c]: the coordinate of kernel pixel (r, c),
        q(lin[c], lin[r]) (or q(lin[r], lin[c]) when ``transposed``)."""
        return transformed.permute(0, 2, 3, 1) if transposed else transformed.permute(0, 3, 2, 1)

    def extra_repr(self) -> str:
        return (
            f"in_channels={self.in_channels}, out_channels={self.out_channels}, "
            f"kernel_size={self.kernel_size}, sampling_method={self.sampling_method!r}"
        )


# --------------------------------------------------------------------------------------------
# Rules: what depends on the group.
# Spatial masks take the transformed grid [N, 2, k, k] and return [N, k, k] indexed [a, r, c]
# (the original reads the mask at grid index (i, j) = (r, c)); group masks take the relative
# coordinates [N_out, N_in, d_H] and return [N_out, N_in]; inverse_det returns [N_out] or None.
# --------------------------------------------------------------------------------------------


class SE2Rules:
    """SE(2): grid on [−1, 1], normalised angle differences, hard disc ‖q‖ ≤ 1, det 1."""

    group_type = SO2
    spatial_extent_is_max_scale = False
    zero_outside_disc = True
    group_dimension = 1
    transposed_full_kernel = False
    separable_h_net_fan_in_kernel = False
    gseparable_h_net_fan_in_kernel = False

    def group_coordinates(self, grid_H: Tensor, elements: Tensor) -> Tensor:
        """((θ_b − θ_a) mod 2π)/π − 1 as [N_out, N_in, 1]."""
        group = self.group
        relative = group.logarithmic_map(group.left_action_on_H(group.inverse(elements), grid_H))
        return group.normalize(relative).unsqueeze(-1)

    def spatial_mask(self, transformed: Tensor, role: str) -> Tensor:
        return gF.circular_mask(transformed, max_rel_dist=1.0)

    def group_mask(self, coordinates: Tensor, num_out: int, role: str):
        return None

    def full_mask(self, transformed: Tensor, coordinates: Tensor):
        return None

    def inverse_det(self, elements: Tensor):
        return None


class R2xRplusRules:
    """R² ⋊ R⁺: grid on [−m, m], ln(s_b/s_a), smooth square masks, scale localisation, 1/s²."""

    group_type = Rplus
    spatial_extent_is_max_scale = True
    group_dimension = 1
    transposed_full_kernel = True
    separable_h_net_fan_in_kernel = True
    gseparable_h_net_fan_in_kernel = False
    square_slopes = {"lifting": 2.0, "full": 3.0, "factorised": 3.0}

    def group_coordinates(self, grid_H: Tensor, elements: Tensor) -> Tensor:
        group = self.group
        relative = group.left_action_on_H(group.inverse(elements), grid_H)
        return group.logarithmic_map(relative).unsqueeze(-1)

    def spatial_mask(self, transformed: Tensor, role: str) -> Tensor:
        return gF.distance_mask_smooth(transformed, 1.0, slope=self.square_slopes[role])

    def group_mask(self, coordinates: Tensor, num_out: int, role: str) -> Tensor:
        max_dist = self.group.log_max_scale / num_out
        return gF.group_distance_mask_smooth(coordinates[..., -1], max_dist, slope=10.0)

    def full_mask(self, transformed: Tensor, coordinates: Tensor):
        return None

    def inverse_det(self, elements: Tensor) -> Tensor:
        return 1 / self.group.determinant(elements)


class Sim2Rules:
    """R² ⋊ (SO(2) × R⁺): grid on [−m, m], (normalised angle difference, ln(s_b/s_a)), smooth
    disc masks, scale localisation, 1/det with det = s (kept from the original)."""

    group_type = SO2xRplus
    spatial_extent_is_max_scale = True
    group_dimension = 2
    transposed_full_kernel = True
    separable_h_net_fan_in_kernel = True
    gseparable_h_net_fan_in_kernel = True
    disc_slopes = {"lifting": 3.0, "factorised": 2.0}
    fix_sim2_mask = False

    def group_coordinates(self, grid_H: Tensor, elements: Tensor) -> Tensor:
        group = self.group
        relative = group.logarithmic_map(group.left_action_on_H(group.inverse(elements), grid_H))
        return group.normalize(relative)

    def spatial_mask(self, transformed: Tensor, role: str):
        if role == "full":  # replaced by full_mask (norm over all four coordinates)
            return None
        return gF.circular_mask_smooth(transformed, 1.0, slope=self.disc_slopes[role])

    def group_mask(self, coordinates: Tensor, num_out: int, role: str) -> Tensor:
        max_dist = self.group.Rplus.log_max_scale / num_out
        if role == "full":
            return gF.group_distance_mask_smooth(coordinates[..., 1], max_dist, slope=5.0)
        if self.fix_sim2_mask:
            log_scales = coordinates[..., 1]
        else:
            # Bug B2: the original reads [N_out, N_in, 2] through a [N_out, 2, N_in] view and
            # keeps the second row, mixing angle and scale entries of neighbouring pairs.
            log_scales = coordinates.reshape(coordinates.shape[0], 2, coordinates.shape[1])[:, 1]
        return gF.group_distance_mask_smooth(log_scales, max_dist, slope=10.0)

    def full_mask(self, transformed: Tensor, coordinates: Tensor) -> Tensor:
        """σ(3(1 − ‖z‖)), z = (q, angle, ln s) over all four coordinates (kept quirk):
        [N_out, N_in, k, k]."""
        n_out, n_in = coordinates.shape[:2]
        k = transformed.shape[-1]
        spatial = transformed.permute(0, 2, 3, 1)[:, None].expand(n_out, n_in, k, k, 2)
        group = coordinates[:, :, None, None, :].expand(n_out, n_in, k, k, 2)
        return gF.circular_mask_smooth(torch.cat((spatial, group), dim=-1), 1.0, 3.0, dim=-1)

    def inverse_det(self, elements: Tensor) -> Tensor:
        return 1 / self.group.determinant(elements)


# --------------------------------------------------------------------------------------------
# Roles: what depends on the factorisation.
# --------------------------------------------------------------------------------------------


class ContinuousKernel(GroupKernel):
    """A kernel made of SIREN kernel nets: holds their shared hyper-parameters and builds them
    with ``make_net``. Subclasses create their nets in ``build_nets`` (in the original's order,
    so the same seed gives the same initial weights)."""

    def __init__(
        self,
        group,
        kernel_size,
        in_channels,
        out_channels,
        ck_net_num_hidden,
        ck_net_hidden_size,
        ck_net_implementation,
        ck_net_first_omega_0,
        ck_net_omega_0,
        sampling_method,
        fix_unit_kernel_grid=False,
    ) -> None:
        super().__init__(
            group, kernel_size, in_channels, out_channels, sampling_method, fix_unit_kernel_grid
        )
        self.net_options = dict(
            hidden_features=ck_net_hidden_size,
            hidden_layers=ck_net_num_hidden,
            first_omega_0=ck_net_first_omega_0,
            hidden_omega_0=ck_net_omega_0,
            implementation=ck_net_implementation,
        )
        self.build_nets()

    def build_nets(self) -> None:
        raise NotImplementedError

    def make_net(self, in_features, in_channels, out_channels, kernel_size) -> CKNetLinear:
        """A ``CKNetLinear`` with this kernel's SIREN hyper-parameters."""
        return CKNetLinear(in_features, in_channels, out_channels, kernel_size, **self.net_options)


class LiftingKernelBase(ContinuousKernel):
    """Lifting kernel K[o, a, i, r, c] = cknet(h_a⁻¹·p(r, c))[o·C_in + i] · mask · 1/det(h_a).

    ``sample(sampled_group_elements [N(, d)])`` -> [C_out, N, C_in, k, k]; one ``cknet``
    (2 inputs) evaluated at N·k² points.
    """

    def build_nets(self) -> None:
        self.cknet = self.make_net(2, self.in_channels, self.out_channels, self.kernel_size)

    def sample(self, sampled_group_elements: Tensor) -> Tensor:
        transformed = self.transform_grid_R2(sampled_group_elements)
        n, k = transformed.shape[0], self.kernel_size
        values = self.cknet(self.net_coordinates(transformed).reshape(-1, 2))
        kernels = values.view(n, k, k, self.out_channels, self.in_channels).permute(3, 0, 4, 1, 2)
        kernels = kernels * self.spatial_mask(transformed, "lifting")[None, :, None]
        inv_det = self.inverse_det(sampled_group_elements)
        if inv_det is not None:
            kernels = kernels * inv_det[None, :, None, None, None]
        return kernels


class GroupKernelFull(ContinuousKernel):
    """Non-separable group kernel
    K[o, a, i, b, r, c] = cknet(h_a⁻¹·p(r, c), log(h_a⁻¹h_b))[o·C_in + i] · masks · 1/det(h_a).

    ``sample(grid_H [N_in(, d)], sampled_group_elements [N_out(, d)])`` ->
    [C_out, N_out, C_in, N_in, k, k]; one ``cknet`` (2 + d_H inputs) at N_out·N_in·k² points.
    """

    def __init__(self, *args, fix_sim2_axes: bool = False, **kwargs) -> None:
        self.fix_sim2_axes = fix_sim2_axes
        super().__init__(*args, **kwargs)

    def build_nets(self) -> None:
        self.cknet = self.make_net(
            2 + self.group_dimension, self.in_channels, self.out_channels, self.kernel_size
        )

    def sample(self, grid_H: Tensor, sampled_group_elements: Tensor) -> Tensor:
        transformed = self.transform_grid_R2(sampled_group_elements)
        coordinates = self.group_coordinates(grid_H, sampled_group_elements)
        n_out, n_in, d = coordinates.shape
        k = self.kernel_size
        transposed = self.transposed_full_kernel and not self.fix_sim2_axes
        spatial = self.net_coordinates(transformed, transposed)[:, None].expand(
            n_out, n_in, k, k, 2
        )
        group = coordinates[:, :, None, None, :].expand(n_out, n_in, k, k, d)
        values = self.cknet(torch.cat((spatial, group), dim=-1).reshape(-1, 2 + d))
        kernels = values.view(n_out, n_in, k, k, self.out_channels, self.in_channels)
        kernels = kernels.permute(4, 0, 5, 1, 2, 3)
        spatial_mask = self.spatial_mask(transformed, "full")
        if spatial_mask is not None:
            kernels = kernels * spatial_mask[None, :, None, None]
        full_mask = self.full_mask(transformed, coordinates)
        if full_mask is not None:
            kernels = kernels * full_mask[None, :, None]
        group_mask = self.group_mask(coordinates, n_out, "full")
        if group_mask is not None:
            kernels = kernels * group_mask[None, :, None, :, None, None]
        inv_det = self.inverse_det(sampled_group_elements)
        if inv_det is not None:
            kernels = kernels * inv_det[None, :, None, None, None, None]
        return kernels


class GroupKernelFactorised(ContinuousKernel):
    """Kernel separable over H: K = K_H[o, a, i, b] · K_R[o, a, i', r, c] with
    K_H = cknet_H(log(h_a⁻¹h_b)) · group mask and K_R = cknet_Rn(h_a⁻¹·p) · mask · 1/det(h_a).

    ``spatial_channels`` is 1 for "separable" (K_R shared by all inputs: separable over
    channels too) and C_in for "gseparable". ``sample(grid_H, sampled_group_elements)`` ->
    (K_H [C_out, N_out, C_in, N_in, 1, 1], K_R [C_out, N_out, spatial_channels, k, k]).
    """

    gseparable = False

    def __init__(self, *args, fix_sim2_mask: bool = False, **kwargs) -> None:
        self.fix_sim2_mask = fix_sim2_mask
        super().__init__(*args, **kwargs)

    def build_nets(self) -> None:
        fan_in_kernel = (
            self.gseparable_h_net_fan_in_kernel
            if self.gseparable
            else self.separable_h_net_fan_in_kernel
        )
        self.spatial_channels = self.in_channels if self.gseparable else 1
        k = self.kernel_size
        self.cknet_H = self.make_net(
            self.group_dimension, self.in_channels, self.out_channels, k if fan_in_kernel else 1
        )
        self.cknet_Rn = self.make_net(2, self.spatial_channels, self.out_channels, k)

    def sample(self, grid_H: Tensor, sampled_group_elements: Tensor) -> tuple[Tensor, Tensor]:
        transformed = self.transform_grid_R2(sampled_group_elements)
        coordinates = self.group_coordinates(grid_H, sampled_group_elements)
        n_out, n_in, d = coordinates.shape
        k = self.kernel_size
        kernels_H = self.cknet_H(coordinates.reshape(-1, d))
        kernels_H = kernels_H.view(n_out, n_in, self.out_channels, self.in_channels)
        kernels_H = kernels_H.permute(2, 0, 3, 1)[..., None, None]
        group_mask = self.group_mask(coordinates, n_out, "factorised")
        if group_mask is not None:
            kernels_H = kernels_H * group_mask[None, :, None, :, None, None]
        kernels_R = self.cknet_Rn(self.net_coordinates(transformed).reshape(-1, 2))
        kernels_R = kernels_R.view(n_out, k, k, self.out_channels, self.spatial_channels)
        kernels_R = kernels_R.permute(3, 0, 4, 1, 2)
        kernels_R = kernels_R * self.spatial_mask(transformed, "factorised")[None, :, None]
        inv_det = self.inverse_det(sampled_group_elements)
        if inv_det is not None:
            kernels_R = kernels_R * inv_det[None, :, None, None, None]
        return kernels_H, kernels_R


class GroupKernel2DBase(ContinuousKernel):
    """Sim(2) kernel separable over SO(2) and R⁺ (and the plane):
    K = K_SO2[o, g, i, r] · K_R+[o, t, i', s] · K_R[o, (g, t), i'', x] with
    K_SO2 = cknet_SO2(normalised θ_r − θ_g), K_R+ = cknet_Rplus(ln(s_s/s_t)) · σ(10(ln m/Ns_out −
    |ln(s_s/s_t)|)), K_R = cknet_Rn((θ_g, s_t)⁻¹·p) · σ(2(1 − ‖q‖)) / s_t².

    ``sample(grid_SO2, grid_Rplus, sampled_elem_SO2, sampled_elem_Rplus)`` -> (K_SO2
    [C_out, Nr_out, C_in, Nr_in, 1, 1], K_R+ [C_out, Ns_out, c, Ns_in, 1, 1], K_R
    [C_out, Nr_out·Ns_out, c, k, k]) with c = 1 ("separable+2d") or C_in ("gseparable+2d");
    output pairs are rotation-major.
    """

    group_type = SO2xRplus
    spatial_extent_is_max_scale = True
    gseparable = False

    def build_nets(self) -> None:
        self.factor_channels = self.in_channels if self.gseparable else 1
        c_in, c_out, c = self.in_channels, self.out_channels, self.factor_channels
        self.cknet_SO2 = self.make_net(1, c_in, c_out, 1)
        self.cknet_Rplus = self.make_net(1, c, c_out, 1)
        self.cknet_Rn = self.make_net(2, c, c_out, self.kernel_size)

    def sample(
        self,
        grid_SO2: Tensor,
        grid_Rplus: Tensor,
        sampled_elem_SO2: Tensor,
        sampled_elem_Rplus: Tensor,
    ) -> tuple[Tensor, Tensor, Tensor]:
        so2, rplus = self.group.SO2, self.group.Rplus
        angles = so2.normalize(
            so2.logarithmic_map(so2.left_action_on_H(so2.inverse(sampled_elem_SO2), grid_SO2))
        )
        log_scales = rplus.logarithmic_map(
            rplus.left_action_on_H(rplus.inverse(sampled_elem_Rplus), grid_Rplus)
        )
        pairs = self.group.pairs(sampled_elem_SO2, sampled_elem_Rplus)
        transformed = self.transform_grid_R2(pairs)
        nr_out, nr_in = angles.shape
        ns_out, ns_in = log_scales.shape
        c, k = self.factor_channels, self.kernel_size

        kernels_SO2 = self.cknet_SO2(angles.reshape(-1, 1))
        kernels_SO2 = kernels_SO2.view(nr_out, nr_in, self.out_channels, self.in_channels)
        kernels_SO2 = kernels_SO2.permute(2, 0, 3, 1)[..., None, None]

        kernels_Rplus = self.cknet_Rplus(log_scales.reshape(-1, 1))
        kernels_Rplus = kernels_Rplus.view(ns_out, ns_in, self.out_channels, c)
        kernels_Rplus = kernels_Rplus.permute(2, 0, 3, 1)[..., None, None]
        max_dist = rplus.log_max_scale / ns_out
        scale_mask = gF.group_distance_mask_smooth(log_scales, max_dist, slope=10.0)
        kernels_Rplus = kernels_Rplus * scale_mask[None, :, None, :, None, None]

        kernels_R = self.cknet_Rn(self.net_coordinates(transformed).reshape(-1, 2))
        kernels_R = kernels_R.view(nr_out * ns_out, k, k, self.out_channels, c)
        kernels_R = kernels_R.permute(3, 0, 4, 1, 2)
        kernels_R = kernels_R * gF.circular_mask_smooth(transformed, 1.0, 2.0)[None, :, None]
        inv_det = (1 / rplus.determinant(sampled_elem_Rplus)).repeat(nr_out)
        kernels_R = kernels_R * inv_det[None, :, None, None, None]
        return kernels_SO2, kernels_Rplus, kernels_R
