"""Shared fixtures: an independent reference of the original CK-G-CNN computation.

The reference is written from the specification's formulas (paper Eqs. and the original's
conventions), not from the library: kernel pixel (r, c) is sampled at p(r, c) = (lin[c], lin[r])
(transposed for the original's non-separable R2xRplus/Sim2 kernels), acted on by h_a⁻¹, fed to
a SIREN read from state-dict tensors by the original's key names, masked, divided by det, and the
full kernel K[o, a, i, b, r, c] is applied with one dense conv2d. The original's swapped
(input grid, output elements) argument order of the non-2D group convs is reproduced when
``quirk=True``.
"""

import math
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F

PACKAGE_DIR = Path(__file__).resolve().parents[1]
if str(PACKAGE_DIR) not in sys.path:
    sys.path.insert(0, str(PACKAGE_DIR))

TWO_PI = 2 * math.pi
OMEGA_FIRST, OMEGA = 10.0, 10.0


def siren(sd, prefix, z, hidden_layers=1, first=OMEGA_FIRST, omega=OMEGA):
    """net(z) = final_linear(sin(ω(W_L … sin(ω0(W_0 z + b_0)) …))) from state-dict tensors."""
    h = z
    for layer in range(hidden_layers + 1):
        w = sd[f"{prefix}.net.net.{layer}.linear.weight"]
        b = sd[f"{prefix}.net.net.{layer}.linear.bias"]
        h = torch.sin((first if layer == 0 else omega) * (h @ w.T + b))
    return h @ sd[f"{prefix}.final_linear.weight"].T + sd[f"{prefix}.final_linear.bias"]


def points(k, extent, transposed=False, fix_unit=False):
    """[k, k, 2] with P[r, c] = (lin[c], lin[r]) (or (lin[r], lin[c]) when transposed)."""
    if k == 1:
        value = 0.0 if (extent == 1.0 or fix_unit) else -extent
        return torch.full((1, 1, 2), value)
    lin = torch.linspace(-extent, extent, k)
    rows, cols = lin[:, None].expand(k, k), lin[None, :].expand(k, k)
    if transposed:
        return torch.stack((rows, cols), dim=-1)
    return torch.stack((cols, rows), dim=-1)


def act_inverse(group, elements, P):
    """q_a = h_a⁻¹ P: [N, k, k, 2]. SE2 R(−θ)p; R2xRplus p/s; Sim2 R(−θ)p/s."""
    if group == "R2xRplus":
        return P[None] / elements[:, None, None, None]
    theta = elements if group == "SE2" else elements[:, 0]
    c, s = torch.cos(theta)[:, None, None], torch.sin(theta)[:, None, None]
    x, y = P[..., 0][None], P[..., 1][None]
    q = torch.stack((c * x + s * y, -s * x + c * y), dim=-1)
    if group == "Sim2":
        q = q / elements[:, 1, None, None, None]
    return q


def relative(group, out_elems, in_elems):
    """log(h_a⁻¹ h_b) as fed to the nets: [N_out, N_in, d_H]."""
    if group == "R2xRplus":
        return torch.log(in_elems[None, :] / out_elems[:, None])[..., None]
    if group == "SE2":
        return (torch.remainder(in_elems[None] - out_elems[:, None], TWO_PI) / math.pi - 1)[
            ..., None
        ]
    angle = torch.remainder(in_elems[None, :, 0] - out_elems[:, None, 0], TWO_PI) / math.pi - 1
    log_scale = torch.log(in_elems[None, :, 1] / out_elems[:, None, 1])
    return torch.stack((angle, log_scale), dim=-1)


def inverse_det(group, elements):
    if group == "SE2":
        return torch.ones(elements.shape[0])
    if group == "R2xRplus":
        return 1 / elements**2
    return 1 / elements[:, 1]


