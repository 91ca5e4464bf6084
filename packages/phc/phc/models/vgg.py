"""CIFAR VGGs shared by the real, quaternion and PHC flavours, and the real one.

``features``: for each integer v of the config, conv 3x3 pad 1 → ``BatchNorm2d(v)`` → ReLU;
``'M'`` → ``MaxPool2d(2, 2)``. ``classifier``: Dropout, FC(f0→f1), ReLU, Dropout, FC(f1→f1),
ReLU, real ``nn.Linear(f1, num_classes)`` with (f0, f1) = (512, 512) or (648, 516) for the
large configs. The flavour supplies the conv and the two hidden FCs. Input 32x32 (→ 1x1 after
five pools). state_dict keys: ``features.<i>.*``, ``classifier.{1,4,6}.*``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from torch import Tensor, nn

__all__ = [
    "VGG",
    "VGGBase",
    "cfg",
    "make_layers",
    "vgg11_bn",
    "vgg16_bn",
    "vgg19_bn",
    "vgg19large_bn",
]

cfg = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "A_large": [24, "M", 72, "M", 216, 216, "M", 648, 648, "M", 648, 648, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "D_large": [
        24,
        24,
        "M",
        72,
        72,
        "M",
        216,
        216,
        216,
        "M",
        648,
        648,
        648,
        "M",
        648,
        648,
        648,
        "M",
    ],
    "E": [64, 64, "M", 128, 128, "M", *[256] * 4, "M", *[512] * 4, "M", *[512] * 4, "M"],
    "E_large": [24, 24, "M", 72, 72, "M", *[216] * 4, "M", *[648] * 4, "M", *[648] * 4, "M"],
}


def make_layers(
    config: Sequence, channels: int, conv: Callable[[int, int], nn.Module], batch_norm: bool = True
) -> nn.Sequential:
    """The ``features`` stack of a config; ``conv(in, out)`` makes a 3x3, padding-1 conv."""
    layers: list[nn.Module] = []
    in_channels = channels
    for v in config:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        layers.append(conv(in_channels, v))
        if batch_norm:
            layers.append(nn.BatchNorm2d(v))
        layers.append(nn.ReLU(inplace=True))
        in_channels = v
    return nn.Sequential(*layers)


class VGGBase(nn.Module):
    """(B, C, 32, 32) -> (B, num_classes); ``fc(in, out)`` makes the two hidden FC layers."""

    def __init__(
        self,
        features: nn.Sequential,
        fc: Callable[[int, int], nn.Module],
        large: bool = False,
        num_classes: int = 10,
    ) -> None:
        super().__init__()
        self.features = features
        first, hidden = (648, 516) if large else (512, 512)
        self.classifier = nn.Sequential(
            nn.Dropout(),
            fc(first, hidden),
            nn.ReLU(True),
            nn.Dropout(),
            fc(hidden, hidden),
            nn.ReLU(True),
            nn.Linear(hidden, num_classes),
        )
        # The original re-draws every nn.Conv2d (only the real flavour has any) after building;
        # meta-device (shape-only) builds have nothing to draw.
        for module in self.modules():
            if isinstance(module, nn.Conv2d) and not module.weight.is_meta:
                fan = module.kernel_size[0] * module.kernel_size[1] * module.out_channels
                module.weight.data.normal_(0, math.sqrt(2.0 / fan))
                module.bias.data.zero_()

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.features(x).flatten(1))


def _real_conv(in_channels: int, out_channels: int) -> nn.Module:
    return nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1)


class VGG(VGGBase):
    """Real VGG: ``nn.Conv2d`` (with bias, re-drawn N(0, √(2/(9·v)))) and ``nn.Linear``."""

    def __init__(self, features: nn.Sequential, large: bool = False, num_classes: int = 10):
        super().__init__(features, nn.Linear, large, num_classes)


def vgg11_bn(channels: int = 3, num_classes: int = 10) -> VGG:
    """Real VGG11 with batch norm (the input is fixed to 3 channels, as in the original)."""
    return VGG(make_layers(cfg["A"], 3, _real_conv), num_classes=num_classes)


def vgg16_bn(channels: int = 3, num_classes: int = 10) -> VGG:
    """Real VGG16 with batch norm, 15,253,578 parameters (3-channel input, as the original)."""
    return VGG(make_layers(cfg["D"], 3, _real_conv), num_classes=num_classes)


def vgg19_bn(channels: int = 3, num_classes: int = 10) -> VGG:
    """Real VGG19 with batch norm."""
    return VGG(make_layers(cfg["E"], 3, _real_conv), num_classes=num_classes)


def vgg19large_bn(channels: int = 3, num_classes: int = 10) -> VGG:
    """Real VGG19 with batch norm and the large widths (config ``E_large``)."""
    return VGG(make_layers(cfg["E_large"], 3, _real_conv), large=True, num_classes=num_classes)
