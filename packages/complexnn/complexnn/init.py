"""Complex weight initialisers of Deep Complex Networks (Trabelsi et al. 2018, Sec. 3.6).

Fans use torch's rule applied to the complex weight's shape (``fan_in = size(1)·prod(k)``,
``fan_out = size(0)·prod(k)``), i.e. complex channels. Complex variance is ``E|W|^2``.

* ``complex_rayleigh_`` (DCN ``'complex'``): ``|W| ~ Rayleigh(σ)``, ``arg W ~ U(-π, π)``, with
  ``σ = 1/sqrt(fan_in + fan_out)`` (Glorot) or ``1/sqrt(fan_in)`` (He), so that
  ``Var(W) = 2σ^2``. DCN passes the variance where the scale belongs; that is not copied.
* ``complex_independent_`` (DCN ``'complex_independent'``): a semi-unitary matrix from the SVD of
  a uniform complex matrix, real and imaginary parts rescaled separately to ``1/(fan_in+fan_out)``
  or ``1/fan_in`` each.
* ``independent_filters_``: the real counterpart (orthogonal matrix, variance ``2/(…)``).

Every draw uses torch's RNG (or the given ``torch.Generator``), so two layers of the same shape
get different weights (DCN seeds every initialiser with 1337).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import Tensor, nn

__all__ = [
    "complex_rayleigh_",
    "complex_independent_",
    "independent_filters_",
    "semi_unitary",
    "sqrt_init_",
    "init_complex_weight",
    "CRITERIA",
]

CRITERIA = ("glorot", "he")


def _fans(weight: Tensor) -> tuple[int, int]:
    if weight.dim() < 2:
        raise ValueError(f"weight.dim()={weight.dim()} must be >= 2 to define fans")
    return nn.init._calculate_fan_in_and_fan_out(weight)


def _scale(criterion: str, fan_in: int, fan_out: int) -> float:
    """``1/(fan_in+fan_out)`` (Glorot) or ``1/fan_in`` (He)."""
    if criterion == "glorot":
        return 1.0 / (fan_in + fan_out)
    if criterion == "he":
        return 1.0 / fan_in
    raise ValueError(f"criterion={criterion!r} must be one of {CRITERIA}")


def _check_pair(weight_real: Tensor, weight_imag: Tensor) -> None:
    if weight_real.shape != weight_imag.shape:
        raise ValueError(
            f"weight_real.shape={tuple(weight_real.shape)} must equal "
            f"weight_imag.shape={tuple(weight_imag.shape)}"
        )


@torch.no_grad()
def complex_rayleigh_(
    weight_real: Tensor,
    weight_imag: Tensor,
    criterion: str = "glorot",
    fan: tuple[int, int] | None = None,
    generator: torch.Generator | None = None,
) -> tuple[Tensor, Tensor]:
    """Fill ``(weight_real, weight_imag)`` with ``W = ρ e^{iθ}``, ``ρ ~ Rayleigh(σ)``.

    ``σ^2 = _scale(criterion)`` so that ``E|W|^2 = 2σ^2 = 2/(fan_in+fan_out)`` (Glorot) or
    ``2/fan_in`` (He). ``fan`` overrides ``(fan_in, fan_out)``.
    """
    _check_pair(weight_real, weight_imag)
    fan_in, fan_out = fan if fan is not None else _fans(weight_real)
    sigma = math.sqrt(_scale(criterion, fan_in, fan_out))
    shape = weight_real.shape
    u = torch.rand(shape, generator=generator, dtype=torch.float64)
    modulus = sigma * torch.sqrt(-2.0 * torch.log1p(-u))
    phase = (torch.rand(shape, generator=generator, dtype=torch.float64) * 2 - 1) * math.pi
    weight_real.copy_(modulus * torch.cos(phase))
    weight_imag.copy_(modulus * torch.sin(phase))
    return weight_real, weight_imag


def _matrix_shape(shape: torch.Size) -> tuple[int, int]:
    """DCN's matrix view: ``(out·in, prod(k))`` for a kernel, ``(in, out)`` for a dense weight."""
    if len(shape) == 2:
        return shape[1], shape[0]
    return shape[0] * shape[1], math.prod(shape[2:])


def _from_matrix(matrix: Tensor, shape: torch.Size) -> Tensor:
    if len(shape) == 2:
        return matrix.transpose(0, 1)
    return matrix.reshape(shape)


