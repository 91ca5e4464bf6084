"""Attention modules the original ships beside its layers (unused by the rest of the package).

The original's ``attentions.py`` holds eight modules taken from the ``sooftware/attentions``
collection; they are re-implemented here from the papers, with the original's class names,
constructor signatures, state_dict keys and outputs (the layout quirks that change outputs
are kept and named in each docstring):

* :class:`ScaledDotProductAttention`, :class:`MultiHeadAttention` — Vaswani et al. 2017.
* :class:`DotProductAttention` — Luong et al. 2015 (dot score).
* :class:`AdditiveAttention` — Bahdanau et al. 2015.
* :class:`LocationAwareAttention`, :class:`MultiHeadLocationAwareAttention`,
  :class:`CustomizingAttention` — Chorowski et al. 2015, the last two with several heads.
* :class:`RelativeMultiHeadAttention` — Dai et al. 2019 (Transformer-XL).

Seeded initial weights equal the original's: every module draws its parameters in the
original's order (the learned score biases draw U[0, 1) and then U(−0.1, 0.1), as the
original's ``torch.rand(d).uniform_(-0.1, 0.1)`` does).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn import init
from torch.nn.utils import skip_init

__all__ = [
    "ScaledDotProductAttention",
    "DotProductAttention",
    "AdditiveAttention",
    "LocationAwareAttention",
    "MultiHeadLocationAwareAttention",
    "MultiHeadAttention",
    "RelativeMultiHeadAttention",
    "CustomizingAttention",
    "relative_shift",
]


def _linear(in_features: int, out_features: int, bias: bool = True) -> nn.Linear:
    """An nn.Linear whose initialisation is left to the owner's ``reset_parameters``."""
    return skip_init(nn.Linear, in_features, out_features, bias=bias)


def _conv1d(in_channels: int, out_channels: int) -> nn.Conv1d:
    """Conv1d(kernel 3, padding 1), initialised by the owner's ``reset_parameters``."""
    return skip_init(nn.Conv1d, in_channels, out_channels, kernel_size=3, padding=1)


def _score_bias_init(bias: Tensor) -> None:
    """The original's ``torch.rand(d).uniform_(-0.1, 0.1)``: two draws, the second kept."""
    init.uniform_(bias)
    init.uniform_(bias, -0.1, 0.1)


