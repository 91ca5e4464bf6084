"""The fast paths of the piecewise and polynomial expansions (spec §3.5–3.6, §5.1, §15).

``scatter_segments`` writes the n basis values of each input into the node slots of its own
segment (one scatter per basis function, a gather per basis function backward); the
expansions and fully connected layers built on it are compared with the reference
transcription of the original in float64: values, gradients and second derivatives (AdaHessian
back-propagates with ``create_graph=True``).
"""

from __future__ import annotations

import pytest
import torch
from high_order_layers_torch.FunctionalConvolution import Expansion1d, Expansion2d
from high_order_layers_torch.LagrangePolynomial import (
    FourierBasis,
    LagrangeBasis,
    LagrangeBasis1,
    LagrangeExpand,
    PiecewiseDiscontinuousPolynomialExpand,
    PiecewisePolynomialExpand,
    scatter_segments,
)
from high_order_layers_torch.layers import high_order_convolution_layers, high_order_fc_layers

from paramlab.testing import assert_close_scaled

# Segment boundaries of 2, 3 and 4 segments, ±1 and points outside [−1, 1].
POINTS = [-1.4, -1.0, -0.5, -1 / 3, 0.0, 1 / 3, 0.25, 0.5, 0.77, 1.0, 1.6]


def _inputs(*shape: int, dtype=torch.float64) -> torch.Tensor:
    gen = torch.Generator().manual_seed(7)
    x = torch.rand(*shape, generator=gen, dtype=dtype) * 3 - 1.5
    x.view(-1)[: len(POINTS)] = torch.tensor(POINTS, dtype=dtype)
    return x


def _nodes64(n: int) -> torch.Tensor:
    """Chebyshev–Lobatto nodes in float64 (the reference's ``cheb`` is the original's float32)."""
    if n == 1:
        return torch.zeros(1, dtype=torch.float64)
    return -torch.cos(torch.pi * torch.arange(n, dtype=torch.float64) / (n - 1))


