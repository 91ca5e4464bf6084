"""The DCN ResNets for CIFAR-10/100 and SVHN (Trabelsi et al. 2018, Sec. 4.1; DCN
``scripts/training.py``), complex and real.

Complex model, stage-2 width ``sf``, ``n`` blocks per stage, ``K`` classes:

1. :class:`LearnImaginaryBlock` (real): ``BN → ReLU → Conv1x1(3→3) → BN → ReLU → Conv1x1(3→3)``
   gives ``O``; the complex input is ``z0 = I + i·O``.
2. Stem ``ComplexConv3x3(3→sf) → ComplexBN → CReLU``.
3. Stage 2: ``n`` regular blocks at ``sf``; stage 3: a projection block ``sf → 2sf`` then ``n−1``
   regular blocks; stage 4: a projection block ``2sf → 4sf`` then ``n−1`` regular blocks.
4. Global average pool, flatten in split order ``[Re | Im]``, real ``Linear(8sf → K)``.

Regular block (pre-activation): ``z + conv(act(BN(conv(act(BN(z))))))``. Projection block:
residual ``conv(act(BN(conv_s2(act(BN(z))))))`` and shortcut ``conv1x1_s2(z)`` on the raw
input, concatenated ``[shortcut, residual]`` (shortcut channels first). The real model has the
same wiring with real layers, width doubled (``sf ← 2·sf``), and the 6-channel stem input
``[I, O]``. Convs have no bias; BN eps 1e-4, momentum 0.1 (Keras 0.9).

Extension (DCN issues #36/#39): ``imag_stem='zero'`` feeds ``I + 0i`` and ``'fft'`` the
orthonormal 2-D DFT of the image instead of the learned imaginary part (complex model only).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from ..activation import Cardioid, CReLU, ModReLU, ZReLU
from ..bn import ComplexBatchNorm2d
from ..conv import ComplexConv2d
from ..dropout import ComplexDropout
from ..fft import fft2, ifft2
from ..pool import spectral_pool
from ..utils import complex_to_split, split_to_complex

__all__ = [
    "SPECTRAL_POOL_SCHEMES",
    "ACTIVATIONS",
    "IMAG_STEMS",
    "LearnImaginaryBlock",
    "SpectralPool2d",
    "ComplexResidualBlock",
    "RealResidualBlock",
    "DCNResNet",
    "build_from_args",
]

SPECTRAL_POOL_SCHEMES = ("none", "stagemiddle", "proj", "nodownsample")
IMAG_STEMS = ("learn", "zero", "fft")
ACTIVATIONS = ("relu", "crelu", "modrelu", "zrelu", "cardioid")


def _he_normal_(weight: Tensor) -> Tensor:
    """Keras 2.0 ``he_normal``: truncated normal (±2σ), ``σ = sqrt(2/fan_in)``."""
    fan_in, _ = nn.init._calculate_fan_in_and_fan_out(weight)
    std = math.sqrt(2.0 / fan_in)
    return nn.init.trunc_normal_(weight, std=std, a=-2 * std, b=2 * std)


class LearnImaginaryBlock(nn.Module):
    """Real ``(N, 3, H, W)`` -> learned ``(N, 3, H, W)`` (the imaginary part of the input)."""

    def __init__(self, channels: int = 3, bn_eps: float = 1e-4, bn_momentum: float = 0.1):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(channels, eps=bn_eps, momentum=bn_momentum)
        self.conv1 = nn.Conv2d(channels, channels, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels, eps=bn_eps, momentum=bn_momentum)
        self.conv2 = nn.Conv2d(channels, channels, 1, bias=False)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _he_normal_(self.conv1.weight)
        _he_normal_(self.conv2.weight)

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv1(torch.relu(self.bn1(x)))
        return self.conv2(torch.relu(self.bn2(x)))


class SpectralPool2d(nn.Module):
    """``IFFT2(SpectralPooling2d(gamma)(FFT2(x)))`` (DCN ``applySpectralPooling``).

    Complex input stays complex. Real input is read in DCN's split layout (channel halves are
    the real and imaginary parts), as DCN's FFT2 layer does on the real model.
    """

    def __init__(self, gamma: float = 0.5) -> None:
        super().__init__()
        self.gamma = gamma

    def forward(self, x: Tensor) -> Tensor:
        if x.is_complex():
            return ifft2(spectral_pool(fft2(x), gamma=self.gamma))
        z = split_to_complex(x)
        return complex_to_split(ifft2(spectral_pool(fft2(z), gamma=self.gamma)))

    def extra_repr(self) -> str:
        return f"gamma={self.gamma}"


def _complex_act(name: str, channels: int) -> nn.Module:
    if name in ("relu", "crelu"):
        return CReLU()
    if name == "modrelu":
        return ModReLU(channels)
    if name == "zrelu":
        return ZReLU()
    if name == "cardioid":
        return Cardioid()
    raise ValueError(f"act={name!r} must be one of {ACTIVATIONS}")


class _ResidualBlock(nn.Module):
    """Pre-activation residual block; ``projection=True`` doubles the width by concatenation."""

    complex_valued = True

    def __init__(
        self,
        channels: int,
        projection: bool = False,
        downsample: bool = True,
        spectral_pool: nn.Module | None = None,
        act: str = "relu",
        dropout: float = 0.0,
        comp_init: str = "complex_independent",
        spectral_param: bool = False,
        bn_eps: float = 1e-4,
        bn_momentum: float = 0.1,
    ) -> None:
        super().__init__()
        self.projection = projection
        stride = 2 if projection and downsample else 1
        self.bn1 = self._bn(channels, bn_eps, bn_momentum)
        self.act1 = self._act(act, channels)
        self.pool = spectral_pool if projection else None
        self.conv1 = self._conv(channels, 3, stride, comp_init, spectral_param)
        self.bn2 = self._bn(channels, bn_eps, bn_momentum)
        self.act2 = self._act(act, channels)
        self.dropout = self._dropout(dropout) if dropout > 0 else None
        self.conv2 = self._conv(channels, 3, 1, comp_init, spectral_param)
        if projection:
            self.shortcut = self._conv(channels, 1, stride, comp_init, spectral_param)
        else:
            self.register_module("shortcut", None)

    def forward(self, x: Tensor) -> Tensor:
        out = self.act1(self.bn1(x))
        if self.pool is not None:
            out = self.pool(out)
        out = self.act2(self.bn2(self.conv1(out)))
        if self.dropout is not None:
            out = self.dropout(out)
        out = self.conv2(out)
        if not self.projection:
            return out + x
        shortcut_in = self.pool(x) if self.pool is not None else x
        return self._concat(self.shortcut(shortcut_in), out)


class ComplexResidualBlock(_ResidualBlock):
    """Complex pre-activation block on ``(N, c, H, W)`` complex maps (``c`` complex channels)."""

    @staticmethod
    def _bn(channels, eps, momentum):
        return ComplexBatchNorm2d(channels, eps=eps, momentum=momentum)

    @staticmethod
    def _act(name, channels):
        return _complex_act(name, channels)

    @staticmethod
    def _dropout(p):
        return ComplexDropout(p)

    @staticmethod
    def _conv(channels, kernel, stride, comp_init, spectral_param):
        return ComplexConv2d(
            channels,
            channels,
            kernel,
            stride=stride,
            padding=kernel // 2,
            bias=False,
            init=comp_init,
            criterion="he",
            spectral_parametrization=spectral_param,
        )

    @staticmethod
    def _concat(shortcut: Tensor, residual: Tensor) -> Tensor:
        return torch.cat([shortcut, residual], dim=1)


class RealResidualBlock(_ResidualBlock):
    """Real pre-activation block (ReLU, real BN, orthogonal(√2)-initialised convs)."""

    complex_valued = False

    @staticmethod
    def _bn(channels, eps, momentum):
        return nn.BatchNorm2d(channels, eps=eps, momentum=momentum)

    @staticmethod
    def _act(name, channels):
        return nn.ReLU()

    @staticmethod
    def _dropout(p):
        return nn.Dropout(p)

    @staticmethod
    def _conv(channels, kernel, stride, comp_init, spectral_param):
        conv = nn.Conv2d(channels, channels, kernel, stride, kernel // 2, bias=False)
        nn.init.orthogonal_(conv.weight, gain=math.sqrt(2))
        return conv

    @staticmethod
    def _concat(shortcut: Tensor, residual: Tensor) -> Tensor:
        """DCN's split layout keeps real channels as they are: ``[shortcut | residual]``."""
        return torch.cat([shortcut, residual], dim=1)