def semi_unitary(
    rows: int, cols: int, complex: bool = True, generator: torch.Generator | None = None
) -> Tensor:
    """``Q = U I_{rows×cols} Vᴴ`` from the SVD of a uniform ``[0, 1)`` matrix, float64.

    ``complex=True`` draws ``Z = U[0,1) + i U[0,1)`` and returns a complex128 matrix with
    orthonormal columns (``rows >= cols``) or rows (``rows < cols``); ``complex=False`` draws a
    real matrix and returns an orthogonal float64 one.
    """
    z = torch.rand(rows, cols, generator=generator, dtype=torch.float64)
    if complex:
        z = torch.complex(z, torch.rand(rows, cols, generator=generator, dtype=torch.float64))
    u, _, vh = torch.linalg.svd(z, full_matrices=False)
    return u @ vh


def _rescale(part: Tensor, variance: float) -> Tensor:
    current = part.var(unbiased=False)
    if current <= 0:
        return part
    return part * math.sqrt(variance / current.item())


@torch.no_grad()
def complex_independent_(
    weight_real: Tensor,
    weight_imag: Tensor,
    criterion: str = "glorot",
    generator: torch.Generator | None = None,
) -> tuple[Tensor, Tensor]:
    """DCN "independent filters" complex init: semi-unitary matrix, parts rescaled separately.

    The kernel is viewed as a ``(out·in, prod(k))`` matrix (dense: ``(in, out)``); the real and
    imaginary parts of ``Q`` are each rescaled to variance ``1/(fan_in+fan_out)`` (Glorot) or
    ``1/fan_in`` (He), so the complex variance is twice that. Filters are mutually orthogonal only
    when ``out·in <= prod(k)``; otherwise it is the kernel taps that are.
    """
    _check_pair(weight_real, weight_imag)
    fan_in, fan_out = _fans(weight_real)
    variance = _scale(criterion, fan_in, fan_out)
    q = semi_unitary(*_matrix_shape(weight_real.shape), complex=True, generator=generator)
    weight_real.copy_(_from_matrix(_rescale(q.real, variance), weight_real.shape))
    weight_imag.copy_(_from_matrix(_rescale(q.imag, variance), weight_imag.shape))
    return weight_real, weight_imag


@torch.no_grad()
def independent_filters_(
    weight: Tensor, criterion: str = "glorot", generator: torch.Generator | None = None
) -> Tensor:
    """Real "independent filters" init: orthogonal matrix rescaled to ``2/(…)`` variance."""
    fan_in, fan_out = _fans(weight)
    variance = 2.0 * _scale(criterion, fan_in, fan_out)
    q = semi_unitary(*_matrix_shape(weight.shape), complex=False, generator=generator)
    weight.copy_(_from_matrix(_rescale(q, variance), weight.shape))
    return weight


@torch.no_grad()
def sqrt_init_(tensor: Tensor) -> Tensor:
    """Fill with ``1/sqrt(2)`` (DCN ``SqrtInit``: the batch-norm gamma diagonals)."""
    return tensor.fill_(1.0 / math.sqrt(2.0))


InitSpec = str | Callable[[Tensor, Tensor], object]


def init_complex_weight(
    weight_real: Tensor, weight_imag: Tensor, init: InitSpec = "complex", criterion: str = "he"
) -> None:
    """Dispatch the ``init=`` argument of the complex layers.

    ``'complex'`` -> :func:`complex_rayleigh_`, ``'complex_independent'`` ->
    :func:`complex_independent_`, ``'torch'`` -> torch's default real init
    (``kaiming_uniform_(a=sqrt(5))``) on each part, or a callable ``f(weight_real, weight_imag)``.
    """
    if callable(init):
        init(weight_real, weight_imag)
    elif init == "complex":
        complex_rayleigh_(weight_real, weight_imag, criterion)
    elif init == "complex_independent":
        complex_independent_(weight_real, weight_imag, criterion)
    elif init == "torch":
        nn.init.kaiming_uniform_(weight_real, a=math.sqrt(5))
        nn.init.kaiming_uniform_(weight_imag, a=math.sqrt(5))
    else:
        raise ValueError(
            f"init={init!r} must be 'complex', 'complex_independent', 'torch' or a callable"
        )
