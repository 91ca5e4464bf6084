"""The common backbone: a CIFAR-style ResNet whose every conv after the stem is the method's."""

from __future__ import annotations

from torch import Tensor, nn

from paramlab.ablation.registry import Parameterization

__all__ = ["BasicBlock", "ResNetBackbone", "stage_widths"]


def stage_widths(width: int) -> tuple[int, int, int]:
    """Widths of the three stages (He et al., 2016, CIFAR ResNets): w, 2w, 4w."""
    return width, 2 * width, 4 * width


class BasicBlock(nn.Module):
    """conv3x3 → norm → act → conv3x3 → norm, plus the shortcut (a 1x1 conv when the shape
    changes), then act. Every conv comes from the parameterization."""

    def __init__(
        self, method: Parameterization, in_channels: int, out_channels: int, stride: int, shared
    ):
        super().__init__()
        self.conv1 = method.conv(in_channels, out_channels, 3, stride, 1, False, **shared)
        self.norm1 = method.norm(out_channels)
        self.act1 = method.activation()
        self.conv2 = method.conv(out_channels, out_channels, 3, 1, 1, False, **shared)
        self.norm2 = method.norm(out_channels)
        self.act2 = method.activation()
        self.shortcut = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                method.conv(in_channels, out_channels, 1, stride, 0, False, **shared),
                method.norm(out_channels),
            )

    def forward(self, x: Tensor) -> Tensor:
        out = self.act1(self.norm1(self.conv1(x)))
        out = self.norm2(self.conv2(out))
        return self.act2(out + self.shortcut(x))


def _default_stem(in_channels: int, out_channels: int) -> nn.Module:
    return nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False)


def _default_pool(channels: int) -> nn.Module:
    return nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())


class ResNetBackbone(nn.Module):
    """(B, C_img, H, W) -> (B, num_classes); depth = 6·blocks_per_stage + 2 (8, 14, 20, ...).

    The stem and the classifier are the method's entry and exit (a real conv and a real linear
    layer unless the method says otherwise); the 3 stages of basic blocks use its convs.
    """

    def __init__(
        self,
        method: Parameterization,
        depth: int = 8,
        width: int = 16,
        in_channels: int = 1,
        num_classes: int = 10,
    ):
        super().__init__()
        if (depth - 2) % 6 or depth < 8:
            raise ValueError(f"depth={depth} must be 6·k + 2 with k ≥ 1 (8, 14, 20, 32, ...)")
        if width % method.width_multiple:
            raise ValueError(
                f"width={width} must be a multiple of {method.width_multiple} for {method.name}"
            )
        self.method_name = method.name
        self.shared = nn.ModuleDict(method.shared_modules() if method.shared_modules else {})
        shared = dict(self.shared.items())
        widths = stage_widths(width)
        self.stem = (method.stem or _default_stem)(in_channels, width)
        self.stem_norm = method.norm(width)
        self.stem_act = method.activation()
        blocks, channels = [], width
        for stage, stage_width in enumerate(widths):
            for index in range((depth - 2) // 6):
                stride = 2 if stage > 0 and index == 0 else 1
                blocks.append(BasicBlock(method, channels, stage_width, stride, shared))
                channels = stage_width
        self.blocks = nn.Sequential(*blocks)
        self.pool = (method.pool or _default_pool)(channels)
        self.classifier = nn.Linear(method.pooled_channels(channels), num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.stem_act(self.stem_norm(self.stem(x)))
        return self.classifier(self.pool(self.blocks(x)))