def _split_heads(x: Tensor, num_heads: int) -> Tensor:
    """[B, L, H·d] -> [H·B, L, d], head-major (the original's ``permute(2, 0, 1, 3)``)."""
    batch, length, width = x.shape
    heads = x.view(batch, length, num_heads, width // num_heads).permute(2, 0, 1, 3)
    return heads.reshape(num_heads * batch, length, width // num_heads)


def _merge_heads(x: Tensor, num_heads: int) -> Tensor:
    """[H·B, L, d] (head-major) -> [B, L, H·d]."""
    _, length, dim = x.shape
    merged = x.view(num_heads, -1, length, dim).permute(1, 2, 0, 3)
    return merged.reshape(-1, length, num_heads * dim)


def _check_heads(model_dim: int, num_heads: int, name: str) -> None:
    if num_heads < 1 or model_dim % num_heads != 0:
        raise ValueError(f"{name}={model_dim} must be divisible by num_heads={num_heads}")


class ScaledDotProductAttention(nn.Module):
    """softmax(Q Kᵀ / √dim) V (Vaswani et al. 2017, Eq. 1).

    query [B, Lq, d], key [B, Lk, d], value [B, Lk, dv], optional boolean ``mask`` (any shape
    with B·Lq·Lk elements, viewed as the score [B, Lq, Lk]; True = masked) ->
    (context [B, Lq, dv], attn [B, Lq, Lk]).
    """

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dim = dim
        self.sqrt_dim = math.sqrt(dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"

    def forward(
        self, query: Tensor, key: Tensor, value: Tensor, mask: Tensor | None = None
    ) -> tuple[Tensor, Tensor]:
        score = torch.bmm(query, key.transpose(1, 2)) / self.sqrt_dim
        if mask is not None:
            score = score.masked_fill(mask.reshape(score.shape), -float("inf"))
        attn = F.softmax(score, dim=-1)
        return torch.bmm(attn, value), attn


class DotProductAttention(nn.Module):
    """softmax(Q Vᵀ) V (Luong et al. 2015, "dot" score; no scaling, values are the keys).

    query [B, Lq, d], value [B, Lv, d] -> (context [B, Lq, d], attn [B, Lq, Lv]).
    ``hidden_dim`` is accepted and unused, as in the original.
    """

    def __init__(self, hidden_dim: int) -> None:
        super().__init__()
        self.hidden_dim = hidden_dim

    def extra_repr(self) -> str:
        return f"hidden_dim={self.hidden_dim}"

    def forward(self, query: Tensor, value: Tensor) -> tuple[Tensor, Tensor]:
        attn = F.softmax(torch.bmm(query, value.transpose(1, 2)), dim=-1)
        return torch.bmm(attn, value), attn


class AdditiveAttention(nn.Module):
    """Bahdanau attention: e_t = wᵀ tanh(W_k k_t + W_q q + b) + c, α = softmax(e)
    (Bahdanau et al. 2015, Eq. 6 and A.1.2).

    query [B, 1, H] (or any shape broadcasting against the keys), key [B, T, H],
    value [B, T, Hv] -> (context [B, 1, Hv], attn [B, T]).
    Keys: ``query_proj.weight``, ``key_proj.weight``, ``bias`` [H], ``score_proj.{weight,bias}``.
    """

    def __init__(self, hidden_dim: int) -> None:
        super().__init__()
        self.hidden_dim = hidden_dim
        self.query_proj = _linear(hidden_dim, hidden_dim, bias=False)
        self.key_proj = _linear(hidden_dim, hidden_dim, bias=False)
        self.bias = nn.Parameter(torch.empty(hidden_dim))
        self.score_proj = _linear(hidden_dim, 1)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.query_proj.reset_parameters()
        self.key_proj.reset_parameters()
        _score_bias_init(self.bias)
        self.score_proj.reset_parameters()

    def extra_repr(self) -> str:
        return f"hidden_dim={self.hidden_dim}"

    def forward(self, query: Tensor, key: Tensor, value: Tensor) -> tuple[Tensor, Tensor]:
        energy = torch.tanh(self.key_proj(key) + self.query_proj(query) + self.bias)
        attn = F.softmax(self.score_proj(energy).squeeze(-1), dim=-1)
        return torch.bmm(attn.unsqueeze(1), value), attn


class LocationAwareAttention(nn.Module):
    """Location-aware attention (Chorowski et al. 2015, Eq. 5–9):
    f = F ∗ α_prev, e_t = wᵀ tanh(W q + V h_t + U f_t + b) + c; α = σ(e)/Σσ(e) with
    ``smoothing`` (Eq. 12), else softmax(e).

    query [B, 1, H], value [B, T, H], last_attn [B, T] or None (zeros) ->
    (context [B, H], attn [B, T]). F is ``conv1d`` (1 → H channels, kernel 3, padding 1).
    """

    def __init__(self, hidden_dim: int, smoothing: bool = True) -> None:
        super().__init__()
        self.hidden_dim = hidden_dim
        self.smoothing = smoothing
        self.conv1d = _conv1d(1, hidden_dim)
        self.query_proj = _linear(hidden_dim, hidden_dim, bias=False)
        self.value_proj = _linear(hidden_dim, hidden_dim, bias=False)
        self.score_proj = _linear(hidden_dim, 1)
        self.bias = nn.Parameter(torch.empty(hidden_dim))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.conv1d.reset_parameters()
        self.query_proj.reset_parameters()
        self.value_proj.reset_parameters()
        self.score_proj.reset_parameters()
        _score_bias_init(self.bias)

    def extra_repr(self) -> str:
        return f"hidden_dim={self.hidden_dim}, smoothing={self.smoothing}"

    def forward(
        self, query: Tensor, value: Tensor, last_attn: Tensor | None
    ) -> tuple[Tensor, Tensor]:
        batch, seq_len = value.shape[0], value.shape[1]
        if last_attn is None:
            last_attn = value.new_zeros(batch, seq_len)
        location = self.conv1d(last_attn.unsqueeze(1)).transpose(1, 2)
        energy = torch.tanh(
            self.query_proj(query).view(batch, -1, self.hidden_dim)
            + self.value_proj(value).view(batch, -1, self.hidden_dim)
            + location
            + self.bias
        )
        score = self.score_proj(energy).squeeze(-1)
        if self.smoothing:
            score = torch.sigmoid(score)
            attn = score / score.sum(dim=-1, keepdim=True)
        else:
            attn = F.softmax(score, dim=-1)
        return torch.bmm(attn.unsqueeze(1), value).squeeze(1), attn


class MultiHeadLocationAwareAttention(nn.Module):
    """Location-aware attention with ``num_heads`` heads of size d = hidden_dim // num_heads.

    query [B, 1, H], value [B, T, H], last_attn [B, heads, T] or None ->
    (context [B, 1, heads·d], attn [B, heads, T]). Scores per head h:
    e_t = wᵀ tanh(V_h h_t + W_h q + tanh(L (F ∗ α_prev))_t + b) + c, α = softmax(e).

    Kept from the original: before the weighted sum, the projected values (laid out
    [B, heads, T, d]) are re-read as [B, T, heads, d] and transposed, so head h at step t uses
    the projected value of (head, step) = divmod(t·heads + h, T) of the same sample.
    """

    def __init__(self, hidden_dim: int, num_heads: int = 8, conv_out_channel: int = 10) -> None:
        super().__init__()
        self.hidden_dim = hidden_dim
        self.num_heads = num_heads
        self.conv_out_channel = conv_out_channel
        self.dim = int(hidden_dim / num_heads)
        self.conv1d = _conv1d(num_heads, conv_out_channel)
        self.loc_proj = _linear(conv_out_channel, self.dim, bias=False)
        self.query_proj = _linear(hidden_dim, self.dim * num_heads, bias=False)
        self.value_proj = _linear(hidden_dim, self.dim * num_heads, bias=False)
        self.score_proj = _linear(self.dim, 1)
        self.bias = nn.Parameter(torch.empty(self.dim))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.conv1d.reset_parameters()
        self.loc_proj.reset_parameters()
        self.query_proj.reset_parameters()
        self.value_proj.reset_parameters()
        self.score_proj.reset_parameters()
        _score_bias_init(self.bias)

    def extra_repr(self) -> str:
        return (
            f"hidden_dim={self.hidden_dim}, num_heads={self.num_heads}, "
            f"conv_out_channel={self.conv_out_channel}"
        )

    def forward(
        self, query: Tensor, value: Tensor, last_attn: Tensor | None
    ) -> tuple[Tensor, Tensor]:
        batch, seq_len = value.shape[0], value.shape[1]
        heads, dim = self.num_heads, self.dim
        if last_attn is None:
            last_attn = value.new_zeros(batch, heads, seq_len)
        location = torch.tanh(self.loc_proj(self.conv1d(last_attn).transpose(1, 2)))
        # [B, heads, ·, d] from [B, ·, heads·d]
        query = self.query_proj(query).view(batch, -1, heads, dim).transpose(1, 2)
        value = self.value_proj(value).view(batch, -1, heads, dim).transpose(1, 2)
        energy = torch.tanh(value + query + location.unsqueeze(1) + self.bias)
        attn = F.softmax(self.score_proj(energy).squeeze(-1), dim=-1)
        scrambled = value.reshape(batch, seq_len, heads, dim).transpose(1, 2)
        context = torch.einsum("bht,bhtd->bhd", attn, scrambled)
        return context.reshape(batch, 1, heads * dim), attn


class MultiHeadAttention(nn.Module):
    """MultiHead(Q, K, V) = [head_1 … head_h], head_i = Attention(Q W_q^i, K W_k^i, V W_v^i)
    (Vaswani et al. 2017, Eq. 4 and 5; no output projection, as in the original).

    query [B, Lq, d_model], key/value [B, Lk, d_model], optional boolean mask [B, Lq, Lk]
    (True = masked) -> (context [B, Lq, d_model], attn [heads·B, Lq, Lk], head-major).

    Kept from the original: the mask is repeated batch-major ([B, heads, Lq, Lk]) but the
    scores are head-major ([heads, B, Lq, Lk]), so score (head h, sample b) takes the mask of
    sample (h·B + b) // heads. A mask shared by the whole batch is unaffected.
    """

    def __init__(self, d_model: int = 512, num_heads: int = 8) -> None:
        super().__init__()
        _check_heads(d_model, num_heads, "d_model")
        self.d_model = d_model
        self.num_heads = num_heads
        self.d_head = d_model // num_heads
        self.scaled_dot_attn = ScaledDotProductAttention(self.d_head)
        self.query_proj = _linear(d_model, self.d_head * num_heads)
        self.key_proj = _linear(d_model, self.d_head * num_heads)
        self.value_proj = _linear(d_model, self.d_head * num_heads)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.query_proj.reset_parameters()
        self.key_proj.reset_parameters()
        self.value_proj.reset_parameters()

    def extra_repr(self) -> str:
        return f"d_model={self.d_model}, num_heads={self.num_heads}"

    def forward(
        self, query: Tensor, key: Tensor, value: Tensor, mask: Tensor | None = None
    ) -> tuple[Tensor, Tensor]:
        heads = self.num_heads
        if mask is not None:
            mask = mask.unsqueeze(1).expand(-1, heads, -1, -1)
        context, attn = self.scaled_dot_attn(
            _split_heads(self.query_proj(query), heads),
            _split_heads(self.key_proj(key), heads),
            _split_heads(self.value_proj(value), heads),
            mask,
        )
        return _merge_heads(context, heads), attn


def relative_shift(pos_score: Tensor) -> Tensor:
    """Transformer-XL's shift of position scores [..., L1, L2] (Dai et al. 2019, App. B):
    pad one zero column on the left, re-read as [..., L2 + 1, L1], drop the first row, re-read
    as [..., L1, L2]. For L1 = L2 = L, out[i, j] = pos_score[i, L − 1 − (i − j)] for j ≤ i."""
    *lead, rows, cols = pos_score.shape
    padded = F.pad(pos_score, (1, 0))
    return padded.reshape(*lead, cols + 1, rows)[..., 1:, :].reshape(*lead, rows, cols)


class RelativeMultiHeadAttention(nn.Module):
    """Multi-head attention with relative positional scores (Dai et al. 2019, Eq. in §3.3):
    A_ij = (q_i + u)ᵀ k_j + shift((q_i + v)ᵀ W_R r)_ij, scaled by 1/√d_model (the original
    scales by the model width, not the head width), softmax, dropout, output projection.

    query/key/value/pos_embedding [B, T, d_model], optional boolean mask [B, T, T] or
    [B, 1, T] (True = masked, score −1e9) -> [B, T, d_model].
    Keys: ``{query,key,value,out}_proj.{weight,bias}``, ``pos_proj.weight``,
    ``u_bias``/``v_bias`` [heads, d_head] (Xavier-uniform).
    """

    def __init__(self, d_model: int = 512, num_heads: int = 16, dropout_p: float = 0.1) -> None:
        super().__init__()
        _check_heads(d_model, num_heads, "d_model")
        self.d_model = d_model
        self.d_head = d_model // num_heads
        self.num_heads = num_heads
        self.sqrt_dim = math.sqrt(d_model)
        self.query_proj = _linear(d_model, d_model)
        self.key_proj = _linear(d_model, d_model)
        self.value_proj = _linear(d_model, d_model)
        self.pos_proj = _linear(d_model, d_model, bias=False)
        self.dropout = nn.Dropout(p=dropout_p)
        self.u_bias = nn.Parameter(torch.empty(num_heads, self.d_head))
        self.v_bias = nn.Parameter(torch.empty(num_heads, self.d_head))
        self.out_proj = _linear(d_model, d_model)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.query_proj.reset_parameters()
        self.key_proj.reset_parameters()
        self.value_proj.reset_parameters()
        self.pos_proj.reset_parameters()
        init.xavier_uniform_(self.u_bias)
        init.xavier_uniform_(self.v_bias)
        self.out_proj.reset_parameters()

    def extra_repr(self) -> str:
        return f"d_model={self.d_model}, num_heads={self.num_heads}"

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        pos_embedding: Tensor,
        mask: Tensor | None = None,
    ) -> Tensor:
        batch = value.shape[0]
        heads, d_head = self.num_heads, self.d_head
        query = self.query_proj(query).view(batch, -1, heads, d_head)
        key = self.key_proj(key).view(batch, -1, heads, d_head)
        value = self.value_proj(value).view(batch, -1, heads, d_head)
        position = self.pos_proj(pos_embedding).view(batch, -1, heads, d_head)
        content_score = torch.einsum("bihd,bjhd->bhij", query + self.u_bias, key)
        pos_score = relative_shift(torch.einsum("bihd,bjhd->bhij", query + self.v_bias, position))
        score = (content_score + pos_score) / self.sqrt_dim
        if mask is not None:
            score = score.masked_fill(mask.unsqueeze(1), -1e9)
        attn = self.dropout(F.softmax(score, dim=-1))
        context = torch.einsum("bhij,bjhd->bihd", attn, value).reshape(batch, -1, self.d_model)
        return self.out_proj(context)


class CustomizingAttention(nn.Module):
    """Multi-head location-aware attention: per head h (d = hidden_dim // num_heads),
    k_t = V_h h_t + L_h (F ∗ α_prev^h)_t + b_h, α = softmax(q_h k_tᵀ / √d), context
    Σ_t α_t k_t (the location-augmented projected values serve as keys and values).

    query [B, Lq, H], value [B, T, H], last_attn [heads·B, T] or None ->
    (context [B, Lq, heads·d], attn [heads·B, Lq, T] with size-1 dimensions squeezed).

    The original called its scaled dot-product attention without keys and so failed on every
    call; here the keys are the values, which is what its formula describes.
    """

    def __init__(self, hidden_dim: int, num_heads: int = 4, conv_out_channel: int = 10) -> None:
        super().__init__()
        self.hidden_dim = hidden_dim
        self.num_heads = num_heads
        self.conv_out_channel = conv_out_channel
        self.dim = int(hidden_dim / num_heads)
        self.scaled_dot_attn = ScaledDotProductAttention(self.dim)
        self.conv1d = _conv1d(1, conv_out_channel)
        self.query_proj = _linear(hidden_dim, self.dim * num_heads)
        self.value_proj = _linear(hidden_dim, self.dim * num_heads, bias=False)
        self.loc_proj = _linear(conv_out_channel, self.dim, bias=False)
        self.bias = nn.Parameter(torch.empty(self.dim * num_heads))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.conv1d.reset_parameters()
        self.query_proj.reset_parameters()
        self.value_proj.reset_parameters()
        self.loc_proj.reset_parameters()
        _score_bias_init(self.bias)

    def extra_repr(self) -> str:
        return (
            f"hidden_dim={self.hidden_dim}, num_heads={self.num_heads}, "
            f"conv_out_channel={self.conv_out_channel}"
        )

    def get_loc_energy(self, last_attn: Tensor, batch_size: int, v_len: int) -> Tensor:
        """[heads·B, T] previous attention -> location energy [B, T, heads·d]."""
        features = self.conv1d(last_attn.unsqueeze(1))
        features = features.view(batch_size, self.num_heads, -1, v_len).transpose(2, 3)
        energy = self.loc_proj(features)
        return energy.transpose(1, 2).reshape(batch_size, v_len, self.num_heads * self.dim)

    def forward(
        self, query: Tensor, value: Tensor, last_attn: Tensor | None
    ) -> tuple[Tensor, Tensor]:
        batch, v_len = value.shape[0], value.shape[1]
        heads = self.num_heads
        if last_attn is None:
            last_attn = value.new_zeros(batch * heads, v_len)
        location = self.get_loc_energy(last_attn, batch, v_len)
        query = _split_heads(self.query_proj(query), heads)
        value = _split_heads(self.value_proj(value) + location + self.bias, heads)
        context, attn = self.scaled_dot_attn(query, value, value)
        return _merge_heads(context, heads), attn.squeeze()