class DCNResNet(nn.Module):
    """DCN ResNet: real image ``(N, 3, H, W)`` (mean-subtracted) -> real logits ``(N, K)``.

    ``model='complex'`` (widths ``sf, 2sf, 4sf`` complex) or ``'real'`` (``2sf, 4sf, 8sf`` real).
    The paper's configurations: complex WS ``sf=12, n=16``, DN ``10, 23``, IB ``11, 19``; real
    WS ``9, 14``, DN ``7, 23``, IB ``8, 18``.
    """

    def __init__(
        self,
        model: str = "complex",
        start_filter: int = 11,
        num_blocks: int = 10,
        num_classes: int = 10,
        act: str = "crelu",
        spectral_pool_scheme: str = "none",
        spectral_pool_gamma: float = 0.5,
        spectral_param: bool = False,
        comp_init: str = "complex_independent",
        dropout: float = 0.0,
        bn_eps: float = 1e-4,
        bn_momentum: float = 0.1,
        in_channels: int = 3,
        imag_stem: str = "learn",
    ) -> None:
        super().__init__()
        if imag_stem not in IMAG_STEMS or (model == "real" and imag_stem != "learn"):
            raise ValueError(
                f"imag_stem={imag_stem!r} must be one of {IMAG_STEMS} (only 'learn' for the "
                f"real model), got it with model={model!r}"
            )
        if model not in ("complex", "real"):
            raise ValueError(f"model={model!r} must be 'complex' or 'real'")
        if spectral_pool_scheme not in SPECTRAL_POOL_SCHEMES:
            raise ValueError(
                f"spectral_pool_scheme={spectral_pool_scheme!r} must be one of "
                f"{SPECTRAL_POOL_SCHEMES}"
            )
        if act not in ACTIVATIONS:
            raise ValueError(f"act={act!r} must be one of {ACTIVATIONS}")
        if num_blocks < 1 or start_filter < 1:
            raise ValueError(
                f"num_blocks={num_blocks} and start_filter={start_filter} must be positive"
            )
        self.model = model
        self.start_filter = start_filter
        self.num_blocks = num_blocks
        self.num_classes = num_classes
        self.spectral_pool_scheme = spectral_pool_scheme
        self.spectral_pool_gamma = spectral_pool_gamma
        is_complex = model == "complex"
        sf = start_filter if is_complex else 2 * start_filter
        pooling = spectral_pool_gamma > 0 and spectral_pool_scheme != "none"
        scheme = spectral_pool_scheme if pooling else "none"

        def pool() -> nn.Module | None:
            return SpectralPool2d(spectral_pool_gamma)

        block_cls = ComplexResidualBlock if is_complex else RealResidualBlock
        common = {
            "act": act,
            "dropout": dropout,
            "comp_init": comp_init,
            "spectral_param": spectral_param,
            "bn_eps": bn_eps,
            "bn_momentum": bn_momentum,
        }

        self.imag_stem = imag_stem
        if imag_stem == "learn":
            self.learn_imag = LearnImaginaryBlock(in_channels, bn_eps, bn_momentum)
        else:
            self.register_module("learn_imag", None)
        if is_complex:
            self.conv1 = ComplexConv2d(
                in_channels,
                sf,
                3,
                padding=1,
                bias=False,
                init=comp_init,
                criterion="he",
                spectral_parametrization=spectral_param,
            )
            self.bn1 = ComplexBatchNorm2d(sf, eps=bn_eps, momentum=bn_momentum)
            self.act1 = _complex_act(act, sf)
        else:
            self.conv1 = nn.Conv2d(2 * in_channels, sf, 3, padding=1, bias=False)
            nn.init.orthogonal_(self.conv1.weight, gain=math.sqrt(2))
            self.bn1 = nn.BatchNorm2d(sf, eps=bn_eps, momentum=bn_momentum)
            self.act1 = nn.ReLU()

        stages = []
        width = sf
        for stage in range(3):
            layers: list[nn.Module] = []
            if stage == 0:
                regular = num_blocks
            else:
                layers.append(
                    block_cls(
                        width,
                        projection=True,
                        downsample=scheme != "nodownsample",
                        spectral_pool=pool() if scheme == "proj" else None,
                        **common,
                    )
                )
                width *= 2
                if scheme == "nodownsample":
                    layers.append(pool())
                regular = num_blocks - 1
            for i in range(regular):
                layers.append(block_cls(width, **common))
                if i == num_blocks // 2 and scheme == "stagemiddle":
                    layers.append(pool())
            stages.append(nn.Sequential(*layers))
        self.stage2, self.stage3, self.stage4 = stages
        self.final_pool = pool() if scheme == "nodownsample" else None
        features = 2 * width if is_complex else width
        self.classifier = nn.Linear(features, num_classes)
        nn.init.xavier_uniform_(self.classifier.weight)
        nn.init.zeros_(self.classifier.bias)

    def forward(self, x: Tensor) -> Tensor:
        if self.imag_stem == "fft":
            z = fft2(x)
        elif self.imag_stem == "zero":
            z = torch.complex(x, torch.zeros_like(x))
        elif self.model == "complex":
            z = torch.complex(x, self.learn_imag(x))
        else:
            z = torch.cat([x, self.learn_imag(x)], dim=1)
        z = self.act1(self.bn1(self.conv1(z)))
        z = self.stage4(self.stage3(self.stage2(z)))
        if self.final_pool is not None:
            z = self.final_pool(z)
        z = z.mean(dim=(-2, -1))
        if z.is_complex():
            z = torch.cat([z.real, z.imag], dim=1)
        return self.classifier(z)

    def weight_decay_parameters(self) -> list[nn.Parameter]:
        """The kernels DCN's L2 regulariser covers: every conv kernel (both parts of complex
        ones, the learn-imaginary 1x1 convs included) and the classifier kernel."""
        params = []
        for module in self.modules():
            if isinstance(module, ComplexConv2d):
                params += [module.weight_real, module.weight_imag]
            elif isinstance(module, nn.Conv2d | nn.Linear):
                params.append(module.weight)
        return params

    def extra_repr(self) -> str:
        return (
            f"model={self.model!r}, start_filter={self.start_filter}, "
            f"num_blocks={self.num_blocks}, num_classes={self.num_classes}, "
            f"spectral_pool_scheme={self.spectral_pool_scheme!r}"
        )


def build_from_args(args, num_classes: int, in_channels: int = 3) -> DCNResNet:
    """Build the network from ``scripts/run.py train`` arguments."""
    return DCNResNet(
        model=args.model,
        start_filter=args.start_filter,
        num_blocks=args.num_blocks,
        num_classes=num_classes,
        act=args.act,
        spectral_pool_scheme=args.spectral_pool_scheme,
        spectral_pool_gamma=args.spectral_pool_gamma,
        spectral_param=args.spectral_param,
        comp_init=args.comp_init,
        dropout=args.dropout,
        in_channels=in_channels,
        imag_stem=getattr(args, "imag_stem", "learn"),
    )
