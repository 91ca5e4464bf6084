"""``export_plain``: materialise every generated kernel into an ordinary ``nn.Conv2d``."""

from __future__ import annotations

import copy

import torch
from torch import nn

from associative.csg import CSGNetwork

__all__ = ["export_plain"]


def export_plain(model: CSGNetwork) -> CSGNetwork:
    """A copy of ``model`` in which each generated convolution is an ``nn.Conv2d`` holding its
    current kernel, registered under the org model's name (``conv_a``, ``conv2``, ...).

    The copy has no CSG and no codes, gives the same outputs as ``model`` and costs nothing to
    generate; its state_dict has the keys of the ``org`` network of the same architecture where
    one exists (CIFAR ResNet, DenseNet, MobileNetV2, ShuffleNetV2, ImageNet resnet18/50/101).
    This is also what the original's unused ``reg_mode`` meant to do: continue with ordinary
    kernels initialised from the trained slices. ``model`` itself is not changed.
    """
    plain = copy.deepcopy(model)
    csg = getattr(plain, "CSG", None)
    if csg is None:
        return plain
    with torch.no_grad():
        for block, spec in plain.generated_layers():
            kernel = spec.kernel(block)
            conv = nn.Conv2d(
                spec.in_channels,
                spec.out_channels,
                spec.kernel_size,
                stride=spec.stride,
                padding=spec.padding,
                dilation=spec.dilation,
                bias=False,
                device=kernel.device,
                dtype=kernel.dtype,
            )
            conv.weight.copy_(kernel)
            delattr(block, spec.code)
            block.add_module(spec.plain, conv)
    for module in plain.modules():
        if "CSG" in module._modules:
            module.CSG = None
    return plain