def lifting_kernel(group, sd, prefix, elements, k, c_in, c_out, m=1.74, fix_unit=False):
    """K_L [C_out, N, C_in, k, k]."""
    extent = 1.0 if group == "SE2" else m
    q = act_inverse(group, elements, points(k, extent, fix_unit=fix_unit))
    values = siren(sd, f"{prefix}.cknet", q).view(*q.shape[:3], c_out, c_in)
    radius = q.norm(dim=-1)
    if group == "SE2":
        mask = (radius <= 1).float()
    elif group == "R2xRplus":
        mask = torch.sigmoid(2 * (1 - q.abs().amax(-1)))
    else:
        mask = torch.sigmoid(3 * (1 - radius))
    values = values * (mask * inverse_det(group, elements)[:, None, None])[..., None, None]
    return values.permute(3, 0, 4, 1, 2)


def full_kernel(group, sd, prefix, out_e, in_e, k, c_in, c_out, m, fixes):
    """Non-separable K [C_out, N_out, C_in, N_in, k, k] (C_in may be 1 for dseparable)."""
    extent = 1.0 if group == "SE2" else m
    transposed = group != "SE2" and not fixes.get("fix_sim2_axes", False)
    P = points(k, extent, transposed, fixes.get("fix_unit_kernel_grid", False))
    q = act_inverse(group, out_e, P)  # [No, k, k, 2]
    h = relative(group, out_e, in_e)  # [No, Ni, d]
    no, ni, d = h.shape
    z = torch.cat(
        (q[:, None].expand(no, ni, k, k, 2), h[:, :, None, None].expand(no, ni, k, k, d)), -1
    )
    values = siren(sd, f"{prefix}.cknet", z).view(no, ni, k, k, c_out, c_in)
    if group == "SE2":
        mask = (q.norm(dim=-1) <= 1).float()[:, None]
    elif group == "R2xRplus":
        mask = torch.sigmoid(3 * (1 - q.abs().amax(-1)))[:, None]
        mask = mask * torch.sigmoid(10 * (math.log(m) / no - h[..., 0].abs()))[..., None, None]
    else:
        mask = torch.sigmoid(3 * (1 - z.norm(dim=-1)))
        mask = mask * torch.sigmoid(5 * (math.log(m) / no - h[..., 1].abs()))[..., None, None]
    mask = mask * inverse_det(group, out_e)[:, None, None, None]
    return (values * mask[..., None, None]).permute(4, 0, 5, 1, 2, 3)


def factorised_kernels(group, sd, prefix, out_e, in_e, k, c_in, c_out, spatial_c, m, fixes):
    """(K_H [C_out, N_out, C_in, N_in], K_R [C_out, N_out, spatial_c, k, k])."""
    extent = 1.0 if group == "SE2" else m
    P = points(k, extent, fix_unit=fixes.get("fix_unit_kernel_grid", False))
    q = act_inverse(group, out_e, P)
    h = relative(group, out_e, in_e)
    no, ni, d = h.shape
    k_h = siren(sd, f"{prefix}.cknet_H", h).view(no, ni, c_out, c_in)
    if group == "R2xRplus":
        k_h = k_h * torch.sigmoid(10 * (math.log(m) / no - h[..., 0].abs()))[..., None, None]
    elif group == "Sim2":
        if fixes.get("fix_sim2_mask", False):
            v = h[..., 1]
        else:  # the original's mis-shaped view: entry N_in + j of the flattened pair list
            flat = h.reshape(no, ni * 2)
            v = flat[:, ni : 2 * ni]
        k_h = k_h * torch.sigmoid(10 * (math.log(m) / no - v.abs()))[..., None, None]
    k_r = siren(sd, f"{prefix}.cknet_Rn", q).view(no, k, k, c_out, spatial_c)
    if group == "SE2":
        mask = (q.norm(dim=-1) <= 1).float()
    elif group == "R2xRplus":
        mask = torch.sigmoid(3 * (1 - q.abs().amax(-1)))
    else:
        mask = torch.sigmoid(2 * (1 - q.norm(dim=-1)))
    k_r = k_r * (mask * inverse_det(group, out_e)[:, None, None])[..., None, None]
    return k_h.permute(2, 0, 3, 1), k_r.permute(3, 0, 4, 1, 2)


