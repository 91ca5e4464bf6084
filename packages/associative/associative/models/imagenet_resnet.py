"""ImageNet ResNets (torchvision-derived) with CSG-generated 3x3 convolutions.

Original: ``Implementations/Imagenet-1000/models/resnet.py``. ``Bottleneck`` generates its 3x3
(``code2``), ``BasicBlock`` both 3x3s (``code1``, ``code2``), ``BasicBlock2`` (the CSG
``resnet18``) only the first (``code1``). Generated convolutions are dense: ``groups`` and
``dilation`` are ignored by them, as in the original, so ResNeXt/wide CSG models have more
parameters than torchvision's. ``pretrained=True`` raises (no weights are downloaded).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from associative.csg import CSG, CSGNetwork, GeneratedConv, csg_config, generated_conv, run_blocks

__all__ = [
    "CODE_SIZE",
    "SLICE_SHAPE",
    "BasicBlock",
    "BasicBlock2",
    "BasicBlockOrg",
    "Bottleneck",
    "BottleneckOrg",
    "ResNet",
    "conv1x1",
    "conv3x3",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "resnet152",
    "resnext50_32x4d",
    "resnext101_32x8d",
    "wide_resnet50_2",
    "wide_resnet101_2",
]

CODE_SIZE = 128
SLICE_SHAPE = [16, 16, 3, 3]


def conv3x3(in_planes, out_planes, stride=1, groups=1, dilation=1) -> nn.Conv2d:
    """3x3 convolution with padding."""
    return nn.Conv2d(
        in_planes,
        out_planes,
        kernel_size=3,
        stride=stride,
        padding=dilation,
        groups=groups,
        bias=False,
        dilation=dilation,
    )


def conv1x1(in_planes, out_planes, stride=1) -> nn.Conv2d:
    """1x1 convolution."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


def _check_basic(groups: int, base_width: int, dilation: int) -> None:
    if groups != 1 or base_width != 64:
        raise ValueError(
            f"BasicBlock only supports groups=1 and base_width=64, got {groups=}, {base_width=}"
        )
    if dilation > 1:
        raise NotImplementedError(f"Dilation > 1 not supported in BasicBlock, got {dilation=}")


class BasicBlockOrg(nn.Module):
    """torchvision's basic block (two ordinary 3x3 convolutions)."""

    expansion = 1

    def __init__(
        self,
        inplanes,
        planes,
        CSG=None,  # accepted and ignored, as in the original
        stride=1,
        downsample=None,
        groups=1,
        base_width=64,
        dilation=1,
        norm_layer=None,
    ) -> None:
        super().__init__()
        norm_layer = norm_layer or nn.BatchNorm2d
        _check_basic(groups, base_width, dilation)
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class BottleneckOrg(nn.Module):
    """torchvision's bottleneck (1x1 -> 3x3 -> 1x1, expansion 4)."""

    expansion = 4

    def __init__(
        self,
        inplanes,
        planes,
        CSG=None,  # accepted and ignored, as in the original
        stride=1,
        downsample=None,
        groups=1,
        base_width=64,
        dilation=1,
        norm_layer=None,
    ) -> None:
        super().__init__()
        norm_layer = norm_layer or nn.BatchNorm2d
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = norm_layer(width)
        self.conv2 = conv3x3(width, width, stride, groups, dilation)
        self.bn2 = norm_layer(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = norm_layer(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


class BasicBlock(nn.Module):
    """Basic block with both 3x3 convolutions generated (``code1`` stride s, ``code2``)."""

    expansion = 1

    def __init__(
        self,
        inplanes,
        planes,
        CSG,  # the original's argument name
        stride=1,
        downsample=None,
        groups=1,
        base_width=64,
        dilation=1,
        norm_layer=None,
    ) -> None:
        super().__init__()
        self.CSG = CSG
        norm_layer = norm_layer or nn.BatchNorm2d
        _check_basic(groups, base_width, dilation)
        self.filter_size1, self.in_filters1, self.out_filters1 = 3, inplanes, planes
        self.filter_size2, self.in_filters2, self.out_filters2 = 3, planes, planes
        self.generated_convs = (
            GeneratedConv("code1", "conv1", inplanes, planes, 3, stride, 1),
            GeneratedConv("code2", "conv2", planes, planes, 3, 1, 1),
        )
        self.num_slices1 = self.generated_convs[0].num_slices(CSG.slice_shape)
        self.code1 = self.generated_convs[0].new_code(CSG.code_size, CSG.slice_shape)
        self.stride1 = stride
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.num_slices2 = self.generated_convs[1].num_slices(CSG.slice_shape)
        self.code2 = self.generated_convs[1].new_code(CSG.code_size, CSG.slice_shape)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Tensor, kernels: dict[str, Tensor] | None = None) -> Tensor:
        first, second = self.generated_convs
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(generated_conv(self, first, x, kernels)))
        out = self.bn2(generated_conv(self, second, out, kernels))
        return self.relu(out + identity)


