"""Attention modules (spec §8): shapes, loop-by-loop references from the papers' formulas,
the original's state_dict keys, seeded initialisation in the original's RNG order, round trips."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from high_order_layers_torch.attentions import (
    AdditiveAttention,
    CustomizingAttention,
    DotProductAttention,
    LocationAwareAttention,
    MultiHeadAttention,
    MultiHeadLocationAwareAttention,
    RelativeMultiHeadAttention,
    ScaledDotProductAttention,
    relative_shift,
)
from torch import nn

from paramlab.testing import assert_close_scaled, assert_state_dict_roundtrip

B, T, H = 3, 5, 8


def _rand(*shape):
    return torch.randn(*shape, generator=_rand.generator)


_rand.generator = torch.Generator().manual_seed(0)


def _location(conv: nn.Conv1d, previous: torch.Tensor) -> torch.Tensor:
    """(F ∗ α)_t for a kernel-3, padding-1 conv, one output position at a time:
    previous [C_in, T] -> [T, C_out]."""
    padded = F.pad(previous, (1, 1))
    columns = []
    for t in range(previous.shape[-1]):
        window = padded[:, t : t + 3]
        columns.append((conv.weight * window).sum(dim=(1, 2)) + conv.bias)
    return torch.stack(columns)


def test_scaled_dot_product_matches_sdpa():
    q, k, v = _rand(B, 4, 6), _rand(B, T, 6), _rand(B, T, 7)
    mask = torch.zeros(B, 4, T, dtype=torch.bool)
    mask[:, :, -2:] = True
    context, attn = ScaledDotProductAttention(6)(q, k, v, mask)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=~mask)
    assert context.shape == (B, 4, 7) and attn.shape == (B, 4, T)
    assert_close_scaled(context, expected, rtol=1e-5)
    assert torch.all(attn[:, :, -2:] == 0)
    torch.testing.assert_close(attn.sum(-1), torch.ones(B, 4))


def test_dot_product_attention():
    q, v = _rand(B, 2, H), _rand(B, T, H)
    context, attn = DotProductAttention(H)(q, v)
    for b in range(B):
        for i in range(2):
            weights = torch.softmax(torch.stack([q[b, i] @ v[b, t] for t in range(T)]), 0)
            assert_close_scaled(attn[b, i], weights, rtol=1e-6)
            assert_close_scaled(context[b, i], (weights[:, None] * v[b]).sum(0), rtol=1e-5)


def test_additive_attention_reference():
    torch.manual_seed(0)
    module = AdditiveAttention(H)
    q, k, v = _rand(B, 1, H), _rand(B, T, H), _rand(B, T, 4)
    context, attn = module(q, k, v)
    assert context.shape == (B, 1, 4) and attn.shape == (B, T)
    w_q, w_k = module.query_proj.weight, module.key_proj.weight
    w, c = module.score_proj.weight[0], module.score_proj.bias[0]
    for b in range(B):
        e = torch.stack(
            [w @ torch.tanh(w_k @ k[b, t] + w_q @ q[b, 0] + module.bias) + c for t in range(T)]
        )
        alpha = torch.softmax(e, 0)
        assert_close_scaled(attn[b], alpha, rtol=1e-5)
        assert_close_scaled(context[b, 0], (alpha[:, None] * v[b]).sum(0), rtol=1e-5)


@pytest.mark.parametrize("smoothing", [True, False])
def test_location_aware_attention_reference(smoothing):
    torch.manual_seed(1)
    module = LocationAwareAttention(H, smoothing=smoothing)
    q, v = _rand(B, 1, H), _rand(B, T, H)
    previous = torch.softmax(_rand(B, T), -1)
    context, attn = module(q, v, previous)
    assert context.shape == (B, H) and attn.shape == (B, T)
    w, c = module.score_proj.weight[0], module.score_proj.bias[0]
    for b in range(B):
        location = _location(module.conv1d, previous[b : b + 1])
        e = torch.stack(
            [
                w
                @ torch.tanh(
                    module.query_proj.weight @ q[b, 0]
                    + module.value_proj.weight @ v[b, t]
                    + location[t]
                    + module.bias
                )
                + c
                for t in range(T)
            ]
        )
        alpha = torch.sigmoid(e) / torch.sigmoid(e).sum() if smoothing else torch.softmax(e, 0)
        assert_close_scaled(attn[b], alpha, rtol=1e-5)
        assert_close_scaled(context[b], (alpha[:, None] * v[b]).sum(0), rtol=1e-5)
    # no previous attention = zeros
    torch.testing.assert_close(module(q, v, None)[1], module(q, v, torch.zeros(B, T))[1])


def test_multi_head_location_aware_reference():
    torch.manual_seed(2)
    heads, dim = 4, H // 4
    module = MultiHeadLocationAwareAttention(H, num_heads=heads, conv_out_channel=3)
    q, v = _rand(B, 1, H), _rand(B, T, H)
    previous = torch.softmax(_rand(B, heads, T), -1)
    context, attn = module(q, v, previous)
    assert context.shape == (B, 1, H) and attn.shape == (B, heads, T)
    w, c = module.score_proj.weight[0], module.score_proj.bias[0]
    for b in range(B):
        location = torch.tanh(_location(module.conv1d, previous[b]) @ module.loc_proj.weight.T)
        projected = (v[b] @ module.value_proj.weight.T).view(T, heads, dim)  # [t, h, d]
        query = (module.query_proj.weight @ q[b, 0]).view(heads, dim)
        for h in range(heads):
            e = torch.stack(
                [
                    w @ torch.tanh(projected[t, h] + query[h] + location[t] + module.bias) + c
                    for t in range(T)
                ]
            )
            alpha = torch.softmax(e, 0)
            assert_close_scaled(attn[b, h], alpha, rtol=1e-5)
            # the original's re-read: step t of head h uses (head, step) = divmod(t·heads + h, T)
            values = torch.stack(
                [projected[(t * heads + h) % T, (t * heads + h) // T] for t in range(T)]
            )
            expected = (alpha[:, None] * values).sum(0)
            assert_close_scaled(context[b, 0, h * dim : (h + 1) * dim], expected, rtol=1e-5)


def _per_head_attention(q, k, v, scale, mask=None):
    """One head, one sample: q [Lq, d], k [Lk, d], v [Lk, dv]."""
    score = (q @ k.T) / scale
    if mask is not None:
        score = score.masked_fill(mask, -float("inf"))
    alpha = torch.softmax(score, -1)
    return alpha @ v, alpha


def test_multi_head_attention_reference():
    torch.manual_seed(3)
    heads, d_head = 4, 3
    module = MultiHeadAttention(d_model=heads * d_head, num_heads=heads)
    q, k, v = _rand(B, 2, 12), _rand(B, T, 12), _rand(B, T, 12)
    context, attn = module(q, k, v)
    assert context.shape == (B, 2, 12) and attn.shape == (heads * B, 2, T)
    pq, pk, pv = module.query_proj(q), module.key_proj(k), module.value_proj(v)
    for b in range(B):
        for h in range(heads):
            part = slice(h * d_head, (h + 1) * d_head)
            out, alpha = _per_head_attention(pq[b, :, part], pk[b, :, part], pv[b, :, part], 3**0.5)
            assert_close_scaled(context[b, :, part], out, rtol=1e-5)
            assert_close_scaled(attn[h * B + b], alpha, rtol=1e-5)
    # equal to torch's multi-head attention with the same projections and no output projection
    reference = nn.MultiheadAttention(12, heads, batch_first=True)
    with torch.no_grad():
        reference.in_proj_weight.copy_(
            torch.cat([module.query_proj.weight, module.key_proj.weight, module.value_proj.weight])
        )
        reference.in_proj_bias.copy_(
            torch.cat([module.query_proj.bias, module.key_proj.bias, module.value_proj.bias])
        )
        reference.out_proj.weight.copy_(torch.eye(12))
        reference.out_proj.bias.zero_()
    expected, _ = reference(q, k, v, need_weights=False)
    assert_close_scaled(context, expected, rtol=1e-5)


def test_multi_head_attention_mask_layout():
    """The original repeats the mask batch-major and reads it head-major: score (h, b) takes
    the mask of sample (h·B + b) // heads."""
    torch.manual_seed(4)
    heads, d_head = 2, 3
    module = MultiHeadAttention(d_model=heads * d_head, num_heads=heads)
    q, k, v = _rand(B, 2, 6), _rand(B, T, 6), _rand(B, T, 6)
    mask = torch.zeros(B, 2, T, dtype=torch.bool)
    for b in range(B):
        mask[b, :, b + 1 :] = True  # sample b sees keys 0..b
    _, attn = module(q, k, v, mask)
    pq, pk = module.query_proj(q), module.key_proj(k)
    for b in range(B):
        for h in range(heads):
            part = slice(h * d_head, (h + 1) * d_head)
            used = mask[(h * B + b) // heads]
            _, alpha = _per_head_attention(
                pq[b, :, part], pk[b, :, part], pk[b, :, part], 3**0.5, used
            )
            assert_close_scaled(attn[h * B + b], alpha, rtol=1e-5)


def test_relative_shift_is_transformer_xl():
    L = 4
    scores = _rand(2, 3, L, L)
    shifted = relative_shift(scores)
    assert shifted.shape == scores.shape
    for i in range(L):
        for j in range(i + 1):
            torch.testing.assert_close(shifted[..., i, j], scores[..., i, L - 1 - (i - j)])


def _relative_reference(module, q, k, v, pos, mask):
    """Transformer-XL scores per sample and head, with the shift written index by index."""
    batch, length, _ = q.shape
    heads, d_head = module.num_heads, module.d_head
    pq, pk, pv = module.query_proj(q), module.key_proj(k), module.value_proj(v)
    pp = module.pos_proj(pos)
    out = torch.empty(batch, length, module.d_model)
    for b in range(batch):
        for h in range(heads):
            part = slice(h * d_head, (h + 1) * d_head)
            content = (pq[b, :, part] + module.u_bias[h]) @ pk[b, :, part].T
            position = (pq[b, :, part] + module.v_bias[h]) @ pp[b, :, part].T
            flat = torch.cat([torch.zeros(length, 1), position], 1).flatten()
            shifted = torch.stack(
                [
                    torch.stack([flat[length + i * length + j] for j in range(length)])
                    for i in range(length)
                ]
            )
            score = (content + shifted) / math.sqrt(module.d_model)
            score = score.masked_fill(mask[b], -1e9)
            out[b, :, part] = torch.softmax(score, -1) @ pv[b, :, part]
    return module.out_proj(out)


def test_relative_multi_head_attention_reference():
    torch.manual_seed(5)
    module = RelativeMultiHeadAttention(d_model=8, num_heads=2, dropout_p=0.1).eval()
    q, k, v, pos = (_rand(2, T, 8) for _ in range(4))
    mask = torch.zeros(2, T, T, dtype=torch.bool)
    mask[1, :, -1] = True
    out = module(q, k, v, pos, mask)
    assert out.shape == (2, T, 8)
    with torch.no_grad():
        assert_close_scaled(out, _relative_reference(module, q, k, v, pos, mask), rtol=1e-5)


def test_customizing_attention_reference():
    torch.manual_seed(6)
    heads, dim = 2, 4
    module = CustomizingAttention(heads * dim, num_heads=heads, conv_out_channel=3)
    q, v = _rand(B, 2, 8), _rand(B, T, 8)
    previous = torch.softmax(_rand(heads * B, T), -1)
    context, attn = module(q, v, previous)
    assert context.shape == (B, 2, 8) and attn.shape == (heads * B, 2, T)
    pq = module.query_proj(q)
    for b in range(B):
        for h in range(heads):
            part = slice(h * dim, (h + 1) * dim)
            # location energy: row b·heads + h of the previous attention belongs to (b, h)
            location = _location(module.conv1d, previous[b * heads + h : b * heads + h + 1])
            keys = (
                v[b] @ module.value_proj.weight[part].T
                + location @ module.loc_proj.weight.T
                + module.bias[part]
            )
            out, alpha = _per_head_attention(pq[b, :, part], keys, keys, dim**0.5)
            assert_close_scaled(context[b, :, part], out, rtol=1e-5)
            assert_close_scaled(attn[h * B + b], alpha, rtol=1e-5)


def test_state_dict_keys_are_the_originals():
    keys = {
        AdditiveAttention(H): [
            "bias",
            "query_proj.weight",
            "key_proj.weight",
            "score_proj.weight",
            "score_proj.bias",
        ],
        LocationAwareAttention(H): [
            "bias",
            "conv1d.weight",
            "conv1d.bias",
            "query_proj.weight",
            "value_proj.weight",
            "score_proj.weight",
            "score_proj.bias",
        ],
        MultiHeadLocationAwareAttention(H, 4): [
            "bias",
            "conv1d.weight",
            "conv1d.bias",
            "loc_proj.weight",
            "query_proj.weight",
            "value_proj.weight",
            "score_proj.weight",
            "score_proj.bias",
        ],
        MultiHeadAttention(H, 4): [
            "query_proj.weight",
            "query_proj.bias",
            "key_proj.weight",
            "key_proj.bias",
            "value_proj.weight",
            "value_proj.bias",
        ],
        RelativeMultiHeadAttention(H, 4): [
            "u_bias",
            "v_bias",
            "query_proj.weight",
            "query_proj.bias",
            "key_proj.weight",
            "key_proj.bias",
            "value_proj.weight",
            "value_proj.bias",
            "pos_proj.weight",
            "out_proj.weight",
            "out_proj.bias",
        ],
        CustomizingAttention(H, 4): [
            "bias",
            "conv1d.weight",
            "conv1d.bias",
            "query_proj.weight",
            "query_proj.bias",
            "value_proj.weight",
            "loc_proj.weight",
        ],
    }
    for module, expected in keys.items():
        assert list(module.state_dict()) == expected, type(module).__name__
    assert not list(ScaledDotProductAttention(4).state_dict())
    assert not list(DotProductAttention(4).state_dict())


def test_seeded_init_follows_the_original_rng_order():
    """The original builds its sub-layers with their own init, in constructor order, and the
    score bias as torch.rand(d).uniform_(-0.1, 0.1)."""
    torch.manual_seed(7)
    query, key = nn.Linear(H, H, bias=False), nn.Linear(H, H, bias=False)
    bias = torch.rand(H).uniform_(-0.1, 0.1)
    score = nn.Linear(H, 1)
    torch.manual_seed(7)
    module = AdditiveAttention(H)
    torch.testing.assert_close(module.query_proj.weight, query.weight, rtol=0, atol=0)
    torch.testing.assert_close(module.key_proj.weight, key.weight, rtol=0, atol=0)
    torch.testing.assert_close(module.bias.data, bias, rtol=0, atol=0)
    torch.testing.assert_close(module.score_proj.weight, score.weight, rtol=0, atol=0)

    torch.manual_seed(8)
    linears = [nn.Linear(8, 8) for _ in range(3)] + [nn.Linear(8, 8, bias=False)]
    u, v = torch.empty(2, 4), torch.empty(2, 4)
    nn.init.xavier_uniform_(u)
    nn.init.xavier_uniform_(v)
    out = nn.Linear(8, 8)
    torch.manual_seed(8)
    relative = RelativeMultiHeadAttention(8, 2)
    torch.testing.assert_close(relative.pos_proj.weight, linears[3].weight, rtol=0, atol=0)
    torch.testing.assert_close(relative.v_bias.data, v, rtol=0, atol=0)
    torch.testing.assert_close(relative.out_proj.bias, out.bias, rtol=0, atol=0)


@pytest.mark.parametrize(
    "build, inputs",
    [
        (lambda: AdditiveAttention(H), (_rand(B, 1, H), _rand(B, T, H), _rand(B, T, H))),
        (lambda: LocationAwareAttention(H), (_rand(B, 1, H), _rand(B, T, H), None)),
        (lambda: MultiHeadLocationAwareAttention(H, 4), (_rand(B, 1, H), _rand(B, T, H), None)),
        (lambda: MultiHeadAttention(H, 4), (_rand(B, 2, H), _rand(B, T, H), _rand(B, T, H))),
        (
            lambda: RelativeMultiHeadAttention(H, 4),
            (_rand(B, T, H), _rand(B, T, H), _rand(B, T, H), _rand(B, T, H)),
        ),
        (lambda: CustomizingAttention(H, 4), (_rand(B, 2, H), _rand(B, T, H), None)),
    ],
)
def test_state_dict_round_trip(build, inputs):
    module = build().eval()
    assert_state_dict_roundtrip(build, module)
    fresh = build().eval()
    fresh.load_state_dict(module.state_dict(), strict=True)
    with torch.no_grad():
        expected, actual = module(*inputs), fresh(*inputs)
    expected = expected if isinstance(expected, tuple) else (expected,)
    actual = actual if isinstance(actual, tuple) else (actual,)
    for a, e in zip(actual, expected, strict=True):
        torch.testing.assert_close(a, e, rtol=0, atol=0)


def test_heads_must_divide_the_width():
    with pytest.raises(ValueError, match="d_model=10 must be divisible by num_heads=4"):
        MultiHeadAttention(10, 4)
    with pytest.raises(ValueError, match="d_model=10 must be divisible by num_heads=3"):
        RelativeMultiHeadAttention(10, 3)
