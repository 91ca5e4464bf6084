"""complexnn's parameterization inside paramlab's common ablation backbone."""

import torch
from complexnn import ComplexBatchNorm2d, ComplexConv2d
from complexnn.ablation import parameterizations

from paramlab.ablation import ResNetBackbone, available
from paramlab.ablation.registry import real
from paramlab.testing import count_parameters

(COMPLEX,) = parameterizations()


def test_installed_package_registers_complex():
    assert available()["complex"].package == "paramlab-complexnn"


def test_convs_and_norms_are_complex_and_the_head_reads_re_and_im():
    model = ResNetBackbone(COMPLEX, depth=8, width=8)
    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d | ComplexConv2d)]
    assert len(convs) == 1 + 8 and all(isinstance(m, ComplexConv2d) for m in convs)
    assert all(
        isinstance(m, ComplexBatchNorm2d)
        for m in model.modules()
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm | ComplexBatchNorm2d)
    )
    assert model.classifier.in_features == 2 * 32
    logits = model(torch.randn(2, 1, 16, 16))
    assert logits.shape == (2, 10) and not logits.is_complex()


def test_complex_convs_hold_twice_the_real_weights():
    width = 8
    dense = ResNetBackbone(real, width=width)
    ours = ResNetBackbone(COMPLEX, width=width)

    def conv_params(model, kinds):
        return sum(count_parameters(m) for m in model.blocks.modules() if isinstance(m, kinds))

    assert conv_params(ours, ComplexConv2d) == 2 * conv_params(dense, torch.nn.Conv2d)
