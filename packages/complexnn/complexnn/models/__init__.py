"""Models of the DCN experiments."""

from .musicnet import MUSICNET_MODELS, build_musicnet_model
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
    "MUSICNET_MODELS",
    "build_musicnet_model",
]