def _segment64(x: torch.Tensor, segments: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The segment map of spec §3.5 with the bounds in x's dtype (the reference's ``segment``
    divides an int64 index, which gives float32 bounds)."""
    index = (((x + 1) / 2) * segments).long().clamp(0, segments - 1)
    s = index.to(x.dtype)
    low, high = (s / segments) * 2 - 1, ((s + 1) / segments) * 2 - 1
    return index, 2 * ((x - low) / (high - low)) - 1


def _reference_slots(ref, x, kind, n, segments):
    """x (*S) -> (*S, V): the original's expansion, Lagrange values by the product formula on
    float64 nodes, slot v = φ_j wherever start + j = v."""
    if kind == "polynomial":
        values, start, variables = ref.lagrange(x, _nodes64(n)), torch.zeros_like(x).long(), n
    else:
        per = n - 1 if kind == "continuous" else n
        index, xi = _segment64(x, segments)
        values, start = ref.lagrange(xi, _nodes64(n)), index * per
        variables = per * segments + (1 if kind == "continuous" else 0)
    slots = [torch.zeros_like(x) for _ in range(variables)]
    for v in range(variables):
        for j in range(n):
            slots[v] = torch.where(start + j == v, values[..., j], slots[v])
    return torch.stack(slots, -1)


def _slots_by_comparison(values, index, segments, per, dim):
    """Reference: slot v = φ_j wherever index·p + j = v, compared slot by slot."""
    n = len(values)
    slots = []
    for v in range(per * (segments - 1) + n):
        slot = torch.zeros_like(values[0])
        for j in range(n):
            slot = torch.where(index * per + j == v, values[j], slot)
        slots.append(slot)
    return torch.stack(slots, dim)


def _derivatives(fn, inputs, upstream, direction):
    """First derivatives of <fn(*inputs), upstream> and the derivative of <first, direction>
    with respect to every input (the Hessian-vector products AdaHessian needs)."""
    out = fn(*inputs)
    first = torch.autograd.grad(out, inputs, upstream, create_graph=True)
    flat = sum((g * d).sum() for g, d in zip(first, direction, strict=True))
    if not flat.requires_grad:  # linear in every input
        return out, first, [torch.zeros_like(t) for t in inputs]
    second = torch.autograd.grad(flat, inputs, allow_unused=True, materialize_grads=True)
    return out, first, second


def _assert_same_derivatives(fn, reference, inputs, seed=0):
    gen = torch.Generator().manual_seed(seed)
    inputs = [t.detach().clone().requires_grad_(True) for t in inputs]
    upstream = torch.randn(reference(*inputs).shape, dtype=torch.float64, generator=gen)
    direction = [torch.randn(t.shape, dtype=torch.float64, generator=gen) for t in inputs]
    got = _derivatives(fn, inputs, upstream, direction)
    want = _derivatives(reference, inputs, upstream, direction)
    assert_close_scaled(got[0], want[0], rtol=1e-12, msg="values")
    for name, part, expected in (("grad", got[1], want[1]), ("hvp", got[2], want[2])):
        for g, w in zip(part, expected, strict=True):
            assert_close_scaled(g, w, rtol=1e-10, msg=name)


@pytest.mark.parametrize("n", [1, 2, 3, 5])
@pytest.mark.parametrize("segments", [1, 2, 4])
@pytest.mark.parametrize("continuous", [True, False])
@pytest.mark.parametrize("dim", [0, 2, -1])
def test_scatter_segments_equals_the_slot_comparison(n, segments, continuous, dim):
    per = n - 1 if continuous else n
    gen = torch.Generator().manual_seed(n * 10 + segments)
    values = [torch.randn(4, 3, 5, dtype=torch.float64, generator=gen) for _ in range(n)]
    index = torch.randint(0, segments, (4, 3, 5), generator=gen)
    out = scatter_segments(values, index, segments, per, dim)
    if per == 0:  # n = 1, continuous: the one node every segment shares
        assert torch.equal(out, values[0].unsqueeze(dim))
        return
    assert out.shape[dim] == per * (segments - 1) + n
    assert torch.equal(out, _slots_by_comparison(values, index, segments, per, dim))
    _assert_same_derivatives(
        lambda *v: scatter_segments(v, index, segments, per, dim),
        lambda *v: _slots_by_comparison(v, index, segments, per, dim),
        values,
    )


@pytest.mark.parametrize("continuous", [True, False])
def test_scatter_segments_gradcheck_and_gradgradcheck(continuous):
    n, segments = 3, 3
    per = n - 1 if continuous else n
    gen = torch.Generator().manual_seed(1)
    values = [torch.randn(2, 5, dtype=torch.float64, generator=gen) for _ in range(n)]
    index = torch.randint(0, segments, (2, 5), generator=gen)
    values = [v.requires_grad_(True) for v in values]

    def fn(*v):
        return scatter_segments(v, index, segments, per, dim=1)

    assert torch.autograd.gradcheck(fn, values)
    assert torch.autograd.gradgradcheck(fn, values)


EXPANDERS = [
    (lambda: PiecewisePolynomialExpand(3, 2), "continuous", 3, 2),
    (lambda: PiecewisePolynomialExpand(4, 3), "continuous", 4, 3),
    (lambda: PiecewisePolynomialExpand(2, 4), "continuous", 2, 4),
    (lambda: PiecewiseDiscontinuousPolynomialExpand(3, 2), "discontinuous", 3, 2),
    (lambda: PiecewiseDiscontinuousPolynomialExpand(5, 3), "discontinuous", 5, 3),
    (lambda: LagrangeExpand(3), "polynomial", 3, 1),
    (lambda: LagrangeExpand(6), "polynomial", 6, 1),
]


@pytest.mark.parametrize("make, kind, n, segments", EXPANDERS)
@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (2, 3, 7)])
def test_expansions_and_two_derivatives_equal_the_reference(ref, make, kind, n, segments, shape):
    """2-d (channels-last) and 1-d expansions [B, C·V, *spatial] against the original's
    formulas in float64, with inputs on segment boundaries, at ±1 and outside [−1, 1]."""
    expansion = (Expansion2d if len(shape) == 4 else Expansion1d)(make())
    x = _inputs(*shape)
    if len(shape) == 4:
        assert expansion(x).is_contiguous(memory_format=torch.channels_last)

    def reference(t):
        return _reference_slots(ref, t, kind, n, segments).movedim(-1, 2).flatten(1, 2)

    _assert_same_derivatives(expansion, reference, [x])


@pytest.mark.parametrize("make, kind, n, segments", EXPANDERS[:5])
def test_piecewise_expansion_in_the_original_layout(ref, make, kind, n, segments):
    """expander(x) -> [V, *S]: the reference's slots moved to the front."""
    _assert_same_derivatives(
        make(),
        lambda t: _reference_slots(ref, t, kind, n, segments).movedim(-1, 0),
        [_inputs(2, 9)],
    )


