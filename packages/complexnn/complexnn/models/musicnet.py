"""The MusicNet note-prediction models of DCN (``musicnet/musicnet/models``), real and complex.

Inputs are windows of 4096 samples at 11 kHz, ``(N, 1, 4096)``: real models take the raw window
(shallow) or the modulus of its FFT (deep, ``--fourier``); complex models take the complex
window or its FFT as one complex channel. Every model returns 84 *logits* (MIDI notes 21..104):
DCN's sigmoid output layer is the sigmoid inside ``BCEWithLogitsLoss``; the output bias starts at
−5 as in DCN.

* ``shallow_convnet``: Conv1d(1→64, k 512, stride 16) ReLU → MaxPool(4, 2) → Linear(→2048) ReLU
  → Linear(→84);
* ``complex_shallow_convnet``: ComplexConv1d(1→32, k 512, stride 16) CReLU → AvgPool(4, 2) →
  ComplexLinear(→2048) CReLU → ComplexLinear(→84) → real part;
* ``deep_convnet``: six 'valid' Conv1d ``(64,k7,s3) (64,k3,s2) (128,k3) (128,k3) (256,k3)
  (256,k3)`` with BN + ReLU + MaxPool(2, 2) after layers 1–4 and 6 (layer 5: ReLU) → Linear(4608
  → 2048) ReLU → Linear(→84);
* ``complex_deep_convnet``: six 'same' ComplexConv1d ``(16,k6,s2) (32,k3,s2) (64,k3) (64,k3)
  (128,k3) (128,k3)`` (``complex_independent`` init), ComplexBN + CReLU + AvgPool(2, 2) after
  layers 1–4 and 6 (layer 5: CReLU) → split-order flatten (8192) → Linear(→2048) ReLU →
  Linear(→84);
* ``mlp``: Flatten → Linear(4096→2048) ReLU → Linear(→84) (real only).

Keras' ``glorot_normal`` is ``xavier_normal_`` here; 'same' padding puts the odd extra sample on
the right, as TensorFlow does.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..activation import CReLU
from ..bn import ComplexBatchNorm1d
from ..conv import ComplexConv1d
from ..dense import ComplexLinear
from ..pool import ComplexAvgPool1d
from ..utils import as_complex

__all__ = ["MUSICNET_MODELS", "OUTPUT_SIZE", "WINDOW_SIZE", "build_musicnet_model", "lr_schedule"]

WINDOW_SIZE = 4096
OUTPUT_SIZE = 84


def lr_schedule(epoch: int) -> float:
    """DCN's MusicNet Adam schedule (epoch from 0)."""
    for limit, lr in ((10, 1e-3), (100, 1e-4), (120, 5e-5), (150, 1e-5)):
        if epoch < limit:
            return lr
    return 1e-6


def _glorot(layer: nn.Module) -> nn.Module:
    nn.init.xavier_normal_(layer.weight)
    nn.init.zeros_(layer.bias)
    return layer


def _glorot_uniform(layer: nn.Module) -> nn.Module:
    """Keras' default Dense kernel init."""
    nn.init.xavier_uniform_(layer.weight)
    return layer


def _output(layer: nn.Module) -> nn.Module:
    """DCN's output layer: bias −5 (the kernel keeps the layer's init)."""
    if isinstance(layer, ComplexLinear):
        nn.init.constant_(layer.bias_real, -5.0)
        nn.init.constant_(layer.bias_imag, -5.0)
    else:
        nn.init.constant_(layer.bias, -5.0)
    return layer


