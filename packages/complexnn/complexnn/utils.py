"""Real <-> complex boundaries, split-layout helpers and parameter counting.

DCN stores a complex feature map as a real tensor whose channel axis holds all real parts
first, then all imaginary parts: ``[Re c_1..c_K | Im c_1..c_K]`` (the *split layout*). Here
complex feature maps are native complex tensors; the helpers below convert at the boundaries
(``complex_to_split`` / ``split_to_complex`` are re-exported from ``paramlab.complex``).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from paramlab.complex import complex_to_split, split_to_complex

__all__ = [
    "as_complex",
    "complex_to_split",
    "split_to_complex",
    "apply_complex",
    "GetReal",
    "GetImag",
    "GetAbs",
    "ComplexToReal",
    "RealToComplex",
    "count_real_parameters",
    "count_real_buffers",
]


def as_complex(x: Tensor) -> Tensor:
    """Return ``x`` as a complex tensor: complex passes through, real floating gets ``+0i``.

    float32 (and half types) become complex64, float64 becomes complex128. Integer or boolean
    input raises ``TypeError`` (a complex layer has no meaning for it).
    """
    if x.is_complex():
        return x
    if not x.is_floating_point():
        raise TypeError(f"complex layers need a floating or complex input, got dtype={x.dtype}")
    if x.dtype in (torch.float16, torch.bfloat16):
        x = x.float()
    return torch.complex(x, torch.zeros_like(x))


def apply_complex(fr: nn.Module, fi: nn.Module, x: Tensor) -> Tensor:
    """``(fr(Re x) - fi(Im x)) + i (fr(Im x) + fi(Re x))`` for two *real* modules.

    This is the tutorial / complexPyTorch helper. It equals the complex operator with weight
    ``W = fr.weight + i fi.weight`` only for bias-free *linear* ``fr``/``fi`` (conv, linear);
    with biases the net complex bias becomes ``(b_r - b_i) + i (b_r + b_i)``, and for nonlinear
    modules (e.g. two real LSTMs) it is a heuristic, not a complex operator. The output keeps the
    input's complex dtype (no cast to complex64).
    """
    x = as_complex(x)
    return torch.complex(fr(x.real) - fi(x.imag), fr(x.imag) + fi(x.real))


class GetReal(nn.Module):
    """``z -> Re z`` (DCN ``GetReal``); shape unchanged."""

    def forward(self, x: Tensor) -> Tensor:
        return as_complex(x).real


class GetImag(nn.Module):
    """``z -> Im z`` (DCN ``GetImag``); shape unchanged."""

    def forward(self, x: Tensor) -> Tensor:
        return as_complex(x).imag


class GetAbs(nn.Module):
    """``z -> |z|`` (DCN ``GetAbs``); shape unchanged."""

    def forward(self, x: Tensor) -> Tensor:
        return as_complex(x).abs()


_TO_REAL_MODES = ("concat", "real", "imag", "abs", "abs2", "angle")


class ComplexToReal(nn.Module):
    """Complex features -> real features for a real head.

    ``'concat'``: ``cat([Re z, Im z], dim)`` (DCN head order: all real parts, then all imaginary
    parts; ``(N, C, ...) -> (N, 2C, ...)``), ``'real'``, ``'imag'``, ``'abs'`` (``|z|``),
    ``'abs2'`` (``|z|^2``), ``'angle'`` (``arg z``).
    """

    def __init__(self, mode: str = "concat", dim: int = 1) -> None:
        super().__init__()
        if mode not in _TO_REAL_MODES:
            raise ValueError(f"mode={mode!r} must be one of {_TO_REAL_MODES}")
        self.mode = mode
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        x = as_complex(x)
        if self.mode == "concat":
            return torch.cat([x.real, x.imag], dim=self.dim)
        if self.mode == "real":
            return x.real
        if self.mode == "imag":
            return x.imag
        if self.mode == "abs":
            return x.abs()
        if self.mode == "abs2":
            return x.real.square() + x.imag.square()
        return x.angle()

    def extra_repr(self) -> str:
        return f"mode={self.mode!r}, dim={self.dim}"


class RealToComplex(nn.Module):
    """Real features -> complex features.

    ``'zero_imag'``: ``x + 0i`` (same shape); ``'split'``: the channel axis ``dim`` holds
    ``[Re | Im]`` (DCN layout), ``(N, 2C, ...) -> (N, C, ...)``.
    """

    def __init__(self, mode: str = "zero_imag", dim: int = 1) -> None:
        super().__init__()
        if mode not in ("zero_imag", "split"):
            raise ValueError(f"mode={mode!r} must be 'zero_imag' or 'split'")
        self.mode = mode
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        if self.mode == "split":
            if x.is_complex():
                raise TypeError("RealToComplex('split') expects a real [Re | Im] tensor")
            return split_to_complex(x, self.dim)
        return as_complex(x)

    def extra_repr(self) -> str:
        return f"mode={self.mode!r}"


def count_real_parameters(module: nn.Module, trainable_only: bool = True) -> int:
    """Number of real scalars in the parameters (a complex entry counts 2)."""
    return sum(
        p.numel() * (2 if p.is_complex() else 1)
        for p in module.parameters()
        if p.requires_grad or not trainable_only
    )


def count_real_buffers(module: nn.Module) -> int:
    """Real scalars in the floating/complex buffers, skipping ``num_batches_tracked``.

    For batch norm these are the running statistics, i.e. what Keras counts as
    non-trainable parameters.
    """
    total = 0
    for name, b in module.named_buffers():
        if name.endswith("num_batches_tracked") or not (b.is_floating_point() or b.is_complex()):
            continue
        total += b.numel() * (2 if b.is_complex() else 1)
    return total
