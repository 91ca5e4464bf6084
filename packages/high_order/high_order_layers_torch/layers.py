"""Layer registry and small modules: factories, normalisations, switch/sum layers, rotations.

``from high_order_layers_torch.layers import *`` also brings every public name of
``FunctionalConvolution``, ``FunctionalConvolutionTranspose``, ``PolynomialLayers``,
``ProductLayer`` and ``utils`` (and ``torch``, ``nn``, ``Tensor``, ``math``, ``Callable``,
``Any``), as the original's star imports do.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn import Linear

from . import FunctionalConvolution as _convolution_module
from . import FunctionalConvolutionTranspose as _transpose_module
from . import ProductLayer as _product_module
from .FunctionalConvolution import *  # noqa: F403
from .FunctionalConvolution import (
    FourierConvolution1d,
    FourierConvolution2d,
    PiecewiseDiscontinuousPolynomialConvolution1d,
    PiecewiseDiscontinuousPolynomialConvolution2d,
    PiecewisePolynomialConvolution1d,
    PiecewisePolynomialConvolution2d,
    PolynomialConvolution1d,
    PolynomialConvolution2d,
)
from .FunctionalConvolutionTranspose import *  # noqa: F403
from .FunctionalConvolutionTranspose import PiecewisePolynomialConvolutionTranspose2d
from .PolynomialLayers import *  # noqa: F403
from .PolynomialLayers import (
    FourierSeries,
    PiecewiseDiscontinuousPolynomial,
    PiecewiseDiscontinuousPolynomialProd,
    PiecewiseND,
    PiecewisePolynomial,
    PiecewisePolynomialProd,
    Polynomial,
    Polynomial2D,
    Polynomial3D,
    Polynomial4D,
    Polynomial5D,
    PolynomialProd,
    initialize_polynomial_layer,
)
from .ProductLayer import *  # noqa: F403
from .ProductLayer import Product
from .utils import *  # noqa: F403
from .utils import (
    l2_normalization,
    max_abs_normalization,
    max_abs_normalization_last,
    max_abs_normalization_nd,
    max_center_normalization,
    max_center_normalization_last,
    max_center_normalization_nd,
)

__all__ = [
    "LazyLayerNormLastDim",
    "MaxAbsNormalizationLast",
    "MaxCenterNormalizationLast",
    "MaxAbsNormalization",
    "MaxCenterNormalization",
    "MaxCenterNormalizationND",
    "MaxAbsNormalizationND",
    "L2Normalization",
    "normalization_layers",
    "LinearAdapter",
    "LinearReluAdapter",
    "SumLayer",
    "SwitchLayer",
    "switch_continuous",
    "switch_discontinuous",
    "fc_layers",
    "convolutional_layers",
    "convolutional_transpose_layers",
    "fixed_rotation_layer",
    "high_order_fc_layers",
    "high_order_convolution_layers",
    "high_order_convolution_transpose_layers",
    "torch",
    "nn",
    "F",
    "Linear",
    "Tensor",
    "math",
    "Callable",
    "Any",
]


class LazyLayerNormLastDim(nn.Module):
    """Layer norm over the last dimension whose ``weight`` (ones) and ``bias`` (zeros) are
    created at the first forward, as in the original: an optimizer built before that never
    sees them. Loading a state_dict that has them creates them (so checkpoints load strictly).
    """

    def __init__(self, bias: bool = True):
        super().__init__()
        self._use_bias = bias
        self.weight = None
        self.bias = None

    def _create(self, size: int, device: Any, dtype: torch.dtype) -> None:
        self.weight = nn.Parameter(torch.ones(size, device=device, dtype=dtype))
        if self._use_bias:
            self.bias = nn.Parameter(torch.zeros(size, device=device, dtype=dtype))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, *args) -> None:
        stored = state_dict.get(prefix + "weight")
        if self.weight is None and stored is not None:
            self._create(stored.shape[0], stored.device, stored.dtype)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, *args)

    def forward(self, x: Tensor) -> Tensor:
        if self.weight is None:
            self._create(x.shape[-1], x.device, x.dtype)
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class _EpsNormalization(nn.Module):
    def __init__(self, eps: float = 1e-6):
        super().__init__()
        self._eps = eps

    def extra_repr(self) -> str:
        return f"eps={self._eps}"


class MaxAbsNormalizationLast(_EpsNormalization):
    """x / (max |x| over the last dimension + eps)."""

    def forward(self, x: Tensor) -> Tensor:
        return max_abs_normalization_last(x, eps=self._eps)


class MaxCenterNormalizationLast(_EpsNormalization):
    """(x − m) / (max − m + eps), m = (max + min)/2 over the last dimension."""

    def forward(self, x: Tensor) -> Tensor:
        return max_center_normalization_last(x, eps=self._eps)


class MaxAbsNormalization(_EpsNormalization):
    """x / (max |x| over ``dim`` + eps), per sample."""

    def __init__(self, eps: float = 1e-6, dim: int = 1):
        super().__init__(eps)
        self._dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return max_abs_normalization(x, eps=self._eps, dim=self._dim)


class MaxCenterNormalization(_EpsNormalization):
    """(x − m) / (max − m + eps), m = (max + min)/2 over dim 1."""

    def forward(self, x: Tensor) -> Tensor:
        return max_center_normalization(x, eps=self._eps)


class MaxCenterNormalizationND(_EpsNormalization):
    """Max-center normalisation over all non-batch dimensions."""

    def forward(self, x: Tensor) -> Tensor:
        return max_center_normalization_nd(x, eps=self._eps)


class MaxAbsNormalizationND(_EpsNormalization):
    """Max-abs normalisation over all non-batch dimensions (convolutions)."""

    def forward(self, x: Tensor) -> Tensor:
        return max_abs_normalization_nd(x, eps=self._eps)


class L2Normalization(_EpsNormalization):
    """x / (‖x‖₂ over dim 1 + eps)."""

    def forward(self, x: Tensor) -> Tensor:
        return l2_normalization(x, eps=self._eps)


normalization_layers = {
    "max_abs": MaxAbsNormalization,
    "max_center": MaxCenterNormalization,
    "l2": L2Normalization,
    "layer_norm": LazyLayerNormLastDim,
}


def LinearAdapter(*args, in_features: int, out_features: int, **kwargs) -> nn.Linear:
    """``baseline``: nn.Linear with bias; other keywords are ignored."""
    return Linear(in_features=in_features, out_features=out_features, bias=True)


class LinearReluAdapter(nn.Module):
    """``baseline_relu``: relu(Linear(x)); parameters ``f.weight``, ``f.bias``."""

    def __init__(self, *args, in_features: int, out_features: int, **kwargs):
        super().__init__()
        self.f = Linear(in_features=in_features, out_features=out_features, bias=True)

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(self.f(x))


class SumLayer(nn.Module):
    """Sum of the outputs of ``layer_list`` (registered as ``_layer_list.{k}``; the original
    kept them in a plain list, so they were neither saved nor trained)."""

    def __init__(self, *args, layer_list: list[nn.Module], **kwargs):
        super().__init__()
        self._layer_list = nn.ModuleList(layer_list)

    def forward(self, x: Tensor) -> Tensor:
        out = self._layer_list[0](x)
        for layer in self._layer_list[1:]:
            out = out + layer(x)
        return out


class SwitchLayer(nn.Module):
    """Product of ``num_input_layers`` identical fc layers, then ``normalization`` if given.

    The inner layers are registered as ``_layers.{k}`` (the original kept them in a plain
    list: its switch state_dicts are empty and its switch layers were never trained).
    """

    def __init__(
        self,
        layer_type: str,
        n: int,
        in_features: int,
        out_features: int,
        scale: float = 2.0,
        segments: int | None = None,
        normalization: Callable[[Tensor], Tensor] | None = None,
        num_input_layers: int = 2,
        device: Any = "cpu",
        **kwargs,
    ) -> None:
        super().__init__()
        self._in_features = in_features
        self._out_features = out_features
        self._layers = nn.ModuleList(
            high_order_fc_layers(
                layer_type=layer_type,
                n=n,
                in_features=in_features,
                out_features=out_features,
                segments=segments,
                rescale_output=False,
                scale=scale,
                periodicity=None,
                device=device,
            )
            for _ in range(num_input_layers)
        )
        self._normalization = normalization

    @property
    def in_features(self) -> int:
        return self._in_features

    @property
    def out_features(self) -> int:
        return self._out_features

    def forward(self, x: Tensor) -> Tensor:
        out = self._layers[0](x)
        for layer in self._layers[1:]:
            out = out * layer(x)
        if self._normalization is not None:
            out = self._normalization(out)
        return out

    def initialize(self, max_slope: float, max_offset: float) -> None:
        for layer in self._layers:
            initialize_polynomial_layer(layer_in=layer, max_slope=max_slope, max_offset=max_offset)

    def interpolate(self, layer_out: SwitchLayer) -> None:
        for layer_in, layer_target in zip(self._layers, layer_out._layers, strict=True):
            layer_in.interpolate(layer_target)

    def refine(self, layer_out: SwitchLayer) -> None:
        for layer_in, layer_target in zip(self._layers, layer_out._layers, strict=True):
            layer_in.refine(layer_target)


def switch_continuous(**kwargs) -> SwitchLayer:
    return SwitchLayer(layer_type="continuous", **kwargs)


def switch_discontinuous(**kwargs) -> SwitchLayer:
    return SwitchLayer(layer_type="discontinuous", **kwargs)


fc_layers = {
    "baseline_relu": LinearReluAdapter,
    "baseline": LinearAdapter,
    "continuous": PiecewisePolynomial,
    "continuous_prod": PiecewisePolynomialProd,
    "discontinuous": PiecewiseDiscontinuousPolynomial,
    "discontinuous_prod": PiecewiseDiscontinuousPolynomialProd,
    "polynomial": Polynomial,
    "polynomial_prod": PolynomialProd,
    "product": Product,
    "fourier": FourierSeries,
    "switch_continuous": switch_continuous,
    "switch_discontinuous": switch_discontinuous,
    "polynomial_2d": Polynomial2D,
    "polynomial_3d": Polynomial3D,
    "polynomial_4d": Polynomial4D,
    "polynomial_5d": Polynomial5D,
    "continuous_nd": PiecewiseND,
}


def _not_implemented(layer_type: str) -> Callable[..., nn.Module]:
    def build(**kwargs) -> nn.Module:
        raise ValueError(
            f"Convolutional layer type {layer_type} is listed but has no implementation "
            "(the original maps it to None)"
        )

    return build


convolutional_layers = {
    "continuous2d": PiecewisePolynomialConvolution2d,
    "continuous1d": PiecewisePolynomialConvolution1d,
    "continuous_prod2d": _not_implemented("continuous_prod2d"),
    "discontinuous2d": PiecewiseDiscontinuousPolynomialConvolution2d,
    "discontinuous1d": PiecewiseDiscontinuousPolynomialConvolution1d,
    "discontinuous_prod2d": _not_implemented("discontinuous_prod2d"),
    "polynomial2d": PolynomialConvolution2d,
    "polynomial1d": PolynomialConvolution1d,
    "polynomial_prod2d": _not_implemented("polynomial_prod2d"),
    "product2d": _not_implemented("product2d"),
    "fourier2d": FourierConvolution2d,
    "fourier1d": FourierConvolution1d,
}

convolutional_transpose_layers = {"continuous2d": PiecewisePolynomialConvolutionTranspose2d}


def fixed_rotation_layer(
    n: int, rotations: int = 2, normalize: bool = True
) -> tuple[nn.Linear, int]:
    """Frozen Linear(n, width, bias=False) producing the inputs and their pairwise rotations.

    Rows: for each i, e_i, then for each j > i and r = 1 … rotations−1 with θ = (π/2)(r /
    rotations): (cosθ e_i + sinθ e_j)/ν and (sinθ e_i − cosθ e_j)/ν, ν = |cosθ| + |sinθ| if
    ``normalize`` else 1. width = n + n(n−1)(rotations−1). Returns (layer, width).
    """
    if rotations < 1:
        raise ValueError(
            "Rotations must be 1 or greater. 1 represents no additional rotations. "
            f"Got rotations={rotations}"
        )
    rows = []
    for i in range(n):
        unit = [0.0] * n
        unit[i] = 1.0
        rows.append(unit)
        for j in range(i + 1, n):
            for r in range(1, rotations):
                theta = (math.pi / 2) * (r / rotations)
                rot_x, rot_y = math.cos(theta), math.sin(theta)
                norm = abs(rot_x) + abs(rot_y) if normalize else 1
                line = [0.0] * n
                line[i] += rot_x / norm
                line[j] += rot_y / norm
                orthogonal = [0.0] * n
                orthogonal[i] += rot_y / norm
                orthogonal[j] += -rot_x / norm
                rows.extend([line, orthogonal])
    width = n + n * (n - 1) * (rotations - 1)
    layer = nn.Linear(n, width, bias=False)
    layer.weight = nn.Parameter(torch.tensor(rows), requires_grad=False)
    return layer, width


def high_order_fc_layers(layer_type: str, **kwargs) -> nn.Module:
    """Build the fully connected layer registered as ``layer_type`` in ``fc_layers``."""
    if layer_type in fc_layers:
        return fc_layers[layer_type](**kwargs)
    raise ValueError(
        f"Fully connected layer type {layer_type} not recognized.  Must be one of "
        f"{list(fc_layers.keys())}"
    )


def high_order_convolution_layers(layer_type: str, **kwargs) -> nn.Module:
    """Build the convolution registered as ``layer_type`` in ``convolutional_layers``."""
    if layer_type in convolutional_layers:
        return convolutional_layers[layer_type](**kwargs)
    raise ValueError(
        f"Convolutional layer type {layer_type} not recognized.  Must be one of "
        f"{list(convolutional_layers.keys())}"
    )


def high_order_convolution_transpose_layers(layer_type: str, **kwargs) -> nn.Module:
    """Build the transposed convolution registered as ``layer_type``."""
    if layer_type in convolutional_transpose_layers:
        return convolutional_transpose_layers[layer_type](**kwargs)
    raise ValueError(
        f"ConvolutionalTranspose layer type {layer_type} not recognized.  Must be one of "
        f"{list(convolutional_transpose_layers.keys())}"
    )


__all__ += (
    _convolution_module.__all__
    + _transpose_module.__all__
    + _product_module.__all__
    + ["max_abs_normalization_nd"]
)