def group_conv(
    impl, group, sd, x, grid_in, out_elems, k, c_in, c_out, padding, m=1.74, quirk=True, fixes=None
):
    """y [B, C_out, N_out, H', W'] of one group conv from the full kernel and one conv2d."""
    fixes = fixes or {}
    kernel_out, kernel_in = (grid_in, out_elems) if quirk else (out_elems, grid_in)
    if impl in ("nonseparable", "dseparable"):
        kernel = full_kernel(
            group,
            sd,
            "kernel",
            kernel_out,
            kernel_in,
            k,
            1 if impl == "dseparable" else c_in,
            c_out,
            m,
            fixes,
        )
        if impl == "dseparable":
            kernel = sd["depthwise_projection.weight"].T[:, None, :, None, None, None] * kernel
    else:
        spatial_c = c_in if impl == "gseparable" else 1
        k_h, k_r = factorised_kernels(
            group,
            sd,
            "kernel",
            kernel_out,
            kernel_in,
            k,
            1 if impl == "dgseparable" else c_in,
            c_out,
            spatial_c,
            m,
            fixes,
        )
        if impl == "gseparable":
            kernel = k_h[..., None, None] * k_r[:, :, :, None]
        else:
            kernel = k_h[..., None, None] * k_r[:, :, :, None]
            if impl == "dgseparable":
                kernel = sd["depthwise_projection.weight"].T[:, None, :, None, None, None] * kernel
            else:
                kernel = kernel.expand(-1, -1, c_in, -1, -1, -1)
    n_out, n_in = out_elems.shape[0], grid_in.shape[0]
    weight = kernel.reshape(c_out * n_out, c_in * n_in, k, k)
    y = F.conv2d(x.flatten(1, 2), weight, padding=k // 2 if padding else 0)
    return y.view(x.shape[0], c_out, n_out, *y.shape[-2:])


def group_conv_2d(impl, sd, x, grid_in, out_elems, k, c_in, c_out, padding, m=1.74, fixes=None):
    """The Sim(2) ``+2d`` convs from their full product kernel."""
    fixes = fixes or {}
    (th_in, s_in), (th_out, s_out) = grid_in, out_elems
    c = c_in if impl == "gseparable+2d" else 1
    ang = torch.remainder(th_in[None] - th_out[:, None], TWO_PI) / math.pi - 1
    lsc = torch.log(s_in[None] / s_out[:, None])
    k_so2 = siren(sd, "kernel.cknet_SO2", ang[..., None]).view(*ang.shape, c_out, c_in)
    k_rp = siren(sd, "kernel.cknet_Rplus", lsc[..., None]).view(*lsc.shape, c_out, c)
    k_rp = k_rp * torch.sigmoid(10 * (math.log(m) / len(s_out) - lsc.abs()))[..., None, None]
    pairs = torch.stack(torch.meshgrid(th_out, s_out, indexing="ij"), -1).reshape(-1, 2)
    P = points(k, m, fix_unit=fixes.get("fix_unit_kernel_grid", False))
    q = act_inverse("Sim2", pairs, P)
    k_r = siren(sd, "kernel.cknet_Rn", q).view(len(pairs), k, k, c_out, c)
    k_r = (
        k_r
        * (torch.sigmoid(2 * (1 - q.norm(dim=-1))) / pairs[:, 1, None, None] ** 2)[..., None, None]
    )
    nr_o, nr_i, ns_o, ns_i = len(th_out), len(th_in), len(s_out), len(s_in)
    # K[o, g, t, i, r, s, x, y] = K_SO2[g, r, o, i] K_R+[t, s, o, i|0] K_R[(g, t), x, y, o, i|0]
    a = k_so2.permute(2, 0, 3, 1)[:, :, None, :, :, None, None, None]
    b = k_rp.permute(2, 0, 3, 1)[:, None, :, :, None, :, None, None]
    kr = k_r.view(nr_o, ns_o, k, k, c_out, c).permute(4, 0, 1, 5, 2, 3)[:, :, :, :, None, None]
    kernel = a * b * kr
    weight = kernel.reshape(c_out * nr_o * ns_o, c_in * nr_i * ns_i, k, k)
    y = F.conv2d(x.flatten(1, 2), weight, padding=k // 2 if padding else 0)
    return y.view(x.shape[0], c_out, nr_o * ns_o, *y.shape[-2:])


def batchnorm_eval(sd, prefix, x):
    shape = (1, -1) + (1,) * (x.dim() - 2)
    mean, var = sd[f"{prefix}.running_mean"].view(shape), sd[f"{prefix}.running_var"].view(shape)
    w, b = sd[f"{prefix}.weight"].view(shape), sd[f"{prefix}.bias"].view(shape)
    return (x - mean) / torch.sqrt(var + 1e-5) * w + b


def ck_params(d, m, width, layers=1):
    """Parameters of one kernel net: (d+1)h + L(h+1)h + (h+1)M."""
    return (d + 1) * width + layers * (width + 1) * width + (width + 1) * m


def conv_params(impl, group, c_in, c_out, width, layers=1):
    """Spec §7.4: parameters of one group conv."""
    d_h = 2 if group == "Sim2" else 1
    ck = lambda d, m: ck_params(d, m, width, layers)  # noqa: E731
    return {
        "nonseparable": ck(2 + d_h, c_in * c_out),
        "separable": ck(d_h, c_in * c_out) + ck(2, c_out),
        "gseparable": ck(d_h, c_in * c_out) + ck(2, c_in * c_out),
        "dseparable": ck(2 + d_h, c_out) + c_in * c_out,
        "dgseparable": ck(d_h, c_out) + ck(2, c_out) + c_in * c_out,
        "separable+2d": ck(1, c_in * c_out) + ck(1, c_out) + ck(2, c_out),
        "gseparable+2d": 2 * ck(1, c_in * c_out) + ck(2, c_in * c_out),
    }[impl]


@pytest.fixture(scope="session")
def ref():
    """The reference functions as a namespace."""
    return SimpleNamespace(
        siren=siren,
        points=points,
        lifting_kernel=lifting_kernel,
        full_kernel=full_kernel,
        factorised_kernels=factorised_kernels,
        group_conv=group_conv,
        group_conv_2d=group_conv_2d,
        batchnorm_eval=batchnorm_eval,
        ck_params=ck_params,
        conv_params=conv_params,
    )


def make_group(name, max_scale=1.74):
    from ck_g_cnn.groups import SE2, Rplus, Sim2

    if name == "SE2":
        return SE2()
    if name == "R2xRplus":
        return Rplus(max_scale)
    return Sim2(max_scale)


def tiny_resnet(group_name, implementation, num_group_elem, sampling_method="discretise", **kw):
    """Spec §17's tiny ckgresnet: hidden [4, 4, 8], kernel 5, SIREN 1×16, ω 10."""
    from ck_g_cnn.nn import CKGResNet

    args = dict(
        group=make_group(group_name),
        in_channels=1,
        out_channels=10,
        spatial_in_size=28,
        implementation=implementation,
        num_group_elem=num_group_elem,
        kernel_size=5,
        bias=False,
        padding=True,
        hidden_sizes=[4, 4, 8],
        ck_net_num_hidden=1,
        ck_net_hidden_size=16,
        ck_net_implementation="SIREN",
        ck_net_first_omega_0=OMEGA_FIRST,
        ck_net_omega_0=OMEGA,
        stride=1,
        dropout=0,
        sampling_method=sampling_method,
        pooling=True,
        normalisation="batchnorm",
        widen_factor=1,
    )
    args.update(kw)
    return CKGResNet(**args)


@pytest.fixture(scope="session")
def build():
    return SimpleNamespace(group=make_group, tiny_resnet=tiny_resnet)
