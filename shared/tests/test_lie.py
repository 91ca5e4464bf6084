"""Tests for paramlab.lie: group axioms, actions, representations and samplers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import stats

from paramlab.lie import GROUPS, R2, SE2, SO2, R2xRplus, Rplus, Sim2, SO2xRplus

ALL = [R2, SO2, Rplus, SO2xRplus, SE2, R2xRplus, Sim2]
SUBGROUPS = [SO2, Rplus, SO2xRplus]
IDS = [g.name for g in ALL]


def random_element(group, shape, gen, dtype=torch.float64):
    """Random elements with angles in [0, 2 pi) and scales in roughly [0.4, 2.7]."""

    def angle():
        return TWO_PI * torch.rand(shape, generator=gen, dtype=dtype)

    def scale():
        return torch.exp(torch.rand(shape, generator=gen, dtype=dtype) * 2 - 1)

    if group is R2:
        return torch.randn(*shape, 2, generator=gen, dtype=dtype)
    if group is SO2:
        return angle()
    if group is Rplus:
        return scale()
    if group is SO2xRplus:
        return torch.stack((angle(), scale()), dim=-1)
    t = torch.randn(*shape, 2, generator=gen, dtype=dtype)
    return group.join(t, random_element(group.H, shape, gen, dtype))


TWO_PI = 2 * math.pi


def rep_close(group, a, b, atol=1e-10):
    """Elements are equal iff their representation matrices are (angles compared mod 2 pi)."""
    torch.testing.assert_close(group.representation(a), group.representation(b), atol=atol, rtol=0)


def homogeneous(x):
    return torch.cat((x, torch.ones_like(x[..., :1])), dim=-1)


def apply_matrix(group, g, x):
    m = group.representation(g)
    if m.shape[-1] == 3:
        return (m @ homogeneous(x).unsqueeze(-1)).squeeze(-1)[..., :2]
    return (m @ x.unsqueeze(-1)).squeeze(-1)


@pytest.fixture
def gen():
    return torch.Generator().manual_seed(1234)


# ----------------------------------------------------------------------------- axioms


@pytest.mark.parametrize("group", ALL, ids=IDS)
def test_group_axioms(group, gen):
    a, b, c = (random_element(group, (64,), gen) for _ in range(3))
    e = group.identity((64,), dtype=torch.float64)
    # associativity
    rep_close(group, group.product(group.product(a, b), c), group.product(a, group.product(b, c)))
    # identity, both sides
    rep_close(group, group.product(e, a), a)
    rep_close(group, group.product(a, e), a)
    # inverse, both sides
    rep_close(group, group.product(a, group.inverse(a)), e)
    rep_close(group, group.product(group.inverse(a), a), e)
    # the identity matrix represents the identity element
    eye = torch.eye(group.representation(e).shape[-1], dtype=torch.float64)
    torch.testing.assert_close(group.representation(e), eye.expand_as(group.representation(e)))


ANGLE_INDEX = {SO2: None, SO2xRplus: 0, SE2: 2, Sim2: 2}


@pytest.mark.parametrize("group", list(ANGLE_INDEX), ids=lambda g: g.name)
def test_angle_conventions(group, gen):
    g = random_element(group, (50,), gen)
    h = random_element(group, (50,), gen)
    k = ANGLE_INDEX[group]

    def theta(x):
        return x if k is None else x[..., k]

    prod = theta(group.product(g, h))
    # product wraps into [0, 2 pi); inverse is -theta, not wrapped
    assert (prod >= 0).all() and (prod < TWO_PI).all()
    torch.testing.assert_close(theta(group.inverse(g)), -theta(g))


def test_rplus_product_clamp_option():
    s = torch.tensor([0.5, 2.0, 3.0])
    torch.testing.assert_close(Rplus.product(s, s), s * s)
    torch.testing.assert_close(Rplus.product(s, s, max_scale=3.0), torch.tensor([0.25, 3.0, 3.0]))


# ----------------------------------------------------------------------------- actions


@pytest.mark.parametrize("group", ALL, ids=IDS)
def test_action_is_a_homomorphism(group, gen):
    g = random_element(group, (40,), gen)
    h = random_element(group, (40,), gen)
    x = torch.randn(40, 2, generator=gen, dtype=torch.float64)
    lhs = group.act(group.product(g, h), x)
    rhs = group.act(g, group.act(h, x))
    torch.testing.assert_close(lhs, rhs, atol=1e-10, rtol=0)
    # identity acts trivially, inverse undoes
    torch.testing.assert_close(group.act(group.identity((40,), dtype=torch.float64), x), x)
    torch.testing.assert_close(group.act(group.inverse(g), group.act(g, x)), x)
    # broadcasting: one element acting on a batch of points
    pts = torch.randn(7, 3, 2, generator=gen, dtype=torch.float64)
    one = g[0]
    out = group.act(one, pts)
    assert out.shape == (7, 3, 2)
    torch.testing.assert_close(out[4, 2], group.act(one, pts[4, 2]))


@pytest.mark.parametrize("group", ALL, ids=IDS)
def test_representation_and_determinant(group, gen):
    g = random_element(group, (30,), gen)
    h = random_element(group, (30,), gen)
    x = torch.randn(30, 2, generator=gen, dtype=torch.float64)
    rep = group.representation(g)
    # the matrix acts like act(), is multiplicative, and its determinant is determinant()
    torch.testing.assert_close(apply_matrix(group, g, x), group.act(g, x))
    torch.testing.assert_close(
        group.representation(group.product(g, h)), rep @ group.representation(h)
    )
    torch.testing.assert_close(torch.linalg.det(rep), group.determinant(g))
    # and the determinant is the Jacobian of the action (finite area ratio of a triangle)
    tri = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    img = group.act(g.unsqueeze(1), tri)  # (30, 3, 2)
    u, v = img[:, 1] - img[:, 0], img[:, 2] - img[:, 0]
    area = u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0]
    torch.testing.assert_close(area, group.determinant(g))


def test_sim2_determinant_original_quirk(gen):
    for group in (SO2xRplus, Sim2):
        g = random_element(group, (10,), gen)
        s = g[..., -1]
        torch.testing.assert_close(group.determinant(g), s**2)
        torch.testing.assert_close(group.determinant(g, original=True), s)
    torch.testing.assert_close(
        R2xRplus.determinant(torch.tensor([[1.0, 2.0, 3.0]])), torch.tensor([9.0])
    )


@pytest.mark.parametrize("group", ALL, ids=IDS)
def test_act_on_grid_matches_pointwise_action(group, gen):
    g = random_element(group, (5,), gen)
    lin = torch.linspace(-1, 1, 3, dtype=torch.float64)
    grid = torch.stack(torch.meshgrid(lin, lin, indexing="ij"))  # (2, 3, 3)
    out = group.act_on_grid(g, grid)
    assert out.shape == (5, 2, 3, 3)
    pts = grid.permute(1, 2, 0)  # (3, 3, 2)
    expected = group.act(g.reshape(5, 1, 1, *g.shape[1:]), pts).permute(0, 3, 1, 2)
    torch.testing.assert_close(out, expected)


def test_act_on_grid_float32_bitwise_as_einsum_formulation():
    # spec: rotation matrices R(theta) (N, 2, 2) contracted with the [2, k, k] grid, then * s
    theta = SO2.discretise(8)
    s = Rplus.discretise(3, torch.tensor(1.74))
    lin = torch.linspace(-1, 1, 5)
    grid = torch.stack(torch.meshgrid(lin, lin, indexing="ij"))
    c, sn = torch.cos(theta), torch.sin(theta)
    rot = torch.stack((c, -sn, sn, c), dim=1).view(-1, 2, 2)
    expected_rot = torch.einsum("boi,ixy->boxy", rot, grid)
    assert torch.equal(SO2.act_on_grid(theta, grid), expected_rot)
    expected_scale = torch.einsum("oi,ijk->oijk", s.unsqueeze(-1).repeat(1, 2), grid)
    assert torch.equal(Rplus.act_on_grid(s, grid), expected_scale)
    pairs = torch.stack((theta[:3], s), dim=-1)
    rot3 = torch.einsum("boi,ixy->boxy", rot[:3], grid)
    expected_sim = s.unsqueeze(-1).repeat(1, 2)[:, :, None, None] * rot3
    assert torch.equal(SO2xRplus.act_on_grid(pairs, grid), expected_sim)


@pytest.mark.parametrize("group", SUBGROUPS, ids=lambda g: g.name)
def test_act_on_H_is_all_pairs_product(group, gen):
    g = random_element(group, (4,), gen)
    x = random_element(group, (6,), gen)
    out = group.act_on_H(g, x)
    assert out.shape == (4, 6, *g.shape[1:])
    for a in range(4):
        for b in range(6):
            torch.testing.assert_close(out[a, b], group.product(g[a], x[b]))
    # relative coordinates h_a^-1 h_b on the diagonal are the identity
    diag = group.act_on_H(group.inverse(g), g)[torch.arange(4), torch.arange(4)]
    rep_close(group, diag, group.identity((4,), dtype=torch.float64))


# ----------------------------------------------------------------------------- log / exp


@pytest.mark.parametrize("group", ALL, ids=IDS)
def test_log_exp_are_inverse(group, gen):
    g = random_element(group, (25,), gen)
    torch.testing.assert_close(group.exp(group.log(g)), g)
    v = group.log(g)
    torch.testing.assert_close(group.log(group.exp(v)), v)


def test_log_exp_parameterization():
    theta = torch.tensor([-0.5, 0.0, 7.0], dtype=torch.float64)
    torch.testing.assert_close(SO2.exp(theta), torch.remainder(theta, TWO_PI))
    s = torch.tensor([0.5, 1.0, 2.0], dtype=torch.float64)
    torch.testing.assert_close(Rplus.log(s), torch.log(s))
    pair = torch.stack((theta, s), dim=-1)
    torch.testing.assert_close(
        SO2xRplus.exp(SO2xRplus.log(pair)), torch.stack((SO2.exp(theta), s), -1)
    )
    # exp is 2 pi-periodic in the angle
    rep_close(SO2, SO2.exp(theta + 4 * math.pi), SO2.exp(theta))


def test_normalize():
    theta = SO2.discretise(8, dtype=torch.float64)
    z = SO2.normalize(theta)
    torch.testing.assert_close(z, theta / math.pi - 1)
    assert z[0] == -1.0 and (z >= -1).all() and (z < 1).all()
    log_pairs = SO2xRplus.log(SO2xRplus.discretise([4, 3], 2.0, dtype=torch.float64))
    zp = SO2xRplus.normalize(log_pairs)
    torch.testing.assert_close(zp[:, 0], log_pairs[:, 0] / math.pi - 1)
    torch.testing.assert_close(zp[:, 1], log_pairs[:, 1])


# ----------------------------------------------------------------------------- samplers


@pytest.mark.parametrize("n", [1, 4, 6, 8, 16])
def test_so2_discretise_grid_closed_under_generator(n):
    grid = SO2.discretise(n, dtype=torch.float64)
    torch.testing.assert_close(grid, TWO_PI * torch.arange(n, dtype=torch.float64) / n)
    for shift in (grid[1 % n], grid[-1]):
        rotated = SO2.product(grid, shift)
        # wrapped distance matrix: every rotated element hits exactly one grid element
        d = torch.remainder(rotated[:, None] - grid[None, :] + math.pi, TWO_PI) - math.pi
        hits = d.abs() < 1e-9
        assert torch.equal(hits.sum(0), torch.ones(n, dtype=torch.long))
        assert torch.equal(hits.sum(1), torch.ones(n, dtype=torch.long))


def test_rplus_discretise():
    s = Rplus.discretise(5, 3.0, dtype=torch.float64)
    np.testing.assert_allclose(s.numpy(), np.exp(np.linspace(0, np.log(3.0), 5)), rtol=1e-14)
    assert s[0] == 1.0
    ratios = s[1:] / s[:-1]
    torch.testing.assert_close(ratios, ratios[:1].expand_as(ratios))
    assert Rplus.discretise(1, 3.0).tolist() == [1.0]


def test_so2xrplus_discretise_layout():
    theta, s = SO2xRplus.discretise([16, 3], 1.74, separable=True, dtype=torch.float64)
    np.testing.assert_allclose(s.numpy(), np.exp(np.linspace(0, np.log(1.74), 3)), rtol=1e-14)
    pairs = SO2xRplus.discretise([16, 3], 1.74, dtype=torch.float64)
    assert pairs.shape == (48, 2)
    for r in (0, 5, 15):
        for t in range(3):
            assert pairs[r * 3 + t].tolist() == [theta[r].item(), s[t].item()]
    assert SO2xRplus.discretise(4, 2.0).shape == (16, 2)
    assert torch.equal(SO2xRplus.pairs(theta, s), pairs)


def test_so2xrplus_pairs_order():
    theta, s = torch.tensor([0.0, 1.0, 2.0]), torch.tensor([1.0, 1.5])
    expected = [[0.0, 1.0], [0.0, 1.5], [1.0, 1.0], [1.0, 1.5], [2.0, 1.0], [2.0, 1.5]]
    assert SO2xRplus.pairs(theta, s).tolist() == expected
    assert SO2xRplus.pairs(theta[:1], s[:1]).shape == (1, 2)


def test_so2_uniform_is_grid_plus_one_random_phase():
    n = 8
    gen = torch.Generator().manual_seed(7)
    theta = SO2.uniform(n, dtype=torch.float64, generator=gen)
    u = torch.rand(1, generator=torch.Generator().manual_seed(7)).double()
    offset = u * TWO_PI * (n - 1) / n**2
    torch.testing.assert_close(
        theta, torch.remainder(SO2.discretise(n, torch.float64) + offset, TWO_PI)
    )
    # float32 with the global RNG: bit for bit the spec's formula, evaluated left to right
    torch.manual_seed(11)
    ours = SO2.uniform(n)
    torch.manual_seed(11)
    grid = torch.linspace(0, TWO_PI * (n - 1) / n, n)
    spec = torch.remainder(grid + torch.rand(1) * 2 * math.pi * float(n - 1) / float(n**2), TWO_PI)
    assert ours.dtype == torch.float32 and torch.equal(ours, spec)
    # exactly one draw of the global RNG per call
    torch.manual_seed(3)
    SO2.uniform(n)
    after = torch.rand(1)
    torch.manual_seed(3)
    torch.rand(1)
    assert torch.equal(after, torch.rand(1))
    # the phase varies between calls
    assert not torch.equal(SO2.uniform(n, generator=gen), SO2.uniform(n, generator=gen))


def _pooled(sampler, calls):
    return torch.cat([sampler() for _ in range(calls)]).double().numpy()


@pytest.mark.parametrize("exact_haar", [False, True])
def test_so2_uniform_haar_invariance_ks(exact_haar):
    n, calls, shift = 8, 300, 0.3
    gen = torch.Generator().manual_seed(0)

    def uniform():
        return SO2.uniform(n, dtype=torch.float64, generator=gen, exact_haar=exact_haar)

    def translate(samples):
        return np.mod(samples + shift, TWO_PI)

    base = _pooled(uniform, calls)
    moved = translate(_pooled(uniform, calls))
    assert stats.ks_2samp(base, moved).pvalue > 1e-3
    # power of the same test: the fixed grid (no random offset) is not Haar-invariant
    fixed = _pooled(lambda: SO2.discretise(n, torch.float64), calls)
    assert stats.ks_2samp(fixed, translate(fixed)).pvalue < 1e-6
    # a sample at a random index of each call is uniform on [0, 2 pi)
    pick = torch.randint(0, n, (calls,), generator=gen)
    single = np.array([uniform()[k].item() for k in pick.tolist()])
    assert stats.kstest(single / TWO_PI, "uniform").pvalue > 1e-3


def test_so2_uniform_exact_haar_fills_whole_step():
    n, calls = 4, 400
    gen = torch.Generator().manual_seed(1)
    first = [
        SO2.uniform(n, generator=gen, exact_haar=True, dtype=torch.float64)[0] for _ in range(calls)
    ]
    first_orig = [SO2.uniform(n, generator=gen, dtype=torch.float64)[0] for _ in range(calls)]
    step = TWO_PI / n
    # the original phase covers (N - 1) / N of a step; the exact one the whole step
    assert max(first_orig) < step * (n - 1) / n
    assert stats.kstest(np.array(first) / step, "uniform").pvalue > 1e-3


def test_rplus_uniform_haar_on_log_circle():
    n, m, calls = 6, 2.5, 300
    gen = torch.Generator().manual_seed(2)
    log_m = math.log(m)

    def uniform():
        return Rplus.uniform(n, m, dtype=torch.float64, generator=gen)

    one = uniform()
    assert (one >= 1).all() and (one < m).all() and len(set(one.tolist())) == n
    # translating ln s by a fixed amount on the circle [0, ln m) leaves the law unchanged
    base = np.log(_pooled(uniform, calls))
    moved = np.mod(np.log(_pooled(uniform, calls)) + 0.37 * log_m, log_m)
    assert stats.ks_2samp(base, moved).pvalue > 1e-3
    fixed = np.log(_pooled(lambda: Rplus.discretise(n, m, dtype=torch.float64), calls))
    assert stats.ks_2samp(fixed, np.mod(fixed + 0.37 * log_m, log_m)).pvalue < 1e-6


def test_rplus_uniform_original_wrap_quirk():
    n, m = 4, 1.74
    gen = torch.Generator().manual_seed(5)
    s = Rplus.uniform(n, m, dtype=torch.float64, generator=gen, original_wrap=True)
    u = torch.rand(1, generator=torch.Generator().manual_seed(5)).double()
    grid = torch.linspace(0, math.log(m), n, dtype=torch.float64)
    # modulo m (not ln m): never wraps, so the top scale exceeds m whenever u > 0
    torch.testing.assert_close(s, torch.exp(grid + u * math.log(m) / n))
    assert s[-1] > m


def test_so2xrplus_uniform_discretises_scales():
    gen = torch.Generator().manual_seed(4)
    theta, s = SO2xRplus.uniform([8, 3], 1.74, separable=True, generator=gen)
    torch.testing.assert_close(s, Rplus.discretise(3, 1.74))
    gen = torch.Generator().manual_seed(4)
    torch.testing.assert_close(theta, SO2.uniform(8, generator=gen))
    pairs = SO2xRplus.uniform(4, 2.0, generator=gen)
    assert pairs.shape == (16, 2)


def test_original_max_scale_as_float32_tensor():
    # ck_g_cnn keeps max_scale as a float32 tensor; passing one uses ln(float32(m))
    s = Rplus.discretise(3, torch.tensor(1.74))
    expected = torch.exp(torch.linspace(0, math.log(torch.tensor(1.74).item()), 3))
    assert torch.equal(s, expected)


def test_sampler_validation():
    with pytest.raises(ValueError, match="num_elements=0"):
        SO2.discretise(0)
    with pytest.raises(ValueError, match="max_scale=0.5"):
        Rplus.discretise(3, 0.5)
    with pytest.raises(ValueError, match=r"num_elements\[1\]=0"):
        SO2xRplus.discretise([2, 0], 2.0)


# ----------------------------------------------------------------------------- dtype / device


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("group", ALL, ids=IDS)
def test_dtype_follows_inputs(group, dtype, gen):
    g = random_element(group, (3,), gen, dtype=dtype)
    x = torch.randn(3, 2, generator=gen, dtype=torch.float64).to(dtype)
    for out in (
        group.product(g, g),
        group.inverse(g),
        group.act(g, x),
        group.representation(g),
        group.determinant(g),
        group.log(g),
        group.exp(group.log(g)),
        group.identity((2,), dtype=dtype),
    ):
        assert out.dtype == dtype and out.device == g.device


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_sampler_dtype(dtype):
    assert SO2.discretise(4).dtype == torch.get_default_dtype()
    for out in (
        SO2.discretise(4, dtype=dtype),
        SO2.uniform(4, dtype=dtype),
        Rplus.discretise(4, 2.0, dtype=dtype),
        Rplus.uniform(4, 2.0, dtype=dtype),
        Rplus.uniform(4, 2.0, dtype=dtype, original_wrap=True),
        SO2xRplus.uniform(4, 2.0, dtype=dtype),
    ):
        assert out.dtype == dtype


def test_registry():
    assert set(GROUPS) == {"R2", "SO2", "Rplus", "SO2xRplus", "SE2", "R2xRplus", "Sim2"}
    assert all(GROUPS[name].name == name for name in GROUPS)
