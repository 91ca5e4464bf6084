"""Shared fixtures: an independent transcription of the original's computations.

The reference below is written from the specification's formulas (spec §3–5), with the
original's evaluation order (per-sample gathered weights, per-basis-function loops, the
N-d denominators X_m − X_j), without using ``paramlab.nodes`` or the package's code.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
if str(PACKAGE_ROOT) not in sys.path:
    sys.path.insert(0, str(PACKAGE_ROOT))


def cheb(n: int, length: float = 2.0) -> torch.Tensor:
    """Chebyshev–Lobatto nodes, float32 as the original builds them."""
    if n == 1:
        return torch.tensor([0.0])
    return (length / 2.0) * -torch.cos(torch.pi * torch.arange(n) / (n - 1))


def lagrange(x: torch.Tensor, nodes: torch.Tensor) -> torch.Tensor:
    """(*S,) -> (*S, n): φ_j(x) = Π_{m≠j} (x − X_m)/(X_j − X_m), factor by factor."""
    n = nodes.numel()
    columns = []
    for j in range(n):
        value = torch.ones_like(x)
        for m in range(n):
            if m != j:
                value = value * ((x - nodes[m]) / (nodes[j] - nodes[m]))
        columns.append(value)
    return torch.stack(columns, -1)


def fourier(x: torch.Tensor, n: int, length: float) -> torch.Tensor:
    columns = []
    for j in range(n):
        i = (j + 1) // 2
        if j == 0:
            columns.append(0.5 + 0.0 * x)
        elif j % 2 == 0:
            columns.append(torch.cos(2.0 * math.pi * i * x / length))
        else:
            columns.append(torch.sin(2.0 * math.pi * i * x / length))
    return torch.stack(columns, -1)


def segment(x: torch.Tensor, segments: int, length: float = 2.0):
    half = 0.5 * length
    index = (((x + half) / length) * segments).long().clamp(0, segments - 1)
    low = (index / float(segments)) * 2 - 1
    high = ((index + 1) / float(segments)) * 2 - 1
    return index, length * ((x - low) / (high - low)) - half


def fold(x: torch.Tensor, p: float) -> torch.Tensor:
    y = torch.remainder(x + 0.5 * p, 2 * p)
    y = torch.where(y > p, 2 * p - y, y)
    return y - 0.5 * p


def piecewise(x, w, n, segments, continuous=True, prod=False, periodicity=None, length=2.0):
    """The original's fc forward: gather w into [B, I, O, n], sum (or product) of links."""
    if periodicity is not None:
        x = fold(x, periodicity)
    index, xi = segment(x, segments, length)
    start = index * (n - 1 if continuous else n)
    basis = lagrange(xi, cheb(n))  # [B, I, n]
    gather = start.unsqueeze(-1) + torch.arange(n)  # [B, I, n]
    i_index = torch.arange(x.shape[1]).view(1, -1, 1).expand_as(gather)
    gathered = w[:, i_index, gather]  # [O, B, I, n]
    links = torch.einsum("bin,obin->boi", basis, gathered)
    if prod:
        return torch.prod(links + 1, dim=2) - 1
    return links.sum(dim=2)


def polynomial(x, w, n, length=2.0, periodicity=None):
    if periodicity is not None:
        x = fold(x, periodicity)
    return torch.einsum("bik,oik->bo", lagrange(x, cheb(n, length)), w)


def fourier_layer(x, w, n, length=2.0):
    return torch.einsum("bik,oik->bo", fourier(x, n, length), w)


def nd_basis(x: torch.Tensor, ns: list[int], length: float = 2.0) -> torch.Tensor:
    """[B, I, D] -> [B, I, Π n_d] with the original's denominators X_m − X_j."""
    parts = []
    for d, n in enumerate(ns):
        nodes = cheb(n, length)
        columns = []
        for j in range(n):
            value = torch.ones_like(x[..., d])
            for m in range(n):
                if m != j:
                    value = value * ((x[..., d] - nodes[m]) / (nodes[m] - nodes[j]))
            columns.append(value)
        parts.append(torch.stack(columns, -1))
    grids = torch.meshgrid([torch.arange(n) for n in ns], indexing="ij")
    indexes = torch.stack(grids).reshape(len(ns), -1).t()
    out = torch.ones(*x.shape[:-1], indexes.shape[0])
    for d in range(len(ns)):
        out = out * parts[d][..., indexes[:, d]]
    return out


