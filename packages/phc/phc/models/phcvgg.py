"""PHC VGGs: ``PHConv(n, in, v, kernel_size=3, padding=1)`` convs and ``PHMLinear(n, ...)``
hidden FCs; the first conv takes ``channels`` inputs. ``layer_kwargs`` (``kron``) go to every
PHC/PHM layer; ``use_bias_in_forward`` only to the convs."""

from __future__ import annotations

from functools import partial

from torch import nn

from phc.layers import PHConv, PHMLinear
from phc.models.vgg import VGGBase, cfg, make_layers

__all__ = ["PHCVGG", "phcvgg11_bn", "phcvgg16_bn", "phcvgg19_bn", "phcvgg19large_bn"]


def _phc_conv(in_channels, out_channels, n, **layer_kwargs):
    return PHConv(n, in_channels, out_channels, kernel_size=3, padding=1, **layer_kwargs)


class PHCVGG(VGGBase):
    """PHC VGG with hypercomplex dimension ``n``."""

    def __init__(
        self,
        features: nn.Sequential,
        n: int,
        large: bool = False,
        num_classes: int = 10,
        **layer_kwargs,
    ) -> None:
        layer_kwargs.pop("use_bias_in_forward", None)
        super().__init__(features, partial(PHMLinear, n, **layer_kwargs), large, num_classes)


def _build(config, channels, n, large, num_classes, layer_kwargs) -> PHCVGG:
    features = make_layers(cfg[config], channels, partial(_phc_conv, n=n, **layer_kwargs))
    return PHCVGG(features, n, large=large, num_classes=num_classes, **layer_kwargs)


def phcvgg11_bn(channels: int = 3, n: int = 1, num_classes: int = 10, **kw) -> PHCVGG:
    """PHC VGG11 with batch norm."""
    return _build("A", channels, n, False, num_classes, kw)


def phcvgg16_bn(channels: int = 4, n: int = 1, num_classes: int = 10, **kw) -> PHCVGG:
    """PHC VGG16 with batch norm."""
    return _build("D", channels, n, False, num_classes, kw)


def phcvgg19_bn(channels: int = 4, n: int = 1, num_classes: int = 10, **kw) -> PHCVGG:
    """PHC VGG19 with batch norm."""
    return _build("E", channels, n, False, num_classes, kw)


def phcvgg19large_bn(channels: int = 3, n: int = 1, num_classes: int = 10, **kw) -> PHCVGG:
    """PHC VGG19 with batch norm and large widths (divisible by 2, 3 and 4)."""
    return _build("E_large", channels, n, True, num_classes, kw)