def test_segment_boundaries_give_exact_one_hot_slots():
    """At a segment boundary the local coordinate is a node (±1), so the expansion is exactly
    one node slot set to 1 (float32 and float64)."""
    for dtype in (torch.float32, torch.float64):
        x = torch.tensor([-1.0, 0.0, 1.0], dtype=dtype)
        out = PiecewisePolynomialExpand(3, 2)(x)  # [V, 3]
        expected = torch.zeros(5, 3, dtype=dtype)
        expected[0, 0] = expected[2, 1] = expected[4, 2] = 1.0
        assert torch.equal(out, expected)


@pytest.mark.parametrize(
    "layer_type, kind, n, segments",
    [
        ("continuous", "continuous", 3, 2),
        ("continuous", "continuous", 5, 4),
        ("discontinuous", "discontinuous", 4, 3),
        ("continuous_prod", "continuous", 3, 2),
    ],
)
def test_piecewise_fc_values_gradients_and_hvp_equal_the_original(
    ref, layer_type, kind, n, segments
):
    torch.manual_seed(0)
    layer = high_order_fc_layers(
        layer_type, n=n, in_features=4, out_features=3, segments=segments
    ).double()
    with torch.no_grad():
        layer.w.normal_()
    x = _inputs(7, 4)
    prod = layer_type.endswith("_prod")

    def ours(t, w):
        return torch.func.functional_call(layer, {"w": w}, (t,))

    def reference(t, w):
        links = torch.einsum("biv,oiv->boi", _reference_slots(ref, t, kind, n, segments), w)
        return torch.prod(1 + links, dim=2) - 1 if prod else links.sum(dim=2)

    _assert_same_derivatives(ours, reference, [x, layer.w.detach()])


@pytest.mark.parametrize("layer_type", ["continuous2d", "discontinuous2d", "polynomial2d"])
def test_conv_gradgradcheck(layer_type):
    """The AdaHessian path of the conv layers: second derivatives in x and the weights."""
    torch.manual_seed(0)
    options = {"n": 3} if layer_type == "polynomial2d" else {"n": 3, "segments": 2}
    layer = high_order_convolution_layers(
        layer_type, in_channels=2, out_channels=2, kernel_size=2, **options
    ).double()
    # away from segment boundaries, where the finite differences would straddle two pieces
    x = (torch.rand(1, 2, 3, 3, dtype=torch.float64) * 0.4 + 0.05).requires_grad_(True)
    x.data[0, 0] -= 0.6
    weight = layer.conv.weight.detach().clone().requires_grad_(True)

    def fn(t, w):
        return torch.func.functional_call(layer, {"conv.weight": w}, (t,))

    assert torch.autograd.gradcheck(fn, (x, weight))
    assert torch.autograd.gradgradcheck(fn, (x, weight))


@pytest.mark.parametrize(
    "basis, n", [(LagrangeBasis(4), 4), (LagrangeBasis1(), 1), (FourierBasis(2.0), 5)]
)
def test_every_basis_offers_its_values_as_terms(basis, n):
    x = _inputs(3, 4)
    terms = basis.terms(x, n)
    assert len(terms) == n
    assert torch.equal(torch.stack(terms, -1), basis.values(x, n))