def polynomial_nd(x, w, ns, length=2.0):
    return torch.einsum("bik,oik->bo", nd_basis(x, ns, length), w)


def piecewise_nd(x, w_flat, ns, segments, out_features, length=2.0):
    """The original's continuous_nd: one shared block of the flat weight for every link."""
    indices, local = [], []
    for d, s in enumerate(segments):
        index, xi = segment(x[..., d], s, length)
        indices.append(index)
        local.append(xi)
    cell = torch.zeros_like(indices[0])
    for d in range(len(segments)):
        cell = cell + indices[d] * math.prod(segments[d + 1 :])
    per_cell = math.prod(ns)
    picked = w_flat[cell.unsqueeze(-1) * per_cell + torch.arange(per_cell)]
    basis = nd_basis(torch.stack(local, -1), ns, length)
    out = (basis * picked).sum(dim=(1, 2))
    return out.unsqueeze(1).expand(-1, out_features)


def product(x, weight, bias, alpha=1.0):
    terms = torch.einsum("bi,oi->bio", x, weight)
    return torch.prod(terms + 1, dim=1) - (1 - alpha) * terms.sum(dim=1) - 1 + bias


def expand(x, kind, n, segments=1, length=2.0):
    """[B, C, *sp] -> [B, C·V, *sp] with channel c·V + v, by loops over nodes."""
    if kind == "polynomial":
        values = lagrange(x, cheb(n, length))
        variables = n
        start = torch.zeros_like(x, dtype=torch.long)
    elif kind == "fourier":
        values = fourier(x, n, length)
        variables = n
        start = torch.zeros_like(x, dtype=torch.long)
    else:
        continuous = kind == "continuous"
        index, xi = segment(x, segments, length)
        values = lagrange(xi, cheb(n))
        per = n - 1 if continuous else n
        variables = per * segments + (1 if continuous else 0)
        start = index * per
    out = torch.zeros(*x.shape, variables)
    for j in range(values.shape[-1]):
        for v in range(variables):
            out[..., v] = torch.where(start + j == v, values[..., j], out[..., v])
    return out.movedim(-1, 2).reshape(x.shape[0], -1, *x.shape[2:])


def conv(x, weight, kind, n, segments=1, length=2.0, periodicity=None, rescale=1.0, **conv_kw):
    if periodicity is not None and kind != "fourier":
        x = fold(x, periodicity)
    z = expand(x, kind, n, segments, length)
    op = F.conv2d if x.dim() == 4 else F.conv1d
    return op(z, weight, **conv_kw) * rescale


@pytest.fixture
def ref() -> SimpleNamespace:
    """The original's computations, transcribed from the specification."""
    return SimpleNamespace(
        cheb=cheb,
        lagrange=lagrange,
        fourier=fourier,
        segment=segment,
        fold=fold,
        piecewise=piecewise,
        polynomial=polynomial,
        fourier_layer=fourier_layer,
        nd_basis=nd_basis,
        polynomial_nd=polynomial_nd,
        piecewise_nd=piecewise_nd,
        product=product,
        expand=expand,
        conv=conv,
    )


@pytest.fixture
def boundary_inputs() -> torch.Tensor:
    """[7, 4] inputs with points on the boundaries of 2, 3, 4 segments, at ±1 and outside."""
    values = torch.tensor(
        [
            [-1.5, -1.0, -0.5, 0.0],
            [0.5, 1.0, 1.3, 0.25],
            [-1.0 / 3.0, 1.0 / 3.0, -0.999, 0.999],
            [-0.75, 0.123, 2.2, -0.333],
            [0.0, 0.0, 1.0, -1.0],
            [0.7, -0.2, -2.5, 0.05],
            [-0.6, 0.6, 0.9, -0.9],
        ]
    )
    return values