class BasicBlock2(nn.Module):
    """Basic block with only the first 3x3 generated (``code1``); ``conv2`` is ordinary."""

    expansion = 1

    def __init__(
        self,
        inplanes,
        planes,
        CSG,  # the original's argument name
        stride=1,
        downsample=None,
        groups=1,
        base_width=64,
        dilation=1,
        norm_layer=None,
    ) -> None:
        super().__init__()
        self.CSG = CSG
        norm_layer = norm_layer or nn.BatchNorm2d
        _check_basic(groups, base_width, dilation)
        self.filter_size1, self.in_filters1, self.out_filters1 = 3, inplanes, planes
        self.generated_convs = (GeneratedConv("code1", "conv1", inplanes, planes, 3, stride, 1),)
        self.num_slices1 = self.generated_convs[0].num_slices(CSG.slice_shape)
        self.code1 = self.generated_convs[0].new_code(CSG.code_size, CSG.slice_shape)
        self.stride1 = stride
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Tensor, kernels: dict[str, Tensor] | None = None) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(generated_conv(self, self.generated_convs[0], x, kernels)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    """Bottleneck whose 3x3 (width -> width, stride) is generated (``code2``), dense and
    undilated whatever ``groups``/``dilation`` say."""

    expansion = 4

    def __init__(
        self,
        inplanes,
        planes,
        CSG,  # the original's argument name
        stride=1,
        downsample=None,
        groups=1,
        base_width=64,
        dilation=1,
        norm_layer=None,
    ) -> None:
        super().__init__()
        self.CSG = CSG
        norm_layer = norm_layer or nn.BatchNorm2d
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = norm_layer(width)
        self.stride2 = stride
        self.filter_size2, self.in_filters2, self.out_filters2 = 3, width, width
        self.generated_convs = (GeneratedConv("code2", "conv2", width, width, 3, stride, 1),)
        self.num_slices2 = self.generated_convs[0].num_slices(CSG.slice_shape)
        self.code2 = self.generated_convs[0].new_code(CSG.code_size, CSG.slice_shape)
        self.bn2 = norm_layer(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = norm_layer(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Tensor, kernels: dict[str, Tensor] | None = None) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(generated_conv(self, self.generated_convs[0], out, kernels)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


class ResNet(CSGNetwork):
    """ImageNet ResNet: (B, 3, H, W) -> (B, num_classes); stem 7x7/2, maxpool, four stages."""

    config_module = __name__

    def __init__(
        self,
        block,
        layers,
        num_classes=1000,
        zero_init_residual=False,
        groups=1,
        width_per_group=64,
        replace_stride_with_dilation=None,
        norm_layer=None,
        org=False,
        *,
        code_size: int | None = None,
        slice_shape: Sequence[int] | None = None,
        binary_csg: bool | None = None,
    ) -> None:
        super().__init__()
        norm_layer = norm_layer or nn.BatchNorm2d
        self._norm_layer = norm_layer
        if org:
            self.CSG = None
        else:
            code_size, slice_shape, binary = csg_config(
                self.config_module, code_size, slice_shape, binary_csg
            )
            self.CSG = CSG(code_size, slice_shape, binary=binary)
        self.inplanes = 64
        self.dilation = 1
        if replace_stride_with_dilation is None:
            replace_stride_with_dilation = [False, False, False]
        if len(replace_stride_with_dilation) != 3:
            raise ValueError(
                "replace_stride_with_dilation should be None or a 3-element tuple, got "
                f"{replace_stride_with_dilation}"
            )
        self.groups = groups
        self.base_width = width_per_group
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], 2, replace_stride_with_dilation[0])
        self.layer3 = self._make_layer(block, 256, layers[2], 2, replace_stride_with_dilation[1])
        self.layer4 = self._make_layer(block, 512, layers[3], 2, replace_stride_with_dilation[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, (Bottleneck, BottleneckOrg)):
                    nn.init.constant_(m.bn3.weight, 0)
                elif isinstance(m, (BasicBlock, BasicBlock2, BasicBlockOrg)):
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(self, block, planes, blocks, stride=1, dilate=False) -> nn.Sequential:
        norm_layer = self._norm_layer
        downsample = None
        previous_dilation = self.dilation
        if dilate:
            self.dilation *= stride
            stride = 1
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                conv1x1(self.inplanes, planes * block.expansion, stride),
                norm_layer(planes * block.expansion),
            )
        layers = [
            block(
                self.inplanes,
                planes,
                self.CSG,
                stride,
                downsample,
                self.groups,
                self.base_width,
                previous_dilation,
                norm_layer,
            )
        ]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(
                block(
                    self.inplanes,
                    planes,
                    self.CSG,
                    groups=self.groups,
                    base_width=self.base_width,
                    dilation=self.dilation,
                    norm_layer=norm_layer,
                )
            )
        return nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        kernels = self.generate_kernels()
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = run_blocks(self.layer1, x, kernels)
        x = run_blocks(self.layer2, x, kernels)
        x = run_blocks(self.layer3, x, kernels)
        x = run_blocks(self.layer4, x, kernels)
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


def _resnet(arch, block, layers, pretrained, progress, **kwargs) -> ResNet:
    if pretrained:
        raise ValueError(
            f"pretrained=True is not supported for {arch}: no weights are downloaded "
            "(the original's download path was disabled too); load a state_dict instead"
        )
    return ResNet(block, layers, **kwargs)


def resnet18(org=False, pretrained=False, progress=True, **kwargs) -> ResNet:
    """ResNet-18; the CSG form uses ``BasicBlock2`` (only the first 3x3 of a block generated)."""
    if org:
        return _resnet(
            "resnet18", BasicBlockOrg, [2, 2, 2, 2], pretrained, progress, org=True, **kwargs
        )
    return _resnet("resnet18", BasicBlock2, [2, 2, 2, 2], pretrained, progress, **kwargs)


def resnet34(pretrained=False, progress=True, **kwargs) -> ResNet:
    """ResNet-34 with both 3x3 convolutions of every block generated (no org switch)."""
    return _resnet("resnet34", BasicBlock, [3, 4, 6, 3], pretrained, progress, **kwargs)


def resnet50(org=False, pretrained=False, progress=True, **kwargs) -> ResNet:
    """ResNet-50 (CSG bottleneck 3x3s: 15,163,432 parameters; org: 25,557,032)."""
    if org:
        return _resnet(
            "resnet50", BottleneckOrg, [3, 4, 6, 3], pretrained, progress, org=True, **kwargs
        )
    return _resnet("resnet50", Bottleneck, [3, 4, 6, 3], pretrained, progress, **kwargs)


def resnet101(org=False, pretrained=False, progress=True, **kwargs) -> ResNet:
    """ResNet-101 (CSG: 24,685,608 parameters; org: 44,549,160)."""
    if org:
        return _resnet(
            "resnet101", BottleneckOrg, [3, 4, 23, 3], pretrained, progress, org=True, **kwargs
        )
    return _resnet("resnet101", Bottleneck, [3, 4, 23, 3], pretrained, progress, **kwargs)


def resnet152(pretrained=False, progress=True, **kwargs) -> ResNet:
    """ResNet-152 with CSG bottleneck 3x3s (no org switch)."""
    return _resnet("resnet152", Bottleneck, [3, 8, 36, 3], pretrained, progress, **kwargs)


def resnext50_32x4d(pretrained=False, progress=True, **kwargs) -> ResNet:
    """ResNeXt-50 32x4d; the generated 3x3s are dense (groups ignored)."""
    kwargs["groups"] = 32
    kwargs["width_per_group"] = 4
    return _resnet("resnext50_32x4d", Bottleneck, [3, 4, 6, 3], pretrained, progress, **kwargs)


def resnext101_32x8d(pretrained=False, progress=True, **kwargs) -> ResNet:
    """ResNeXt-101 32x8d; the generated 3x3s are dense (groups ignored)."""
    kwargs["groups"] = 32
    kwargs["width_per_group"] = 8
    return _resnet("resnext101_32x8d", Bottleneck, [3, 4, 23, 3], pretrained, progress, **kwargs)


def wide_resnet50_2(pretrained=False, progress=True, **kwargs) -> ResNet:
    """Wide ResNet-50-2 with CSG bottleneck 3x3s."""
    kwargs["width_per_group"] = 64 * 2
    return _resnet("wide_resnet50_2", Bottleneck, [3, 4, 6, 3], pretrained, progress, **kwargs)


def wide_resnet101_2(pretrained=False, progress=True, **kwargs) -> ResNet:
    """Wide ResNet-101-2 with CSG bottleneck 3x3s."""
    kwargs["width_per_group"] = 64 * 2
    return _resnet("wide_resnet101_2", Bottleneck, [3, 4, 23, 3], pretrained, progress, **kwargs)
