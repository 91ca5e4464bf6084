"""Parameterized hypercomplex layers: PHM linear and PHC convolutions (1d, 2d, 3d).

A layer with hypercomplex dimension ``n`` learns the algebra ``A`` (n, n, n) and the filters
``F`` (n, O/n, I/n, *k) and uses the weight (Grassucci et al., ICLR 2022, Eq. 3)

    W = Σ_{i=0}^{n-1} A_i ⊗ F_i,   W[r·O/n + p, c·I/n + q, ...] = Σ_i A[i, r, c] · F[i, p, q, ...]

of shape (O, I, *k): about 1/n of the parameters of the dense layer. The weight is built by
:func:`paramlab.kron.kron_sum` (one einsum, no n-times larger intermediate) or, with
``kron="sequential"``, by :func:`paramlab.kron.kron_sum_sequential`, which reproduces the
original's broadcast-then-sum weight bit for bit.

Two spellings of every class:

* torch.nn-shaped: ``PHConv2d(in_channels, out_channels, kernel_size, stride=1, padding=0,
  dilation=1, bias=True, *, n=4, ...)``, ``PHLinear(in_features, out_features, bias=True, *,
  n=4, ...)`` (likewise ``PHConv1d``, ``PHConv3d``);
* the original's: ``PHConv(n, in_features, out_features, kernel_size, padding=0, stride=1,
  cuda=True)`` (also ``PHMConv``, its pre-rename name), ``PHConv1D`` / ``PHConv3D`` (with
  ``dilation``), ``PHMLinear(n, in_features, out_features, cuda=True)`` and
  ``PHMLinearLegacy`` (parameters named ``a`` / ``s`` as in the original ``layers/ph_layers.py``).
  The ``cuda`` argument is accepted and ignored: the device follows the parameters.

State_dict keys and order are the original's: ``bias``, ``A``, ``F`` (conv) and ``bias``,
``A``, ``S`` (linear). The conv bias is created, initialised, counted and saved but, as in the
original, not added in the forward pass; ``use_bias_in_forward=True`` adds it.
:func:`remap_legacy_keys` renames the pre-rename keys (``.a`` → ``.A``, conv ``.s`` → ``.F``,
linear ``.s`` → ``.S``) so old checkpoints load strictly into these classes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn import init

from paramlab.kron import kron_sum, kron_sum_sequential

__all__ = [
    "PHConv",
    "PHConv1D",
    "PHConv1d",
    "PHConv2d",
    "PHConv3D",
    "PHConv3d",
    "PHLinear",
    "PHMConv",
    "PHMLinear",
    "PHMLinearLegacy",
    "remap_legacy_keys",
]

_KRON = {"einsum": kron_sum, "sequential": kron_sum_sequential}


def _tuple(value, dims: int, name: str) -> tuple[int, ...]:
    if isinstance(value, int):
        return (value,) * dims
    value = tuple(value)
    if len(value) != dims:
        raise ValueError(f"{name}={value} must be an int or a tuple of {dims} ints")
    return value


def _check_divisible(n: int, in_size: int, out_size: int, what: str) -> None:
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n={n!r} must be a positive integer")
    for name, size in ((f"in_{what}", in_size), (f"out_{what}", out_size)):
        if size % n != 0:
            raise ValueError(f"{name}={size} must be divisible by n={n}")


class _PHBase(nn.Module):
    """Shared parameters and initialisation of the PHM / PHC layers."""

    _factor_names = ("A", "F")

    def _build(self, n, in_size, out_size, kernel, bias, kron, device, dtype):
        if kron not in _KRON:
            raise ValueError(f"kron={kron!r} must be one of {sorted(_KRON)}")
        self.n = n
        self.kron = kron
        self._in_size, self._out_size = in_size, out_size
        factory = {"device": device, "dtype": dtype}
        # Registration order is the original's: bias, A, F (or S).
        if bias:
            self.bias = nn.Parameter(torch.empty(out_size, **factory))
        else:
            self.register_parameter("bias", None)
        a_name, f_name = self._factor_names
        self.register_parameter(a_name, nn.Parameter(torch.empty(n, n, n, **factory)))
        shape = (n, out_size // n, in_size // n, *kernel)
        self.register_parameter(f_name, nn.Parameter(torch.empty(shape, **factory)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Xavier-uniform A, then Xavier-uniform F, then bias ~ U(±1/√I): the original's order.

        Consuming the torch RNG in this order reproduces the original's seeded initialisation
        bit for bit (on the same device).
        """
        algebra, filters = self.factors()
        init.xavier_uniform_(algebra)
        init.xavier_uniform_(filters)
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self._in_size)
            init.uniform_(self.bias, -bound, bound)

    def factors(self) -> tuple[Tensor, Tensor]:
        """The learned (A (n, n, n), F (n, O/n, I/n, *k)) pair."""
        a_name, f_name = self._factor_names
        return getattr(self, a_name), getattr(self, f_name)

    def build_weight(self) -> Tensor:
        """(O, I, *k): W = Σ_i A_i ⊗ F_i, built fresh on every call (never stored)."""
        return _KRON[self.kron](*self.factors())


