"""Models of the DCN experiments."""

from .resnet import (
    ComplexResidualBlock,
    DCNResNet,
    LearnImaginaryBlock,
    RealResidualBlock,
    SpectralPool2d,
    build_from_args,
)

__all__ = [
    "ComplexResidualBlock",
    "DCNResNet",
    "LearnImaginaryBlock",
    "RealResidualBlock",
    "SpectralPool2d",
    "build_from_args",
]