class SamePad1d(nn.Module):
    """Zero padding that makes a strided conv 'same': output length ``ceil(L / stride)``."""

    def __init__(self, kernel_size: int, stride: int) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        length = x.shape[-1]
        total = max(
            (math.ceil(length / self.stride) - 1) * self.stride + self.kernel_size - length, 0
        )
        pad = (total // 2, total - total // 2)
        if x.is_complex():
            return torch.complex(F.pad(x.real, pad), F.pad(x.imag, pad))
        return F.pad(x, pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}"


class ComplexFlatten(nn.Module):
    """Complex ``(N, C, T)`` -> real ``(N, 2·C·T)`` in split order ``[Re | Im]``."""

    def forward(self, x: Tensor) -> Tensor:
        x = as_complex(x)
        return torch.cat([x.real.flatten(1), x.imag.flatten(1)], dim=1)


class RealPart(nn.Module):
    """``z -> Re z`` (DCN applies ``GetReal`` to the shallow complex model's output)."""

    def forward(self, x: Tensor) -> Tensor:
        return as_complex(x).real


def mlp(window_size: int = WINDOW_SIZE, output_size: int = OUTPUT_SIZE) -> nn.Sequential:
    return nn.Sequential(
        nn.Flatten(),
        _glorot(nn.Linear(window_size, 2048)),
        nn.ReLU(),
        _output(_glorot(nn.Linear(2048, output_size))),
    )


def shallow_convnet(window_size=WINDOW_SIZE, channels=1, output_size=OUTPUT_SIZE):
    length = ((window_size - 512) // 16 + 1 - 4) // 2 + 1
    return nn.Sequential(
        _glorot(nn.Conv1d(channels, 64, 512, stride=16)),
        nn.ReLU(),
        nn.MaxPool1d(4, 2),
        nn.Flatten(),
        _glorot(nn.Linear(64 * length, 2048)),
        nn.ReLU(),
        _output(_glorot_uniform(nn.Linear(2048, output_size))),
    )


def complex_shallow_convnet(window_size=WINDOW_SIZE, channels=1, output_size=OUTPUT_SIZE):
    length = ((window_size - 512) // 16 + 1 - 4) // 2 + 1
    return nn.Sequential(
        ComplexConv1d(channels, 32, 512, stride=16),
        CReLU(),
        ComplexAvgPool1d(4, 2),
        nn.Flatten(),
        ComplexLinear(32 * length, 2048),
        CReLU(),
        _output(ComplexLinear(2048, output_size)),
        RealPart(),
    )


_DEEP = ((64, 7, 3), (64, 3, 2), (128, 3, 1), (128, 3, 1), (256, 3, 1), (256, 3, 1))
_DEEP_COMPLEX = ((16, 6, 2), (32, 3, 2), (64, 3, 1), (64, 3, 1), (128, 3, 1), (128, 3, 1))


def deep_convnet(window_size=WINDOW_SIZE, channels=1, output_size=OUTPUT_SIZE):
    layers: list[nn.Module] = []
    length, c_in = window_size, channels
    for index, (c_out, k, s) in enumerate(_DEEP):
        layers.append(_glorot(nn.Conv1d(c_in, c_out, k, stride=s)))
        length = (length - k) // s + 1
        if index == 4:
            layers.append(nn.ReLU())
        else:
            layers += [
                nn.BatchNorm1d(c_out, eps=1e-3, momentum=0.01),
                nn.ReLU(),
                nn.MaxPool1d(2, 2),
            ]
            length //= 2
        c_in = c_out
    layers += [
        nn.Flatten(),
        _glorot(nn.Linear(c_in * length, 2048)),
        nn.ReLU(),
        _output(_glorot_uniform(nn.Linear(2048, output_size))),
    ]
    return nn.Sequential(*layers)


def complex_deep_convnet(window_size=WINDOW_SIZE, channels=1, output_size=OUTPUT_SIZE):
    layers: list[nn.Module] = []
    length, c_in = window_size, channels
    for index, (c_out, k, s) in enumerate(_DEEP_COMPLEX):
        layers += [
            SamePad1d(k, s),
            ComplexConv1d(c_in, c_out, k, stride=s, init="complex_independent"),
        ]
        length = math.ceil(length / s)
        if index == 4:
            layers.append(CReLU())
        else:
            layers += [
                ComplexBatchNorm1d(c_out, eps=1e-4, momentum=0.1),
                CReLU(),
                ComplexAvgPool1d(2, 2),
            ]
            length //= 2
        c_in = c_out
    layers += [
        ComplexFlatten(),
        _glorot(nn.Linear(2 * c_in * length, 2048)),
        nn.ReLU(),
        _output(_glorot_uniform(nn.Linear(2048, output_size))),
    ]
    return nn.Sequential(*layers)


MUSICNET_MODELS = {
    "mlp": mlp,
    "shallow_convnet": shallow_convnet,
    "deep_convnet": deep_convnet,
    "complex_shallow_convnet": complex_shallow_convnet,
    "complex_deep_convnet": complex_deep_convnet,
}


def build_musicnet_model(name: str, window_size: int = WINDOW_SIZE, output_size: int = OUTPUT_SIZE):
    """Build a model by its DCN name (``--model``); ``mlp`` exists for the real family only."""
    if name not in MUSICNET_MODELS:
        raise ValueError(f"model={name!r} must be one of {tuple(MUSICNET_MODELS)}")
    if name == "mlp":
        return mlp(window_size, output_size)
    return MUSICNET_MODELS[name](window_size, 1, output_size)