class _PHConvNd(_PHBase):
    _dims = 0
    _conv = None

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        bias: bool = True,
        *,
        n: int = 4,
        use_bias_in_forward: bool = False,
        kron: str = "einsum",
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        _check_divisible(n, in_channels, out_channels, "channels")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _tuple(kernel_size, self._dims, "kernel_size")
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.use_bias_in_forward = use_bias_in_forward
        self._build(n, in_channels, out_channels, self.kernel_size, bias, kron, device, dtype)

    @property
    def in_features(self) -> int:
        """The original's name for ``in_channels``."""
        return self.in_channels

    @property
    def out_features(self) -> int:
        """The original's name for ``out_channels``."""
        return self.out_channels

    def forward(self, input: Tensor) -> Tensor:
        """(B, I, *S) -> (B, O, *S'); conv(x, Σ_i A_i ⊗ F_i), input cast to the weight's dtype."""
        weight = self.build_weight()
        bias = self.bias if self.use_bias_in_forward else None
        return type(self)._conv(
            input.to(weight.dtype), weight, bias, self.stride, self.padding, self.dilation
        )

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, padding={self.padding}, dilation={self.dilation}, "
            f"n={self.n}, bias={self.bias is not None}, "
            f"use_bias_in_forward={self.use_bias_in_forward}, kron={self.kron!r}"
        )


class PHConv1d(_PHConvNd):
    """PHC 1-D convolution: (B, I, L) -> (B, O, L'); F has shape (n, O/n, I/n, k)."""

    _dims = 1
    _conv = staticmethod(F.conv1d)


class PHConv2d(_PHConvNd):
    """PHC 2-D convolution: (B, I, H, W) -> (B, O, H', W'); F has shape (n, O/n, I/n, k, k)."""

    _dims = 2
    _conv = staticmethod(F.conv2d)


class PHConv3d(_PHConvNd):
    """PHC 3-D convolution: (B, I, D, H, W) -> (B, O, D', H', W'); F (n, O/n, I/n, k, k, k)."""

    _dims = 3
    _conv = staticmethod(F.conv3d)


class PHConv(PHConv2d):
    """The original's ``PHConv(n, in_features, out_features, kernel_size, padding=0, stride=1,
    cuda=True)`` (``PHConv2d`` of ``layers/ph_layers.py``); ``cuda`` is ignored."""

    def __init__(
        self, n, in_features, out_features, kernel_size, padding=0, stride=1, cuda=True, **kwargs
    ) -> None:
        super().__init__(
            in_features, out_features, kernel_size, stride=stride, padding=padding, n=n, **kwargs
        )


PHMConv = PHConv


class PHConv1D(PHConv1d):
    """The original's ``PHConv1D(n, in_features, out_features, kernel_size, padding=0, stride=1,
    dilation=1, cuda=True)``; ``cuda`` is ignored."""

    def __init__(
        self,
        n,
        in_features,
        out_features,
        kernel_size,
        padding=0,
        stride=1,
        dilation=1,
        cuda=True,
        **kwargs,
    ) -> None:
        super().__init__(
            in_features,
            out_features,
            kernel_size,
            stride=stride,
            padding=padding,
            dilation=dilation,
            n=n,
            **kwargs,
        )


class PHConv3D(PHConv3d):
    """The original's ``PHConv3D(n, in_features, out_features, kernel_size, padding=0, stride=1,
    dilation=1, cuda=True)``; ``cuda`` is ignored."""

    def __init__(
        self,
        n,
        in_features,
        out_features,
        kernel_size,
        padding=0,
        stride=1,
        dilation=1,
        cuda=True,
        **kwargs,
    ) -> None:
        super().__init__(
            in_features,
            out_features,
            kernel_size,
            stride=stride,
            padding=padding,
            dilation=dilation,
            n=n,
            **kwargs,
        )


class PHLinear(_PHBase):
    """PHM linear layer: (*, I) -> (*, O); y = x Hᵀ + bias with H = Σ_i A_i ⊗ S_i (Eq. 2).

    Parameters ``bias`` (O,), ``A`` (n, n, n), ``S`` (n, O/n, I/n); n³ + O·I/n + O in all.
    """

    _factor_names = ("A", "S")

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        n: int = 4,
        kron: str = "einsum",
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        _check_divisible(n, in_features, out_features, "features")
        self.in_features = in_features
        self.out_features = out_features
        self._build(n, in_features, out_features, (), bias, kron, device, dtype)

    def forward(self, input: Tensor) -> Tensor:
        """(*, I) -> (*, O); the input is cast to the weight's dtype first (as the original)."""
        weight = self.build_weight()
        return F.linear(input.to(weight.dtype), weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, n={self.n}, "
            f"bias={self.bias is not None}, kron={self.kron!r}"
        )


class PHMLinear(PHLinear):
    """The original's ``PHMLinear(n, in_features, out_features, cuda=True)``; keys bias, A, S."""

    def __init__(self, n, in_features, out_features, cuda=True, **kwargs) -> None:
        super().__init__(in_features, out_features, n=n, **kwargs)


class PHMLinearLegacy(PHMLinear):
    """``PHMLinear`` of the original ``layers/ph_layers.py``: the same layer with its parameters
    named ``a`` and ``s`` (state_dict keys ``bias``, ``a``, ``s``)."""

    _factor_names = ("a", "s")


def remap_legacy_keys(state_dict: Mapping[str, Tensor], model: nn.Module) -> dict[str, Tensor]:
    """Rename pre-rename PHM keys for ``model``: ``<m>.a`` → ``<m>.A`` and ``<m>.s`` → ``<m>.F``
    (PHC conv) or ``<m>.S`` (PHM linear), for every PHM/PHC submodule ``<m>`` of ``model``.

    Use: ``model.load_state_dict(remap_legacy_keys(torch.load(path, weights_only=True),
    model))``. Keys of other modules, and keys already in the new spelling, pass unchanged.
    """
    targets = {}
    for prefix, module in model.named_modules():
        if isinstance(module, _PHBase):
            dot = f"{prefix}." if prefix else ""
            a_name, f_name = module._factor_names
            targets[f"{dot}a"] = f"{dot}{a_name}"
            targets[f"{dot}s"] = f"{dot}{f_name}"
    return {targets.get(key, key): value for key, value in state_dict.items()}
