"""high_order's parameterizations for ``paramlab ablate`` (entry point ``paramlab.layers``).

Every backbone conv is a high-order convolution: each input patch value passes through a
learned function per (input, output) link — a piecewise Lagrange polynomial (continuous or
discontinuous, ``segments=2``), a single polynomial, or a Fourier series, with ``n=3`` nodes or
terms — and the results are summed.

Normalisation between layers: the layers are nonlinear themselves, so the backbone adds no
ReLU. Every conv output goes through the backbone's ``BatchNorm2d`` (as for every method) and
then, in place of the ReLU, through ``MaxAbsNormalizationND``: each sample is divided by its
largest magnitude over (C, H, W), as the original's high-order CNNs normalise between layers
(``normalization: max_abs``, the default of its MNIST example). That keeps every conv input in
[-1, 1], where the nodes lie and outside which the polynomials extrapolate. They train under the
ablation's shared recipe like every other method (AdamW, one-cycle schedule; the original trains
them with Adam-family optimizers too).
"""

from __future__ import annotations

from functools import partial

from paramlab.ablation import Parameterization

from .layers import MaxAbsNormalizationND, high_order_convolution_layers

__all__ = ["parameterizations"]

# ablation name -> (layer type, extra keyword arguments, summary)
_VARIANTS = {
    "piecewise-continuous": ("continuous2d", {"segments": 2}, "continuous piecewise polynomial"),
    "piecewise-discontinuous": (
        "discontinuous2d",
        {"segments": 2},
        "discontinuous piecewise polynomial",
    ),
    "polynomial": ("polynomial2d", {}, "Lagrange polynomial"),
    "fourier": ("fourier2d", {}, "Fourier series"),
}


def _conv(
    in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True, *, layer_type, extra
):
    return high_order_convolution_layers(
        layer_type=layer_type,
        n=3,
        in_channels=in_channels,
        out_channels=out_channels,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        bias=bias,
        **extra,
    )


def parameterizations() -> list[Parameterization]:
    """The four high-order conv families, n = 3 nodes or terms."""
    return [
        Parameterization(
            name=f"high-order-{name}",
            summary=f"high-order conv, {summary} per link, n=3 (high-order-layers-torch)",
            conv=partial(_conv, layer_type=layer_type, extra=extra),
            activation=MaxAbsNormalizationND,
        )
        for name, (layer_type, extra, summary) in _VARIANTS.items()
    ]
